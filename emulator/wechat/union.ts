/**
 * Union (联盟) 推客 custom user parameters (docs/wechat-api.md#union-custom-user-parameters): five `/union/promoter/open_account/*`
 * endpoints with camelCase fields. Needs the mini program's access_token.
 *
 * Parameter errors answer 200002: the doc lists "200002/25510" for the same meaning and gives no rule
 * for choosing; 200002 comes first. Clients should treat both as a parameter error.
 */
import { wechatByteLength } from './bytes';
import type { WxBody } from './errors';
import { ok, WxError } from './errors';
import { OPENID_SHAPE, WECHAT_LIMITS } from './state';
import type { World, WxRoute } from './world';

const PARAM = 200002;
const NO_ACCOUNT = 25505;
const YEAR_SECONDS = 365 * 86400;
const APPID_SHAPE = /^wx[0-9a-f]{16}$/;

function unionidOf(value: unknown): string {
  if (typeof value !== 'string' || !OPENID_SHAPE.test(value)) throw new WxError(PARAM, 'unionid');
  return value;
}

/** Custom parameter calls need a bound open account first. */
function requireBoundAccount(world: World): void {
  if (world.mp.union.openAccount === null) throw new WxError(NO_ACCOUNT, 'no open account bound');
}

export const unionRoutes: Record<string, WxRoute> = {
  '/union/promoter/open_account/bind': {
    method: 'POST',
    auth: 'mp',
    handle(world, { body }) {
      const account = body.openAccount;
      if (typeof account !== 'string' || !APPID_SHAPE.test(account)) throw new WxError(PARAM, 'openAccount');
      if (!world.knownOpenAccounts.has(account)) throw new WxError(NO_ACCOUNT, account);
      const union = world.mp.union;
      if (union.openAccount === account) return ok(); // rebinding the same account changes nothing
      const now = world.clock.now();
      if (union.openAccount !== null) {
        // A change of account; "可换绑2次" a year. UNCONFIRMED: a third change within 365 days is 25508.
        const recent = union.changeTimes.filter((time) => now - time < YEAR_SECONDS);
        if (recent.length >= WECHAT_LIMITS.openAccountChangesPerYear)
          throw new WxError(25508, 'changed twice this year');
        union.changeTimes.push(now);
        // Unionids belong to one Open Platform account, so parameters bound under the old one are dropped.
        union.customizeInfos.clear();
      }
      union.openAccount = account;
      return ok();
    },
  },
  '/union/promoter/open_account/get': {
    method: 'GET',
    auth: 'mp',
    // UNCONFIRMED: with none bound the answer is errcode 0 and openAccount "" (as get_customize_info).
    handle: (world) => ok({ openAccount: world.mp.union.openAccount ?? '' }),
  },
  '/union/promoter/open_account/add_customize_info': {
    method: 'POST',
    auth: 'mp',
    handle(world, { body }) {
      const unionid = unionidOf(body.unionid);
      const info = body.customizeInfo;
      if (
        typeof info !== 'string' ||
        info === '' ||
        wechatByteLength(info) > WECHAT_LIMITS.customizeInfoMaxBytes
      ) {
        throw new WxError(PARAM, 'customizeInfo');
      }
      requireBoundAccount(world);
      const infos = world.mp.union.customizeInfos;
      if (!infos.has(unionid) && infos.size >= world.limits.maxCustomizeInfos) throw new WxError(25509);
      infos.set(unionid, info); // one per unionid, the latest bind wins
      return ok();
    },
  },
  '/union/promoter/open_account/del_customize_info': {
    method: 'POST',
    auth: 'mp',
    handle(world, { body }) {
      const unionid = unionidOf(body.unionid);
      requireBoundAccount(world);
      // UNCONFIRMED: deleting where none is bound succeeds (idempotent).
      world.mp.union.customizeInfos.delete(unionid);
      return ok();
    },
  },
  '/union/promoter/open_account/get_customize_info': {
    method: 'GET',
    auth: 'mp',
    handle(world, { query }) {
      const unionid = unionidOf(query.get('unionid'));
      requireBoundAccount(world);
      // UNCONFIRMED: none bound answers errcode 0 with customizeInfo "".
      const answer: WxBody = { customizeInfo: world.mp.union.customizeInfos.get(unionid) ?? '' };
      return ok(answer);
    },
  },
};
