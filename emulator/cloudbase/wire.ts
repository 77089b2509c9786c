/**
 * The EJSON side of the CloudBase database wire protocol: what @cloudbase/database 1.4.3 (inside
 * wx-server-sdk 4.0.2) sends and what it parses back. Queries, updates and documents arrive as EJSON
 * strings (canonical mode); documents go back as EJSON strings the SDK turns into Dates again.
 */
import { BSONRegExp, Decimal128, EJSON, ObjectId } from 'bson';
import { JsonBodyError, MAX_JSON_DEPTH, jsonDepth } from '../json-body';

export type Doc = Record<string, unknown> & { _id: string };

/** `db.serverDate({ offset })` arrives as this marker; the server replaces it with its own clock. */
const SERVER_DATE = '$tcb_server_date';

/**
 * Turns EJSON text into plain values mingo understands: BSON regexes become RegExp, Decimal128 a
 * number, ObjectId its hex string (CloudBase `_id`s are strings), serverDate markers a Date.
 * Text nested deeper than `maxDepth` is refused (JsonBodyError) before EJSON's recursion sees it.
 */
export function parseWire(text: unknown, now: () => number = Date.now, maxDepth = MAX_JSON_DEPTH): unknown {
  if (text === undefined || text === null || text === '') return undefined;
  if (typeof text === 'string' && jsonDepth(text, maxDepth) > maxDepth) {
    throw new JsonBodyError(
      `EJSON must not nest arrays or objects more than ${maxDepth} levels deep`,
      'too-deep',
    );
  }
  const value: unknown = typeof text === 'string' ? EJSON.parse(text, { relaxed: true }) : text;
  return toPlain(value, now);
}

function toPlain(value: unknown, now: () => number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || value instanceof RegExp) return value;
  if (value instanceof BSONRegExp) return new RegExp(value.pattern, jsRegexFlags(value.options));
  if (value instanceof Decimal128) return Number(value.toString());
  if (value instanceof ObjectId) return value.toHexString();
  if (Array.isArray(value)) return value.map((item) => toPlain(item, now));
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === SERVER_DATE) {
    const offset = Number((record[SERVER_DATE] as { offset?: unknown } | null)?.offset ?? 0);
    return new Date(now() + (Number.isFinite(offset) ? offset : 0));
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = toPlain(record[key], now);
  return out;
}

/** Mongo's regex options the JS engine also knows (`x` and `l` have no JS twin and are dropped). */
function jsRegexFlags(options: string): string {
  return [...new Set(options.split(''))].filter((flag) => 'imsu'.includes(flag)).join('');
}

/** A document as the SDK expects it in `data.list[]`: canonical EJSON, so Dates survive. */
export function stringifyDoc(doc: unknown): string {
  return EJSON.stringify(doc as Record<string, unknown>, { relaxed: false });
}

/** Whole-store text for the dev stack's data file (canonical EJSON keeps Dates and numbers exact). */
export function stringifyStore(value: Record<string, Doc[]>): string {
  return EJSON.stringify(value, undefined, 2, { relaxed: false });
}

export function parseStore(text: string): Record<string, Doc[]> {
  const parsed = parseWire(text, Date.now, Number.POSITIVE_INFINITY); // our own file: no request rule
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('data file must hold an object of collections');
  }
  const out: Record<string, Doc[]> = {};
  for (const [name, docs] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Array.isArray(docs)) throw new Error(`data file: collection ${name} must be an array`);
    out[name] = docs.map((doc, i) => {
      const id = (doc as Partial<Doc> | null)?._id;
      if (typeof id !== 'string') throw new Error(`data file: ${name}[${i}]._id must be a string`);
      return doc as Doc;
    });
  }
  return out;
}

/**
 * A deep copy of stored data. Not structuredClone: under jest that would make Dates of Node's own
 * realm, which fail `instanceof Date` in the test's realm.
 */
export function deepClone<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof RegExp) return new RegExp(value.source, value.flags) as T;
  if (Array.isArray(value)) return value.map(deepClone) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = deepClone(item);
    return out as T;
  }
  return value;
}
