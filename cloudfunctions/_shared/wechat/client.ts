/**
 * The one WeChat client every function uses: `getWechatClient('miniProgram' | 'officialAccount')`.
 * Settings are read on first use (so a function only needs the pair it calls), and one client and
 * one token manager exist per app per function instance.
 *
 * `call()` policy:
 * - the access_token comes from TokenManager (stable_token, shared through the DB, single-flight);
 * - errcode 0/absent or listed in `acceptErrcodes` → resolves the parsed JSON body;
 * - 40001/40014/42001 → compare-and-expire the token that failed, fetch once more, retry once
 *   (for every call: WeChat refused it at the door, so nothing was applied);
 * - -1, 45011, HTTP 5xx, timeouts, connection errors → retried with backoff, at most 3 attempts,
 *   but only when the call declares `idempotent: true`;
 * - anything else (45009, 48001, parameter errors…) → WechatApiError at once.
 */
import { type AppCredentials, apiBaseUrl, miniProgramApp, officialAccountApp } from '../config';
import { TOKEN_ERRCODES, WechatApiError } from '../errors';
import { log } from '../log';
import { type HttpMethod, type WechatEnvelope, sendOnce, withRetry } from './http';
import { TokenManager } from './token';

export type WechatApp = 'miniProgram' | 'officialAccount';

export interface WechatRequest {
  method: HttpMethod;
  /** API path, e.g. `/cgi-bin/user/info`. */
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  /** Safe to repeat (a read, or a write that overwrites to the same result): enables retries. */
  idempotent: boolean;
  /** errcodes that are an answer, not a failure (e.g. 103006 "no data" for a list). */
  acceptErrcodes?: number[];
  /** Per-request timeout; default 5000 ms. */
  timeoutMs?: number;
}

export interface WechatClient {
  readonly app: WechatApp;
  call<T = WechatEnvelope>(request: WechatRequest): Promise<T>;
}

const SETTINGS: Record<
  WechatApp,
  { credentials: () => AppCredentials; names: { appid: string; secret: string } }
> = {
  miniProgram: { credentials: miniProgramApp, names: { appid: 'WX_APPID', secret: 'WX_APPSECRET' } },
  officialAccount: {
    credentials: officialAccountApp,
    names: { appid: 'WX_OA_APPID', secret: 'WX_OA_APPSECRET' },
  },
};

/** One token manager per appid+secret in this instance (the pair can differ between tests). */
const tokenManagers = new Map<string, TokenManager>();

export function tokenManagerFor(app: WechatApp): TokenManager {
  const credentials = SETTINGS[app].credentials();
  apiBaseUrl(); // fail on a bad WX_API_BASE_URL before anything is sent
  const key = `${credentials.appid}\n${credentials.secret}`;
  let manager = tokenManagers.get(key);
  if (!manager) {
    manager = new TokenManager(credentials, apiBaseUrl, { settingNames: SETTINGS[app].names });
    tokenManagers.set(key, manager);
  }
  return manager;
}

class Client implements WechatClient {
  constructor(readonly app: WechatApp) {}

  async call<T = WechatEnvelope>(request: WechatRequest): Promise<T> {
    const tokens = tokenManagerFor(this.app);
    const baseUrl = apiBaseUrl();
    const started = Date.now();
    let tokenRetried = false;
    const attempt = async (): Promise<WechatEnvelope> => {
      for (;;) {
        const token = await tokens.getToken();
        const body = await sendOnce({ ...request, baseUrl, accessToken: token });
        const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
        if (errcode === 0 || request.acceptErrcodes?.includes(errcode)) return body;
        if (TOKEN_ERRCODES.includes(errcode) && !tokenRetried) {
          // Only once per call: a token WeChat refuses twice in a row is not a stale-token problem.
          tokenRetried = true;
          log.warn('wx_token_rejected', { api: request.path, errcode, appid: tokens.appid });
          await tokens.expire(token);
          continue;
        }
        throw new WechatApiError(request.path, errcode, String(body.errmsg ?? ''));
      }
    };
    try {
      const body = await withRetry(request.path, request.idempotent, attempt);
      log.debug('wechat_call', { api: request.path, ms: Date.now() - started });
      return body as T;
    } catch (err) {
      log.warn('wechat_call_failed', { api: request.path, ms: Date.now() - started, error: err });
      throw err;
    }
  }
}

const clients = new Map<WechatApp, WechatClient>();

/** The client for one of our two apps (one per app per function instance). */
export function getWechatClient(app: WechatApp): WechatClient {
  let client = clients.get(app);
  if (!client) {
    client = new Client(app);
    clients.set(app, client);
  }
  return client;
}
