/**
 * A client of the WeChat stand-in's control API (emulator/wechat/README.md, "Control API"), for tests,
 * benchmarks and scripts: reset, faults and latency, the call log, bulk promoters, OA users, the clock.
 */
import type { Stack } from '../stack';
import type { CallRecord } from './call-log';
import type { FaultRule } from './faults';

/**
 * A fault rule as POST /__control/faults takes it: the stand-in's own rule without the fields it adds
 * (`id`, `fired`). `errcode` for kind errcode (-1 busy, 45009 quota, ...), `status` for kind http,
 * `path` narrows it to one endpoint (e.g. `/promoter/addpromoter`), `next` calls (default 1) or a `rate`.
 */
export type FaultInput = Omit<FaultRule, 'id' | 'fired'>;

export interface BulkPromotersInput {
  /** 1..100000 */
  count: number;
  roleId?: number;
  retailId?: string;
  authStatus?: 0 | 1 | 2;
  declStatus?: 1 | 2;
  /** openid prefix, default `oBulk` */
  prefix?: string;
}

/** An OA follower as POST /__control/users takes it. */
export interface OaUserInput {
  openid: string;
  subscribed: boolean;
  /** null: a follower WeChat gives no unionid for. */
  unionid?: string | null;
  remark?: string;
  subscribeTime?: number;
  subscribeScene?: string;
  tagIds?: number[];
}

export interface WechatControl {
  /** Empty state (or `{ seed: 'demo' }`); also clears faults and the call log. */
  reset(options?: { seed?: 'demo' | 'empty'; keepTokens?: boolean }): Promise<unknown>;
  /** Adds fault rules to those in place. */
  faults(rules: FaultInput[]): Promise<unknown>;
  /** Removes every fault rule and the latency. */
  clearFaults(): Promise<unknown>;
  /** The WeChat calls made so far (secrets redacted), optionally of one path. */
  calls(path?: string): Promise<CallRecord[]>;
  clearCalls(): Promise<unknown>;
  /** The promoter authorizes (or revokes) in WeChat's bind mini program. */
  bind(openid: string, op: 'authorize' | 'revoke'): Promise<unknown>;
  bulkPromoters(options: BulkPromotersInput): Promise<unknown>;
  /** Adds `count` roles in one call (cheap set-up near the 100-role cap). */
  bulkRoles(count: number, prefix?: string): Promise<unknown>;
  /** Adds or updates OA followers. */
  users(list: OaUserInput[]): Promise<unknown>;
  /** Moves the stand-in's clock forward (token expiry, time windows). */
  clock(seconds: number): Promise<unknown>;
  /** Any control call, e.g. raw('POST', '/__control/limits', { maxDeclared: 3 }). Throws on HTTP >= 400. */
  raw(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown>;
}

/** One logged WeChat call (the stand-in's CallRecord). */
export type RecordedCall = CallRecord;
export type { CallRecord };

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
    if (!res.ok) throw new Error(`wechat control ${method} ${urlPath}: HTTP ${res.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  const post = (op: string, body: unknown = {}): Promise<unknown> => raw('POST', `${CONTROL}/${op}`, body);
  return {
    reset: (options = {}) => post('reset', options),
    faults: (rules) => post('faults', { rules }),
    clearFaults: () => raw('DELETE', `${CONTROL}/faults`),
    calls: async (filterPath) => {
      const query = filterPath ? `?path=${encodeURIComponent(filterPath)}` : '';
      return (await raw('GET', `${CONTROL}/calls${query}`)) as CallRecord[];
    },
    clearCalls: () => post('calls/clear'),
    bind: (openid, op) => post('bind', { openid, action: op }),
    bulkPromoters: (options) => post('promoters/bulk', options),
    bulkRoles: (count, prefix) => post('roles/bulk', prefix === undefined ? { count } : { count, prefix }),
    users: (list) => post('users', { users: list }),
    clock: (seconds) => post('clock', { advanceSeconds: seconds }),
    raw,
  };
}
