/**
 * access_token per appid, from `/cgi-bin/stable_token` in normal mode (never force_refresh: that is
 * limited to 20 a day and invalidates the token for every other instance).
 *
 * - Cached in memory and in the cloud database (collection `wx_tokens`, doc _id = appid), so every
 *   instance of every function shares one token. An instance that finds the DB doc stale fetches
 *   only while holding the lease `token:<appid>` (_shared/lease.ts); the others wait for the doc to
 *   turn valid (polling, at most TOKEN_WAIT_MS), so 1 000 cold instances at once make one
 *   stable_token call. If the wait runs out (or the database fails) an instance fetches on its own:
 *   normal mode hands every caller the same token, so that fallback is harmless.
 * - Refreshed ahead of expiry: a token counts as stale REFRESH_MARGIN_S (300 s) before it expires.
 *   (WeChat rotates stable tokens 5 minutes early, so a fresh fetch then yields a new one.) If WeChat
 *   ever grants a lifetime under twice the margin, half the lifetime is used as the margin instead,
 *   so a token just fetched is never discarded as stale at once.
 * - Single-flight: concurrent callers in one instance share one DB read and at most one fetch.
 * - Compare-and-expire: `expire(failedToken)` drops the token only if it is still the one that
 *   failed, in memory and in the DB doc (a conditional update), so a late failure of an old token
 *   never throws away a fresh one another caller already fetched.
 *
 * The `wx_tokens` collection holds live tokens: its permission must stay "server only" (no client reads).
 */
import { AppError, WechatApiError } from '../errors';
import { collection, type StoredDoc } from '../db';
import { log, registerSecret } from '../log';
import type { AppCredentials } from '../config';
import { sendOnce, withRetry } from './http';
import { COLLECTIONS } from '../collections';
import { type Lease, releaseLease, tryAcquireLease } from '../lease';

export const TOKEN_COLLECTION = COLLECTIONS.wxTokens;
export const REFRESH_MARGIN_S = 300;
export const STABLE_TOKEN_PATH = '/cgi-bin/stable_token';
/** How long an instance waits for another one's stable_token fetch before fetching itself. */
export const TOKEN_WAIT_MS = 10_000;

export interface TokenDoc extends StoredDoc {
  /** = appid */
  _id: string;
  accessToken: string;
  /** Unix seconds when WeChat says the token expires. */
  expiresAt: number;
  /** Unix seconds after which we fetch a new one (expiresAt minus the margin). */
  refreshAt: number;
  fetchedAt: number;
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

export interface TokenManagerOptions {
  /** Which env variables hold the credentials: named in CONFIG_ERROR messages. */
  settingNames: { appid: string; secret: string };
  /** Milliseconds clock; injectable so expiry can be tested without waiting two hours. */
  now?: () => number;
}

export function refreshAtFor(fetchedAtS: number, expiresInS: number): number {
  const margin = Math.min(REFRESH_MARGIN_S, Math.floor(expiresInS / 2));
  return fetchedAtS + expiresInS - margin;
}

/** Credential errors of stable_token: the configuration is wrong, not WeChat. */
const CREDENTIAL_ERRCODES = [40001, 40013, 40125, 40164, 41002, 41004, 61024];

export class TokenManager {
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;
  private readonly now: () => number;
  /** How many times this instance called stable_token (for logs and tests). */
  fetchCount = 0;

  constructor(
    private readonly app: AppCredentials,
    private readonly baseUrl: () => string,
    private readonly options: TokenManagerOptions,
  ) {
    this.now = options.now ?? Date.now;
    registerSecret(app.secret);
  }

  get appid(): string {
    return this.app.appid;
  }

  private nowS(): number {
    return Math.floor(this.now() / 1000);
  }

