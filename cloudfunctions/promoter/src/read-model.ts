/**
 * The promoter read model.
 *
 * WeChat is the source of truth for promoters. The collection `promoters` mirrors it so that lists
 * can filter by several stores at once, search name/phone, page with small cursors and count by
 * status cheaply, none of which getpromoter can do (2000-row pages, one retail_id per query).
 *
 * - Document (PromoterDoc, _shared/collections.ts): `_id` = WeChat promoter id; the contract's Promoter
 *   fields, `unionid?` (fetched lazily by promoter.get), `syncedAt` (when this document last changed
 *   from a sync or a write) and `syncGen` (the full sync that last saw it).
 * - State: `sync_state/promoters` {lastFullSyncAt, lastIncrementalAt, staleVersion, syncedVersion,
 *   generation, walk?}.
 * - One sync at a time across all instances: a full or incremental sync runs only under the lease
 *   `sync:promoters` (_shared/lease.ts). A reader that needs a full sync while someone else holds the
 *   lease waits for it (polling, at most SYNC_WAIT_MS, default 5 s) and then reads the mirror; it never
 *   starts a walk of its own. A reader that only wants the incremental sync reads the mirror at once.
 * - Full sync, streamed: getpromoter's pages (2000 rows) are written to the mirror one page at a time
 *   (new documents in one batch insert, changed ones rewritten, unchanged ones only re-marked with the
 *   sync's generation in one batch update), so memory holds a page, never the whole set. When the walk
 *   ends, documents the walk did not see (an older generation; a row stored outside the walk carries the next one) are
 *   removed: mark-and-sweep, no list of all ids. The cursor is checkpointed in `walk` after every page;
 *   a slice stops after SYNC_SLICE_MS (default 20 s, well under the 60 s function timeout) and the
 *   next reader, promoter.sync or the `promoterSync` timer trigger (every minute) continues from the
 *   checkpoint.
 * - Freshness before a read (promoter.list / promoter.get / stats.summary / join.list / messages):
 *   a full sync when never synced, when marked stale, when a walk is unfinished, or when the last full
 *   sync is older than 10 minutes; otherwise an incremental sync when the last one is older than 15 s.
 *   The incremental sync asks getpromoter for begin_time = lastIncrementalAt − 300 s: begin_time
 *   filters on the auth-status change time, which is how a promoter's authorize / revoke in WeChat's
 *   bind mini program reaches us. The 300 s overlap covers clock skew and rows WeChat commits late.
 * - WeChat down, the mirror still answers: when getpromoter fails as busy or unreachable (-1, 45011,
 *   5xx, timeouts, connection errors, after the client's retries) a read that has a mirror serves it
 *   with `stale: true` and `asOf`, the time the mirror last matched WeChat. Only a mirror never synced
 *   makes the read fail.
 * - Stale marking: a large declare adds promoters whose WeChat ids we do not know, so it bumps
 *   `staleVersion`; a full sync records the version it started from in `syncedVersion`. Counters
 *   instead of a flag, so a declare that lands during a sync is never lost. A small declare (at most
 *   LOOKUP_DECLARED_MAX rows) looks its rows up by openid instead (one getpromoter call each).
 * - Writes (update, cancel, redeclare) call WeChat first; only when WeChat accepted do they update
 *   the mirror document and write the audit record, together: WeChat's success says what changed,
 *   so no sync is needed. A failure leaves both untouched.
 * - Status history (history.ts): wherever the mirror learns a status it did not have (a new
 *   document, or a sync / refresh / write that changes authStatus or declStatus), one entry goes to
 *   `promoter_history`. Unchanged documents write nothing but their generation mark.
 */
