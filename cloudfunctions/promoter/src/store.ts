/**
 * The few document operations the promoter function needs, on the cloud database. Every collection
 * this function owns is named here; `stores` and `staff` belong to the admin function (read only).
 */
import crypto from 'node:crypto';
import { type DbCommand, type StoredDoc, db, getById } from '../../_shared/db';

export const COLLECTIONS = {
  promoters: 'promoters',
  promoterHistory: 'promoter_history',
  syncState: 'sync_state',
  invites: 'invites',
  joinRequests: 'join_requests',
  joinRequestClaims: 'join_request_claims',
  messages: 'messages',
  stores: 'stores',
  reminders: 'promoter_reminders',
  subscriptions: 'subscriptions',
} as const;

/** A query condition as the SDK takes it (plain values or db.command expressions). */
export type Where = Record<string, unknown>;

/** The cloud DB returns at most 1000 documents a read on the server side. */
const READ_CHUNK = 1000;

export function cmd(): DbCommand {
  return db().command;
}

/** Case-insensitive substring match on a literal (regex characters escaped). */
export function containsText(text: string): unknown {
  // db.RegExp is part of the SDK's database but not of the shared typed surface.
  const database = db() as unknown as { RegExp(options: { regexp: string; options?: string }): unknown };
  return database.RegExp({ regexp: text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), options: 'i' });
}

/** The collection with loose typing: conditions here are built from db.command values. */
function coll(name: string) {
  return db().collection<StoredDoc & Record<string, unknown>>(name);
}

type Condition = Parameters<ReturnType<typeof coll>['where']>[0];
const asCondition = (where: unknown) => where as Condition;

/** `_id` of a stored document plus its fields. */
export type Stored<T> = T & { _id: string };

export async function getDoc<T>(collection: string, id: string): Promise<Stored<T> | null> {
  return (await getById<StoredDoc>(collection, id)) as Stored<T> | null;
}

/** Creates or replaces the document with this id. */
export async function putDoc<T extends object>(collection: string, id: string, data: T): Promise<void> {
  const copy = { ...data } as Record<string, unknown>;
  delete copy._id;
  await coll(collection).doc(id).set({ data: copy });
}

export async function insertMany<T extends { _id: string }>(collection: string, docs: T[]): Promise<void> {
  for (let i = 0; i < docs.length; i += 500) {
    // The SDK's add takes an array for a batch insert; the shared typing knows the single form only.
    const batch = docs.slice(i, i + 500) as unknown as Parameters<ReturnType<typeof coll>['add']>[0]['data'];
    await coll(collection).add({ data: batch });
  }
}

export async function removeIds(collection: string, ids: string[]): Promise<void> {
  const _ = cmd();
  for (let i = 0; i < ids.length; i += 500) {
    await coll(collection)
      .where({ _id: _.in(ids.slice(i, i + 500)) })
      .remove();
  }
}

export async function countWhere(collection: string, where: Where | unknown): Promise<number> {
  const res = await coll(collection).where(asCondition(where)).count();
  return res.total;
}

export interface Order {
  field: string;
  direction: 'asc' | 'desc';
}

export async function findSome<T>(
  collection: string,
  where: Where | unknown,
  options: { orderBy?: Order[]; limit: number },
): Promise<Stored<T>[]> {
  let query = coll(collection).where(asCondition(where));
  for (const o of options.orderBy ?? []) query = query.orderBy(o.field, o.direction);
  const res = await query.limit(options.limit).get();
  return res.data as Stored<T>[];
}

/** Every matching document, read in chunks of 1000 ordered by _id (stable under concurrent inserts). */
export async function findAll<T>(
  collection: string,
  where: Where | unknown,
  projection?: Record<string, boolean>,
): Promise<Stored<T>[]> {
  const _ = cmd();
  const out: Stored<T>[] = [];
  let after: string | undefined;
  for (;;) {
    const condition = after === undefined ? where : _.and(where, { _id: _.gt(after) });
    let query = coll(collection).where(asCondition(condition)).orderBy('_id', 'asc');
    if (projection) query = query.field({ ...projection, _id: true });
    const res = await query.limit(READ_CHUNK).get();
    const chunk = res.data as Stored<T>[];
    out.push(...chunk);
    if (chunk.length < READ_CHUNK) return out;
    after = chunk[chunk.length - 1]._id;
  }
}

/** A url-safe random id: 18 bytes → 24 characters. */
export function randomId(bytes = 18): string {
  return crypto.randomBytes(bytes).toString('base64url');
}
