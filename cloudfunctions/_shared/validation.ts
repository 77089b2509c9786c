/**
 * valibot building blocks for action params, with the rules from miniprogram/shared/field-rules.ts
 * (the one place for limits). Every string length is a UTF-8 byte count, checked by one custom
 * check (`bytes`). `parseParams` turns the first issue into AppError INVALID_ARGUMENT whose `field` is
 * the param path (`promoters[3].name`) and whose message names the field and the rule in Chinese.
 * Objects are strict: an unknown param is rejected with its name.
 */
import * as v from 'valibot';
import {
  FIELD_LABELS,
  LIMITS,
  NUMBER_MESSAGES,
  PATTERNS,
  RULES,
  byteLimitMessage,
  checkIdLength,
  digitLimitMessage,
  patternMessage,
  textMessage,
  textProblem,
  utf8ByteLength,
} from '../../miniprogram/shared/field-rules';
import { AppError } from './errors';

export { v };

/** The message of a type check: "为必填项" when the param is missing, otherwise what it should be. */
function expected(label: string, what: string) {
  return (issue: v.BaseIssue<unknown>) =>
    issue.input === undefined ? `${label}为必填项` : `${label}${what}`;
}

/**
 * A string of at most `max` UTF-8 bytes; empty (or blank) is refused unless `allowEmpty`; control
 * characters, NUL and unpaired surrogates are refused (line breaks only with `multiline`).
 */
export function bytes(
  max: number,
  label: string,
  options: { allowEmpty?: boolean; multiline?: boolean; id?: boolean } = {},
) {
  return v.pipe(
    v.string(expected(label, '应为文本')),
    v.check((value: string) => options.allowEmpty === true || value.trim().length > 0, `${label}不能为空`),
    v.check(
      (value: string) => textProblem(value, options) === null,
      (issue) => textMessage(label, textProblem(String(issue.input), options) ?? ''),
    ),
    options.id
      ? // an id of letters and digits: its length in 位 (other characters are its pattern's to name)
        v.check(
          (value: string) => checkIdLength(label, value, max) === null,
          () => digitLimitMessage(label, max),
        )
      : v.check(
          (value: string) => utf8ByteLength(value) <= max,
          () => byteLimitMessage(label, max),
        ),
  );
}

/** Our ids and WeChat's msg_id / trade numbers: at most LIMITS.id.maxBytes. */
export const idString = (label: string) => bytes(LIMITS.id.maxBytes, label);

/**
 * An id matching `pattern`, whose characters are all 1 byte (letters, digits, a few signs): its length
 * in 位 comes first, then the pattern (which also bounds the length of any other characters).
 */
export function patterned(max: number, label: string, pattern: RegExp, rule: string) {
  return v.pipe(bytes(max, label, { id: true }), v.regex(pattern, patternMessage(label, rule)));
}

export const openid = patterned(LIMITS.openid.length, 'openid', PATTERNS.openid, RULES.openid);
export const unionid = patterned(LIMITS.openid.length, 'unionid', PATTERNS.unionid, RULES.openid);
export const storeId = patterned(
  LIMITS.promoter.storeIdBytes,
  FIELD_LABELS.storeId,
  PATTERNS.storeId,
  RULES.storeId,
);
export const appid = patterned(18, FIELD_LABELS.openAccount, PATTERNS.appid, RULES.appid);
export const date = (label: string) => patterned(10, label, PATTERNS.date, RULES.date);

/** A whole number in [min, max]. */
export function integer(label: string, min: number, max: number) {
  return v.pipe(
    v.number(expected(label, '应为数字')),
    v.integer(NUMBER_MESSAGES.notInteger(label)),
    v.minValue(min, NUMBER_MESSAGES.tooSmall(label, min)),
    v.maxValue(max, NUMBER_MESSAGES.tooLarge(label, max)),
  );
}

/** One of WeChat's uint32 fields (role_id, msg_type, scene, unix seconds), at least `min`. */
export const uint32 = (label: string, min = 0) => integer(label, min, LIMITS.uint32.max);

/** WeChat role_id: uint32, at least 1. */
export const roleId = uint32(FIELD_LABELS.roleId, 1);

