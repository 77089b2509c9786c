/**
 * The promoter read model.
 *
 * WeChat is the source of truth for promoters. The collection `promoters` mirrors it so that lists
 * can filter by several stores at once, search name/phone, page with small cursors and count by
 * status cheaply, none of which getpromoter can do (2000-row pages, one retail_id per query).
 *
 * - Document: `_id` = WeChat promoter id; the contract's Promoter fields in camelCase (status derived
 *   by promoterStatus), plus `unionid?` (fetched lazily by promoter.get) and `syncedAt` (when this
 *   document last changed from a sync or a write).
 * - State: `sync_state/promoters` {lastFullSyncAt, lastIncrementalAt, staleVersion, syncedVersion}.
 * - Full sync (promoter.sync, and reads when needed): walks every getpromoter page (2000 a page,
 *   4 500 promoters → 3 calls), inserts new documents, rewrites changed ones, and removes documents
 *   WeChat no longer has. Unchanged documents are not written.
 * - Freshness before a read (promoter.list / promoter.get / stats.summary / me.status):
 *   a full sync when never synced, when marked stale, or when the last full sync is older than
 *   10 minutes; otherwise an incremental sync when the last one is older than 15 s. The incremental
 *   sync asks getpromoter for begin_time = lastIncrementalAt − 300 s: begin_time filters on the
 *   auth-status change time, which is how a promoter's authorize / revoke in WeChat's bind mini
 *   program reaches us. The 300 s overlap covers clock skew and rows WeChat commits late.
 * - Stale marking: a declare adds promoters whose WeChat ids we do not know yet, so it bumps
 *   `staleVersion`; a full sync records the version it started from in `syncedVersion`. Counters
 *   instead of a flag, so a declare that lands during a sync is never lost.
 * - Writes (update, cancel, redeclare) call WeChat first; only when WeChat accepted do they update
 *   the mirror document and write the audit record, together. A failure leaves both untouched.
 * - Status history (history.ts): wherever the mirror learns a status it did not have (a new
 *   document, or a sync / refresh / write that changes authStatus or declStatus), one entry goes to
 *   `promoter_history`. Unchanged documents write nothing, so a full sync of unchanged promoters
 *   costs no extra writes; the entries of one sync go in as one batch insert (500 a call).
 */
import type { Promoter } from '../../../typings/contract/promoter';
import { promoterStatus } from '../../../miniprogram/shared/promoter-status';
import type { PromoterApi, WechatPromoter } from '../../_shared/wechat/promoter-api';
import type { Transaction } from '../../_shared/db';
import { log } from '../../_shared/log';
import { type HistoryDoc, historyEntry, recordHistory, recordHistoryIn, sameStatus } from './history';
import { COLLECTIONS, findAll, getDoc, insertMany, putDoc, removeIds, type Stored, cmd } from './store';

export const FULL_SYNC_MAX_AGE_S = 600;
export const INCREMENTAL_MAX_AGE_S = 15;
export const INCREMENTAL_OVERLAP_S = 300;
const STATE_ID = 'promoters';

export interface PromoterDoc extends Omit<Promoter, 'id'> {
  syncedAt: number;
}

