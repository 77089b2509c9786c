/**
 * The promotion results aggregate (docs/promotion-results.md): what is stored, China-time day keys and
 * the settings of the refresh.
 *
 * - `result_days`: one document per promoter per China day with any result, `_id` =
 *   `<promoterId>:<yyyymmdd>`: visits (getrelation rows created that day), orders paid that day, their
 *   paid and refunded amounts in fen, and the promoter's current storeId and roleId, so a store's totals
 *   are one match on (storeId, day). Days older than KEEP_DAYS are pruned after each pass.
 * - `result_marks`: per promoter (`_id` = promoter id) where its next getrelation read starts.
 * - `sync_state/results`: the pass (an unfinished walk's checkpoint, the last finished pass, a 45009
 *   pause); `sync_state/results-request`: when a reader last asked for a refresh.
 */
import { durationMs } from '../../../_shared/config';
import { AppError } from '../../../_shared/errors';
import { chinaDayStart } from '../../../_shared/slices';

export const DAY_S = 86_400;
/** Days kept: the longest window (30, today included) and one more, for a pass that crosses midnight. */
export const KEEP_DAYS = 31;
/** getrelation re-reads from the start of the China day of (last read − overlap): late rows, clock skew. */
export const RELATIONS_OVERLAP_S = 300;
/** Pulls (≤ 1000 rows each) of one promoter's relations or orders in one refresh. */
export const MAX_PULLS = 50;
export const RESULTS_STATE_ID = 'results';
export const RESULTS_REQUEST_ID = 'results-request';
export const RESULTS_LEASE = 'results:refresh';
export const RESULTS_TIMER = 'promotionResults';
/** Promoters read from the mirror at a time; the pass's checkpoint moves after each batch. */
export const BATCH = 50;
/** The pass lease is renewed this often (it counts as abandoned LEASE_STALE_S after the last renewal). */
export const LEASE_RENEW_MS = 5_000;
/** Attempts of one promoter's reads that fail as busy or unreachable (after the client's own retries). */
export const MAX_ATTEMPTS = 3;

export interface ResultDayDoc {
  promoterId: string;
  storeId: string;
  roleId: number;
  /** yyyymmdd, China time */
  day: number;
  visits: number;
  orders: number;
  paidFen: number;
  refundedFen: number;
  /** paidFen − refundedFen, stored so the top promoters are one sorted aggregate */
  netFen: number;
}

export interface ResultMark {
  /** Unix seconds: begin_time of this promoter's next getrelation read (a China midnight). */
  relationsFrom: number;
  refreshedAt: number;
}

/** An unfinished pass over the bound promoters. */
export interface ResultsPass {
  /** Unix seconds. */
  startedAt: number;
  /** The last promoter id (in _id order) whose results are written. */
  after?: string;
  promoters: number;
  calls: number;
  slices: number;
  /** Promoters WeChat refused to answer for (not busy: e.g. 103007); skipped. */
  failed: number;
}

export interface ResultsState {
  pass?: ResultsPass;
  /** Unix seconds: when the last finished pass started (its data is at least that fresh). */
  lastPassStartedAt?: number;
  lastPassEndedAt?: number;
  /** The last finished pass's figures (docs/promotion-results.md). */
  lastPass?: Omit<ResultsPass, 'after' | 'startedAt'>;
  /** 45009: no pass until then (unix seconds, the next China midnight). */
  pausedUntil?: number;
  /** The rollup generation readers use (rollup.ts); absent before the first finished pass. */
  rollupGen?: number;
}

/**
 * Settings (environment of the promoter function):
 * - RESULTS_SLICE_MS: how long one invocation refreshes (default 20 000);
 * - RESULTS_CONCURRENCY: promoters read from WeChat at once (default 8; each makes 2 or more calls);
 * - RESULTS_EVERY_S: a pass starts when the last one started this long ago (default 21 600, 6 h);
 * - RESULTS_MIN_GAP_S: a reader's request starts one no sooner than this after the last (default 1 800).
 */
export function resultsSettings() {
  const setting = (name: string, fallback: number, min: number, max: number): number => {
    const raw = process.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new AppError('CONFIG_ERROR', `环境变量 ${name} 应为 ${min}–${max} 之间的整数`);
    }
    return value;
  };
  return {
    sliceMs: durationMs('RESULTS_SLICE_MS', 20_000, 1, 50_000),
    concurrency: setting('RESULTS_CONCURRENCY', 8, 1, 32),
    everyS: setting('RESULTS_EVERY_S', 21_600, 60, 7 * DAY_S),
    minGapS: setting('RESULTS_MIN_GAP_S', 1_800, 0, 7 * DAY_S),
  };
}

/** yyyymmdd of the China day `at` (unix seconds) falls on. */
export function dayKey(at: number): number {
  const d = new Date((chinaDayStart(at) + 8 * 3600) * 1000);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** 20261206 → '2026-12-06' */
export function dayText(key: number): string {
  const s = String(key);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** The day keys of the `days` China days ending today, oldest first. */
export function windowDays(now: number, days: number): number[] {
  const today = chinaDayStart(now);
  return Array.from({ length: days }, (_, i) => dayKey(today - (days - 1 - i) * DAY_S));
}

/** Unix seconds of the first moment kept (midnight China time, KEEP_DAYS − 1 days before today). */
export function keepFrom(now: number): number {
  return chinaDayStart(now) - (KEEP_DAYS - 1) * DAY_S;
}
