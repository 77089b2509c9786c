/**
 * The few document operations the promoter function needs, on the cloud database. Every collection
 * this function owns is named here; `stores` and `staff` belong to the admin function (read only).
 */
import crypto from 'node:crypto';
import { db as sharedDb } from '../../_shared/db';

export const COLLECTIONS = {
  promoters: 'promoters',
  syncState: 'sync_state',
  invites: 'invites',
  joinRequests: 'join_requests',
  messages: 'messages',
  stores: 'stores',
} as const;

/** A query condition as the SDK takes it (plain values or db.command expressions). */
export type Where = Record<string, unknown>;

/** The cloud DB returns at most 1000 documents a read on the server side. */
const READ_CHUNK = 1000;

interface QueryLike {
  where(condition: unknown): QueryLike;
  orderBy(field: string, order: 'asc' | 'desc'): QueryLike;
  skip(n: number): QueryLike;
  limit(n: number): QueryLike;
  field(projection: Record<string, boolean>): QueryLike;
  get(): Promise<{ data: unknown[] }>;
  count(): Promise<{ total: number }>;
  update(options: { data: unknown }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

interface DocRefLike {
  get(): Promise<{ data: unknown }>;
  set(options: { data: unknown }): Promise<unknown>;
  update(options: { data: unknown }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<unknown>;
}

interface CollectionLike extends QueryLike {
  doc(id: string): DocRefLike;
  add(options: { data: unknown }): Promise<{ _id?: string; ids?: string[] }>;
}

interface DatabaseLike {
  collection(name: string): CollectionLike;
  command: Command;
  RegExp(options: { regexp: string; options?: string }): unknown;
}

/** db.command, typed loosely on purpose: the SDK's own typings are incomplete under strict mode. */
export interface Command {
  eq(v: unknown): unknown;
  neq(v: unknown): unknown;
  gt(v: unknown): unknown;
  gte(v: unknown): unknown;
  lt(v: unknown): unknown;
  lte(v: unknown): unknown;
  in(v: unknown[]): unknown;
  nin(v: unknown[]): unknown;
  and(...c: unknown[]): unknown;
  or(...c: unknown[]): unknown;
  exists(v: boolean): unknown;
  inc(n: number): unknown;
  remove(): unknown;
}

function db(): DatabaseLike {
  return sharedDb() as unknown as DatabaseLike;
}

export function cmd(): Command {
  return db().command;
}

/** Case-insensitive substring match on a literal (regex characters escaped). */
export function containsText(text: string): unknown {
  return db().RegExp({ regexp: text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), options: 'i' });
}

function coll(name: string): CollectionLike {
  return db().collection(name);
}

/** `_id` of a stored document plus its fields. */
export type Stored<T> = T & { _id: string };

export async function getDoc<T>(collection: string, id: string): Promise<Stored<T> | null> {
  const res = await coll(collection).where({ _id: id }).limit(1).get();
  return (res.data[0] as Stored<T> | undefined) ?? null;
}

/** Creates or replaces the document with this id. */
export async function putDoc<T extends object>(collection: string, id: string, data: T): Promise<void> {
  const copy = { ...data } as Record<string, unknown>;
  delete copy._id;
  await coll(collection).doc(id).set({ data: copy });
}

export async function patchDoc(
  collection: string,
  id: string,
  patch: Record<string, unknown>,
): Promise<number> {
  const res = await coll(collection).doc(id).update({ data: patch });
  return res.stats.updated;
}

/** Updates every document matching `where`; answers how many changed. */
export async function patchWhere(
  collection: string,
  where: Where,
  patch: Record<string, unknown>,
): Promise<number> {
  const res = await coll(collection).where(where).update({ data: patch });
  return res.stats.updated;
}

export async function insertMany<T extends { _id: string }>(collection: string, docs: T[]): Promise<void> {
  for (let i = 0; i < docs.length; i += 500) {
    await coll(collection).add({ data: docs.slice(i, i + 500) });
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
  const res = await coll(collection).where(where).count();
  return res.total;
}

export interface Order {
  field: string;
  direction: 'asc' | 'desc';
}

export async function findSome<T>(
  collection: string,
  where: Where | unknown,
  options: { orderBy?: Order[]; limit: number; skip?: number },
): Promise<Stored<T>[]> {
  let query = coll(collection).where(where);
  for (const o of options.orderBy ?? []) query = query.orderBy(o.field, o.direction);
  if (options.skip) query = query.skip(options.skip);
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
    let query = coll(collection).where(condition).orderBy('_id', 'asc');
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
