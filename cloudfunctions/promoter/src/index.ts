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
import { type TimerEvent, isTimerEvent, runDueJobs } from './import/timer';
import { RESULTS_TIMER, resultsActions, runResultsTimer } from './results/actions';
import { continueWalk } from './read-model';
import { promoterApi } from '../../_shared/wechat/promoter-api';
import { nowSeconds } from '../../_shared/db';

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

/** Continues an unfinished full sync of the read model (read-model.ts). */
async function continueSync(event: TimerEvent) {
  const walk = await continueWalk(promoterApi(), nowSeconds(), `timer:${event.TriggerName}`);
  return {
    ok: true,
    data: { walked: walk !== null, ...(walk ? { done: walk.done, pages: walk.pages } : {}) },
  };
}

/** The timer triggers of config.json, by name. */
const TIMERS: Record<string, (event: TimerEvent) => Promise<unknown>> = {
  importJobs: runDueJobs,
  promoterSync: continueSync,
  [RESULTS_TIMER]: runResultsTimer,
};

/**
 * A timer trigger (config.json) has no caller: `importJobs` runs the import jobs' next slices,
 * `promoterSync` goes on with an unfinished sync of the read model, `promotionResults` runs the results
 * refresh's next slice. Anything with a caller goes to the actions, whatever it sends (a mini program
 * cannot pose as the timer).
 */
export function main(event: unknown, context?: unknown): Promise<unknown> {
  // Synchronous, before any await: the caller's identity is only in the environment right now.
  const { OPENID } = (cloud as unknown as { getWXContext(): { OPENID?: unknown } }).getWXContext();
  if (!OPENID && isTimerEvent(event)) {
    const timer = TIMERS[event.TriggerName];
    if (timer) return timer(event);
  }
  return actions(event, context);
}
