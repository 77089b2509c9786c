/** Typed calls to the `admin` cloud function. */
import type { ActionName, ActionParams } from '../../typings/contract/index';
import { cloudFunction } from './cloud';

type P<A extends ActionName<'admin'>> = ActionParams<'admin', A>;
const call = cloudFunction('admin');

export const adminService = {
  listManagers: () => call('manager.list', {}),
  addManager: (p: P<'manager.add'>) => call('manager.add', p),
  updateManager: (p: P<'manager.update'>) => call('manager.update', p),
  removeManager: (openid: string) => call('manager.remove', { openid }),
  inviteManager: (p: P<'manager.invite'>) => call('manager.invite', p),
  listManagerInvites: () => call('manager.invites', {}),
  revokeManagerInvite: (token: string) => call('manager.inviteRevoke', { token }),
  managerInviteInfo: (token: string) => call('manager.inviteInfo', { token }),
  acceptManagerInvite: (p: P<'manager.accept'>) => call('manager.accept', p),
  listStores: () => call('store.list', {}),
  addStore: (p: P<'store.add'>) => call('store.add', p),
  updateStore: (p: P<'store.update'>) => call('store.update', p),
  listAudit: (p: P<'audit.list'>) => call('audit.list', p),
};