import type { Freshness, Promoter } from '../../../typings/contract/promoter';
import { promoterStatus } from '../../../miniprogram/shared/promoter-status';
import { LIMITS } from '../../../miniprogram/shared/field-rules';
import {
  type PromoterApi,
  type PromoterFilter,
  type WechatPromoter,
  comparePromoterIds,
} from '../../_shared/wechat/promoter-api';
import { COLLECTIONS, type PromoterDoc } from '../../_shared/collections';
import { durationMs } from '../../_shared/config';
import {
  type Stored,
  type Transaction,
  cmd,
  collection,
  findSome,
  getDoc,
  insertMany,
  nowSeconds,
  putDoc,
  updateIds,
} from '../../_shared/db';
import { WechatApiError, WechatUnavailableError, TRANSIENT_ERRCODES } from '../../_shared/errors';
import { leaseBusy, releaseLease, tryAcquireLease } from '../../_shared/lease';
import { log } from '../../_shared/log';
import { mapLimit } from '../../_shared/concurrency';
import { type HistoryDoc, historyEntry, recordHistory, recordHistoryIn, sameStatus } from './history';

export type { PromoterDoc } from '../../_shared/collections';

export const FULL_SYNC_MAX_AGE_S = 600;
export const INCREMENTAL_MAX_AGE_S = 15;
export const INCREMENTAL_OVERLAP_S = 300;
/** A declare of at most this many rows learns their ids by openid instead of a full walk. */
export const LOOKUP_DECLARED_MAX = 10;
const STATE_ID = 'promoters';
export const SYNC_LEASE = 'sync:promoters';
/** getpromoter pages of one walk: 100 000 bound promoters / 2000 = 50, and one that confirms the end. */
const MAX_WALK_PAGES = 60;
/** How long one invocation walks before it checkpoints and leaves the rest to the next one. */
export const syncSliceMs = (): number => durationMs('SYNC_SLICE_MS', 20_000, 1, 50_000);
/** How long a reader waits for someone else's full sync before it answers from the mirror. */
export const syncWaitMs = (): number => durationMs('SYNC_WAIT_MS', 5_000, 0, 30_000);

/** An unfinished full sync: where it is, so the next slice goes on from there. */
export interface WalkCheckpoint {
  generation: number;
  /** Unix seconds. */
  startedAt: number;
  startedVersion: number;
  /** start_id of the next page (the largest id seen); absent before the first page. */
  cursor?: string;
  pages: number;
  seen: number;
}

export interface SyncState {
  lastFullSyncAt?: number;
  lastIncrementalAt?: number;
  /** Bumped by every declare that is not looked up row by row. */
  staleVersion?: number;
  /** staleVersion as read when the last full sync started. */
  syncedVersion?: number;
  /** The last generation a full sync took. */
  generation?: number;
  walk?: WalkCheckpoint;
}

export function docToPromoter(doc: Stored<PromoterDoc>): Promoter {
  const out: Promoter = {
    id: doc._id,
    openid: doc.openid,
    roleId: doc.roleId,
    storeId: doc.storeId,
    extraInfo: doc.extraInfo,
    name: doc.name,
    phone: doc.phone,
    authStatus: doc.authStatus,
    declStatus: doc.declStatus,
    status: promoterStatus(doc.authStatus, doc.declStatus),
    updateTime: doc.updateTime,
  };
  if (doc.unionid) out.unionid = doc.unionid;
  return out;
}

/** A WeChat row as the mirror stores it (unionid is kept from the existing document). */
export function wechatToDoc(row: WechatPromoter, syncedAt: number, unionid?: string): PromoterDoc {
  const doc: PromoterDoc = {
    openid: row.openid,
    roleId: row.roleId,
    storeId: row.storeId,
    extraInfo: row.extraInfo,
    name: row.name,
    phone: row.phone,
    authStatus: row.authStatus,
    declStatus: row.declStatus,
    status: promoterStatus(row.authStatus, row.declStatus),
    updateTime: row.updateTime,
    syncedAt,
  };
  if (unionid) doc.unionid = unionid;
  return doc;
}

const COMPARED: (keyof PromoterDoc)[] = [
  'openid',
  'roleId',
  'storeId',
  'extraInfo',
  'name',
  'phone',
  'authStatus',
  'declStatus',
  'updateTime',
];

function differs(a: PromoterDoc, b: PromoterDoc): boolean {
  return COMPARED.some((key) => a[key] !== b[key]);
}

