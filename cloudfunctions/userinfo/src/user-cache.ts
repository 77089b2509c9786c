/**
 * Official Account user lookups with an in-memory cache.
 *
 * Cache: per function instance, 10 minutes (USER_CACHE_TTL_MS), keyed by lang + openid, at most
 * USER_CACHE_MAX entries (oldest dropped first). Subscribed, unsubscribed and unknown answers are all
 * cached, so asking again within 10 minutes costs no WeChat call. A follow or unfollow may therefore
 * show up to 10 minutes late; that is the price of not spending the OA's daily quota on repeats.
 *
 * batchget fails a WHOLE call with 40003 when any openid in it is unknown. A failing batch is split in
 * halves until the unknown openids are isolated: finding k unknown openids among n costs at most about
 * 2·k·log2(n/k) extra calls. The calls of one request are capped (MAX_CALLS_PER_REQUEST); past that the
 * request fails with INVALID_ARGUMENT rather than run past the function's timeout. Every answer is
 * cached as it arrives (resolved halves included), so a retry continues where this one stopped.
 */
import type { OaLang, OaUser } from '../../../typings/contract/userinfo';
import { AppError, WechatApiError } from '../../_shared/errors';
import {
  BATCH_MAX,
  ERR_INVALID_OPENID,
  batchGetUserInfo,
  getUserInfo,
} from '../../_shared/wechat/user-info-api';

export const USER_CACHE_TTL_MS = 10 * 60 * 1000;
export const USER_CACHE_MAX = 20_000;
/** WeChat calls one request may spend: 10 full batches plus room to isolate about 10 unknown openids. */
export const MAX_CALLS_PER_REQUEST = 150;
/** Concurrent WeChat calls within one request. */
const CONCURRENCY = 4;

interface CacheEntry {
  user: OaUser;
  expiresAt: number;
}

const cache = new Map<string, CacheEntry>();

const keyOf = (lang: OaLang, openid: string) => `${lang}:${openid}`;

function cached(lang: OaLang, openid: string, now: number): OaUser | undefined {
  const key = keyOf(lang, openid);
  const entry = cache.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt <= now) {
    cache.delete(key);
    return undefined;
  }
  return entry.user;
}

function remember(lang: OaLang, user: OaUser, now: number): void {
  const key = keyOf(lang, user.openid);
  cache.delete(key); // re-insert so Map order stays "oldest first"
  cache.set(key, { user, expiresAt: now + USER_CACHE_TTL_MS });
  while (cache.size > USER_CACHE_MAX) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
}

const unknownUser = (openid: string): OaUser => ({ openid, state: 'unknown' });

const isUnknownOpenid = (err: unknown) => err instanceof WechatApiError && err.errcode === ERR_INVALID_OPENID;

/** One user (cached). An openid WeChat does not know (40003) answers state `unknown`. */
export async function lookupUser(openid: string, lang: OaLang): Promise<OaUser> {
  const hit = cached(lang, openid, Date.now());
  if (hit) return hit;
  let user: OaUser;
  try {
    user = await getUserInfo(openid, lang);
  } catch (err) {
    if (!isUnknownOpenid(err)) throw err;
    user = unknownUser(openid);
  }
  remember(lang, user, Date.now());
  return user;
}

/** Thrown by CallBudget once the request's calls are spent; lookupUsers turns it into the answer. */
class BudgetSpent extends Error {}

/** A tiny limiter: at most `size` tasks at once, and at most `budget` tasks started in all. */
class CallBudget {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** WeChat calls actually made (started), not merely queued. */
  made = 0;

  constructor(
    private readonly size: number,
    private readonly budget: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.made >= this.budget) throw new BudgetSpent();
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      // Queued tasks do not start once the budget is spent: no WeChat call after the answer.
      if (this.made >= this.budget) throw new BudgetSpent();
      this.made++;
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * Resolves a batch (≤ 100), bisecting on 40003 until each unknown openid stands alone. Every answer is
 * cached the moment it arrives (a resolved half, an isolated unknown openid), so a request cut off by
 * the budget leaves its progress for the retry. `suspect`: the batch is known to hold an unknown
 * openid (its parent failed and its sibling came back clean), so it is split without asking WeChat.
 * Answers whether the batch came back in one call (clean).
 */
async function resolveBatch(
  openids: string[],
  lang: OaLang,
  budget: CallBudget,
  found: Map<string, OaUser>,
  suspect = false,
): Promise<boolean> {
  const keep = (users: OaUser[]) => {
    const at = Date.now();
    for (const user of users) {
      found.set(user.openid, user);
      remember(lang, user, at);
    }
  };
  if (!suspect) {
    try {
      keep(await budget.run(() => batchGetUserInfo(openids, lang)));
      return true;
    } catch (err) {
      if (!isUnknownOpenid(err)) throw err;
    }
  }
  if (openids.length === 1) {
    keep([unknownUser(openids[0])]);
    return false;
  }
  // Left half first: when it comes back clean the unknown openid is in the right half, which is then
  // split without the call that would only fail again.
  const middle = Math.ceil(openids.length / 2);
  const leftClean = await resolveBatch(openids.slice(0, middle), lang, budget, found);
  await resolveBatch(openids.slice(middle), lang, budget, found, leftClean);
  return false;
}

/**
 * Users for `openids` in input order (duplicates answered each time), fetched 100 a call, cached.
 * Past MAX_CALLS_PER_REQUEST calls the request answers INVALID_ARGUMENT (field `openids`) with the
 * number of calls made and of openids still open; what was found is cached, so the retry asks only
 * about those.
 */
export async function lookupUsers(
  openids: string[],
  lang: OaLang,
): Promise<{ users: OaUser[]; wechatCalls: number }> {
  const now = Date.now();
  const found = new Map<string, OaUser>();
  const missing: string[] = [];
  for (const openid of new Set(openids)) {
    const hit = cached(lang, openid, now);
    if (hit) found.set(openid, hit);
    else missing.push(openid);
  }
  const budget = new CallBudget(CONCURRENCY, MAX_CALLS_PER_REQUEST);
  const batches: string[][] = [];
  for (let i = 0; i < missing.length; i += BATCH_MAX) batches.push(missing.slice(i, i + BATCH_MAX));
  const settled = await Promise.allSettled(batches.map((batch) => resolveBatch(batch, lang, budget, found)));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  const other = failures.find((reason) => !(reason instanceof BudgetSpent));
  if (other !== undefined) throw other;
  if (failures.length > 0) {
    const open = missing.filter((openid) => !found.has(openid)).length;
    throw new AppError(
      'INVALID_ARGUMENT',
      `openids 中无法识别的 openid 较多：本次向微信查询了 ${budget.made} 次，还有 ${open} 个 openid 未查完。` +
        '已查到的结果会缓存 10 分钟，再试一次会从未查完的继续',
      { field: 'openids' },
    );
  }
  return {
    users: openids.map((openid) => found.get(openid) ?? unknownUser(openid)),
    wechatCalls: budget.made,
  };
}
