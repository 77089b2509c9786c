/**
 * The promotion results refresh (docs/promotion-results.md): a pass walks the BOUND promoters of the
 * read model in _id order and, for each, reads its reach rows (getrelation) and orders (getorder) from
 * WeChat into `result_days`. WeChat answers both per promoter only, so a pass costs at least two calls
 * per bound promoter; it runs in slices (RESULTS_SLICE_MS) under the lease `results:refresh`, renewed
 * by a heartbeat, with RESULTS_CONCURRENCY promoters in flight, a checkpoint after every batch of
 * BATCH promoters, backoff on -1 / 45011 / 5xx / timeouts and a pause until the next China midnight
 * on 45009 (_shared/slices.ts, shared with the import jobs).
 *
 * Per promoter, every write is a recomputation, never an increment, so a promoter read twice (a slice
 * that died after writing but before its checkpoint) changes nothing:
 * - visits: getrelation with begin_time = the mark's `relationsFrom` (first time: the start of the
 *   kept window), every pull; the days from that day to today are counted again whole and replace
 *   what was stored. The next mark is the China midnight before (now − RELATIONS_OVERLAP_S).
 * - orders: getorder with no filter, every pull (usually one: ≤ 1000 orders a pull). An order's status
 *   changes when it is refunded, and getorder filters only by payment date, so re-reading every order
 *   is one call where re-reading the window day by day would be 31. Orders paid inside the kept
 *   window are counted by payment day (paid, and refunded when status is 2) and replace the stored ones.
 */
import { COLLECTIONS } from '../../../_shared/collections';
import {
  type Stored,
  cmd,
  collection,
  findAll,
  findSome,
  getDoc,
  putDoc,
  removeIds,
} from '../../../_shared/db';
import { WechatApiError, WechatUnavailableError } from '../../../_shared/errors';
import { type Lease, releaseLease, tryAcquireLease } from '../../../_shared/lease';
import { log } from '../../../_shared/log';
import { isTransient } from '../../../_shared/wechat/http';
import { type PromoterApi, promoterApi } from '../../../_shared/wechat/promoter-api';
import type { DataPage } from '../../../_shared/wechat/promoter-wire';
import {
  chinaDayStart,
  isQuotaExceeded,
  leaseHeartbeat,
  nextChinaMidnight,
  sleep,
  sliceBackoffMs,
} from '../../../_shared/slices';
import type { ResultsRefreshSlice } from '../../../../typings/contract/promoter';
import { LIMITS } from '../../../../miniprogram/shared/field-rules';
import { type PromoterDoc, ensureFresh } from '../read-model';
import { removeOlderRollups, writeRollup } from './rollup';
import {
  BATCH,
  LEASE_RENEW_MS,
  MAX_ATTEMPTS,
  MAX_PULLS,
  RELATIONS_OVERLAP_S,
  RESULTS_LEASE,
  RESULTS_REQUEST_ID,
  RESULTS_STATE_ID,
  type ResultDayDoc,
  type ResultMark,
  type ResultsPass,
  type ResultsState,
  dayKey,
  keepFrom,
  resultsSettings,
} from './model';

const nowS = () => Math.floor(Date.now() / 1000);

export async function readResultsState(): Promise<ResultsState> {
  return (await getDoc<ResultsState>(COLLECTIONS.syncState, RESULTS_STATE_ID)) ?? {};
}

/** Only the lease holder writes the state, whole. */
async function writeState(state: ResultsState): Promise<void> {
  await putDoc(COLLECTIONS.syncState, RESULTS_STATE_ID, state);
}

/** When a reader last asked for a refresh (unix seconds; 0 = never). */
export async function requestedAt(): Promise<number> {
  return (await getDoc<{ at: number }>(COLLECTIONS.syncState, RESULTS_REQUEST_ID))?.at ?? 0;
}

/** A reader asks for a refresh; the next timer tick (within a minute) starts it if due. */
export async function requestRefresh(now: number): Promise<void> {
  await putDoc(COLLECTIONS.syncState, RESULTS_REQUEST_ID, { at: now });
}

/** Whether a new pass should start now (no pass running). */
export function passDue(state: ResultsState, requested: number, now: number): boolean {
  if ((state.pausedUntil ?? 0) > now) return false;
  const { everyS, minGapS } = resultsSettings();
  const last = state.lastPassStartedAt;
  if (last === undefined) return true;
  if (now - last >= everyS) return true;
  return requested > last && now - last >= minGapS;
}

