/**
 * me.status / me.whoami: what the caller is, for any caller (guests included). The openid is always
 * the caller's own, from the WeChat context.
 */
import type { CallerRole } from '../../../../typings/contract/common';
import type { MeStatus, WhoAmI } from '../../../../typings/contract/promoter';
import { isBound } from '../../../../miniprogram/shared/promoter-status';
import { authorizeTemplateId, miniProgramApp } from '../../../_shared/config';
import { AppError, WechatApiError } from '../../../_shared/errors';
import { defineAction } from '../../../_shared/handler';
import { bytes, noParams, params } from '../../../_shared/validation';
import { ERR_INVALID_CODE, getPhoneNumber } from '../../../_shared/wechat/phone-number-api';
import { promoterApi } from '../../../_shared/wechat/promoter-api';
import { subscribedTemplateIds } from '../params';
import { recordAcceptances } from '../reminders';
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
    const templateId = authorizeTemplateId();
    if (templateId) out.authorizeTemplateId = templateId;
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

const subscribe = defineAction({
  access: 'anyone',
  schema: params({ templateIds: subscribedTemplateIds }),
  async run({ templateIds }, ctx) {
    return { accepted: await recordAcceptances(ctx.caller.openid, templateIds, ctx.now()) };
  },
});

/** The join page's 使用微信手机号: the code from bindgetphonenumber, turned into the number once. */
const phoneNumber = defineAction({
  access: 'anyone',
  schema: params({ code: bytes(128, '手机号授权码') }),
  async run({ code }) {
    try {
      const number = await getPhoneNumber(code);
      if (!number.purePhoneNumber) throw new AppError('UPSTREAM_ERROR', '微信没有给出手机号，请直接填写');
      return { phone: number.purePhoneNumber };
    } catch (err) {
      if (err instanceof WechatApiError && err.errcode === ERR_INVALID_CODE) {
        throw new AppError('INVALID_ARGUMENT', '手机号授权已失效，请再点一次或直接填写', {
          field: 'code',
          errcode: err.errcode,
        });
      }
      throw err;
    }
  },
});

export const meActions = {
  'me.status': status,
  'me.whoami': whoami,
  'me.subscribe': subscribe,
  'me.phoneNumber': phoneNumber,
};