/** Unix seconds. */
export const unixTime = (label: string) => uint32(label);

/** One of `values`, named in the message. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, label: string) {
  return v.picklist(values, `${label}只能是 ${values.join('、')} 之一`);
}

/** An array of `min..max` items. */
export function list<TItem extends v.GenericSchema>(item: TItem, label: string, min: number, max: number) {
  return v.pipe(
    v.array(item, expected(label, '应为数组')),
    v.minLength(min, `${label}至少 ${min} 项`),
    v.maxLength(max, `${label}最多 ${max} 项`),
  );
}

/** Entries for paged lists (spread them into a strictObject): `cursor?`, `limit?` 1..100. */
export const pageParams = {
  cursor: v.optional(bytes(LIMITS.page.cursorBytes, '分页游标')),
  limit: v.optional(integer('每页条数', 1, LIMITS.page.maxLimit)),
};

/** A strict object (unknown keys rejected). Use this for every params schema. */
export function params<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.strictObject(entries, '参数应为对象');
}

/** The empty params of actions that take none (still strict: any param is an error). */
export const noParams = params({});

type PathItem = { key?: unknown };

/** `promoters[3].name` from valibot's issue path. */
export function issuePath(path: readonly PathItem[] | undefined): string {
  let out = '';
  for (const item of path ?? []) {
    const key = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function labelFor(path: string): string {
  const last =
    path
      .replace(/\[\d+\]$/, '')
      .split('.')
      .pop() ?? path;
  return FIELD_LABELS[last] ?? last;
}

/** `message（field）`, once: a message that already ends with its field is kept as it is. */
export function withField(message: string, field: string): string {
  return !field || message.endsWith(`（${field}）`) ? message : `${message}（${field}）`;
}

interface SchemaLike {
  type?: string;
  entries?: Record<string, SchemaLike>;
  item?: SchemaLike;
  wrapped?: SchemaLike;
}

/** The schema of the param at `path` inside `schema` (objects and arrays), if it can be found. */
function schemaAt(schema: SchemaLike, path: readonly PathItem[]): SchemaLike | undefined {
  let at: SchemaLike | undefined = schema;
  for (const { key } of path) {
    while (at?.wrapped) at = at.wrapped;
    if (!at) return undefined;
    at = typeof key === 'number' ? at.item : at.entries?.[String(key)];
  }
  return at;
}

/** "角色名称为必填项": the missing param's own schema says it (bytes, integer and list do), if it can. */
function missingMessage(schema: SchemaLike, path: readonly PathItem[]): string | undefined {
  const entry = schemaAt(schema, path);
  if (!entry) return undefined;
  const result = v.safeParse(entry as v.GenericSchema, undefined);
  const message = result.success ? undefined : result.issues[0].message;
  return message?.endsWith('为必填项') ? message : undefined;
}

function issueMessage(issue: v.BaseIssue<unknown>, field: string, schema: SchemaLike): string {
  // Unknown key of a strict object: valibot reports it with expected "never".
  if (issue.type === 'strict_object' && issue.expected === 'never') return `不支持的参数（${field}）`;
  // A missing key is reported by its object (with the object's message): ask the key's own schema.
  if (issue.input === undefined && (issue.path?.length ?? 0) > 0) {
    const own = missingMessage(schema, issue.path as PathItem[]);
    if (own) return withField(own, field);
    return withField(`${labelFor(field)}为必填项`, field);
  }
  // Our own messages are Chinese and carry the schema's own label ("角色名称为必填项"); valibot's
  // defaults (English) are replaced.
  if (/[\u4e00-\u9fff]/.test(issue.message)) return withField(issue.message, field);
  const label = labelFor(field);
  if (issue.kind === 'schema' && issue.input === undefined) return withField(`${label}为必填项`, field);
  return withField(`${label}不合法`, field);
}

/** Validates `input` against `schema`; the first problem becomes AppError INVALID_ARGUMENT with `field`. */
export function parseParams<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = issuePath(issue.path as PathItem[] | undefined);
  throw new AppError(
    'INVALID_ARGUMENT',
    issueMessage(issue, field || 'params', schema as SchemaLike),
    field ? { field } : {},
  );
}
