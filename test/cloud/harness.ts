/**
 * Test harness for the cloud functions: the real functions (from source, under ts-jest) running
 * against the real wx-server-sdk, the CloudBase stand-in and the WeChat stand-in, all on loopback.
 *
 *   let stack: Stack;
 *   beforeAll(async () => { stack = await startTestStack(); });
 *   afterAll(() => stack.close());
 *   beforeEach(async () => { resetDatabase(stack); await wechatControl(stack).reset(); });
 *   const admin = asCaller(stack, DEMO_STAFF.admin.openid);
 *   const answer = await admin('admin', { action: 'store.add', storeId: 'SH-1', name: '上海一店' });
 *
 * Identity: each call sets the caller in process.env right before main() runs (see
 * emulator/gateway/invoke.ts), so calls may run concurrently as long as handlers read
 * cloud.getWXContext() before their first await — ours do.
 *
 * Cold starts: a function module keeps state between calls (token cache, cloud.init). Under jest a
 * fresh instance comes from `jest.isolateModules(() => require(...))`; loadFreshFunction(name) does
 * that, and invokeFunction(fresh, data, { openid }) calls it.
 */
import path from 'node:path';
import type { FunctionName } from '../../typings/contract/index';
import { type CloudFunctionModule, functionEntry, invokeFunction } from '../../emulator/gateway';
import { type Stack, type StackOptions, startStack } from '../../emulator/stack';

export type { Stack } from '../../emulator/stack';
export { invokeFunction } from '../../emulator/gateway';

/** Seed off, functions from source, free ports, no logging. Options override. */
export function startTestStack(overrides: StackOptions = {}): Promise<Stack> {
  return startStack({ seed: false, functions: 'source', ports: {}, quiet: true, ...overrides });
}

/** A caller bound to one openid: `(fn, data) => result` (the function's CloudResponse). */
export function asCaller(stack: Stack, openid: string | undefined) {
  return <T = unknown>(fn: FunctionName, data: { action: string } & Record<string, unknown>): Promise<T> =>
    stack.call(fn, data, openid) as Promise<T>;
}

/** Empties every collection (and drops any open transaction). */
export function resetDatabase(stack: Stack): void {
  stack.cloudbase.reset();
}

/** A fresh copy of a function's module (a cold start). Jest only. */
export function loadFreshFunction(name: FunctionName): CloudFunctionModule {
  let mod: CloudFunctionModule | undefined;
  jest.isolateModules(() => {
    mod = require(path.resolve(functionEntry(name, 'source'))) as CloudFunctionModule;
  });
  return mod!;
}

/** Invokes a module obtained by loadFreshFunction as `openid`. */
export function callFresh(fn: CloudFunctionModule, data: object, openid?: string): Promise<unknown> {
  return invokeFunction(fn, data, { openid });
}

// ---- the WeChat stand-in's control API (see emulator/wechat/README.md) ----

/** One fault rule: which calls it hits and what happens to them. */
export interface FaultRule {
  /** API path, e.g. `/promoter/gettransferredlist`; omitted = every path. */
  path?: string;
  /** Answer with this WeChat errcode (e.g. -1 busy, 45009 quota). */
  errcode?: number;
  /** Answer with this HTTP status instead (e.g. 503). */
  status?: number;
  /** Never answer (the client must time out). */
  hang?: boolean;
  /** Delay the answer by this many ms. */
  delayMs?: number;
  /** How many matching calls it hits; omitted = every one. */
  times?: number;
  [extra: string]: unknown;
}

export interface RecordedCall {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  [extra: string]: unknown;
}

export interface BulkPromotersOptions {
  count: number;
  [extra: string]: unknown;
}

export interface WechatControl {
  reset(options?: Record<string, unknown>): Promise<unknown>;
  faults(rules: FaultRule[]): Promise<unknown>;
  clearFaults(): Promise<unknown>;
  calls(path?: string): Promise<RecordedCall[]>;
  clearCalls(): Promise<unknown>;
  /** The promoter authorizes (or revokes) in WeChat's bind mini program. */
  bind(openid: string, op: 'authorize' | 'revoke'): Promise<unknown>;
  bulkPromoters(options: BulkPromotersOptions): Promise<unknown>;
  users(list: Array<Record<string, unknown>>): Promise<unknown>;
  /** Moves the stand-in's clock forward (token expiry, time windows). */
  clock(seconds: number): Promise<unknown>;
  raw(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown>;
}

const CONTROL = '/__control';

export function wechatControl(stack: Stack): WechatControl {
  if (!stack.wechat)
    throw new Error('wechatControl: this stack uses an outside WeChat API, not the stand-in');
  const base = stack.wechatUrl.replace(/\/+$/, '');
  const raw = async (
    method: 'GET' | 'POST' | 'DELETE',
    urlPath: string,
    body?: unknown,
  ): Promise<unknown> => {
    const res = await fetch(base + urlPath, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new Error(`wechat control ${method} ${urlPath}: HTTP ${res.status} ${text}`);
    return parsed;
  };
  const post = (op: string, body: unknown = {}): Promise<unknown> => raw('POST', `${CONTROL}/${op}`, body);
  return {
    reset: (options = {}) => post('reset', options),
    faults: (rules) => post('faults', { rules }),
    clearFaults: () => post('faults', { rules: [] }),
    calls: async (filterPath) => {
      const query = filterPath ? `?path=${encodeURIComponent(filterPath)}` : '';
      const answer = (await raw('GET', `${CONTROL}/calls${query}`)) as
        { calls?: RecordedCall[] } | RecordedCall[];
      return Array.isArray(answer) ? answer : (answer.calls ?? []);
    },
    clearCalls: () => raw('DELETE', `${CONTROL}/calls`),
    bind: (openid, op) => post('bind', { openid, op }),
    bulkPromoters: (options) => post('bulk-promoters', options),
    users: (list) => post('users', { users: list }),
    clock: (seconds) => post('clock', { advance: seconds }),
    raw,
  };
}