export interface SyncState {
  lastFullSyncAt?: number;
  lastIncrementalAt?: number;
  /** Bumped by every declare. */
  staleVersion?: number;
  /** staleVersion as read when the last full sync started. */
  syncedVersion?: number;
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

async function writeState(patch: SyncState): Promise<void> {
  const current = await readState();
  await putDoc(COLLECTIONS.syncState, STATE_ID, { ...stripId(current), ...patch });
}

function stripId<T extends object>(doc: T): T {
  const copy = { ...doc } as T & { _id?: string };
  delete copy._id;
  return copy;
}

/** Writes WeChat rows into the mirror: inserts new ids, rewrites changed ones, skips the rest. */
async function upsertRows(rows: WechatPromoter[], now: number, existing: Map<string, Stored<PromoterDoc>>) {
  const inserts: Stored<PromoterDoc>[] = [];
  const updates: Stored<PromoterDoc>[] = [];
  const history: Stored<HistoryDoc>[] = [];
  for (const row of rows) {
    const current = existing.get(row.id);
    const next = wechatToDoc(row, now, current?.unionid);
    if (!current) inserts.push({ ...next, _id: row.id });
    else if (differs(current, next)) updates.push({ ...next, _id: row.id });
    else continue;
    const entry = observedChange(row.id, current, next, now);
    if (entry) history.push(entry);
  }
  // History first (see history.ts): a failed mirror write then repeats an entry instead of losing it.
  await recordHistory(history);
  for (const doc of updates) await putDoc(COLLECTIONS.promoters, doc._id, doc);
  if (inserts.length === 0) return;
  try {
    await insertMany(COLLECTIONS.promoters, inserts);
  } catch (err) {
    // Another sync running at the same time inserted some of them first: write each one instead.
    log.warn('mirror_batch_insert_failed', { count: inserts.length, error: err });
    for (const doc of inserts) await putDoc(COLLECTIONS.promoters, doc._id, doc);
  }
}

export interface SyncResult {
  total: number;
  pages: number;
  syncedAt: number;
}

/** Reads every promoter from WeChat and makes the mirror equal to it. */
export async function fullSync(api: PromoterApi, now: number): Promise<SyncResult> {
  const state = await readState();
  const startedVersion = state.staleVersion ?? 0;
  const { promoters, pages } = await api.getAllPromoters({});
  const existing = new Map((await findAll<PromoterDoc>(COLLECTIONS.promoters, {})).map((d) => [d._id, d]));
  await upsertRows(promoters, now, existing);
  const live = new Set(promoters.map((p) => p.id));
  const gone = [...existing.keys()].filter((id) => !live.has(id));
  if (gone.length > 0) await removeIds(COLLECTIONS.promoters, gone);
  await writeState({ lastFullSyncAt: now, lastIncrementalAt: now, syncedVersion: startedVersion });
  return { total: promoters.length, pages, syncedAt: now };
}

/** Reads the promoters whose auth status changed since the last incremental sync (with overlap). */
export async function incrementalSync(api: PromoterApi, now: number, since: number): Promise<void> {
  const { promoters } = await api.getAllPromoters({ beginTime: Math.max(0, since - INCREMENTAL_OVERLAP_S) });
  if (promoters.length > 0) {
    const _ = cmd();
    const ids = promoters.map((p) => p.id);
    const existing = new Map<string, Stored<PromoterDoc>>();
    for (let i = 0; i < ids.length; i += 500) {
      for (const d of await findAll<PromoterDoc>(COLLECTIONS.promoters, {
        _id: _.in(ids.slice(i, i + 500)),
      })) {
        existing.set(d._id, d);
      }
    }
    await upsertRows(promoters, now, existing);
  }
  await writeState({ lastIncrementalAt: now });
}

/**
 * Makes the mirror fresh enough for a read (see the rules at the top of this file). `force` (a
 * manager's pull-to-refresh) runs the incremental sync whatever its age.
 */
export async function ensureFresh(
  api: PromoterApi,
  now: number,
  opts: { force?: boolean } = {},
): Promise<void> {
  const state = await readState();
  const stale = (state.staleVersion ?? 0) > (state.syncedVersion ?? 0);
  if (state.lastFullSyncAt === undefined || stale || now - state.lastFullSyncAt > FULL_SYNC_MAX_AGE_S) {
    await fullSync(api, now);
    return;
  }
  const lastIncremental = state.lastIncrementalAt ?? state.lastFullSyncAt;
  if (opts.force || now - lastIncremental > INCREMENTAL_MAX_AGE_S) {
    await incrementalSync(api, now, lastIncremental);
  }
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

/** After a declare: the next read does a full sync to learn the new promoters' ids. */
export async function markStale(): Promise<void> {
  const state = await readState();
  await writeState({ staleVersion: (state.staleVersion ?? 0) + 1 });
}

export async function getPromoterDoc(id: string): Promise<Stored<PromoterDoc> | null> {
  return getDoc<PromoterDoc>(COLLECTIONS.promoters, id);
}

export async function findPromoterByOpenid(openid: string): Promise<Stored<PromoterDoc> | null> {
  const _ = cmd();
  const docs = await findAll<PromoterDoc>(COLLECTIONS.promoters, _.or({ openid }, { unionid: openid }));
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
  const current = await getPromoterDoc(row.id);
  const source = unionid && current ? { ...row, openid: current.openid } : row;
  const doc = wechatToDoc(source, now, unionid ?? current?.unionid);
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
