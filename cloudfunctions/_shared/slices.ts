/**
 * What every background job that calls WeChat in slices shares (the import jobs, import/runner.ts; the
 * promotion results refresh, promoter/src/results/refresh.ts): one invocation works for a time budget
 * under a lease it renews (heartbeat), keeps at most N WeChat calls in flight (Semaphore), backs off
 * on transient failures (-1, 45011, HTTP 5xx, timeouts) with jitter that never outlives the slice, and
 * pauses until the next day in China on 45009 (the daily quota of an API, which WeChat resets at
 * midnight China time; docs/wechat-api.md "Global error codes").
 */
import { type Lease, renewLease } from './lease';
import { log } from './log';
import { WechatApiError } from './errors';

/** WeChat's "daily quota of the API reached": never retried, the job pauses until the next day. */
export const QUOTA_ERRCODE = 45009;

const CHINA_OFFSET_S = 8 * 3600;

export function isQuotaExceeded(err: unknown): boolean {
  return err instanceof WechatApiError && err.errcode === QUOTA_ERRCODE;
}

/** Unix seconds of midnight, China time (UTC+8, no daylight saving), of the day `at` falls on. */
export function chinaDayStart(at: number): number {
  return Math.floor((at + CHINA_OFFSET_S) / 86_400) * 86_400 - CHINA_OFFSET_S;
}

/** WeChat's daily quotas start again at midnight, China time. */
export function nextChinaMidnight(at: number): number {
  return chinaDayStart(at) + 86_400;
}

/** At most `limit` holders at once. */
export class Semaphore {
  private waiting: Array<() => void> = [];
  constructor(private free: number) {}
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * The pause before attempt `attempt + 1` of a slice's WeChat call after a transient failure: half to
 * all of min(5 s, 200 ms · 2^(attempt−1)), never past the slice's `deadline` (Date.now() ms).
 */
export function sliceBackoffMs(
  attempt: number,
  deadline: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(5_000, 200 * 2 ** (attempt - 1));
  return Math.min(ceiling / 2 + random() * (ceiling / 2), deadline - Date.now());
}

/**
 * Renews `lease` every `everyMs` while a slice works; `onLost` when someone took it over (the slice
 * must then stop writing), `onBeat` for whatever else the job checks each beat (a cancel). Returns
 * the stop function.
 */
export function leaseHeartbeat(
  lease: Lease,
  everyMs: number,
  onLost: () => void,
  onBeat?: () => Promise<void>,
): () => void {
  let beating = false;
  const timer = setInterval(() => {
    if (beating) return;
    beating = true;
    (async () => {
      if (!(await renewLease(lease))) onLost();
      if (onBeat) await onBeat();
    })()
      .catch((err: unknown) => log.warn('lease_heartbeat_failed', { key: lease.key, error: err }))
      .finally(() => {
        beating = false;
      });
  }, everyMs);
  return () => clearInterval(timer);
}
