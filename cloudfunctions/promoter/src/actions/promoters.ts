/**
 * promoter.declare / list / get / update / cancel / redeclare / sync.
 * Reads go through the read model (read-model.ts); writes call WeChat first, then change the mirror
 * document and write the audit record in one transaction.
 */
import * as v from 'valibot';
import type { DeclareResult, Promoter, PromoterDetail } from '../../../../typings/contract/promoter';
import { FIELD_LABELS, LIMITS } from '../../../../miniprogram/shared/field-rules';
import { PROMOTER_STATUSES, statusFilter } from '../../../../miniprogram/shared/promoter-status';
import { canAccessStore, visibleStoreIds } from '../../../_shared/access';
import { AppError } from '../../../_shared/errors';
import { type ActionContext, defineAction } from '../../../_shared/handler';
import { log } from '../../../_shared/log';
import {
  bytes,
  integer,
  list,
  noParams,
  oneOf,
  pageParams,
  params,
  roleId,
  storeId,
} from '../../../_shared/validation';
import { type PromoterApi, type PromoterChange, promoterApi } from '../../../_shared/wechat/promoter-api';
import { declaredCount, phoneOrEmpty, sendRows, validateRows } from '../declare';
import { requireRole, requireStore } from '../lookups';
import { readHistory } from '../history';
import { pagedQuery } from '../paging';
import {
  type PromoterDoc,
  applyChange,
  docToPromoter,
  ensureFresh,
  fullSync,
  getPromoterDoc,
  markStale,
  storeWechatRow,
} from '../read-model';
import { COLLECTIONS, type Stored, type Where, cmd, containsText } from '../store';

export const promoterId = bytes(64, '推广员 id');
const unixTime = (label: string) => integer(label, 0, 4_294_967_295);

/** The promoter from the mirror (made fresh first), if the caller may see its store. */
export async function loadPromoter(
  api: PromoterApi,
  ctx: ActionContext,
  id: string,
): Promise<Stored<PromoterDoc>> {
  await ensureFresh(api, ctx.now());
  const doc = await getPromoterDoc(id);
  if (!doc) throw new AppError('NOT_FOUND', `推广员 ${id} 不存在（id）`, { field: 'id' });
  if (!canAccessStore(ctx.caller, doc.storeId)) {
    throw new AppError('FORBIDDEN', '该推广员不属于你负责的门店，不能查看或修改', { field: 'id' });
  }
  return doc;
}

/** Where-clause limiting promoters to the caller's stores (nothing for admins). */
export function storeScope(ctx: ActionContext, storeIdParam?: string, field = 'storeId'): Where {
  if (storeIdParam !== undefined) {
    if (!canAccessStore(ctx.caller, storeIdParam)) {
      throw new AppError('FORBIDDEN', `你不是门店 ${storeIdParam} 的店长，不能查看该门店的数据`, { field });
    }
    return { storeId: storeIdParam };
  }
  const visible = visibleStoreIds(ctx.caller);
  return visible === undefined ? {} : { storeId: cmd().in(visible) };
}

const declare = defineAction({
  access: 'staff',
  // Only the request's shape is checked here; each row is checked on its own in validateRows.
  schema: params({ promoters: list(v.unknown(), '推广员列表', 1, LIMITS.declare.maxRows) }),
  async run({ promoters }, ctx): Promise<DeclareResult> {
    const api = promoterApi();
    const { valid, failed } = await validateRows(api, ctx.caller, promoters);
    const outcomes = valid.length > 0 ? await sendRows(api, valid) : [];
    const declared = outcomes.filter((o) => o.declared);
    for (const o of outcomes) if (!o.declared) failed.push(o.failure);
    failed.sort((a, b) => a.index - b.index);
    if (declared.length > 0) {
      await markStale();
      await ctx.audit({
        target: 'promoters',
        before: null,
        after: {
          declared: declared.map((o) => ({
            index: o.index,
            ...o.row,
            alreadyDeclared: o.already,
            ...(o.redeclaredId ? { redeclaredId: o.redeclaredId } : {}),
          })),
        },
      });
    }
    return {
      declaredCount: declared.length,
      alreadyDeclaredCount: declared.filter((o) => o.already).length,
      failed,
    };
  },
});

