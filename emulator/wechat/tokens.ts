/**
 * access_token issuing and checking (docs/wechat-api.md#access-token). The two endpoints keep separate token sets:
 * a `/cgi-bin/token` fetch never touches a stable_token token and the other way round (D-stable).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import { chinaDayNumber } from './clock';
import { WxError } from './errors';
import type { World, WxRoute } from './world';

export type TokenFamily = 'token' | 'stable';

export const TOKEN_LIFETIME_SECONDS = 7200;
/** Old and new tokens overlap this long after a refresh; stable_token also rotates this early. */
export const OVERLAP_SECONDS = 300;
export const FORCE_REFRESH_PER_DAY = 20;
export const FORCE_REFRESH_MIN_GAP_SECONDS = 30;

/** Every token this server issues has this shape; anything else is "not a token we could have issued" (40014). */
const TOKEN_SHAPE = /^EMU_[CS]_[A-Za-z0-9_-]{128}$/;

export interface IssuedToken {
  token: string;
  appid: string;
  family: TokenFamily;
  issuedAt: number;
  expiresAt: number;
  /** Set when a newer token superseded this one: it stops working then (40001). */
  invalidAfter?: number;
}

interface StableSlot {
  current?: IssuedToken;
  lastForceAt?: number;
  forceDay?: number;
  forceCountToday: number;
}

export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();
  /** Latest `/cgi-bin/token` token per appid. */
  private readonly latestPlain = new Map<string, IssuedToken>();
  private readonly stable = new Map<string, StableSlot>();

  constructor(private readonly clock: Clock) {}

  private issue(appid: string, family: TokenFamily): IssuedToken {
    const now = this.clock.now();
    const token = `EMU_${family === 'token' ? 'C' : 'S'}_${randomBytes(96).toString('base64url')}`;
    const issued: IssuedToken = {
      token,
      appid,
      family,
      issuedAt: now,
      expiresAt: now + TOKEN_LIFETIME_SECONDS,
    };
    this.tokens.set(token, issued);
    return issued;
  }

  private supersede(old: IssuedToken | undefined, now: number): void {
    if (!old) return;
    const cutoff = now + OVERLAP_SECONDS;
    old.invalidAfter = old.invalidAfter === undefined ? cutoff : Math.min(old.invalidAfter, cutoff);
  }

  /** GET /cgi-bin/token: every fetch issues a new token; the previous one works 5 more minutes. */
  fetchPlain(appid: string): { access_token: string; expires_in: number } {
    const now = this.clock.now();
    this.supersede(this.latestPlain.get(appid), now);
    const issued = this.issue(appid, 'token');
    this.latestPlain.set(appid, issued);
    return { access_token: issued.token, expires_in: TOKEN_LIFETIME_SECONDS };
  }

  /** POST /cgi-bin/stable_token in normal or force mode. */
  fetchStable(appid: string, forceRefresh: boolean): { access_token: string; expires_in: number } {
    const now = this.clock.now();
    const slot = this.stable.get(appid) ?? { forceCountToday: 0 };
    this.stable.set(appid, slot);
    const current = slot.current;
    const usable = current !== undefined && this.problemOf(current, now) === undefined;

    if (forceRefresh) {
      // Calls less than 30 s apart do not refresh: the same token comes back (D-stable).
      if (
        usable &&
        slot.lastForceAt !== undefined &&
        now - slot.lastForceAt < FORCE_REFRESH_MIN_GAP_SECONDS
      ) {
        return { access_token: current.token, expires_in: current.expiresAt - now };
      }
      const day = chinaDayNumber(now);
      if (slot.forceDay !== day) {
        slot.forceDay = day;
        slot.forceCountToday = 0;
      }
      if (slot.forceCountToday >= FORCE_REFRESH_PER_DAY) throw new WxError(45009, 'force_refresh 20 a day');
      slot.forceCountToday++;
      slot.lastForceAt = now;
      this.supersede(current, now);
      slot.current = this.issue(appid, 'stable');
    } else if (!usable || current.expiresAt - now < OVERLAP_SECONDS) {
      // Rotated 5 minutes early; the old token keeps working until its own expiry (no supersede).
      slot.current = this.issue(appid, 'stable');
    }
    const issued = slot.current as IssuedToken;
    return { access_token: issued.token, expires_in: issued.expiresAt - now };
  }

  private problemOf(issued: IssuedToken, now: number): 40001 | 42001 | undefined {
    if (
      issued.invalidAfter !== undefined &&
      now >= issued.invalidAfter &&
      issued.invalidAfter < issued.expiresAt
    ) {
      return 40001;
    }
    if (now >= issued.expiresAt) return 42001;
    return undefined;
  }

  /** The appid a token belongs to, or the WeChat error for a missing/malformed/stale/expired token. */
  check(token: string | null): string {
    if (token === null || token === '') throw new WxError(41001);
    if (!TOKEN_SHAPE.test(token)) throw new WxError(40014);
    const issued = this.tokens.get(token);
    if (!issued) throw new WxError(40001);
    const problem = this.problemOf(issued, this.clock.now());
    if (problem !== undefined) throw new WxError(problem);
    return issued.appid;
  }

  /** The `expire-tokens` fault: every token issued so far is expired now (42001 from here on). */
  expireAll(): void {
    const now = this.clock.now();
    for (const issued of this.tokens.values()) issued.expiresAt = Math.min(issued.expiresAt, now);
  }

  /** For the state dump: no token values, only their shape in time. */
  summary(): Array<Omit<IssuedToken, 'token'> & { tokenPrefix: string; status: string }> {
    const now = this.clock.now();
    return [...this.tokens.values()].map(({ token, ...rest }) => ({
      ...rest,
      tokenPrefix: `${token.slice(0, 10)}***`,
      status: { 40001: 'superseded', 42001: 'expired', none: 'valid' }[
        this.problemOf(rest as IssuedToken, now) ?? 'none'
      ],
    }));
  }

  forceRefreshCount(appid: string): number {
    const slot = this.stable.get(appid);
    return slot && slot.forceDay === chinaDayNumber(this.clock.now()) ? slot.forceCountToday : 0;
  }
}

function checkCredentials(
  world: World,
  grantType: unknown,
  appid: unknown,
  secret: unknown,
  wrongSecretCode: 40001 | 40125,
): string {
  if (grantType !== 'client_credential') throw new WxError(40002);
  if (typeof appid !== 'string' || appid === '') throw new WxError(41002);
  const kind = world.appKind(appid);
  if (!kind) throw new WxError(40013, appid);
  if (typeof secret !== 'string' || secret === '') throw new WxError(41004);
  const app = kind === 'mp' ? world.apps.miniProgram : world.apps.officialAccount;
  if (secret !== app.secret) throw new WxError(wrongSecretCode);
  return appid;
}

export const tokenRoutes: Record<string, WxRoute> = {
  '/cgi-bin/token': {
    method: 'GET',
    auth: 'none',
    handle(world, { query }) {
      const appid = checkCredentials(
        world,
        query.get('grant_type'),
        query.get('appid'),
        query.get('secret'),
        40001,
      );
      return world.tokens.fetchPlain(appid);
    },
  },
  '/cgi-bin/stable_token': {
    method: 'POST',
    auth: 'none',
    handle(world, { body }) {
      const appid = checkCredentials(world, body.grant_type, body.appid, body.secret, 40125);
      if (body.force_refresh !== undefined && typeof body.force_refresh !== 'boolean') {
        throw new WxError(47001, 'force_refresh must be a boolean');
      }
      return world.tokens.fetchStable(appid, body.force_refresh === true);
    },
  },
};
