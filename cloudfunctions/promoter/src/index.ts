/**
 * Cloud function `promoter`: roles, promoters, invites, join requests, messages and promotion data
 * (contract: typings/contract/promoter.ts). WeChat is the source of truth for promoters; the
 * `promoters` collection mirrors it (see read-model.ts).
 */
import { createHandler } from '../../_shared/handler';
import { inviteActions } from './actions/invites';
import { joinRequestActions } from './actions/join-requests';
import { meActions } from './actions/me';
import { messageActions } from './actions/messages';
import { promoterActions } from './actions/promoters';
import { promotionActions } from './actions/promotion';
import { reminderActions } from './actions/reminders';
import { roleActions } from './actions/roles';

export const main = createHandler('promoter', {
  ...meActions,
  ...roleActions,
  ...promoterActions,
  ...reminderActions,
  ...inviteActions,
  ...joinRequestActions,
  ...promotionActions,
  ...messageActions,
});
