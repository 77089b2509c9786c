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
  PATTERNS,
  byteLimitMessage,
  utf8ByteLength,
} from '../../miniprogram/shared/field-rules';
import { AppError } from './errors';

export { v };

/** A string of at most `max` UTF-8 bytes; empty (or blank) is refused unless `allowEmpty`. */
export function bytes(max: number, label: string, options: { allowEmpty?: boolean } = {}) {
  return v.pipe(
    v.string(`${label}应为文本`),
    v.check((value: string) => options.allowEmpty === true || value.trim().length > 0, `${label}不能为空`),
    v.check(
      (value: string) => utf8ByteLength(value) <= max,
      (issue) => byteLimitMessage(label, max, utf8ByteLength(String(issue.input))),
    ),
  );
}

/** A string matching `pattern` (checked after the byte limit, so the length message comes first). */
export function patterned(max: number, label: string, pattern: RegExp, rule: string) {
  return v.pipe(bytes(max, label), v.regex(pattern, `${label}格式不正确：${rule}`));
}

export const openid = patterned(28, 'openid', PATTERNS.openid, '应为 28 位字母、数字、- 或 _');
export const unionid = patterned(28, 'unionid', PATTERNS.unionid, '应为 28 位字母、数字、- 或 _');
export const storeId = patterned(
  LIMITS.promoter.storeIdBytes,
  FIELD_LABELS.storeId,
  PATTERNS.storeId,
  '只能包含字母、数字、_ 和 -',
);
export const appid = patterned(18, FIELD_LABELS.openAccount, PATTERNS.appid, '应为 wx 加 16 位十六进制字符');

/** A whole number in [min, max]. */
export function integer(label: string, min: number, max: number) {
  return v.pipe(
    v.number(`${label}应为数字`),
    v.integer(`${label}应为整数`),
    v.minValue(min, `${label}不能小于 ${min}`),
    v.maxValue(max, `${label}不能大于 ${max}`),
  );
}

/** WeChat role_id: uint32, at least 1. */
export const roleId = integer(FIELD_LABELS.roleId, 1, 4_294_967_295);

/** One of `values`, named in the message. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, label: string) {
  return v.picklist(values, `${label}只能是 ${values.join('、')} 之一`);
}

/** An array of `min..max` items. */
export function list<TItem extends v.GenericSchema>(item: TItem, label: string, min: number, max: number) {
  return v.pipe(
    v.array(item, `${label}应为数组`),
    v.minLength(min, `${label}至少 ${min} 项`),
    v.maxLength(max, `${label}最多 ${max} 项`),
  );
}

/** Entries for paged lists (spread them into a strictObject): `cursor?`, `limit?` 1..100. */
export const pageParams = {
  cursor: v.optional(bytes(200, '分页游标')),
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

function issueMessage(issue: v.BaseIssue<unknown>, field: string): string {
  const label = labelFor(field);
  // Unknown key of a strict object: valibot reports it with expected "never".
  if (issue.type === 'strict_object' && issue.expected === 'never') return `不支持的参数 ${field}`;
  if (issue.kind === 'schema' && issue.input === undefined) return `${label}为必填项（${field}）`;
  // Our own messages are Chinese and name the field; valibot's defaults (English) are replaced.
  if (/[\u4e00-\u9fff]/.test(issue.message)) return field ? `${issue.message}（${field}）` : issue.message;
  return `${label}不合法（${field}）`;
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
  throw new AppError('INVALID_ARGUMENT', issueMessage(issue, field || 'params'), field ? { field } : {});
}