/**
 * The history entry for a WeChat row the mirror is about to store, or null when its statuses are
 * the ones already known. `at` is WeChat's update_time when it moved (an auth-status change, or, for
 * a promoter seen for the first time, whatever WeChat holds), otherwise now: a declStatus change does
 * not move update_time. What update_time is before any authorization is UNCONFIRMED (wechat-api.md
 * only says "last auth-status change"); 0 or missing is taken as "unknown" and gives now.
 */
function observedChange(
  id: string,
  current: PromoterDoc | null | undefined,
  next: PromoterDoc,
  now: number,
): Stored<HistoryDoc> | null {
  if (current && sameStatus(current, next)) return null;
  const moved = next.updateTime > 0 && (!current || next.updateTime !== current.updateTime);
  return historyEntry(id, next, moved ? next.updateTime : now, 'wechat');
}

async function readState(): Promise<SyncState> {
  return (await getDoc<SyncState>(COLLECTIONS.syncState, STATE_ID)) ?? {};
}

type StatePatch = { [K in keyof SyncState]?: SyncState[K] | ReturnType<ReturnType<typeof cmd>['remove']> };

/** Changes only the given fields of the state (created on first use), so writers do not undo each other. */
async function patchState(patch: StatePatch): Promise<void> {
  const ref = collection<Stored<SyncState>>(COLLECTIONS.syncState).doc(STATE_ID);
  const { stats } = await ref.update({ data: patch });
  if (stats.updated > 0) return;
  if (await getDoc<SyncState>(COLLECTIONS.syncState, STATE_ID)) return; // the same values: nothing to change
  // A new document takes the plain values; update commands (inc, remove) have nothing to act on yet.
  const initial = Object.fromEntries(
    Object.entries(patch).filter(
      ([, value]) =>
        typeof value !== 'object' ||
        value === null ||
        Array.isArray(value) ||
        Object.getPrototypeOf(value) === Object.prototype,
    ),
  );
  await ref.set({ data: initial as SyncState });
}

/**
 * Writes WeChat rows into the mirror: inserts new ids, rewrites changed ones and, for a full sync
 * (`generation`), marks the unchanged ones as seen in one batch update.
 */
async function upsertRows(
  rows: WechatPromoter[],
  now: number,
  existing: Map<string, Stored<PromoterDoc>>,
  generation?: number,
): Promise<void> {
  const inserts: Stored<PromoterDoc>[] = [];
  const updates: Stored<PromoterDoc>[] = [];
  const unchanged: string[] = [];
  const history: Stored<HistoryDoc>[] = [];
  for (const row of rows) {
    const current = existing.get(row.id);
    const next = wechatToDoc(row, now, current?.unionid);
    if (generation !== undefined) next.syncGen = generation;
    else if (current?.syncGen !== undefined) next.syncGen = current.syncGen;
    if (!current) inserts.push({ ...next, _id: row.id });
    else if (differs(current, next)) updates.push({ ...next, _id: row.id });
    else {
      if (generation !== undefined && current.syncGen !== generation) unchanged.push(row.id);
      continue;
    }
    const entry = observedChange(row.id, current, next, now);
    if (entry) history.push(entry);
  }
  // History first (see history.ts): a failed mirror write then repeats an entry instead of losing it.
  await recordHistory(history);
  await mapLimit(updates, 10, (doc) => putDoc(COLLECTIONS.promoters, doc._id, doc));
  if (unchanged.length > 0) await updateIds(COLLECTIONS.promoters, unchanged, { syncGen: generation });
  if (inserts.length === 0) return;
  try {
    await insertMany(COLLECTIONS.promoters, inserts);
  } catch (err) {
    // Someone else (a lookup after a declare) inserted some of them first: write each one instead.
    log.warn('mirror_batch_insert_failed', { count: inserts.length, error: err });
    await mapLimit(inserts, 10, (doc) => putDoc(COLLECTIONS.promoters, doc._id, doc));
  }
}

/** The mirror documents of these ids (READ_CHUNK a query). */
async function docsByIds(ids: string[]): Promise<Map<string, Stored<PromoterDoc>>> {
  const _ = cmd();
  const out = new Map<string, Stored<PromoterDoc>>();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const docs = await findSome<PromoterDoc>(COLLECTIONS.promoters, { _id: _.in(chunk) }, { limit: 1000 });
    for (const d of docs) out.set(d._id, d);
  }
  return out;
}