/** Every pull of one paged read (start_id), at most MAX_PULLS; `count` once per WeChat call. */
async function pullAll<T>(
  pull: (startId: string | undefined) => Promise<DataPage<T>>,
  visit: (rows: T[]) => void,
  count: () => void,
): Promise<void> {
  let startId: string | undefined;
  for (let pulls = 1; ; pulls++) {
    count();
    const page = await pull(startId);
    visit(page.rows);
    const next = page.nextStartId;
    if (page.rows.length < LIMITS.promotion.pullSize || next === undefined || next === startId) return;
    if (pulls >= MAX_PULLS) {
      log.warn('results_pulls_capped', { pulls });
      return;
    }
    startId = next;
  }
}

type DayFigures = Pick<ResultDayDoc, 'visits' | 'orders' | 'paidFen' | 'refundedFen'>;
const FIGURES = ['visits', 'orders', 'paidFen', 'refundedFen'] as const;

/** What the aggregate holds for one promoter: its mark and its kept days. */
interface Stored1 {
  mark: ResultMark | null;
  days: Stored<ResultDayDoc>[];
}

/** The marks and kept days of a batch of promoters: two queries instead of two per promoter. */
async function storedFor(ids: string[], now: number): Promise<Map<string, Stored1>> {
  const _ = cmd();
  const [marks, days] = await Promise.all([
    findAll<ResultMark>(COLLECTIONS.resultMarks, { _id: _.in(ids) }),
    findAll<ResultDayDoc>(COLLECTIONS.resultDays, {
      promoterId: _.in(ids),
      day: _.gte(dayKey(keepFrom(now))),
    }),
  ]);
  const out = new Map<string, Stored1>(ids.map((id) => [id, { mark: null, days: [] }]));
  for (const m of marks) out.get(m._id)!.mark = m;
  for (const d of days) out.get(d.promoterId)?.days.push(d);
  return out;
}

/** One promoter's results from WeChat into `result_days` (see the file comment). */
export async function refreshPromoter(
  api: PromoterApi,
  p: Stored<PromoterDoc>,
  now: number,
  count: () => void,
  known?: Stored1,
): Promise<void> {
  const from = keepFrom(now);
  const { mark, days: stored } = known ?? (await storedFor([p._id], now)).get(p._id)!;
  const relationsFrom = Math.max(from, mark?.relationsFrom ?? from);
  const visits = new Map<number, number>();
  await pullAll(
    (startId) => api.getRelations({ openid: p.openid, beginTime: relationsFrom, startId }),
    (rows) => {
      for (const r of rows) {
        if (r.createTime < relationsFrom) continue;
        const day = dayKey(r.createTime);
        visits.set(day, (visits.get(day) ?? 0) + 1);
      }
    },
    count,
  );
  const orders = new Map<number, Omit<DayFigures, 'visits'>>();
  await pullAll(
    (startId) => api.getOrders({ openid: p.openid, startId }),
    (rows) => {
      for (const o of rows) {
        if (o.paidTime < from) continue;
        const day = dayKey(o.paidTime);
        const f = orders.get(day) ?? { orders: 0, paidFen: 0, refundedFen: 0 };
        f.orders++;
        f.paidFen += o.paidAmount;
        if (o.status === 2) f.refundedFen += o.paidAmount;
        orders.set(day, f);
      }
    },
    count,
  );
  const existing = new Map(stored.map((d) => [d.day, d]));
  const recountedFrom = dayKey(relationsFrom);
  const removals: string[] = [];
  const writes: Array<Promise<void>> = [];
  for (const day of new Set([...existing.keys(), ...visits.keys(), ...orders.keys()])) {
    const old = existing.get(day);
    const o = orders.get(day) ?? { orders: 0, paidFen: 0, refundedFen: 0 };
    const next: ResultDayDoc = {
      promoterId: p._id,
      storeId: p.storeId,
      roleId: p.roleId,
      day,
      visits: day >= recountedFrom ? (visits.get(day) ?? 0) : (old?.visits ?? 0),
      ...o,
      netFen: o.paidFen - o.refundedFen,
    };
    const id = `${p._id}:${day}`;
    if (FIGURES.every((f) => next[f] === 0)) {
      if (old) removals.push(id);
      continue;
    }
    const same =
      old &&
      old.storeId === next.storeId &&
      old.roleId === next.roleId &&
      FIGURES.every((f) => old[f] === next[f]);
    if (!same) writes.push(putDoc(COLLECTIONS.resultDays, id, next));
  }
  await Promise.all(writes);
  if (removals.length > 0) await removeIds(COLLECTIONS.resultDays, removals);
  const nextMark: ResultMark = {
    relationsFrom: chinaDayStart(now - RELATIONS_OVERLAP_S),
    refreshedAt: now,
  };
  await putDoc(COLLECTIONS.resultMarks, p._id, nextMark);
}

