/**
 * The CloudBase stand-in's storage engine: collections of documents in memory, mingo as the query,
 * update and aggregation engine, and transactions on a private copy of the data.
 *
 * What it copies from the real cloud database: string `_id`s, a default `limit` of 100 for `get()`
 * and at most 1000, `updated` counting documents that really changed (Mongo's nModified), replace
 * vs merge updates, upserts, duplicate `_id` rejection, and all-or-nothing multi-document writes.
 * Indexes: the ones production is told to create (cloudfunctions/_shared/collections.ts), kept per
 * collection by IndexedDocs (indexes.ts); a query on indexed fields tests only the documents the index
 * gives, and an ordered read with a limit walks the sorted index and stops when the page is full.
 * What it does not copy: permission rules, client-side limits, per-document size limits.
 *
 * Transactions see a copy of each collection they touch, taken when they first touch it (a shallow
 * copy of the id map: stored documents are never mutated, every write stores a new object).
 */
import crypto from 'node:crypto';
import { Query, aggregate, find, update } from 'mingo';
import { INDEXES } from '../../cloudfunctions/_shared/collections';
import { IndexedDocs, valueAt } from './indexes';
export type AnyObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- mingo's own object type
import { deepClone, type Doc } from './wire';

export class DbError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One set of collections: the committed data, or a transaction's private copy. */
type Space = Map<string, Map<string, Doc>>;

export interface FindOptions {
  order?: Record<string, 1 | -1>;
  offset?: number;
  limit?: number;
  projection?: Record<string, unknown>;
}

export interface ModifyOptions {
  multi: boolean;
  /** true: `data` updates fields (operators); false: `data` replaces the whole document. */
  merge: boolean;
  upsert: boolean;
}

interface Transaction {
  id: string;
  space: Space;
  /** `collection\u0000_id` of every document the transaction wrote. */
  written: Set<string>;
  /** Version of each document when the transaction began: a differing one at commit is a conflict. */
  startVersions: Map<string, number>;
  idleTimer: NodeJS.Timeout;
}

/** The real cloud's cap on `get()`; the SDK sends at most this and 100 when the caller gave none. */
export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;
/** A transaction nobody touches for this long is aborted, so a crashed function cannot hold the lock. */
const TRANSACTION_IDLE_MS = 30_000;
/** How long `startTransaction` waits for the one global transaction lock before reporting a conflict. */
const TRANSACTION_WAIT_MS = 10_000;

const docKey = (collection: string, id: string): string => `${collection}\u0000${id}`;

/** 32 hex characters, the shape of the `_id`s the cloud database generates. */
export const newDocumentId = (): string => crypto.randomBytes(16).toString('hex');

/** Indexed fields per collection: the first field of each index in the functions' registry. */
export function registryIndexFields(): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(INDEXES).map(([name, specs]) => [name, (specs ?? []).map((spec) => spec[0][0])]),
  );
}

/** An ordered read walks the sorted index instead of sorting when more documents than this match. */
const ORDERED_WALK_MIN = 2000;

export interface DatabaseOptions {
  /** Indexed fields per collection; default: registryIndexFields(). */
  indexes?: Record<string, string[]>;
  /** false: like the real cloud, touching a collection nobody created is an error. Default true. */
  autoCreateCollections?: boolean;
  /** Called after every committed change, saying what changed (persistence hooks in here). */
  onChange?: (change: DbChange) => void;
  /** Default 30 s: an idle transaction is aborted after this. */
  transactionIdleMs?: number;
  /** Default 10 s: how long startTransaction waits for the lock before DATABASE_TRANSACTION_CONFLICT. */
  transactionWaitMs?: number;
}

/** What a committed change touched: everything (reset), a new collection, or documents. */
export type DbChange =
  | { kind: 'reset' }
  | { kind: 'collection'; name: string }
  | { kind: 'docs'; keys: Array<[collection: string, id: string]> };

const splitKey = (key: string): [string, string] => key.split('\u0000') as [string, string];

