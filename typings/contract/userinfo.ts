import type { UnixSeconds } from './common';

/** Cloud function `userinfo`: Official Account user info with UnionID (OA credentials). */

export type OaUserState = 'subscribed' | 'unsubscribed' | 'unknown';

export interface OaUser {
  openid: string;
  /** unknown = WeChat answered 40003 (not this OA's openid). */
  state: OaUserState;
  /** Only when the OA is bound to an Open Platform account. */
  unionid?: string;
  subscribeTime?: UnixSeconds;
  remark?: string;
  tagIds?: number[];
  subscribeScene?: string;
}

export type OaLang = 'zh_CN' | 'zh_TW' | 'en';

export interface UserinfoActions {
  'user.get': { params: { openid: string; lang?: OaLang }; result: OaUser };
  /** Any number of openids (up to 1000), sent 100 per call; answered in input order. */
  'user.batchGet': { params: { openids: string[]; lang?: OaLang }; result: { users: OaUser[] } };
}
