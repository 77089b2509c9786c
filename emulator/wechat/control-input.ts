/** Readers for /__control/ request bodies: bad input is a 400 whose message names the field and the rule. */
import { wechatByteLength } from './bytes';
import { OPENID_SHAPE } from './state';

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type Obj = Record<string, unknown>;

function bad(where: string, rule: string): never {
  throw new ControlError(400, `${where}: ${rule}`);
}

export function asObject(value: unknown, where: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(where, 'must be an object');
  return value as Obj;
}

/** The list a control call works on: the body itself when it is an array, else body[key]. */
export function listOf(body: unknown, key: string): Obj[] {
  const list = Array.isArray(body) ? body : (body as Obj | null)?.[key];
  if (!Array.isArray(list) || list.length === 0)
    bad(key, 'must be a non-empty array (or send the array as the body)');
  return list.map((item, index) => asObject(item, `${key}[${index}]`));
}

export function optStr(o: Obj, key: string, where: string, maxBytes = 1024): string | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') bad(`${where}.${key}`, 'must be a string');
  if (wechatByteLength(value) > maxBytes) bad(`${where}.${key}`, `must be at most ${maxBytes} bytes`);
  return value;
}

export function reqStr(o: Obj, key: string, where: string, maxBytes?: number): string {
  const value = optStr(o, key, where, maxBytes);
  if (value === undefined || value === '') bad(`${where}.${key}`, 'is required');
  return value;
}

export function optInt(o: Obj, key: string, where: string, min: number, max: number): number | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(`${where}.${key}`, `must be a whole number ${min}..${max}`);
  }
  return value;
}

export function reqInt(o: Obj, key: string, where: string, min: number, max: number): number {
  const value = optInt(o, key, where, min, max);
  if (value === undefined) bad(`${where}.${key}`, 'is required');
  return value;
}

export function optBool(o: Obj, key: string, where: string): boolean | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') bad(`${where}.${key}`, 'must be true or false');
  return value;
}

export function optOpenid(o: Obj, key: string, where: string): string | undefined {
  const value = optStr(o, key, where);
  if (value !== undefined && !OPENID_SHAPE.test(value))
    bad(`${where}.${key}`, 'must be 28 characters of A-Z a-z 0-9 _ -');
  return value;
}

export function reqOpenid(o: Obj, key: string, where: string): string {
  const value = optOpenid(o, key, where);
  if (value === undefined) bad(`${where}.${key}`, 'is required');
  return value;
}

export function oneOf<T>(value: unknown, allowed: readonly T[], where: string): T {
  if (!allowed.includes(value as T))
    bad(where, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  return value as T;
}
