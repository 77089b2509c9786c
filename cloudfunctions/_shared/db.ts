/**
 * The cloud database, typed. wx-server-sdk's .d.ts is weak under --strict (init's env is typed
 * string but takes a symbol; `.get()` is typed `void | string | IQueryResult`), so the SDK is cast
 * once here to the small surface we use (cloud-runtime-notes.md §1 TypeScript).
 *
 * `doc(id).get()` answers `{ data: null }` for a missing document (throwOnNotFound: false) instead of
 * throwing, so "not found" is a value, not an exception.
 */
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

/** All documents matching `where`, reading past the SDK's 100-a-get page (bounded by `max`). */
export async function getAll<T extends StoredDoc>(
  name: string,
  where: Where<T> | DbOperator = {},
  max = 10_000,
): Promise<T[]> {
  const pageSize = 100;
  const out: T[] = [];
  for (let offset = 0; offset < max; offset += pageSize) {
    const { data } = await collection<T>(name)
      .where(where)
      .orderBy('_id', 'asc')
      .skip(offset)
      .limit(pageSize)
      .get();
    out.push(...data);
    if (data.length < pageSize) break;
  }
  return out;
}

/** Unix time in seconds (WeChat's unit and ours). */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