  /** A valid token: memory, else the shared DB doc, else one stable_token fetch (single-flight). */
  async getToken(): Promise<string> {
    if (this.cached && this.nowS() < this.cached.refreshAt) return this.cached.token;
    if (!this.pending) {
      this.pending = this.loadOrFetch().finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  /** Compare-and-expire: forget `failedToken` only if it is still the current token (memory and DB). */
  async expire(failedToken: string): Promise<void> {
    if (this.cached?.token === failedToken) this.cached = undefined;
    try {
      await collection<TokenDoc>(TOKEN_COLLECTION)
        .where({ _id: this.app.appid, accessToken: failedToken })
        .update({ data: { refreshAt: 0 } });
    } catch (err) {
      log.warn('wx_token_expire_db_failed', { appid: this.app.appid, error: err });
    }
  }

  private async loadOrFetch(): Promise<string> {
    const shared = await this.readShared();
    return this.adopt(shared) ?? this.fetchShared();
  }

  /** The shared token if it is still fresh (then cached in memory), else undefined. */
  private adopt(shared: TokenDoc | null): string | undefined {
    if (!shared || this.nowS() >= shared.refreshAt) return undefined;
    registerSecret(shared.accessToken);
    this.cached = { token: shared.accessToken, refreshAt: shared.refreshAt };
    return shared.accessToken;
  }

  /** One fetch across all instances: the lease holder fetches, the others wait for its token. */
  private async fetchShared(): Promise<string> {
    const key = `token:${this.app.appid}`;
    const deadline = Date.now() + TOKEN_WAIT_MS;
    let pause = 30;
    for (;;) {
      let lease: Lease | null;
      try {
        lease = await tryAcquireLease(key, { action: 'stable_token', by: this.app.appid });
      } catch (err) {
        log.warn('wx_token_lease_failed', { appid: this.app.appid, error: err });
        return this.fetch();
      }
      if (lease) {
        try {
          // Under the lease: the previous holder may have stored a fresh token a moment ago.
          return this.adopt(await this.readShared()) ?? (await this.fetch());
        } finally {
          await releaseLease(lease).catch((err: unknown) =>
            log.warn('wx_token_lease_release_failed', { appid: this.app.appid, error: err }),
          );
        }
      }
      if (Date.now() + pause > deadline) return this.fetch();
      await new Promise((resolve) => setTimeout(resolve, pause + Math.floor(Math.random() * pause)));
      pause = Math.min(pause * 2, 300);
      const fetched = this.adopt(await this.readShared());
      if (fetched) return fetched;
    }
  }

  private async readShared(): Promise<TokenDoc | null> {
    try {
      const { data } = await collection<TokenDoc>(TOKEN_COLLECTION).doc(this.app.appid).get();
      return data && typeof data.accessToken === 'string' && typeof data.refreshAt === 'number' ? data : null;
    } catch (err) {
      // The DB is a cache here: when it fails, fetching from WeChat still works.
      log.warn('wx_token_read_db_failed', { appid: this.app.appid, error: err });
      return null;
    }
  }

  private async fetch(): Promise<string> {
    const fetchedAt = this.nowS();
    this.fetchCount++;
    const body = await withRetry(STABLE_TOKEN_PATH, true, async () => {
      const answer = await sendOnce({
        method: 'POST',
        baseUrl: this.baseUrl(),
        path: STABLE_TOKEN_PATH,
        body: {
          grant_type: 'client_credential',
          appid: this.app.appid,
          secret: this.app.secret,
          force_refresh: false,
        },
      });
      if (answer.errcode)
        throw new WechatApiError(STABLE_TOKEN_PATH, answer.errcode, String(answer.errmsg ?? ''));
      return answer;
    }).catch((err: unknown) => {
      if (err instanceof WechatApiError && CREDENTIAL_ERRCODES.includes(err.errcode)) {
        const { appid, secret } = this.options.settingNames;
        throw new AppError(
          'CONFIG_ERROR',
          `微信拒绝了 ${appid} / ${secret} 的组合（errcode ${err.errcode}），请检查云函数环境变量中的 AppID 与 AppSecret`,
          { errcode: err.errcode },
        );
      }
      throw err;
    });
    const token = body.access_token;
    const expiresIn = Number(body.expires_in);
    if (typeof token !== 'string' || !token || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new WechatApiError(STABLE_TOKEN_PATH, -1, 'answer without access_token / expires_in');
    }
    registerSecret(token);
    const refreshAt = refreshAtFor(fetchedAt, expiresIn);
    this.cached = { token, refreshAt };
    log.info('wx_token_fetched', { appid: this.app.appid, expiresIn });
    try {
      await collection<TokenDoc>(TOKEN_COLLECTION)
        .doc(this.app.appid)
        .set({ data: { accessToken: token, expiresAt: fetchedAt + expiresIn, refreshAt, fetchedAt } });
    } catch (err) {
      log.warn('wx_token_write_db_failed', { appid: this.app.appid, error: err });
    }
    return token;
  }
}
