/**
 * The timer trigger (config.json `triggers`, every minute): runs a slice of each import job that has
 * work left, oldest first, within one invocation's budget. A job another invocation holds is skipped
 * (its lease); a paused job waits for its resumeAt.
 *
 * CloudBase calls a timer-triggered function with `{ Type: 'Timer', TriggerName, Time }` and no caller
 * (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/functions/triggers.html).
 */
import { log } from '../../../_shared/log';
import { cmd } from '../../../_shared/db';
import { db } from '../../../_shared/db';
import { IMPORT_COLLECTIONS, type JobDoc, importSettings } from './model';
import { runSlice } from './runner';

export interface TimerEvent {
  Type: 'Timer';
  TriggerName: string;
  Time?: string;
}

export function isTimerEvent(event: unknown): event is TimerEvent {
  return (
    !!event &&
    typeof event === 'object' &&
    (event as { Type?: unknown }).Type === 'Timer' &&
    typeof (event as { TriggerName?: unknown }).TriggerName === 'string'
  );
}

/** Jobs looked at per timer invocation. */
const JOBS_PER_TICK = 20;

export async function runDueJobs(event: TimerEvent): Promise<{ ok: true; data: { ran: string[] } }> {
  const started = Date.now();
  const budget = importSettings().sliceMs;
  const _ = cmd();
  const now = Math.floor(started / 1000);
  const { data: jobs } = await db()
    .collection<JobDoc>(IMPORT_COLLECTIONS.jobs)
    .where(
      _.or(
        { state: _.in(['queued', 'running']) },
        { state: 'paused', resumeAt: _.lte(now) },
      ) as unknown as Record<string, unknown>,
    )
    .orderBy('createdAtMs', 'asc')
    .limit(JOBS_PER_TICK)
    .get();
  const ran: string[] = [];
  for (const job of jobs) {
    const left = budget - (Date.now() - started);
    if (left < 1000) break;
    const outcome = await runSlice(job._id, `timer:${event.TriggerName}`, left);
    if (outcome === 'worked') ran.push(job._id);
  }
  log.info('import_timer', { trigger: event.TriggerName, jobs: jobs.length, ran: ran.length });
  return { ok: true, data: { ran } };
}