export interface SyncResult {
  /** Promoters the walk saw (all of them once it is done). */
  total: number;
  /** getpromoter calls of the walk so far. */
  pages: number;
  syncedAt: number;
  /** false: the slice's time ran out; the next read or promoter.sync goes on from the checkpoint. */
  done: boolean;
}

/**
 * One slice of a full sync (the caller holds the sync lease): goes on from the checkpoint or starts a
 * new generation, one getpromoter page at a time, until the walk ends or `budgetMs` has passed.
 */
async function walkSlice(
  api: PromoterApi,
  now: number,
  budgetMs: number,
  state: SyncState,
): Promise<SyncResult> {
  let walk = state.walk;
  if (!walk) {
    const generation = (state.generation ?? 0) + 1;
    walk = { generation, startedAt: now, startedVersion: state.staleVersion ?? 0, pages: 0, seen: 0 };
    await patchState({ generation, walk });
  }
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const { rows, next, ended } = await readPage(api, {}, walk.cursor);
    await upsertRows(rows, now, await docsByIds(rows.map((r) => r.id)), walk.generation);
    walk = { ...walk, pages: walk.pages + 1, seen: walk.seen + rows.length, cursor: next };
    if (ended) {
      await sweep(walk);
      await patchState({
        lastFullSyncAt: walk.startedAt,
        // The incremental window starts from the walk's end, but never later than an overlap after its
        // start: the next begin_time (this − 300 s) then still covers every change since the walk began.
        lastIncrementalAt: Math.min(nowSeconds(), walk.startedAt + INCREMENTAL_OVERLAP_S),
        syncedVersion: walk.startedVersion,
        walk: cmd().remove(),
      });
      return { total: walk.seen, pages: walk.pages, syncedAt: walk.startedAt, done: true };
    }
    if (walk.pages >= MAX_WALK_PAGES)
      throw new Error(`getpromoter paging did not end after ${walk.pages} pages`);
    await patchState({ walk });
    if (Date.now() >= deadline) {
      log.info('promoter_sync_paused', { pages: walk.pages, seen: walk.seen });
      return { total: walk.seen, pages: walk.pages, syncedAt: walk.startedAt, done: false };
    }
  }
}

/**
 * Removes the documents a finished walk did not see: an older generation, or none. Documents written
 * outside a walk (storeWechatRow) carry the next generation, so one written during the walk stays.
 */
async function sweep(walk: WalkCheckpoint): Promise<void> {
  const _ = cmd();
  await collection<Stored<PromoterDoc>>(COLLECTIONS.promoters)
    .where(_.or({ syncGen: _.lt(walk.generation) }, { syncGen: _.exists(false) }))
    .remove();
}

/**
 * One getpromoter page after `cursor`: its new rows (start_id may be inclusive, UNCONFIRMED: rows at or
 * before the cursor were already read), the next cursor (the largest id) and whether it was the last.
 */
async function readPage(
  api: PromoterApi,
  filter: PromoterFilter,
  cursor: string | undefined,
): Promise<{ rows: WechatPromoter[]; next: string | undefined; ended: boolean }> {
  const page = await api.getPromoterPage(filter, cursor);
  const rows = page.promoters.filter((r) => cursor === undefined || comparePromoterIds(r.id, cursor) > 0);
  let next = cursor;
  for (const r of rows) if (next === undefined || comparePromoterIds(r.id, next) > 0) next = r.id;
  return { rows, next, ended: page.promoters.length < LIMITS.promoter.pageSize || rows.length === 0 };
}

/**
 * Reads the promoters whose auth status changed since the last incremental sync (with overlap), a
 * page at a time like the full walk.
 */