export class Database {
  private committed: Space = new Map();
  private versions = new Map<string, number>();
  private transactions = new Map<string, Transaction>();
  /** The global transaction lock: the running transaction's id, and who waits for it. */
  private lockHolder: string | undefined;
  private lockWaiters: Array<() => void> = [];
  private readonly autoCreate: boolean;
  private readonly indexFields: Record<string, string[]>;

  constructor(private readonly options: DatabaseOptions = {}) {
    this.autoCreate = options.autoCreateCollections ?? true;
    this.indexFields = options.indexes ?? registryIndexFields();
  }

  private newCollection(name: string, docs: Iterable<Doc> = []): IndexedDocs {
    const coll = new IndexedDocs(this.indexFields[name] ?? []);
    for (const doc of docs) coll.set(doc._id, doc);
    return coll;
  }

  // ---- whole-store access (tests, persistence, reset) ----

  load(data: Record<string, Doc[]>): void {
    this.committed = new Map(
      Object.entries(data).map(([name, docs]) => [name, this.newCollection(name, docs)]),
    );
    this.versions.clear();
  }

  dump(): Record<string, Doc[]> {
    const out: Record<string, Doc[]> = {};
    for (const [name, docs] of this.committed) out[name] = deepClone([...docs.values()]);
    return out;
  }

  reset(): void {
    for (const tx of this.transactions.values()) clearTimeout(tx.idleTimer);
    this.transactions.clear();
    this.lockHolder = undefined;
    const waiters = this.lockWaiters;
    this.lockWaiters = [];
    waiters.forEach((wake) => wake());
    this.committed = new Map();
    this.versions.clear();
    this.options.onChange?.({ kind: 'reset' });
  }

  /** The committed document (not a copy: do not change it), or undefined. */
  committedDoc(collection: string, id: string): Doc | undefined {
    return this.committed.get(collection)?.get(id);
  }

  close(): void {
    for (const tx of this.transactions.values()) clearTimeout(tx.idleTimer);
    this.transactions.clear();
  }

  // ---- collections ----

