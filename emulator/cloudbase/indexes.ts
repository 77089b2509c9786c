/**
 * Indexes for the CloudBase stand-in: a collection's documents in a Map (by `_id`) that also keeps,
 * for each indexed field, a hash index (value → ids) and a sorted index (built when a query wants
 * order or a range on the field, dropped when the field changes, so a burst of writes costs one
 * rebuild at the next ordered read).
 *
 * The fields come from the indexes the functions tell production to create (cloudfunctions/_shared/
 * collections.ts, README's deployment list): the first field of each index. `_id` is always indexed.
 * A query's plan (planCandidates) narrows the documents to test by equality, `$in`, ranges,
 * `$exists: false`, `$and` (intersection) and `$or` (union) on indexed fields; the rest of the query is
 * still tested by mingo on those documents, so answers are the ones a full scan gives.
 */
import type { Doc } from './wire';

type Key = string;
type Scalar = string | number;

/** The hash key of a value, or undefined for values an equality index cannot hold (arrays, objects). */
function keyOf(value: unknown): Key | undefined {
  if (value === undefined || value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return `s:${value}`;
    case 'number':
      return `n:${value}`;
    case 'boolean':
      return `b:${value}`;
    default:
      return undefined;
  }
}

/** The value at a dotted path of a document (undefined when a step is missing). */
export function valueAt(doc: unknown, path: string): unknown {
  let value = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

interface SortedIndex {
  /** Ids ordered by the field's value (all numbers or all strings), then by id. */
  ids: string[];
  values: Scalar[];
  /** Documents without the field (or null): ordered before every value. */
  missing: string[];
}

class FieldIndex {
  readonly hash = new Map<Key, Set<string>>();
  /** Documents whose value is an array or object: a plan always includes them. */
  readonly loose = new Set<string>();
  sorted: SortedIndex | null | 'mixed' = null;

  constructor(readonly field: string) {}

  add(id: string, doc: Doc): void {
    const key = keyOf(this.field === '_id' ? id : valueAt(doc, this.field));
    if (key === undefined) this.loose.add(id);
    else {
      let ids = this.hash.get(key);
      if (!ids) this.hash.set(key, (ids = new Set()));
      ids.add(id);
    }
  }

  remove(id: string, doc: Doc): void {
    const key = keyOf(this.field === '_id' ? id : valueAt(doc, this.field));
    if (key === undefined) this.loose.delete(id);
    else {
      const ids = this.hash.get(key);
      ids?.delete(id);
      if (ids && ids.size === 0) this.hash.delete(key);
    }
  }

  changed(before: Doc | undefined, after: Doc | undefined): boolean {
    if (this.field === '_id') return before === undefined || after === undefined;
    return keyOf(valueAt(before, this.field)) !== keyOf(valueAt(after, this.field));
  }

  /** The sorted index, built now if a change dropped it; 'mixed' when values are not all of one type. */
  order(docs: Map<string, Doc>): SortedIndex | 'mixed' {
    if (this.sorted) return this.sorted;
    const missing: string[] = [];
    const pairs: Array<[Scalar, string]> = [];
    let kind: 'number' | 'string' | undefined;
    let mixed = this.loose.size > 0;
    for (const [id, doc] of docs) {
      const value = this.field === '_id' ? id : valueAt(doc, this.field);
      if (value === undefined || value === null) {
        missing.push(id);
        continue;
      }
      const type = typeof value;
      if ((type !== 'number' && type !== 'string') || (kind !== undefined && kind !== type)) {
        mixed = true;
        break;
      }
      kind = type;
      pairs.push([value as Scalar, id]);
    }
    if (mixed) return (this.sorted = 'mixed');
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    missing.sort();
    return (this.sorted = { ids: pairs.map((p) => p[1]), values: pairs.map((p) => p[0]), missing });
  }
}

/** A collection's documents by `_id`, with the indexes of `fields` kept up to date on every change. */
export class IndexedDocs extends Map<string, Doc> {
  private readonly indexes = new Map<string, FieldIndex>();
  /** When each id was inserted: candidates come back in the collection's own (insertion) order. */
  private readonly seq = new Map<string, number>();
  private nextSeq = 0;

  constructor(fields: readonly string[] = []) {
    super();
    for (const field of ['_id', ...fields]) this.indexes.set(field, new FieldIndex(field));
  }

  override set(id: string, doc: Doc): this {
    // Map's constructor calls set before our fields exist; it is only ever called empty here.
    const before = super.get(id);
    if (!before) this.seq?.set(id, this.nextSeq++);
    for (const index of this.indexes?.values() ?? []) {
      if (before) index.remove(id, before);
      index.add(id, doc);
      if (index.changed(before, doc)) index.sorted = null;
    }
    return super.set(id, doc);
  }

  override delete(id: string): boolean {
    const before = super.get(id);
    if (!before) return false;
    for (const index of this.indexes.values()) {
      index.remove(id, before);
      index.sorted = null;
    }
    this.seq.delete(id);
    return super.delete(id);
  }

  override clear(): void {
    for (const [field] of this.indexes) this.indexes.set(field, new FieldIndex(field));
    this.seq.clear();
    super.clear();
  }

  /** The documents of `ids` in the collection's order. */
  docsOf(ids: Set<string>): Doc[] {
    const order = [...ids].filter((id) => this.seq.has(id));
    order.sort((a, b) => this.seq.get(a)! - this.seq.get(b)!);
    return order.map((id) => super.get(id)!);
  }

  hasIndex(field: string): boolean {
    return this.indexes.has(field);
  }

  /**
   * The ids that can match `query` (a superset), or undefined when no indexed condition narrows it
   * (then every document is a candidate).
   */
  planCandidates(query: Record<string, unknown>): Set<string> | undefined {
    let out: Set<string> | undefined;
    const narrow = (ids: Set<string> | undefined) => {
      if (ids === undefined) return;
      out = out === undefined ? ids : intersect(out, ids);
    };
    for (const [key, condition] of Object.entries(query)) {
      if (key === '$and' && Array.isArray(condition)) {
        for (const part of condition) narrow(this.planCandidates(part as Record<string, unknown>));
      } else if (key === '$or' && Array.isArray(condition)) {
        const parts = condition.map((part) => this.planCandidates(part as Record<string, unknown>));
        if (parts.every((p): p is Set<string> => p !== undefined)) {
          const union = new Set<string>();
          for (const p of parts) for (const id of p) union.add(id);
          narrow(union);
        }
      } else if (!key.startsWith('$')) {
        narrow(this.fieldCandidates(key, condition));
      }
    }
    return out;
  }

  /**
   * Whether planCandidates(query) gives exactly the matching documents: every condition is an equality,
   * `$in` or range on an indexed field holding only scalar values (or `$and` / `$or` of such).
   */
  answersExactly(query: Record<string, unknown>): boolean {
    return Object.entries(query).every(([key, condition]) => {
      if ((key === '$and' || key === '$or') && Array.isArray(condition)) {
        return condition.every(
          (part) =>
            part !== null && typeof part === 'object' && this.answersExactly(part as Record<string, unknown>),
        );
      }
      const index = this.indexes.get(key);
      if (!index || index.loose.size > 0) return false;
      if (!isOperatorObject(condition)) return keyOf(condition) !== undefined && condition !== null;
      const ops = condition as Record<string, unknown>;
      const names = Object.keys(ops);
      if (names.length === 1 && names[0] === '$eq') return keyOf(ops.$eq) !== undefined && ops.$eq !== null;
      if (names.length === 1 && names[0] === '$in' && Array.isArray(ops.$in)) {
        return ops.$in.every((v) => keyOf(v) !== undefined && v !== null);
      }
      if (!names.every((n) => RANGE_OPS.has(n))) return false;
      const range = this.rangeIds(index, ops);
      return range !== undefined && range.length <= RANGE_CANDIDATES_MAX;
    });
  }

  private fieldCandidates(field: string, condition: unknown): Set<string> | undefined {
    const index = this.indexes.get(field);
    if (!index) return undefined;
    const withLoose = (ids: Iterable<string>) => {
      const set = new Set(ids);
      for (const id of index.loose) set.add(id);
      return set;
    };
    const equal = (value: unknown): string[] | undefined => {
      const key = keyOf(value);
      return key === undefined ? undefined : [...(index.hash.get(key) ?? [])];
    };
    if (!isOperatorObject(condition)) {
      const ids = equal(condition);
      return ids && withLoose(ids);
    }
    const ops = condition as Record<string, unknown>;
    const names = Object.keys(ops);
    if (names.length === 1 && names[0] === '$eq') {
      const ids = equal(ops.$eq);
      return ids && withLoose(ids);
    }
    if (names.length === 1 && names[0] === '$in' && Array.isArray(ops.$in)) {
      const all: string[] = [];
      for (const value of ops.$in) {
        const ids = equal(value);
        if (!ids) return undefined;
        all.push(...ids);
      }
      return withLoose(all);
    }
    if (names.length === 1 && names[0] === '$exists' && ops.$exists === false) {
      return withLoose(index.hash.get('null') ?? []);
    }
    if (names.length > 0 && names.every((n) => RANGE_OPS.has(n))) {
      // A wide range narrows little: an ordered read walks it in the sorted index instead.
      const range = this.rangeIds(index, ops);
      return range && range.length <= RANGE_CANDIDATES_MAX ? withLoose(range) : undefined;
    }
    return undefined;
  }

  /** Ids whose value lies in the range `ops` ($gt/$gte/$lt/$lte), from the sorted index. */
  private rangeIds(index: FieldIndex, ops: Record<string, unknown>): string[] | undefined {
    const sorted = index.order(this);
    if (sorted === 'mixed') return undefined;
    const bounds = rangeBounds(sorted, ops);
    return bounds && sorted.ids.slice(bounds[0], bounds[1]);
  }

  /**
   * Ids in the order of `field` (`direction`), ties in `_id` order (`idDirection`, ascending when not
   * given), restricted to the range the query puts on that field (top-level or in a top-level $and),
   * missing values first ascending, last descending; undefined when the field has no usable sorted index.
   */
  orderedIds(
    field: string,
    direction: 1 | -1,
    query: Record<string, unknown>,
    idDirection: 1 | -1 = 1,
  ): Iterable<string> | undefined {
    const index = this.indexes.get(field);
    if (!index) return undefined;
    const sorted = index.order(this);
    if (sorted === 'mixed') return undefined;
    const range = collectRange(field, query);
    let from = 0;
    let to = sorted.ids.length;
    if (range) {
      const bounds = rangeBounds(sorted, range);
      if (!bounds) return undefined;
      [from, to] = bounds;
    }
    const missing = range ? [] : idDirection === 1 ? sorted.missing : [...sorted.missing].reverse();
    const { ids, values } = sorted;
    // The index holds ties in ascending id order: walking it backwards reverses them, so a walk whose
    // tie order differs from its direction yields each run of equal values the other way round.
    const flipTies = direction !== idDirection;
    return (function* () {
      if (direction === 1) yield* missing;
      let i = direction === 1 ? from : to - 1;
      while (direction === 1 ? i < to : i >= from) {
        let j = i;
        if (flipTies) {
          while (
            direction === 1
              ? j + 1 < to && values[j + 1] === values[i]
              : j - 1 >= from && values[j - 1] === values[i]
          ) {
            j += direction;
          }
          for (let k = j; direction === 1 ? k >= i : k <= i; k -= direction) yield ids[k];
        } else yield ids[i];
        i = j + direction;
      }
      if (direction === -1) yield* missing;
    })();
  }

  /** The value of the sorted field of `id` (for grouping equal values). */
  valueOf(field: string, id: string): unknown {
    return field === '_id' ? id : valueAt(super.get(id), field);
  }
}

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte']);
/** A range condition gives candidates only when it holds at most this many documents. */
const RANGE_CANDIDATES_MAX = 5000;

function isOperatorObject(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof RegExp) &&
    Object.keys(value).some((k) => k.startsWith('$'))
  );
}