async function incrementalSync(api: PromoterApi, now: number, since: number): Promise<void> {
  const filter = { beginTime: Math.max(0, since - INCREMENTAL_OVERLAP_S) };
  let cursor: string | undefined;
  for (let pages = 1; ; pages++) {
    const { rows, next, ended } = await readPage(api, filter, cursor);
    if (rows.length > 0) await upsertRows(rows, now, await docsByIds(rows.map((r) => r.id)));
    if (ended) break;
    if (pages >= MAX_WALK_PAGES) throw new Error(`getpromoter paging did not end after ${pages} pages`);
    cursor = next;
  }
  await patchState({ lastIncrementalAt: now });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function needsFullSync(state: SyncState, now: number): boolean {
  return (
    state.lastFullSyncAt === undefined ||
    state.walk !== undefined ||
    (state.staleVersion ?? 0) > (state.syncedVersion ?? 0) ||
    now - state.lastFullSyncAt > FULL_SYNC_MAX_AGE_S
  );
}

/** When the mirror last matched WeChat, as the pages show it. */
function freshness(state: SyncState, stale: Freshness['staleReason'] | undefined): Freshness {
  const at = Math.max(state.lastFullSyncAt ?? 0, state.lastIncrementalAt ?? 0);
  return stale ? { asOf: at * 1000, stale: true, staleReason: stale } : { asOf: at * 1000, stale: false };
}

/** getpromoter failed as busy or unreachable (after the client's retries): the mirror may answer. */
export function isWechatUnreachable(err: unknown): boolean {
  if (err instanceof WechatUnavailableError) return true;
  return err instanceof WechatApiError && TRANSIENT_ERRCODES.includes(err.errcode);
}

/**
 * Runs one sync holding the sync lease; null when someone else holds it. What to do is decided again
 * under the lease from the state the last holder left: 'fresh' when that holder already did it.
 * 'walk' (promoter.sync) walks whatever the mirror's age.
 */
async function syncUnderLease(
  api: PromoterApi,
  now: number,
  work: 'full' | 'walk' | 'continue' | 'incremental' | 'forced-incremental',
  by: string,
): Promise<SyncResult | 'fresh' | 'incremental' | null> {
  const lease = await tryAcquireLease(SYNC_LEASE, { action: `sync.${work}`, by });
  if (!lease) return null;
  try {
    const state = await readState();
    if (
      work === 'walk' ||
      (work === 'full' && needsFullSync(state, now)) ||
      (work === 'continue' && state.walk !== undefined)
    ) {
      return await walkSlice(api, now, syncSliceMs(), state);
    }
    if (work === 'full' || work === 'continue' || needsFullSync(state, now)) return 'fresh';
    const last = state.lastIncrementalAt ?? state.lastFullSyncAt ?? now;
    if (work === 'incremental' && now - last <= INCREMENTAL_MAX_AGE_S) return 'fresh';
    await incrementalSync(api, now, last);
    return 'incremental';
  } finally {
    await releaseLease(lease).catch((err: unknown) => log.warn('sync_lease_release_failed', { error: err }));
  }
}

const isWalk = (result: SyncResult | 'fresh' | 'incremental' | null): result is SyncResult =>
  result !== null && typeof result === 'object';

/**
 * Makes the mirror fresh enough for a read (see the rules at the top of this file) and says how fresh
 * it is. `force` (a manager's pull-to-refresh) runs the incremental sync whatever its age. Throws only
 * when WeChat cannot be reached and the mirror was never synced.
 */
export async function ensureFresh(
  api: PromoterApi,
  now: number,
  opts: { force?: boolean; by?: string } = {},
): Promise<Freshness> {
  const by = opts.by ?? 'reader';
  let state = await readState();
  try {
    if (needsFullSync(state, now)) {
      const deadline = Date.now() + syncWaitMs();
      let pause = 50;
      for (;;) {
        const result = await syncUnderLease(api, now, 'full', by);
        state = await readState();
        // Our slice ran out of time: the mirror answers as it is; the next reader goes on.
        if (isWalk(result) && !result.done) return freshness(state, 'syncing');
        if (!needsFullSync(state, now)) return freshness(state, undefined);
        if (result) continue; // the walk we just finished is already outdated by a new declare
        if (Date.now() + pause > deadline) {
          if (state.lastFullSyncAt === undefined && !(await leaseBusy(SYNC_LEASE))) continue;
          return freshness(state, 'syncing');
        }
        await sleep(pause);
        pause = Math.min(pause * 2, 400);
      }
    }
    const lastIncremental = state.lastIncrementalAt ?? state.lastFullSyncAt ?? 0;
    if (opts.force || now - lastIncremental > INCREMENTAL_MAX_AGE_S) {
      // Someone else's sync running right now makes ours pointless: the mirror answers.
      const work = opts.force ? 'forced-incremental' : 'incremental';
      if (await syncUnderLease(api, now, work, by)) state = await readState();
    }
    return freshness(state, undefined);
  } catch (err) {
    if (!isWechatUnreachable(err)) throw err;
    const current = await readState();
    if (current.lastFullSyncAt === undefined) throw err;
    log.warn('mirror_served_stale', { error: err });
    return freshness(current, 'unreachable');
  }
}

/**
 * promoter.sync: the full sync now (a new walk, or the rest of an unfinished one) under the sync
 * lease, waiting for another sync to end first (at most SYNC_WAIT_MS).
 */
export async function fullSync(api: PromoterApi, now: number, by = 'promoter.sync'): Promise<SyncResult> {
  const deadline = Date.now() + syncWaitMs();
  let pause = 50;
  for (;;) {
    const result = await syncUnderLease(api, now, 'walk', by);
    if (isWalk(result)) return result;
    if (Date.now() + pause > deadline) {
      const state = await readState();
      const walk = state.walk;
      return {
        total: walk?.seen ?? 0,
        pages: walk?.pages ?? 0,
        syncedAt: walk?.startedAt ?? state.lastFullSyncAt ?? 0,
        done: false,
      };
    }
    await sleep(pause);
    pause = Math.min(pause * 2, 400);
  }
}

/**
 * The timer trigger `promoterSync` (config.json): the next slice of an unfinished full sync (a walk
 * whose slice ran out of time), so it goes on with nobody reading. Nothing when no walk is unfinished
 * or someone holds the sync lease (that holder is walking); null then.
 */
export async function continueWalk(api: PromoterApi, now: number, by: string): Promise<SyncResult | null> {
  if ((await readState()).walk === undefined) return null;
  const result = await syncUnderLease(api, now, 'continue', by);
  return isWalk(result) ? result : null;
}

/**
 * Re-reads one person's promoter rows from WeChat into the mirror (1 getpromoter call). For the
 * views that must be exact: a promoter coming back from WeChat's bind mini program must see
 * "bound" at once, not after the 15 s incremental window.
 */
export async function refreshByOpenid(
  api: PromoterApi,
  openid: string,
  now: number,
): Promise<Stored<PromoterDoc>[]> {
  const { promoters } = await api.getAllPromoters({ openid });
  const stored: Stored<PromoterDoc>[] = [];
  for (const row of promoters) stored.push(await storeWechatRow(row, now));
  return stored;
}

/**
 * When the last finished full sync started (unix seconds; 0 if never): the mirror holds every promoter
 * WeChat held then, and may miss those declared since.
 */
export async function mirroredSince(): Promise<number> {
  return (await readState()).lastFullSyncAt ?? 0;
}

/** After a declare whose ids we could not learn: the next read does a full sync to learn them. */
export async function markStale(): Promise<void> {
  const ref = collection<Stored<SyncState>>(COLLECTIONS.syncState).doc(STATE_ID);
  const { stats } = await ref.update({ data: { staleVersion: cmd().inc(1) } });
  if (stats.updated === 0) await patchState({ staleVersion: ((await readState()).staleVersion ?? 0) + 1 });
}

/**
 * After promoter.declare: brings the mirror up to date with the rows WeChat accepted. Up to
 * LOOKUP_DECLARED_MAX identities (openid or unionid) are looked up one getpromoter call each (5 at a
 * time) and stored; more, or a lookup that fails, mark the mirror stale (one full walk on the next read).
 */
export async function learnDeclared(
  api: PromoterApi,
  identities: { identity: string; byUnionid: boolean }[],
  now: number,
): Promise<void> {
  if (identities.length === 0) return;
  if (identities.length > LOOKUP_DECLARED_MAX) {
    await markStale();
    return;
  }
  try {
    await mapLimit(identities, 5, async ({ identity, byUnionid }) => {
      const { promoters } = await api.getPromoterPage({ openid: identity });
      if (promoters.length === 0) throw new Error('a declared promoter is not in getpromoter yet');
      for (const row of promoters) await storeWechatRow(row, now, byUnionid ? identity : undefined);
    });
  } catch (err) {
    log.warn('declared_lookup_failed', { count: identities.length, error: err });
    await markStale();
  }
}

/** The mirror's documents of these openids or unionids (its two indexes; one query per 500). */
export async function findMirrored(identities: string[]): Promise<Stored<PromoterDoc>[]> {
  const _ = cmd();
  const out: Stored<PromoterDoc>[] = [];
  for (let i = 0; i < identities.length; i += 500) {
    const some = identities.slice(i, i + 500);
    out.push(
      ...(await findSome<PromoterDoc>(
        COLLECTIONS.promoters,
        _.or({ openid: _.in(some) }, { unionid: _.in(some) }),
        { limit: 2 * some.length },
      )),
    );
  }
  return out;
}

/** A mirror document as the WeChat row it was made from (wechatToDoc's inverse). */
export function mirroredAsWechat(doc: Stored<PromoterDoc>): WechatPromoter {
  const { status: _status, unionid: _unionid, ...row } = docToPromoter(doc);
  return row;
}

export async function getPromoterDoc(id: string): Promise<Stored<PromoterDoc> | null> {
  return getDoc<PromoterDoc>(COLLECTIONS.promoters, id);
}

export async function findPromoterByOpenid(openid: string): Promise<Stored<PromoterDoc> | null> {
  const _ = cmd();
  const docs = await findSome<PromoterDoc>(COLLECTIONS.promoters, _.or({ openid }, { unionid: openid }), {
    limit: 10,
  });
  // a cancelled and a live record for one person cannot coexist in WeChat, but prefer the declared one
  return docs.find((d) => d.declStatus === 1) ?? docs[0] ?? null;
}

/**
 * Puts one promoter row from WeChat into the mirror right away (after a write or a lookup).
 * `unionid` when the row came from a need_unionid query (its `openid` field then holds the unionid,
 * so the stored openid is kept).
 */
export async function storeWechatRow(
  row: WechatPromoter,
  now: number,
  unionid?: string,
): Promise<Stored<PromoterDoc>> {
  const [current, state] = await Promise.all([getPromoterDoc(row.id), readState()]);
  const source = unionid && current ? { ...row, openid: current.openid } : row;
  const doc = wechatToDoc(source, now, unionid ?? current?.unionid);
  // Seen in WeChat just now: a walk running (or starting) meanwhile must not sweep it.
  doc.syncGen = (state.generation ?? 0) + 1;
  const entry = observedChange(row.id, current, doc, now);
  if (entry) await recordHistory([entry]);
  await putDoc(COLLECTIONS.promoters, row.id, doc);
  return { ...doc, _id: row.id };
}

/**
 * The mirror document after a write WeChat accepted, written inside `tx` (the caller's transaction,
 * which also holds the audit record), with a history entry (source 'us', by = the staff member's
 * openid) when the declaration status changed.
 */
export async function applyChange(
  tx: Transaction,
  before: Stored<PromoterDoc>,
  change: Partial<
    Pick<PromoterDoc, 'roleId' | 'storeId' | 'extraInfo' | 'name' | 'phone' | 'declStatus' | 'unionid'>
  >,
  now: number,
  by: string,
): Promise<Stored<PromoterDoc>> {
  const after: Stored<PromoterDoc> = { ...before, ...change, syncedAt: now };
  after.status = promoterStatus(after.authStatus, after.declStatus);
  await tx
    .collection<Stored<PromoterDoc>>(COLLECTIONS.promoters)
    .doc(before._id)
    .update({ data: { ...change, status: after.status, syncedAt: now } });
  if (!sameStatus(before, after)) await recordHistoryIn(tx, historyEntry(before._id, after, now, 'us', by));
  return after;
}
