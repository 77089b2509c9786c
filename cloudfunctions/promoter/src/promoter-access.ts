/**
 * Which promoters a caller may see or change: the mirror document behind an id (store-checked), and
 * the where-clause of a caller's stores. Shared by the promoter, promotion and message actions.
 */
import { assertStoreAccess, visibleStoreIds } from '../../_shared/access';
import { AppError } from '../../_shared/errors';
import type { ActionContext } from '../../_shared/handler';
import type { PromoterApi } from '../../_shared/wechat/promoter-api';
import { type PromoterDoc, ensureFresh, getPromoterDoc } from './read-model';
import { type Stored, cmd } from '../../_shared/db';

/** The promoter from the mirror, if the caller may see its store (the mirror made fresh first). */
export async function loadPromoter(
  api: PromoterApi,
  ctx: ActionContext,
  id: string,
): Promise<Stored<PromoterDoc>> {
  await ensureFresh(api, ctx.now());
  return visiblePromoter(ctx, id);
}

/** The promoter as the mirror holds it now (no sync), if the caller may see its store. */
export async function visiblePromoter(ctx: ActionContext, id: string): Promise<Stored<PromoterDoc>> {
  const doc = await getPromoterDoc(id);
  if (!doc) throw new AppError('NOT_FOUND', `推广员 ${id} 不存在`, { field: 'id' });
  assertStoreAccess(ctx.caller, doc.storeId, 'id');
  return doc;
}

/** Where-clause limiting promoters to the caller's stores (nothing for admins). */
export function storeScope(
  ctx: ActionContext,
  storeIdParam?: string,
  field = 'storeId',
): Record<string, unknown> {
  if (storeIdParam !== undefined) {
    assertStoreAccess(ctx.caller, storeIdParam, field);
    return { storeId: storeIdParam };
  }
  const visible = visibleStoreIds(ctx.caller);
  return visible === undefined ? {} : { storeId: cmd().in(visible) };
}
