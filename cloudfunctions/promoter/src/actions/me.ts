/**
 * me.status / me.whoami: what the caller is, for any caller (guests included). The openid is always
 * the caller's own, from the WeChat context.
 */
import type { CallerRole } from '../../../../typings/contract/common';
import type { MeStatus, WhoAmI } from '../../../../typings/contract/promoter';
import { isBound } from '../../../../miniprogram/shared/promoter-status';
import { miniProgramApp } from '../../../_shared/config';
import { defineAction } from '../../../_shared/handler';
import { noParams } from '../../../_shared/validation';
import { promoterApi } from '../../../_shared/wechat/promoter-api';
import { allStoreIds } from '../lookups';
import { docToPromoter, findPromoterByOpenid, refreshByOpenid } from '../read-model';
import { latestJoinRequest } from '../join-records';

/** WeChat's promoter authentication mini program (docs/wechat-api.md#promoter-family). */
export const BIND_APP_ID = 'wx97537671f13cd770';

export function bindPath(roleId: number): string {
  return `/pages/bindPromoter/bindPromoter?appid=${miniProgramApp().appid}&role=${roleId}&openType=2`;
}

const status = defineAction({
  access: 'anyone',
  schema: noParams,
  async run(_params, ctx): Promise<MeStatus> {
    const openid = ctx.caller.openid;
    // The caller's own rows straight from WeChat (1 call), not the mirror's 15 s window: this page is
    // what they look at right after authorizing in WeChat's bind mini program.
    await refreshByOpenid(promoterApi(), openid, ctx.now());
    const doc = await findPromoterByOpenid(openid);
    const promoter = doc ? docToPromoter(doc) : null;
    const out: MeStatus = { openid, promoter, joinRequest: await latestJoinRequest(openid) };
    // Declared but not (or no longer) authorized: the page offers the half-screen jump to bind.
    if (promoter && promoter.declStatus === 1 && !isBound(promoter)) {
      out.bind = { appId: BIND_APP_ID, path: bindPath(promoter.roleId) };
    }
    return out;
  },
});

const whoami = defineAction({
  access: 'anyone',
  schema: noParams,
  async run(_params, ctx): Promise<WhoAmI> {
    const { caller } = ctx;
    if (caller.role === 'admin' || caller.role === 'manager') {
      const storeIds = caller.role === 'admin' ? await allStoreIds() : [...caller.storeIds];
      return {
        openid: caller.openid,
        role: caller.role,
        ...(caller.name ? { name: caller.name } : {}),
        storeIds,
      };
    }
    // No sync here: whoami runs on every launch and only needs "is there any record of them".
    const promoter = await findPromoterByOpenid(caller.openid);
    const request = promoter ? null : await latestJoinRequest(caller.openid);
    const role: CallerRole = promoter || request ? 'promoter' : 'guest';
    const name = promoter?.name || request?.name;
    return { openid: caller.openid, role, ...(name ? { name } : {}), storeIds: [] };
  },
});

export const meActions = {
  'me.status': status,
  'me.whoami': whoami,
};
