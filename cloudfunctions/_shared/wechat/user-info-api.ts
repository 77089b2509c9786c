/**
 * Official Account user info with UnionID (docs/wechat-api.md#official-account-user-info), with the OA's own token.
 * camelCase in, camelCase out: WeChat's field names stay in this module.
 */
import type { OaLang, OaUser } from '../../../typings/contract/userinfo';
import { getWechatClient } from './client';

export const USER_INFO_PATH = '/cgi-bin/user/info';
export const USER_BATCH_PATH = '/cgi-bin/user/info/batchget';
/** WeChat: "invalid openid" (not this OA's user, or malformed). */
export const ERR_INVALID_OPENID = 40003;
/** batchget takes at most 100 openids a call. */
export const BATCH_MAX = 100;

interface RawUserInfo {
  subscribe?: number;
  openid?: string;
  unionid?: string;
  subscribe_time?: number;
  remark?: string;
  tagid_list?: number[];
  subscribe_scene?: string;
}

/** WeChat's user record → ours. `subscribe: 0` means not following; WeChat then sends little else. */
export function toOaUser(raw: RawUserInfo, requestedOpenid: string): OaUser {
  const user: OaUser = {
    openid: typeof raw.openid === 'string' && raw.openid ? raw.openid : requestedOpenid,
    state: raw.subscribe === 1 ? 'subscribed' : 'unsubscribed',
  };
  if (typeof raw.unionid === 'string' && raw.unionid) user.unionid = raw.unionid;
  if (raw.subscribe === 1) {
    if (typeof raw.subscribe_time === 'number') user.subscribeTime = raw.subscribe_time;
    if (typeof raw.remark === 'string') user.remark = raw.remark;
    if (Array.isArray(raw.tagid_list)) user.tagIds = raw.tagid_list.filter((t) => typeof t === 'number');
    if (typeof raw.subscribe_scene === 'string' && raw.subscribe_scene)
      user.subscribeScene = raw.subscribe_scene;
  }
  return user;
}

/** GET /cgi-bin/user/info. An unknown openid throws WechatApiError 40003. */
export async function getUserInfo(openid: string, lang: OaLang = 'zh_CN'): Promise<OaUser> {
  const raw = await getWechatClient('officialAccount').call<RawUserInfo>({
    method: 'GET',
    path: USER_INFO_PATH,
    query: { openid, lang },
    idempotent: true,
  });
  return toOaUser(raw, openid);
}

/**
 * POST /cgi-bin/user/info/batchget for 1..100 openids; answers in the order asked. WeChat fails the
 * whole call with 40003 when any openid is unknown (the caller bisects to find which).
 */
export async function batchGetUserInfo(openids: string[], lang: OaLang = 'zh_CN'): Promise<OaUser[]> {
  if (openids.length === 0) return [];
  if (openids.length > BATCH_MAX) throw new RangeError(`batchGetUserInfo takes at most ${BATCH_MAX} openids`);
  const answer = await getWechatClient('officialAccount').call<{ user_info_list?: RawUserInfo[] }>({
    method: 'POST',
    path: USER_BATCH_PATH,
    body: { user_list: openids.map((openid) => ({ openid, lang })) },
    idempotent: true,
  });
  const byOpenid = new Map<string, RawUserInfo>();
  for (const raw of answer.user_info_list ?? []) if (raw.openid) byOpenid.set(raw.openid, raw);
  return openids.map((openid) => toOaUser(byOpenid.get(openid) ?? { openid, subscribe: 0 }, openid));
}