  addCollection(name: string): void {
    checkCollectionName(name);
    if (this.committed.has(name)) {
      throw new DbError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${name} already exists`);
    }
    this.committed.set(name, this.newCollection(name));
    this.options.onChange?.({ kind: 'collection', name });
  }

  // ---- document operations; `transactionId` routes them to that transaction's copy ----

  insert(collection: string, docs: unknown[], transactionId?: string): string[] {
    return this.write(transactionId, (space, touch) => {
      const coll = this.collectionFor(space, collection, true);
      const prepared = docs.map((raw, i) => {
        if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
          throw new DbError('INVALID_PARAM', `data[${i}] must be an object`);
        }
        const doc = { ...(raw as Record<string, unknown>) };
        if (doc._id === undefined) doc._id = newDocumentId();
        if (typeof doc._id !== 'string' && typeof doc._id !== 'number') {
          throw new DbError('INVALID_PARAM', `data[${i}]._id must be a string`);
        }
        doc._id = String(doc._id);
        return doc as Doc;
      });
      const seen = new Set<string>();
      for (const doc of prepared) {
        if (coll.has(doc._id) || seen.has(doc._id)) throw duplicateKey(collection, doc._id);
        seen.add(doc._id);
      }
      for (const doc of prepared) {
        coll.set(doc._id, doc);
        touch(collection, doc._id);
      }
      return prepared.map((doc) => doc._id);
    });
  }

  find(collection: string, query: unknown, opts: FindOptions, transactionId?: string): Doc[] {
    const coll = this.collectionFor(this.spaceOf(transactionId), collection, false);
    if (!coll) return [];
    const where = criteria(query);
    const projection = opts.projection as AnyObject | undefined;
    const order = opts.order && Object.keys(opts.order).length ? opts.order : undefined;
    const limit = opts.limit === undefined ? undefined : Math.min(opts.limit, MAX_LIMIT);
    const candidates = coll instanceof IndexedDocs ? coll.planCandidates(where) : undefined;
    if (coll instanceof IndexedDocs && order && limit !== undefined) {
      if (candidates === undefined || candidates.size > ORDERED_WALK_MIN) {
        const walked = orderedWalk(coll, where, order, (opts.offset ?? 0) + limit, candidates);
        if (walked) {
          const page = walked.slice(opts.offset ?? 0);
          return projection ? find<Doc>(page, {}, projection).all() : page;
        }
      }
    }
    const exact = coll instanceof IndexedDocs && coll.answersExactly(where);
    const docs = this.matchable(coll, where, candidates);
    if (exact && !order && !projection) {
      // The index answered the whole query: nothing to test, sort or project.
      const from = opts.offset ?? 0;
      return docs.slice(from, limit === undefined ? undefined : from + limit);
    }
    let cursor = find<Doc>(docs, exact ? {} : where, projection);
    if (order) cursor = cursor.sort(order);
    if (opts.offset) cursor = cursor.skip(opts.offset);
    if (limit !== undefined) cursor = cursor.limit(limit);
    return cursor.all();
  }

  count(collection: string, query: unknown, transactionId?: string): number {
    const coll = this.collectionFor(this.spaceOf(transactionId), collection, false);
    return coll ? this.matching(coll, criteria(query)).length : 0;
  }

  /** The documents that can match `where`: the index's candidates, one document by `_id`, or all. */
  private matchable(coll: Map<string, Doc>, where: AnyObject, planned?: Set<string>): Doc[] {
    const candidates = planned ?? (coll instanceof IndexedDocs ? coll.planCandidates(where) : undefined);
    if (candidates) {
      return coll instanceof IndexedDocs
        ? coll.docsOf(candidates)
        : [...candidates].flatMap((id) => coll.get(id) ?? []);
    }
    if (typeof where._id === 'string') return coll.has(where._id) ? [coll.get(where._id)!] : [];
    return [...coll.values()];
  }

  /** Every document matching `where`. */
  private matching(coll: Map<string, Doc>, where: AnyObject): Doc[] {
    const docs = this.matchable(coll, where);
    // An index answered the whole query (equality, $in, ranges on indexed fields): nothing left to test.
    if (coll instanceof IndexedDocs && coll.answersExactly(where)) return docs;
    const query = new Query(where);
    return docs.filter((doc) => query.test(doc));
  }

  modify(
    collection: string,
    query: unknown,
    data: unknown,
    opts: ModifyOptions,
    transactionId?: string,
  ): { updated: number; upsertId?: string; docs: Doc[] } {
    return this.write(transactionId, (space, touch) => {
      const coll = this.collectionFor(space, collection, opts.upsert);
      const change = updateSpec(data, opts.merge);
      const matched = coll ? this.matching(coll, criteria(query)) : [];
      const targets = opts.multi ? matched : matched.slice(0, 1);
      if (targets.length === 0) {
        if (!opts.upsert || !coll) return { updated: 0, docs: [] };
        const seed = equalityFields(criteria(query));
        const base: Record<string, unknown> = {
          ...seed,
          _id: seed._id === undefined ? newDocumentId() : String(seed._id),
        };
        const doc = applyChange(base as Doc, change);
        if (coll.has(doc._id)) throw duplicateKey(collection, doc._id);
        coll.set(doc._id, doc);
        touch(collection, doc._id);
        return { updated: 0, upsertId: doc._id, docs: [doc] };
      }
      // Compute every new version first so a failure leaves no document half-updated.
      const next = targets.map((doc) => applyChange(doc, change));
      let updated = 0;
      next.forEach((doc, i) => {
        if (sameDocument(doc, targets[i])) return;
        coll!.set(doc._id, doc);
        touch(collection, doc._id);
        updated++;
      });
      return { updated, docs: next };
    });
  }

  remove(collection: string, query: unknown, multi: boolean, transactionId?: string): number {
    return this.write(transactionId, (space, touch) => {
      const coll = this.collectionFor(space, collection, false);
      if (!coll) return 0;
      const matched = this.matching(coll, criteria(query));
      const targets = multi ? matched : matched.slice(0, 1);
      for (const doc of targets) {
        coll.delete(doc._id);
        touch(collection, doc._id);
      }
      return targets.length;
    });
  }

  aggregate(collection: string, pipeline: AnyObject[], transactionId?: string): AnyObject[] {
    const space = this.spaceOf(transactionId);
    const coll = this.collectionFor(space, collection, false);
    // A leading $match is answered with the indexes; the rest of the pipeline runs on what it matched.
    const [first, ...rest] = pipeline;
    const leadingMatch = first && Object.keys(first).length === 1 && first.$match !== undefined;
    const input = !coll
      ? []
      : leadingMatch
        ? this.matching(coll, criteria(first.$match))
        : [...coll.values()];
    return aggregate(input, leadingMatch ? rest : pipeline, {
      collectionResolver: (name: string) => [...(space.get(name)?.values() ?? [])],
    });
  }

  // ---- transactions ----

  async startTransaction(): Promise<string> {
    const deadline = Date.now() + (this.options.transactionWaitMs ?? TRANSACTION_WAIT_MS);
    while (this.lockHolder !== undefined) {
      const left = deadline - Date.now();
      if (left <= 0) throw new DbError('DATABASE_TRANSACTION_CONFLICT', 'database transaction conflict');
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.lockWaiters = this.lockWaiters.filter((waiter) => waiter !== wake);
          resolve();
        }, left);
        this.lockWaiters.push(wake);
      });
    }
    const id = `tx-${newDocumentId()}`;
    this.lockHolder = id;
    this.transactions.set(id, {
      id,
      space: new Map(),
      written: new Set(),
      startVersions: new Map(this.versions),
      idleTimer: this.idleTimer(id),
    });
    return id;
  }

  commitTransaction(id: string): void {
    const tx = this.takeTransaction(id);
    for (const key of tx.written) {
      if ((this.versions.get(key) ?? 0) !== (tx.startVersions.get(key) ?? 0)) {
        throw new DbError('DATABASE_TRANSACTION_CONFLICT', 'database transaction conflict');
      }
    }
    for (const key of tx.written) {
      const [collection, docId] = key.split('\u0000') as [string, string];
      const doc = tx.space.get(collection)?.get(docId);
      let coll = this.committed.get(collection);
      if (!coll) this.committed.set(collection, (coll = this.newCollection(collection)));
      if (doc) coll.set(docId, doc);
      else coll.delete(docId);
      this.bump(key);
    }
    // collections the transaction created, even if it wrote nothing into them
    for (const name of tx.space.keys()) {
      if (!this.committed.has(name)) this.committed.set(name, this.newCollection(name));
    }
    if (tx.written.size) this.options.onChange?.({ kind: 'docs', keys: [...tx.written].map(splitKey) });
  }

  abortTransaction(id: string): void {
    this.takeTransaction(id);
  }

  // ---- internals ----

  private write<T>(
    transactionId: string | undefined,
    fn: (space: Space, touch: (c: string, id: string) => void) => T,
  ): T {
    if (transactionId === undefined) {
      const touched: string[] = [];
      const result = fn(this.committed, (c, id) => touched.push(docKey(c, id)));
      touched.forEach((key) => this.bump(key));
      if (touched.length) this.options.onChange?.({ kind: 'docs', keys: touched.map(splitKey) });
      return result;
    }
    const tx = this.transaction(transactionId);
    return fn(tx.space, (c, id) => tx.written.add(docKey(c, id)));
  }

  private spaceOf(transactionId: string | undefined): Space {
    return transactionId === undefined ? this.committed : this.transaction(transactionId).space;
  }

  private collectionFor(space: Space, name: string, create: true): Map<string, Doc>;
  private collectionFor(space: Space, name: string, create: boolean): Map<string, Doc> | undefined;
  private collectionFor(space: Space, name: string, create: boolean): Map<string, Doc> | undefined {
    checkCollectionName(name);
    const existing = space.get(name);
    if (existing) return existing;
    const committed = space === this.committed ? undefined : this.committed.get(name);
    if (committed) {
      // A transaction's first touch of a collection: its own copy of the id map.
      const copy = new Map(committed);
      space.set(name, copy);
      return copy;
    }
    if (!this.autoCreate) {
      throw new DbError('DATABASE_COLLECTION_NOT_EXIST', `Db or Table not exist: ${name}`);
    }
    if (!create) return undefined;
    const made = space === this.committed ? this.newCollection(name) : new Map<string, Doc>();
    space.set(name, made);
    return made;
  }

  private transaction(id: string): Transaction {
    const tx = this.transactions.get(id);
    if (!tx) throw new DbError('DATABASE_TRANSACTION_FAIL', `transaction ${id} does not exist or has ended`);
    tx.idleTimer.refresh();
    return tx;
  }

  private takeTransaction(id: string): Transaction {
    const tx = this.transaction(id);
    clearTimeout(tx.idleTimer);
    this.transactions.delete(id);
    this.release(id);
    return tx;
  }

  private idleTimer(id: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      if (this.transactions.delete(id)) this.release(id);
    }, this.options.transactionIdleMs ?? TRANSACTION_IDLE_MS);
    timer.unref();
    return timer;
  }

  private release(id: string): void {
    if (this.lockHolder !== id) return;
    this.lockHolder = undefined;
    this.lockWaiters.shift()?.();
  }

  private bump(key: string): void {
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
  }
}

function checkCollectionName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new DbError(
      'INVALID_PARAM',
      `collectionName must be 1..64 letters, digits, _ or -: ${String(name)}`,
    );
  }
}

function duplicateKey(collection: string, id: string): DbError {
  return new DbError(
    'DATABASE_REQUEST_FAILED',
    `E11000 duplicate key error collection: ${collection} index: _id_ dup key: { _id: "${id}" }`,
  );
}

/**
 * The documents a query can match: only the one with that `_id` when the query names a plain `_id`
 * (every doc(id) call, and most writes), otherwise the whole collection. Mingo still applies the
 * query to what is left, so this changes speed only (writes by id no longer scan the collection).
 */

function criteria(query: unknown): AnyObject {
  if (query === undefined || query === null) return {};
  if (typeof query !== 'object' || Array.isArray(query))
    throw new DbError('INVALID_PARAM', 'query must be an object');
  return query as AnyObject;
}

type Change = { kind: 'replace'; doc: Record<string, unknown> } | { kind: 'update'; ops: AnyObject };

function updateSpec(data: unknown, merge: boolean): Change {
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new DbError('INVALID_PARAM', 'data must be an object');
  }
  const record = data as Record<string, unknown>;
  const keys = Object.keys(record);
  const operators = keys.filter((k) => k.startsWith('$'));
  if (operators.length && operators.length !== keys.length) {
    throw new DbError('INVALID_PARAM', 'data mixes update operators and plain fields');
  }
  if (operators.length) return { kind: 'update', ops: record };
  if (!merge) return { kind: 'replace', doc: record };
  return { kind: 'update', ops: keys.length ? { $set: record } : {} };
}

/** A new version of `doc` (never mutates it), `_id` kept. */
function applyChange(doc: Doc, change: Change): Doc {
  if (change.kind === 'replace') {
    const { _id: ignored, ...fields } = change.doc;
    void ignored;
    return { ...deepClone(fields), _id: doc._id };
  }
  const opNames = Object.keys(change.ops);
  if (opNames.length === 1 && opNames[0] === '$set') {
    // The common case without mingo's per-call set-up: top-level fields set to new values.
    const fields = change.ops.$set as Record<string, unknown>;
    if (
      fields &&
      typeof fields === 'object' &&
      Object.keys(fields).every((k) => k !== '_id' && !k.includes('.') && !k.startsWith('$'))
    ) {
      return { ...doc, ...deepClone(fields), _id: doc._id };
    }
  }
  const next = deepClone(doc);
  if (opNames.length === 0) return next;
  for (const op of Object.values(change.ops)) {
    if (op && typeof op === 'object' && Object.keys(op).some((path) => path === '_id')) {
      throw new DbError('INVALID_PARAM', '不能更新_id的值');
    }
  }
  checkOperandTypes(next, change.ops);
  try {
    update(next, change.ops, undefined, undefined, { cloneMode: 'deep' });
  } catch (err) {
    throw new DbError('DATABASE_REQUEST_FAILED', err instanceof Error ? err.message : String(err));
  }
  return next;
}

const NUMERIC_OPS = new Set(['$inc', '$mul']);
const ARRAY_OPS = new Set(['$push', '$addToSet', '$pull', '$pullAll', '$pop']);

/** The type errors the cloud (MongoDB) raises and mingo lets through: `$inc` on text, `$push` on a non-array. */
function checkOperandTypes(doc: Doc, ops: AnyObject): void {
  for (const [op, fields] of Object.entries(ops)) {
    if (!NUMERIC_OPS.has(op) && !ARRAY_OPS.has(op)) continue;
    for (const [path, operand] of Object.entries((fields ?? {}) as Record<string, unknown>)) {
      const current = valueAt(doc, path);
      if (current === undefined) continue;
      if (NUMERIC_OPS.has(op) && (typeof current !== 'number' || typeof operand !== 'number')) {
        throw new DbError(
          'DATABASE_REQUEST_FAILED',
          `Cannot apply ${op} to a value of non-numeric type (${path})`,
        );
      }
      if (ARRAY_OPS.has(op) && !Array.isArray(current)) {
        throw new DbError(
          'DATABASE_REQUEST_FAILED',
          `The field '${path}' must be an array but is of type ${typeof current}`,
        );
      }
    }
  }
}

/** Plain `field: value` conditions of a query: what an upsert starts its new document from. */
function equalityFields(query: AnyObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (key.startsWith('$')) continue;
    const isOperatorObject =
      value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof RegExp)
        ? Object.keys(value).some((k) => k.startsWith('$'))
        : value instanceof RegExp;
    if (!isOperatorObject && !key.includes('.')) out[key] = value;
  }
  return out;
}

function sameDocument(a: Doc, b: Doc): boolean {
  const keys = Object.keys(a);
  if (keys.length === Object.keys(b).length) {
    // Quick answer when every field is the same value or a differing scalar settles it.
    let settled = true;
    for (const key of keys) {
      const x = (a as Record<string, unknown>)[key];
      const y = (b as Record<string, unknown>)[key];
      if (x === y) continue;
      if (typeof x !== 'object' || x === null || typeof y !== 'object' || y === null) return false;
      settled = false;
    }
    if (settled) return true;
  }
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Key order must not count as a change; Dates compare by time. */
function canonical(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.getTime() };
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object' && !(value instanceof RegExp)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * The first `wanted` documents matching `where` in `order`, walking the sorted index of the first order
 * field (ties sorted by the rest of the order); undefined when that field has no usable sorted index.
 */
function orderedWalk(
  coll: IndexedDocs,
  where: AnyObject,
  order: Record<string, 1 | -1>,
  wanted: number,
  candidates: Set<string> | undefined,
): Doc[] | undefined {
  const keys = Object.keys(order);
  const [field, direction] = [keys[0], order[keys[0]]];
  // Ties by `_id` come straight from the index; any other tie order is sorted per run of equal values.
  const idTies = keys.length === 1 || (keys.length === 2 && keys[1] === '_id');
  const ids = coll.orderedIds(field, direction, where, idTies && keys[1] === '_id' ? order._id : 1);
  if (!ids) return undefined;
  const query = new Query(where);
  const out: Doc[] = [];
  let group: Doc[] = [];
  let groupValue: unknown = Symbol('none');
  const flush = () => {
    out.push(...(group.length > 1 ? find<Doc>(group, {}).sort(order).all() : group));
    group = [];
  };
  for (const id of ids) {
    if (candidates && !candidates.has(id)) continue;
    const doc = coll.get(id);
    if (!doc || !query.test(doc)) continue;
    if (idTies) {
      out.push(doc);
      if (out.length >= wanted) break;
      continue;
    }
    const value = coll.valueOf(field, id);
    if (value !== groupValue) {
      flush();
      if (out.length >= wanted) break;
      groupValue = value;
    }
    group.push(doc);
  }
  flush();
  return out.slice(0, wanted);
}
