/**
 * Cloud function `promoter`: roles, promoters, invites, join requests, messages and promotion data
 * (contract: typings/contract/promoter.ts). WeChat is the source of truth for promoters; the
 * `promoters` collection mirrors it (see read-model.ts).
 */
import * as cloud from 'wx-server-sdk';
import { createHandler } from '../../_shared/handler';
import { inviteActions } from './actions/invites';
import { joinRequestActions } from './actions/join-requests';
import { meActions } from './actions/me';
import { messageActions } from './actions/messages';
import { promoterActions } from './actions/promoters';
import { promotionActions } from './actions/promotion';
import { reminderActions } from './actions/reminders';
import { roleActions } from './actions/roles';
import { importActions } from './import/actions';
import { isTimerEvent, runDueJobs } from './import/timer';
import { RESULTS_TIMER, resultsActions, runResultsTimer } from './results/actions';

const actions = createHandler('promoter', {
  ...meActions,
  ...roleActions,
  ...promoterActions,
  ...reminderActions,
  ...inviteActions,
  ...joinRequestActions,
  ...promotionActions,
  ...messageActions,
  ...importActions,
  ...resultsActions,
});

/**
 * A timer trigger (config.json) has no caller: `promotionResults` runs the results refresh's next slice,
 * any other the import jobs' next slices. Anything with a caller goes to the actions, whatever it sends
 * (a mini program cannot pose as the timer).
 */
export function main(event: unknown, context?: unknown): Promise<unknown> {
  // Synchronous, before any await: the caller's identity is only in the environment right now.
  const { OPENID } = (cloud as unknown as { getWXContext(): { OPENID?: unknown } }).getWXContext();
  if (!OPENID && isTimerEvent(event)) {
    return event.TriggerName === RESULTS_TIMER ? runResultsTimer(event) : runDueJobs(event);
  }
  return actions(event, context);
}
