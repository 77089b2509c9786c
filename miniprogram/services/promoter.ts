/** Typed calls to the `promoter` cloud function. */
import type { ActionName, ActionParams } from '../../typings/contract/index';
import { cloudFunction } from './cloud';

type P<A extends ActionName<'promoter'>> = ActionParams<'promoter', A>;
const call = cloudFunction('promoter');

export const promoterService = {
  whoami: () => call('me.whoami', {}),
  myStatus: () => call('me.status', {}),
  subscribe: (templateIds: string[]) => call('me.subscribe', { templateIds }),
  phoneNumber: (code: string) => call('me.phoneNumber', { code }),

  listRoles: () => call('role.list', {}),
  addRole: (p: P<'role.add'>) => call('role.add', p),
  updateRole: (p: P<'role.update'>) => call('role.update', p),

  declare: (p: P<'promoter.declare'>) => call('promoter.declare', p),
  list: (p: P<'promoter.list'>) => call('promoter.list', p),
  get: (id: string) => call('promoter.get', { id }),
  update: (p: P<'promoter.update'>) => call('promoter.update', p),
  cancel: (id: string) => call('promoter.cancel', { id }),
  redeclare: (id: string) => call('promoter.redeclare', { id }),
  remind: (p: P<'promoter.remind'>) => call('promoter.remind', p),
  sync: () => call('promoter.sync', {}),

  importUpload: (p: P<'import.upload'>) => call('import.upload', p),
  importStart: (p: P<'import.start'>) => call('import.start', p),
  importStatus: (p: P<'import.status'>) => call('import.status', p),
  importResume: (p: P<'import.resume'>) => call('import.resume', p),
  importCancel: (jobId: string) => call('import.cancel', { jobId }),
  importList: (p: P<'import.list'> = {}) => call('import.list', p),

  createInvite: (p: P<'invite.create'>) => call('invite.create', p),
  getInvite: (token: string) => call('invite.get', { token }),

  requestJoin: (p: P<'join.request'>) => call('join.request', p),
  listJoinRequests: (p: P<'join.list'>) => call('join.list', p),
  approveJoin: (ids: string[]) => call('join.approve', { ids }),
  rejectJoin: (ids: string[], reason?: string) => call('join.reject', reason ? { ids, reason } : { ids }),

  shareMaterial: (p: P<'share.material'>) => call('share.material', p),

  sendMessage: (p: P<'message.send'>) => call('message.send', p),
  listMessages: (p: P<'message.list'>) => call('message.list', p),
  messageStatus: (id: string) => call('message.status', { id }),
  messageClicks: (p: P<'message.clicks'>) => call('message.clicks', p),

  summary: (p: P<'stats.summary'> = {}) => call('stats.summary', p),
  relations: (p: P<'stats.relations'>) => call('stats.relations', p),
  orders: (p: P<'stats.orders'>) => call('stats.orders', p),
  results: (p: P<'stats.results'>) => call('stats.results', p),
};
