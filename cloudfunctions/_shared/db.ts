/**
 * The cloud database, typed. wx-server-sdk's .d.ts is weak under --strict (init's env is typed
 * string but takes a symbol; `.get()` is typed `void | string | IQueryResult`), so the SDK is cast
 * once here to the small surface we use (node_modules/wx-server-sdk/index.d.ts shows the loose types).
 *
 * `doc(id).get()` answers `{ data: null }` for a missing document (throwOnNotFound: false) instead of
 * throwing, so "not found" is a value, not an exception.
 */
import crypto from 'node:crypto';
import * as cloud from 'wx-server-sdk';

/** Every stored document has a string _id. */
export interface StoredDoc {
  _id: string;
}

/** An operator value built by `db().command` (opaque: only the SDK reads it). */
export type DbOperator = { readonly __dbOperator?: never } & object;

export interface DbCommand {
  eq(value: unknown): DbOperator;
  neq(value: unknown): DbOperator;
  lt(value: unknown): DbOperator;
  lte(value: unknown): DbOperator;
  gt(value: unknown): DbOperator;
  gte(value: unknown): DbOperator;
  in(values: unknown[]): DbOperator;
  nin(values: unknown[]): DbOperator;
  exists(value: boolean): DbOperator;
  and(...conditions: unknown[]): DbOperator;
  or(...conditions: unknown[]): DbOperator;
  /** Update operators. */
  set(value: unknown): DbOperator;
  remove(): DbOperator;
  inc(value: number): DbOperator;
  push(value: unknown): DbOperator;
  pull(value: unknown): DbOperator;
}

export type Where<T> = { [K in keyof T]?: T[K] | DbOperator } & Record<string, unknown>;
export type UpdateData<T> = { [K in keyof T]?: T[K] | DbOperator } & Record<string, unknown>;
/** What `set` and `add` take: the document without `_id` (the SDK refuses `_id` in set data). */
export type DocData<T> = Omit<T, '_id'>;