/** Why a slice stopped before the pass ended. */
type Stop = 'deadline' | 'lost' | 'quota' | 'unreachable';

/**
 * Runs one slice of the results refresh if nobody else is (the lease): goes on with the running pass,
 * or starts one when due (`force`: whenever none is running, for stats.refreshResults).
 */
export async function runResultsSlice(
  by: string,
  opts: { budgetMs?: number; force?: boolean; api?: PromoterApi } = {},
): Promise<ResultsRefreshSlice | 'busy' | 'not-due'> {
  const settings = resultsSettings();
  const started = Date.now();
  const deadline = started + (opts.budgetMs ?? settings.sliceMs);
  const lease = await tryAcquireLease(RESULTS_LEASE, { action: 'results.refresh', by });
  if (!lease) return 'busy';
  try {
    return await new PassSlice(lease, deadline, settings.concurrency, opts.api ?? promoterApi()).run(
      opts.force === true,
    );
  } finally {
    await releaseLease(lease).catch((err: unknown) =>
      log.warn('results_lease_release_failed', { error: err }),
    );
  }
}

class PassSlice {
  private stop: Stop | null = null;
  private done = 0;

  constructor(
    private readonly lease: Lease,
    private readonly deadline: number,
    private readonly concurrency: number,
    private readonly api: PromoterApi,
  ) {}

  private shouldStop(): boolean {
    if (this.stop === null && this.done > 0 && Date.now() >= this.deadline) this.stop = 'deadline';
    return this.stop !== null;
  }

  async run(force: boolean): Promise<ResultsRefreshSlice | 'not-due'> {
    const now = nowS();
    let state = await readResultsState();
    if ((state.pausedUntil ?? 0) > now)
      return { ...figures(state), done: false, pausedUntil: state.pausedUntil };
    if (!state.pass) {
      if (!force && !passDue(state, await requestedAt(), now)) return 'not-due';
      // The walk reads the mirror: bring it up to date first (WeChat down: the mirror as it is).
      await ensureFresh(this.api, now, { by: 'results.refresh' }).catch((err: unknown) =>
        log.warn('results_mirror_not_fresh', { error: err }),
      );
      state = { ...state, pass: { startedAt: now, promoters: 0, calls: 0, slices: 0, failed: 0 } };
      delete state.pausedUntil;
    }
    const pass: ResultsPass = { ...state.pass!, slices: state.pass!.slices + 1 };
    const stopBeat = leaseHeartbeat(this.lease, LEASE_RENEW_MS, () => {
      this.stop = 'lost';
    });
    try {
      for (;;) {
        const batch = await this.nextBatch(pass.after);
        if (batch.length === 0) return await this.finish(state, pass);
        const outcomes = await this.refreshBatch(batch, pass);
        // The checkpoint moves past the promoters read (a prefix: they start in order).
        const read = outcomes.findIndex((o) => o === 'left');
        const through = read === -1 ? batch.length : read;
        if (through > 0) {
          pass.after = batch[through - 1]!._id;
          pass.promoters += through;
          pass.failed += outcomes.slice(0, through).filter((o) => o === 'failed').length;
        }
        if (this.stop === 'lost') return { ...figures({ pass }), done: false };
        state = { ...state, pass: { ...pass } };
        if (this.stop === 'quota') state.pausedUntil = nextChinaMidnight(nowS());
        await writeState(state);
        if (this.stop === 'quota') return { ...figures(state), done: false, pausedUntil: state.pausedUntil };
        if (this.shouldStop()) {
          log.info('results_refresh_paused', {
            reason: this.stop,
            promoters: pass.promoters,
            calls: pass.calls,
          });
          return { ...figures(state), done: false };
        }
      }
    } finally {
      stopBeat();
    }
  }