const listPromoters = defineAction({
  access: 'staff',
  schema: params({
    ...pageParams,
    authStatus: v.optional(v.picklist([0, 1, 2], '授权状态只能是 0、1、2 之一')),
    declStatus: v.optional(v.picklist([1, 2], '声明状态只能是 1、2 之一')),
    status: v.optional(
      oneOf(PROMOTER_STATUSES as unknown as ['bound', 'awaiting', 'revoked', 'cancelled'], '状态'),
    ),
    roleId: v.optional(roleId),
    storeId: v.optional(storeId),
    openid: v.optional(bytes(28, 'openid')),
    keyword: v.optional(bytes(LIMITS.promoter.nameBytes, '关键词')),
    beginTime: v.optional(unixTime('开始时间')),
    endTime: v.optional(unixTime('结束时间')),
    refresh: v.optional(v.boolean('refresh 应为 true 或 false')),
  }),
  async run(p, ctx) {
    const where: unknown[] = [storeScope(ctx, p.storeId)];
    const _ = cmd();
    if (p.status !== undefined) where.push({ ...statusFilter(p.status) });
    if (p.authStatus !== undefined) where.push({ authStatus: p.authStatus });
    if (p.declStatus !== undefined) where.push({ declStatus: p.declStatus });
    if (p.roleId !== undefined) where.push({ roleId: p.roleId });
    if (p.openid !== undefined) where.push(_.or({ openid: p.openid }, { unionid: p.openid }));
    if (p.keyword !== undefined) {
      const text = containsText(p.keyword.trim());
      where.push(_.or({ name: text }, { phone: text }));
    }
    if (p.beginTime !== undefined) where.push({ updateTime: _.gte(p.beginTime) });
    if (p.endTime !== undefined) where.push({ updateTime: _.lte(p.endTime) });
    await ensureFresh(promoterApi(), ctx.now(), { force: p.refresh === true });
    return pagedQuery<PromoterDoc, Promoter>({
      collection: COLLECTIONS.promoters,
      where: _.and(...where),
      keyField: 'updateTime',
      cursor: p.cursor,
      limit: p.limit,
      toItem: docToPromoter,
    });
  },
});

const getPromoter = defineAction({
  access: 'staff',
  schema: params({ id: promoterId }),
  async run({ id }, ctx): Promise<PromoterDetail> {
    const api = promoterApi();
    const doc = await loadPromoter(api, ctx, id);
    // A detail view must be exact, so its row is re-read from WeChat: one getpromoter call, which
    // also fetches the unionid (need_unionid answers it in `openid`) the first time it is missing.
    let fresh = doc;
    try {
      const needUnionid = !doc.unionid;
      const { promoters } = await api.getPromoterPage({
        openid: doc.openid,
        ...(needUnionid ? { needUnionid } : {}),
      });
      const row = promoters.find((r) => r.id === doc._id);
      if (row) {
        const unionid = needUnionid && row.openid && row.openid !== doc.openid ? row.openid : undefined;
        fresh = await storeWechatRow(row, ctx.now(), unionid);
      }
    } catch (err) {
      // The mirror's record is still right as of the last sync; a failed refresh must not hide it.
      log.warn('promoter_refresh_failed', { id, error: err });
    }
    if (!canAccessStore(ctx.caller, fresh.storeId)) {
      throw new AppError('FORBIDDEN', '该推广员不属于你负责的门店，不能查看或修改', { field: 'id' });
    }
    return { ...docToPromoter(fresh), history: await readHistory(fresh._id) };
  },
});

type EditableField = 'roleId' | 'storeId' | 'extraInfo' | 'name' | 'phone';
const EDITABLE: EditableField[] = ['roleId', 'storeId', 'extraInfo', 'name', 'phone'];