/** [from, to) positions in the sorted index for the range, or undefined when a bound's type differs. */
function rangeBounds(sorted: SortedIndex, ops: Record<string, unknown>): [number, number] | undefined {
  const values = sorted.values;
  const sample = values[0];
  let from = 0;
  let to = values.length;
  for (const [op, bound] of Object.entries(ops)) {
    if (typeof bound !== 'number' && typeof bound !== 'string') return undefined;
    if (sample !== undefined && typeof bound !== typeof sample) return undefined;
    if (op === '$gt') from = Math.max(from, upperBound(values, bound));
    if (op === '$gte') from = Math.max(from, lowerBound(values, bound));
    if (op === '$lt') to = Math.min(to, lowerBound(values, bound));
    if (op === '$lte') to = Math.min(to, upperBound(values, bound));
  }
  return [from, Math.max(from, to)];
}

/** The range conditions a query puts on `field` at its top level or in a top-level $and. */
function collectRange(field: string, query: Record<string, unknown>): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  const visit = (q: Record<string, unknown>) => {
    for (const [key, condition] of Object.entries(q)) {
      if (key === '$and' && Array.isArray(condition))
        condition.forEach((c) => visit(c as Record<string, unknown>));
      else if (key === field && isOperatorObject(condition)) {
        const ops = condition as Record<string, unknown>;
        if (Object.keys(ops).every((n) => RANGE_OPS.has(n))) out = { ...(out ?? {}), ...ops };
      }
    }
  };
  visit(query);
  return out;
}

/** First position whose value is ≥ bound (or > bound when `after`), by binary search. */
function searchBound(values: Scalar[], bound: Scalar, after: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < bound || (after && values[mid] === bound)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const lowerBound = (values: Scalar[], bound: Scalar) => searchBound(values, bound, false);
const upperBound = (values: Scalar[], bound: Scalar) => searchBound(values, bound, true);

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const out = new Set<string>();
  for (const id of small) if (large.has(id)) out.add(id);
  return out;
}