  private async nextBatch(after: string | undefined): Promise<Stored<PromoterDoc>[]> {
    const _ = cmd();
    const where =
      after === undefined ? { status: 'bound' } : _.and({ status: 'bound' }, { _id: _.gt(after) });
    return findSome<PromoterDoc>(COLLECTIONS.promoters, where, {
      orderBy: [{ field: '_id', direction: 'asc' }],
      limit: BATCH,
      projection: { openid: true, storeId: true, roleId: true },
    });
  }

  /** Each promoter: 'read', 'failed' (WeChat refused it; skipped) or 'left' (not started or given up). */
  private async refreshBatch(
    batch: Stored<PromoterDoc>[],
    pass: ResultsPass,
  ): Promise<Array<'read' | 'failed' | 'left'>> {
    const outcomes: Array<'read' | 'failed' | 'left'> = batch.map(() => 'left');
    const known = await storedFor(
      batch.map((p) => p._id),
      nowS(),
    );
    let next = 0;
    const worker = async () => {
      while (next < batch.length && !this.shouldStop()) {
        const index = next++;
        const p = batch[index]!;
        outcomes[index] = await this.refreshOne(p, pass, known.get(p._id)!);
        if (outcomes[index] !== 'left') this.done++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batch.length) }, worker));
    // A promoter given up on leaves the ones after it unread too: the next slice starts from it.
    const first = outcomes.indexOf('left');
    if (first >= 0) for (let i = first; i < outcomes.length; i++) outcomes[i] = 'left';
    return outcomes;
  }

  private async refreshOne(
    p: Stored<PromoterDoc>,
    pass: ResultsPass,
    known: Stored1,
  ): Promise<'read' | 'failed' | 'left'> {
    for (let attempt = 1; ; attempt++) {
      try {
        // `known` was read for this batch just before (a day crossing midnight leaves a day below the
        // window in it, written once more and pruned at the pass's end)
        await refreshPromoter(
          this.api,
          p,
          nowS(),
          () => {
            pass.calls++;
          },
          known,
        );
        return 'read';
      } catch (err) {
        if (isQuotaExceeded(err)) {
          this.stop ??= 'quota';
          return 'left';
        }
        if (isTransient(err)) {
          if (attempt < MAX_ATTEMPTS && !this.shouldStop()) {
            await sleep(sliceBackoffMs(attempt, this.deadline));
            continue;
          }
          this.stop ??= 'unreachable';
          log.warn('results_refresh_unreachable', { promoterId: p._id, error: err });
          return 'left';
        }
        if (err instanceof WechatApiError || err instanceof WechatUnavailableError) {
          log.warn('results_promoter_failed', { promoterId: p._id, error: err });
          return 'failed';
        }
        throw err;
      }
    }
  }

  /**
   * The pass saw every bound promoter: prune days no window shows any more, write the next rollup
   * generation, switch readers to it in the state, then remove the older ones.
   */
  private async finish(state: ResultsState, pass: ResultsPass): Promise<ResultsRefreshSlice> {
    const now = nowS();
    await collectionRemoveBefore(dayKey(keepFrom(now)));
    const gen = (state.rollupGen ?? 0) + 1;
    await writeRollup(gen, now);
    const { promoters, calls, slices, failed } = pass;
    const next: ResultsState = {
      lastPassStartedAt: pass.startedAt,
      lastPassEndedAt: now,
      lastPass: { promoters, calls, slices, failed },
      rollupGen: gen,
    };
    await writeState(next);
    await removeOlderRollups(gen);
    log.info('results_refresh_done', { promoters, calls, slices, failed });
    return { done: true, promoters, calls, slices };
  }
}

async function collectionRemoveBefore(day: number): Promise<void> {
  const _ = cmd();
  await collection<Stored<ResultDayDoc>>(COLLECTIONS.resultDays)
    .where({ day: _.lt(day) })
    .remove();
}

function figures(state: ResultsState): Omit<ResultsRefreshSlice, 'done'> {
  const pass = state.pass;
  return { promoters: pass?.promoters ?? 0, calls: pass?.calls ?? 0, slices: pass?.slices ?? 0 };
}