/** Calls updatepromoter, then writes the mirror and the audit record together. */
async function writePromoter(
  api: PromoterApi,
  ctx: ActionContext,
  before: Stored<PromoterDoc>,
  change: PromoterChange,
): Promise<Promoter> {
  await api.updatePromoter(before._id, change);
  const now = ctx.now();
  try {
    const after = await ctx.transaction(async (tx) => {
      const next = await applyChange(tx, before, change, now, ctx.caller.openid);
      await ctx.audit({ target: before._id, before: docToPromoter(before), after: docToPromoter(next) }, tx);
      return next;
    });
    return docToPromoter(after);
  } catch (err) {
    // WeChat already changed: the next read re-reads everything so the mirror cannot stay behind.
    await markStale().catch((staleErr: unknown) => log.error('mark_stale_failed', { error: staleErr }));
    throw err;
  }
}

const updatePromoter = defineAction({
  access: 'staff',
  schema: params({
    id: promoterId,
    roleId: v.optional(roleId),
    storeId: v.optional(storeId),
    extraInfo: v.optional(
      bytes(LIMITS.promoter.extraInfoBytes, FIELD_LABELS.extraInfo, { allowEmpty: true }),
    ),
    name: v.optional(bytes(LIMITS.promoter.nameBytes, FIELD_LABELS.name, { allowEmpty: true })),
    phone: v.optional(phoneOrEmpty),
  }),
  async run(p, ctx) {
    const change: PromoterChange = {};
    for (const key of EDITABLE) if (p[key] !== undefined) Object.assign(change, { [key]: p[key] });
    if (Object.keys(change).length === 0) {
      throw new AppError('INVALID_ARGUMENT', '请至少修改一项：角色、门店、推广员参数、姓名或手机号', {
        field: 'id',
      });
    }
    const api = promoterApi();
    const before = await loadPromoter(api, ctx, p.id);
    if (change.storeId !== undefined && change.storeId !== before.storeId) {
      if (!canAccessStore(ctx.caller, change.storeId)) {
        throw new AppError('FORBIDDEN', `你不是门店 ${change.storeId} 的店长，不能把推广员调到该门店`, {
          field: 'storeId',
        });
      }
      await requireStore(change.storeId);
    }
    if (change.roleId !== undefined && change.roleId !== before.roleId) await requireRole(api, change.roleId);
    return writePromoter(api, ctx, before, change);
  },
});

const cancelPromoter = defineAction({
  access: 'staff',
  schema: params({ id: promoterId }),
  async run({ id }, ctx) {
    const api = promoterApi();
    const before = await loadPromoter(api, ctx, id);
    if (before.declStatus === 2) throw new AppError('CONFLICT', '该推广员已取消声明', { field: 'id' });
    return writePromoter(api, ctx, before, { declStatus: 2 });
  },
});

const redeclarePromoter = defineAction({
  access: 'staff',
  schema: params({ id: promoterId }),
  async run({ id }, ctx) {
    const api = promoterApi();
    const before = await loadPromoter(api, ctx, id);
    if (before.declStatus === 1) {
      throw new AppError('CONFLICT', '该推广员已是声明状态，无需重新声明', { field: 'id' });
    }
    if ((await declaredCount()) >= LIMITS.promoter.maxDeclared) {
      throw new AppError('QUOTA_EXCEEDED', `已声明的推广员已达 ${LIMITS.promoter.maxDeclared} 人的上限`, {
        field: 'id',
      });
    }
    return writePromoter(api, ctx, before, { declStatus: 1 });
  },
});

const syncPromoters = defineAction({
  access: 'admin',
  schema: noParams,
  async run(_params, ctx) {
    return fullSync(promoterApi(), ctx.now());
  },
});

export const promoterActions = {
  'promoter.declare': declare,
  'promoter.list': listPromoters,
  'promoter.get': getPromoter,
  'promoter.update': updatePromoter,
  'promoter.cancel': cancelPromoter,
  'promoter.redeclare': redeclarePromoter,
  'promoter.sync': syncPromoters,
};
