/** Cloud function `admin`: staff, stores and the audit log (typings/contract/admin.ts). */
import { createHandler } from '../../_shared/handler';
import { auditList } from './audit-list';
import { managerAdd, managerList, managerRemove, managerUpdate } from './managers';
import {
  managerAccept,
  managerInvite,
  managerInviteInfo,
  managerInviteRevoke,
  managerInvites,
} from './staff-invites';
import { storeAdd, storeList, storeUpdate } from './stores';

export const main = createHandler('admin', {
  'manager.list': managerList,
  'manager.add': managerAdd,
  'manager.update': managerUpdate,
  'manager.remove': managerRemove,
  'manager.invite': managerInvite,
  'manager.invites': managerInvites,
  'manager.inviteRevoke': managerInviteRevoke,
  'manager.inviteInfo': managerInviteInfo,
  'manager.accept': managerAccept,
  'store.list': storeList,
  'store.add': storeAdd,
  'store.update': storeUpdate,
  'audit.list': auditList,
});
