/**
 * Harness for the WeChat stand-in's contract tests: one stand-in per test file (port 0), reset before
 * each test, and a tiny client over Node's global fetch.
 */
import { DEMO_APPS } from '../../../emulator/demo-data';
import type { WechatEmulator } from '../../../emulator/wechat';
import { startWechatEmulator } from '../../../emulator/wechat';

export const APPS = {
  miniProgram: { ...DEMO_APPS.miniProgram },
  officialAccount: { ...DEMO_APPS.officialAccount },
};
export const MP_APPID = APPS.miniProgram.appid;
export const OA_APPID = APPS.officialAccount.appid;

/** A well-formed openid/unionid from a short label. */
export const oid = (label: string, prefix = 'o'): string => `${prefix}${label}`.padEnd(28, '0').slice(0, 28);

export type Json = Record<string, any>;

export interface Reply {
  status: number;
  json: Json;
  text: string;
}

export class WxClient {
  private readonly tokens = new Map<'mp' | 'oa', string>();

  constructor(readonly url: string) {}

  forgetTokens(): void {
    this.tokens.clear();
  }

  async raw(
    method: string,
    path: string,
    init: { query?: Record<string, string>; body?: string } = {},
  ): Promise<Reply> {
    const search = init.query ? `?${new URLSearchParams(init.query).toString()}` : '';
    const response = await fetch(`${this.url}${path}${search}`, {
      method,
      body: init.body,
      headers: init.body !== undefined ? { 'content-type': 'application/json' } : undefined,
    });
    const text = await response.text();
    let json: Json = {};
    try {
      json = JSON.parse(text);
    } catch {
      // non-JSON answers (injected HTTP faults) keep json empty
    }
    return { status: response.status, json, text };
  }

  async stableToken(app: 'mp' | 'oa', forceRefresh = false): Promise<Json> {
    const { appid, secret } = app === 'mp' ? APPS.miniProgram : APPS.officialAccount;
    const reply = await this.raw('POST', '/cgi-bin/stable_token', {
      body: JSON.stringify({ grant_type: 'client_credential', appid, secret, force_refresh: forceRefresh }),
    });
    return reply.json;
  }

  async plainToken(app: 'mp' | 'oa'): Promise<Json> {
    const { appid, secret } = app === 'mp' ? APPS.miniProgram : APPS.officialAccount;
    return (
      await this.raw('GET', '/cgi-bin/token', { query: { grant_type: 'client_credential', appid, secret } })
    ).json;
  }

  async token(app: 'mp' | 'oa' = 'mp'): Promise<string> {
    const cached = this.tokens.get(app);
    if (cached) return cached;
    const answer = await this.stableToken(app);
    if (typeof answer.access_token !== 'string') throw new Error(`no token: ${JSON.stringify(answer)}`);
    this.tokens.set(app, answer.access_token);
    return answer.access_token;
  }

  /** POST a WeChat endpoint with the app's token; the parsed answer. */
  async post(path: string, body: unknown, app: 'mp' | 'oa' = 'mp'): Promise<Json> {
    const reply = await this.raw('POST', path, {
      query: { access_token: await this.token(app) },
      body: JSON.stringify(body),
    });
    return reply.json;
  }

  async get(path: string, query: Record<string, string> = {}, app: 'mp' | 'oa' = 'mp'): Promise<Json> {
    const reply = await this.raw('GET', path, { query: { ...query, access_token: await this.token(app) } });
    return reply.json;
  }

  async control(method: string, path: string, body?: unknown): Promise<Reply> {
    return this.raw(method, `/__control${path}`, {
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** A control call that must succeed; its JSON. */
  async ctl(method: string, path: string, body?: unknown): Promise<any> {
    const reply = await this.control(method, path, body);
    if (reply.status !== 200) throw new Error(`control ${path} → ${reply.status} ${reply.text}`);
    return reply.json;
  }

  async advance(seconds: number): Promise<number> {
    return (await this.ctl('POST', '/clock', { advanceSeconds: seconds })).now;
  }

  async now(): Promise<number> {
    return (await this.ctl('GET', '/clock')).now;
  }

  /** Declares promoters through the API and returns their ids. */
  async declare(items: Json[]): Promise<string[]> {
    const answer = await this.post('/promoter/addpromoter', { promoter_list: items });
    if (answer.errcode !== 0 || answer.fail_cnt !== 0)
      throw new Error(`addpromoter: ${JSON.stringify(answer)}`);
    const ids: string[] = [];
    for (const item of items) {
      const found = await this.post('/promoter/getpromoter', { openid: item.openid });
      ids.push(found.promoter_list[0].id);
    }
    return ids;
  }

  async bind(openid: string, action: 'authorize' | 'revoke' = 'authorize'): Promise<void> {
    await this.ctl('POST', '/bind', { openid, action });
  }
}

/** Starts a stand-in for the file and resets it (and the client's tokens) before each test. */
export function useEmulator(seed: 'empty' | 'demo' = 'empty'): WxClient {
  let emulator: WechatEmulator | undefined;
  const client = new Proxy({} as WxClient, {
    get(_target, key) {
      if (!real) throw new Error('the stand-in is not started yet');
      const value = (real as any)[key];
      return typeof value === 'function' ? value.bind(real) : value;
    },
  });
  let real: WxClient | undefined;
  beforeAll(async () => {
    emulator = await startWechatEmulator({ apps: APPS });
    real = new WxClient(emulator.url);
  });
  afterAll(async () => {
    await emulator?.close();
  });
  beforeEach(async () => {
    real?.forgetTokens();
    await real?.ctl('POST', '/reset', { seed });
  });
  return client;
}

export const chinese = (count: number): string => '中'.repeat(count);
export const ascii = (count: number): string => 'a'.repeat(count);
