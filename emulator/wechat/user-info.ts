/**
 * Official Account user info with UnionID (docs/wechat-api.md#official-account-user-info). Needs the OA's access_token.
 * Followers exist only when added through `POST /__control/users`. As at WeChat, a successful answer
 * carries no errcode (the official samples): clients must read a missing errcode as success.
 */
import type { WxBody } from './errors';
import { WxError } from './errors';
import type { OaUser } from './state';
import { OPENID_SHAPE, WECHAT_LIMITS } from './state';
import type { World, WxRoute } from './world';

/**
 * Since 2021-12-27 nickname, headimgurl, sex, city, province, country are not returned, and `language`
 * is marked "no longer provided": the stand-in leaves them all out.
 */
function userView(user: OaUser): WxBody {
  const unionid = user.unionid === undefined ? {} : { unionid: user.unionid };
  if (!user.subscribed) return { subscribe: 0, openid: user.openid, ...unionid };
  return {
    subscribe: 1,
    openid: user.openid,
    subscribe_time: user.subscribeTime,
    ...unionid,
    remark: user.remark,
    groupid: 0,
    tagid_list: user.tagIds,
    subscribe_scene: user.subscribeScene,
    qr_scene: 0,
    qr_scene_str: '',
  };
}

/** A missing, malformed or unknown openid are all 40003 (the global "invalid openid"). */
function userOrThrow(world: World, openid: unknown): OaUser {
  if (typeof openid !== 'string' || !OPENID_SHAPE.test(openid)) throw new WxError(40003);
  const user = world.oa.users.get(openid);
  if (!user) throw new WxError(40003, openid);
  return user;
}

export const userInfoRoutes: Record<string, WxRoute> = {
  '/cgi-bin/user/info': {
    method: 'GET',
    auth: 'oa',
    // `lang` is accepted as is: the official sample itself sends "zh-CN" with a dash.
    handle: (world, { query }) => userView(userOrThrow(world, query.get('openid'))),
  },
  '/cgi-bin/user/info/batchget': {
    method: 'POST',
    auth: 'oa',
    handle(world, { body }) {
      const list = body.user_list;
      if (!Array.isArray(list) || list.length < 1 || list.length > WECHAT_LIMITS.batchUserInfoMax) {
        throw new WxError(40032);
      }
      // UNCONFIRMED: one unknown openid fails the whole call with 40003 (the safest reading).
      const users = list.map((item: unknown) =>
        userOrThrow(world, typeof item === 'object' && item !== null ? (item as WxBody).openid : undefined),
      );
      return { user_info_list: users.map(userView) };
    },
  },
};
