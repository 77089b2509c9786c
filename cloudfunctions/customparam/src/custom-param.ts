/**
 * Union custom user parameters, one per unionid (set overwrites). Admins may manage any unionid; a
 * manager only the unionid of a promoter of their own stores, looked up in the promoter read model
 * (collection `promoters`, written by the promoter function).
 */
import { LIMITS, PATTERNS } from '../../../miniprogram/shared/field-rules';
import { isAdmin } from '../../_shared/access';
import { type Stored, collection, db } from '../../_shared/db';
import { AppError, WechatApiError } from '../../_shared/errors';
import { defineAction } from '../../_shared/handler';
import type { Caller } from '../../_shared/staff';
import { params, patterned, unionid } from '../../_shared/validation';
import { deleteCustomizeInfo, getCustomizeInfo, setCustomizeInfo } from '../../_shared/wechat/union-api';
import { COLLECTIONS, type PromoterDoc } from '../../_shared/collections';

export const PROMOTERS_COLLECTION = COLLECTIONS.promoters;
/** WeChat: custom parameter calls need a bound Open Platform account. */
const ERR_NO_OPEN_ACCOUNT = 25505;

type PromoterRef = Stored<Pick<PromoterDoc, 'unionid' | 'storeId'>>;

/** FORBIDDEN unless the caller is an admin, or a manager with a promoter of this unionid in their stores. */
export async function assertUnionidAccess(caller: Caller, id: string): Promise<void> {
  if (isAdmin(caller)) return;
  if (caller.role === 'manager' && caller.storeIds.length > 0) {
    const { data } = await collection<PromoterRef>(PROMOTERS_COLLECTION)
      .where({ unionid: id, storeId: db().command.in(caller.storeIds) })
      .limit(1)
      .get();
    if (data.length > 0) return;
  }
  throw new AppError('FORBIDDEN', '只能管理本门店推广员的自定义参数（unionid 不属于你门店的推广员）', {
    field: 'unionid',
  });
}

/** 25505 on these calls means no Open Platform account is bound yet. */
async function withBoundAccount<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof WechatApiError && err.errcode === ERR_NO_OPEN_ACCOUNT) {
      throw new AppError(
        'FAILED_PRECONDITION',
        '尚未绑定开放平台账号，请先由总部管理员绑定后再设置自定义参数',
        {
          errcode: err.errcode,
        },
      );
    }
    throw err;
  }
}

const value = patterned(
  LIMITS.customParam.valueBytes,
  '自定义参数',
  PATTERNS.customParam,
  '只能包含英文字母、数字和英文符号，不能有空格或汉字',
);

export const customParamGet = defineAction({
  access: 'staff',
  schema: params({ unionid }),
  async run(input, ctx) {
    await assertUnionidAccess(ctx.caller, input.unionid);
    const current = await withBoundAccount(() => getCustomizeInfo(input.unionid));
    return { unionid: input.unionid, value: current };
  },
});

export const customParamSet = defineAction({
  access: 'staff',
  schema: params({ unionid, value }),
  async run(input, ctx) {
    await assertUnionidAccess(ctx.caller, input.unionid);
    const before = await withBoundAccount(() => getCustomizeInfo(input.unionid));
    if (before !== input.value) {
      await withBoundAccount(() => setCustomizeInfo(input.unionid, input.value));
      await ctx.audit({ target: input.unionid, before: { value: before }, after: { value: input.value } });
    }
    return { unionid: input.unionid, value: input.value };
  },
});

export const customParamRemove = defineAction({
  access: 'staff',
  schema: params({ unionid }),
  async run(input, ctx) {
    await assertUnionidAccess(ctx.caller, input.unionid);
    const before = await withBoundAccount(() => getCustomizeInfo(input.unionid));
    if (before === null) return { unionid: input.unionid, removed: false };
    await withBoundAccount(() => deleteCustomizeInfo(input.unionid));
    await ctx.audit({ target: input.unionid, before: { value: before }, after: { value: null } });
    return { unionid: input.unionid, removed: true };
  },
});