export interface Query<T> {
  where(condition: Where<T> | DbOperator): Query<T>;
  orderBy(field: string, order: 'asc' | 'desc'): Query<T>;
  skip(n: number): Query<T>;
  limit(n: number): Query<T>;
  field(projection: Record<string, boolean>): Query<T>;
  get(): Promise<{ data: T[] }>;
  count(): Promise<{ total: number }>;
  update(options: { data: UpdateData<T> }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface DocRef<T> {
  get(): Promise<{ data: T | null }>;
  /** Creates or replaces the whole document. */
  set(options: { data: DocData<T> }): Promise<{ _id: string; stats: { updated: number; created: number } }>;
  update(options: { data: UpdateData<T> }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface CollectionRef<T> extends Query<T> {
  doc(id: string): DocRef<T>;
  add(options: { data: DocData<T> & { _id?: string } }): Promise<{ _id: string }>;
}

/** Inside a transaction: document operations by _id, and add. */
export interface TxCollection<T> {
  doc(id: string): DocRef<T>;
  add(options: { data: DocData<T> & { _id?: string } }): Promise<{ _id: string }>;
}

export interface Transaction {
  collection<T extends StoredDoc>(name: string): TxCollection<T>;
}

export interface Database {
  collection<T extends StoredDoc>(name: string): CollectionRef<T>;
  readonly command: DbCommand;
  /** Runs `work` in a transaction; commits when it resolves, rolls back when it throws (the error is rethrown). */
  runTransaction<R>(work: (tx: Transaction) => Promise<R>, retries?: number): Promise<R>;
}

interface CloudSdk {
  init(options: { env: unknown }): void;
  database(config?: { throwOnNotFound?: boolean }): unknown;
  DYNAMIC_CURRENT_ENV: symbol;
}

let database: Database | undefined;

/** The database of the function's current environment; `cloud.init` runs once, on first use. */
export function db(): Database {
  if (!database) {
    const sdk = cloud as unknown as CloudSdk;
    sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV });
    database = sdk.database({ throwOnNotFound: false }) as Database;
  }
  return database;
}

export function collection<T extends StoredDoc>(name: string): CollectionRef<T> {
  return db().collection<T>(name);
}

/** The document with this _id, or null. */
export async function getById<T extends StoredDoc>(name: string, id: string): Promise<T | null> {
  const { data } = await collection<T>(name).doc(id).get();
  return data ?? null;
}

// ---- the one data-access layer every function uses (the promoter function's store is built on it) ----

/** `_id` of a stored document plus its fields. */
export type Stored<T> = T & { _id: string };

/** A query condition as the SDK takes it (plain values or db.command expressions). */
export type Condition = Record<string, unknown> | DbOperator;

/** The cloud database answers at most 1000 documents a get on the server side. */
export const READ_CHUNK = 1000;
/** Documents per batch write (add of an array, remove/update of `_id in [...]`). */
export const WRITE_CHUNK = 500;

export function cmd(): DbCommand {
  return db().command;
}

/** The collection with loose typing: conditions here are built from db.command values. */
function loose(name: string): CollectionRef<StoredDoc & Record<string, unknown>> {
  return collection<StoredDoc & Record<string, unknown>>(name);
}

const asWhere = (where: unknown) => where as Where<StoredDoc & Record<string, unknown>>;

export async function getDoc<T>(name: string, id: string): Promise<Stored<T> | null> {
  return (await getById<StoredDoc>(name, id)) as Stored<T> | null;
}

/** Creates or replaces the document with this id. */
export async function putDoc<T extends object>(name: string, id: string, data: T): Promise<void> {
  const copy = { ...data } as Record<string, unknown>;
  delete copy._id;
  await loose(name).doc(id).set({ data: copy });
}

/** Batch insert, WRITE_CHUNK documents per call; a duplicate `_id` fails that call whole. */
export async function insertMany<T extends { _id: string }>(name: string, docs: T[]): Promise<void> {
  for (let i = 0; i < docs.length; i += WRITE_CHUNK) {
    // The SDK's add takes an array for a batch insert; the typed surface knows the single form only.
    const batch = docs.slice(i, i + WRITE_CHUNK) as unknown as DocData<StoredDoc & Record<string, unknown>>;
    await loose(name).add({ data: batch });
  }
}

export async function removeIds(name: string, ids: string[]): Promise<void> {
  const _ = cmd();
  for (let i = 0; i < ids.length; i += WRITE_CHUNK) {
    await loose(name)
      .where({ _id: _.in(ids.slice(i, i + WRITE_CHUNK)) })
      .remove();
  }
}

/** Sets the same fields on every document of `ids`, WRITE_CHUNK ids per call. */
export async function updateIds(name: string, ids: string[], data: Record<string, unknown>): Promise<void> {
  const _ = cmd();
  for (let i = 0; i < ids.length; i += WRITE_CHUNK) {
    await loose(name)
      .where({ _id: _.in(ids.slice(i, i + WRITE_CHUNK)) })
      .update({ data });
  }
}

export async function countWhere(name: string, where: Condition | unknown): Promise<number> {
  return (await loose(name).where(asWhere(where)).count()).total;
}

export interface Order {
  field: string;
  direction: 'asc' | 'desc';
}

/** At most `limit` (≤ READ_CHUNK) matching documents in `orderBy` order. */
export async function findSome<T>(
  name: string,
  where: Condition | unknown,
  options: { orderBy?: Order[]; limit: number; projection?: Record<string, boolean> },
): Promise<Stored<T>[]> {
  let query = loose(name).where(asWhere(where));
  for (const o of options.orderBy ?? []) query = query.orderBy(o.field, o.direction);
  if (options.projection) query = query.field({ ...options.projection, _id: true });
  const res = await query.limit(options.limit).get();
  return res.data as Stored<T>[];
}

/**
 * Every matching document, READ_CHUNK at a time in `_id` order, each chunk handed to `visit` (keyset
 * paging: `_id > last`, stable under concurrent inserts, no growing skip). Memory holds one chunk.
 */
export async function scan<T>(
  name: string,
  where: Condition | unknown,
  visit: (chunk: Stored<T>[]) => Promise<void> | void,
  projection?: Record<string, boolean>,
): Promise<void> {
  const _ = cmd();
  let after: string | undefined;
  for (;;) {
    const condition = after === undefined ? where : _.and(where, { _id: _.gt(after) });
    const chunk = await findSome<T>(name, condition, {
      orderBy: [{ field: '_id', direction: 'asc' }],
      limit: READ_CHUNK,
      projection,
    });
    if (chunk.length > 0) await visit(chunk);
    if (chunk.length < READ_CHUNK) return;
    after = chunk[chunk.length - 1]._id;
  }
}

/** Every matching document (bounded by `max`), read with scan. */
export async function findAll<T>(
  name: string,
  where: Condition | unknown = {},
  projection?: Record<string, boolean>,
  max = Infinity,
): Promise<Stored<T>[]> {
  const out: Stored<T>[] = [];
  await scan<T>(
    name,
    where,
    (chunk) => {
      out.push(...chunk.slice(0, max - out.length));
    },
    projection,
  );
  return out;
}

/** All documents matching `where` (at most `max`, default 10 000). */
export async function getAll<T extends StoredDoc>(
  name: string,
  where: Where<T> | DbOperator = {},
  max = 10_000,
): Promise<T[]> {
  return (await findAll<T>(name, where, undefined, max)) as T[];
}

interface AggregateChain<Row = { _id: unknown; count: number }> {
  match(where: unknown): AggregateChain<Row>;
  group(spec: unknown): AggregateChain<Row>;
  sort(spec: Record<string, 1 | -1>): AggregateChain<Row>;
  limit(n: number): AggregateChain<Row>;
  end(): Promise<{ list: Row[] }>;
}

type AggregatingDb = {
  collection(n: string): { aggregate<Row>(): AggregateChain<Row> };
  command: { aggregate: { sum(value: unknown): unknown } };
};

/**
 * How many documents matching `where` hold each value of `field` (one aggregate: match, group, at most
 * `max` groups), without reading the documents out.
 */
export async function countBy(
  name: string,
  where: Condition | unknown,
  field: string,
  max = 1000,
): Promise<Array<{ value: unknown; count: number }>> {
  const { list } = await grouped(name, where, `$${field}`, 1).limit(max).end();
  return list.map((g) => ({ value: g._id, count: g.count }));
}

/** The sum of a number `field` (a dotted path is fine) over the documents matching `where` (one aggregate). */
export async function sumWhere(name: string, where: Condition | unknown, field: string): Promise<number> {
  const { list } = await grouped(name, where, null, `$${field}`).end();
  return list[0]?.count ?? 0;
}

/** match `where`, then group by `by` with `count` the sum of `sum` per group. */
function grouped(
  name: string,
  where: Condition | unknown,
  by: string | null,
  sum: unknown,
): AggregateChain<{ _id: unknown; count: number }> {
  const database = db() as unknown as AggregatingDb;
  return database
    .collection(name)
    .aggregate<{ _id: unknown; count: number }>()
    .match(where)
    .group({ _id: by, count: database.command.aggregate.sum(sum) });
}

/**
 * Sums of the numeric `fields` over the documents matching `where`, per value of `by` (one aggregate:
 * match, group, then optionally sort by one of the sums, descending, and keep `limit` groups).
 */
export async function sumBy<F extends string>(
  name: string,
  where: Condition | unknown,
  by: string,
  fields: readonly F[],
  opts: { sortBy?: F; limit?: number } = {},
): Promise<Array<{ value: unknown } & Record<F, number>>> {
  const database = db() as unknown as AggregatingDb;
  const sum = database.command.aggregate.sum;
  const spec: Record<string, unknown> = { _id: `$${by}` };
  for (const f of fields) spec[f] = sum(`$${f}`);
  let chain = database
    .collection(name)
    .aggregate<{ _id: unknown } & Record<F, number>>()
    .match(where)
    .group(spec);
  if (opts.sortBy) chain = chain.sort({ [opts.sortBy]: -1, _id: 1 });
  const { list } = await chain.limit(opts.limit ?? 1000).end();
  return list.map(({ _id, ...sums }) => ({ value: _id, ...(sums as unknown as Record<F, number>) }));
}

/** Case-insensitive substring match on a literal (regex characters escaped). */
export function containsText(text: string): unknown {
  // db.RegExp is part of the SDK's database but not of the typed surface.
  const database = db() as unknown as { RegExp(options: { regexp: string; options?: string }): unknown };
  return database.RegExp({ regexp: text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), options: 'i' });
}

/** A url-safe random id: 18 bytes → 24 characters. */
export function randomId(bytes = 18): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

/** Unix time in seconds (WeChat's unit and ours). */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
