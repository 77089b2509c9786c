/**
 * Union custom user parameters, one per unionid (set overwrites). Admins may manage any unionid; a
 * manager only the unionid of a promoter of their own stores, looked up in the promoter read model
 * (collection `promoters`, written by the promoter function) or, when the mirror does not know that
 * unionid yet, in WeChat (getpromoter by unionid).
 */
import { FIELD_LABELS, LIMITS, PATTERNS, RULES } from '../../../miniprogram/shared/field-rules';
import { isAdmin } from '../../_shared/access';
import { type Stored, collection } from '../../_shared/db';
import { AppError, WechatApiError } from '../../_shared/errors';
import { defineAction } from '../../_shared/handler';
import type { Caller } from '../../_shared/staff';
import { params, patterned, unionid } from '../../_shared/validation';
import { promoterApi } from '../../_shared/wechat/promoter-api';
import { deleteCustomizeInfo, getCustomizeInfo, setCustomizeInfo } from '../../_shared/wechat/union-api';
import { COLLECTIONS, type PromoterDoc } from '../../_shared/collections';

export const PROMOTERS_COLLECTION = COLLECTIONS.promoters;
/** WeChat: custom parameter calls need a bound Open Platform account. */
const ERR_NO_OPEN_ACCOUNT = 25505;

type PromoterRef = Stored<Pick<PromoterDoc, 'unionid' | 'storeId'>>;

/**
 * The promoter WeChat holds under this unionid, when the mirror does not know the unionid yet (it is
 * fetched with need_unionid only when someone opens the promoter's detail): getpromoter takes an openid
 * or a unionid. The unionid is then kept on the mirror's row, so the next check needs no WeChat call.
 */
async function promoterByUnionid(id: string): Promise<{ storeId: string } | undefined> {
  const { promoters } = await promoterApi().getPromoterPage({ openid: id });
  const found = promoters[0];
  if (!found || found.declStatus !== 1) return undefined;
  const ref = collection<PromoterRef>(PROMOTERS_COLLECTION).doc(found.id);
  if ((await ref.get()).data) await ref.update({ data: { unionid: id } });
  return { storeId: found.storeId };
}

/** FORBIDDEN unless the caller is an admin, or a manager with a promoter of this unionid in their stores. */
export async function assertUnionidAccess(caller: Caller, id: string): Promise<void> {
  if (isAdmin(caller)) return;
  if (caller.role === 'manager' && caller.storeIds.length > 0) {
    const { data } = await collection<PromoterRef>(PROMOTERS_COLLECTION).where({ unionid: id }).get();
    // Known to the mirror: decided here. Unknown: WeChat says whose promoter it is.
    const stores =
      data.length > 0 ? data.map((d) => d.storeId ?? '') : [(await promoterByUnionid(id))?.storeId];
    if (stores.some((s) => s !== undefined && caller.storeIds.includes(s))) return;
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
  FIELD_LABELS.value,
  PATTERNS.customParam,
  RULES.customParam,
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
