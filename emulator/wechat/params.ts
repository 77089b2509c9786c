/**
 * Field readers for WeChat request bodies. Each takes the errcode its API family uses for a bad value
 * (103001 in the promoter family, 200002 in the union family) and throws WxError with the field named.
 */
import { wechatByteLength } from './bytes';
import type { WxBody } from './errors';
import { WxError } from './errors';

const UINT32_MAX = 0xffffffff;

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** uint32 as a JSON number or a digit string (WeChat's JSON layer converts either). */
export function optUint(body: WxBody, key: string, code: number): number | undefined {
  const value = body[key];
  if (!present(value)) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= UINT32_MAX) return value;
  if (typeof value === 'string' && /^\d{1,10}$/.test(value) && Number(value) <= UINT32_MAX)
    return Number(value);
  throw new WxError(code, `${key} must be an unsigned integer`);
}

export function reqUint(body: WxBody, key: string, code: number): number {
  const value = optUint(body, key, code);
  if (value === undefined) throw new WxError(code, `${key} is required`);
  return value;
}

/** One of `allowed`, given as a number or a digit string. */
export function optEnum(
  body: WxBody,
  key: string,
  allowed: readonly number[],
  code: number,
): number | undefined {
  const value = optUint(body, key, code);
  if (value !== undefined && !allowed.includes(value)) {
    throw new WxError(code, `${key} must be one of ${allowed.join('/')}`);
  }
  return value;
}

export function optString(body: WxBody, key: string, code: number): string | undefined {
  const value = body[key];
  if (!present(value)) return undefined;
  if (typeof value !== 'string') throw new WxError(code, `${key} must be a string`);
  return value;
}

export function reqString(body: WxBody, key: string, code: number): string {
  const value = optString(body, key, code);
  if (value === undefined || value === '') throw new WxError(code, `${key} is required`);
  return value;
}

/** Ids WeChat types as string but clients send as numbers too (id, start_id, msg_id). */
export function optIdString(body: WxBody, key: string, code: number): string | undefined {
  const value = body[key];
  if (!present(value) || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return String(value);
  throw new WxError(code, `${key} must be a string`);
}

/** A numeric cursor ("rows with id > start_id"); absent or empty = from the start. */
export function optCursor(body: WxBody, key: string, code: number): number {
  const value = optIdString(body, key, code);
  if (value === undefined) return 0;
  if (!/^\d{1,15}$/.test(value)) throw new WxError(code, `${key} must be an id from an earlier answer`);
  return Number(value);
}

/** need_unionid: WeChat says "fill 1"; SKIT sends a boolean. Both read as a flag. */
export function optFlag(body: WxBody, key: string, code: number): boolean {
  const value = body[key];
  if (!present(value)) return false;
  if (value === true || value === 1 || value === '1') return true;
  if (value === false || value === 0 || value === '0') return false;
  throw new WxError(code, `${key} must be 0 or 1`);
}

/** WeChat counts limits in UTF-8 bytes (a Chinese character is 3). */
export function checkByteLimit(key: string, value: string | undefined, max: number, code: number): void {
  if (value !== undefined && wechatByteLength(value) > max) {
    throw new WxError(code, `${key} exceeds ${max} bytes`);
  }
}

export function optStringArray(body: WxBody, key: string, code: number): string[] | undefined {
  const value = body[key];
  if (!present(value)) return undefined;
  if (!Array.isArray(value)) throw new WxError(code, `${key} must be an array`);
  return value.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' && Number.isInteger(item)) return String(item);
    throw new WxError(code, `${key} must hold strings`);
  });
}

export function optUintArray(body: WxBody, key: string, code: number): number[] | undefined {
  const value = body[key];
  if (!present(value)) return undefined;
  if (!Array.isArray(value)) throw new WxError(code, `${key} must be an array`);
  return value.map((item) => {
    const parsed = optUint({ item }, 'item', code);
    if (parsed === undefined) throw new WxError(code, `${key} must hold unsigned integers`);
    return parsed;
  });
}
