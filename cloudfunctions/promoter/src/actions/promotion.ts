/**
 * share.material and the promotion data (stats.summary, stats.relations, stats.orders).
 */
import * as v from 'valibot';
import type { Page } from '../../../../typings/contract/common';
import type {
  PromotionOrder,
  Relation,
  ShareMaterial,
  StatsSummary,
} from '../../../../typings/contract/promoter';
import { FIELD_LABELS, LIMITS } from '../../../../miniprogram/shared/field-rules';
import { PROMOTER_STATUS_LABELS, isBound } from '../../../../miniprogram/shared/promoter-status';
import { AppError, WechatApiError } from '../../../_shared/errors';
import { decodeCursor, encodeCursor } from '../../../_shared/cursor';
import { defineAction } from '../../../_shared/handler';
import {
  bytes,
  date,
  idString,
  pageParams,
  params,
  storeId,
  uint32,
  unixTime,
} from '../../../_shared/validation';
import {
  type DataPage,
  ERRCODE_EMPTY,
  ERRCODE_UNAUTHORIZED_PROMOTER,
  promoterApi,
} from '../../../_shared/wechat/promoter-api';
import { ensureFresh } from '../read-model';
import { COLLECTIONS } from '../../../_shared/collections';
import { cmd, countBy, countWhere } from '../../../_shared/db';
import { promoterId } from '../params';
import { loadPromoter, storeScope } from '../promoter-access';
import { countByStatus } from '../promoter-filter';

const DAY_S = 86_400;

const shareMaterial = defineAction({
  access: 'staff',
  schema: params({
    id: promoterId,
    path: bytes(LIMITS.message.pathBytes, FIELD_LABELS.path),
    title: v.optional(bytes(LIMITS.share.titleBytes, FIELD_LABELS.title)),
    extraInfo: v.optional(bytes(LIMITS.share.extraInfoBytes, FIELD_LABELS.extraInfo, { allowEmpty: true })),
    shareType: v.optional(v.picklist([0, 1, 2, 3], '素材类型只能是 0、1、2、3 之一')),
    envVersion: v.optional(
      v.picklist(['release', 'trial', 'develop'], '版本只能是 release、trial、develop 之一'),
    ),
  }),
  async run(p, ctx): Promise<ShareMaterial> {
    // Only the short link opens a trial or develop version (docs/wechat-api.md, getsharematerial);
    // whether WeChat refuses the other types is unsettled, so we ask only what surely works.
    if (p.envVersion !== undefined && p.envVersion !== 'release' && p.shareType !== 1) {
      throw new AppError(
        'INVALID_ARGUMENT',
        '体验版和开发版只能生成短链接，请把素材类型选为短链接（shareType）',
        {
          field: 'shareType',
        },
      );
    }
    const api = promoterApi();
    const doc = await loadPromoter(api, ctx, p.id);
    if (!isBound(doc)) {
      const status = PROMOTER_STATUS_LABELS[doc.status];
      throw new AppError(
        'FAILED_PRECONDITION',
        `只有已声明且已授权绑定的推广员才能生成推广素材，该推广员当前状态：${status}`,
        { field: 'id' },
      );
    }
    try {
      const material = await api.getShareMaterial({
        openid: doc.openid,
        path: p.path,
        title: p.title,
        extraInfo: p.extraInfo,
        shareType: p.shareType,
        envVersion: p.envVersion,
      });
      return { ...material, expiresAt: ctx.now() + LIMITS.share.validDays * DAY_S };
    } catch (err) {
      // 103014 is WeChat's "not authorized or not declared"; D-data describes the same case as
      // "data does not exist" (103006): both mean our mirror was behind.
      if (
        err instanceof WechatApiError &&
        (err.errcode === ERRCODE_UNAUTHORIZED_PROMOTER || err.errcode === ERRCODE_EMPTY)
      ) {
        throw new AppError(
          'FAILED_PRECONDITION',
          '微信显示该推广员尚未授权绑定或未被声明，暂时不能生成推广素材',
          {
            field: 'id',
            errcode: err.errcode,
          },
        );
      }
      throw err;
    }
  },
});

/**
 * Counts over the read model. By status: one count per status. By role and by store: one aggregate
 * each (match the caller's stores, group, count), so no promoter is read out.
 */
const summary = defineAction({
  access: 'staff',
  schema: params({
    storeId: v.optional(storeId),
    refresh: v.optional(v.boolean('refresh 应为 true 或 false')),
  }),
  async run(p, ctx): Promise<StatsSummary> {
    const scope = storeScope(ctx, p.storeId);
    const fresh = await ensureFresh(promoterApi(), ctx.now(), { force: p.refresh === true });
    const _ = cmd();
    const { total, byStatus } = await countByStatus(scope);
    const [byRoleGroups, byStoreGroups] = await Promise.all([
      countBy(COLLECTIONS.promoters, scope, 'roleId'),
      countBy(COLLECTIONS.promoters, scope, 'storeId'),
    ]);
    const roles = new Map(byRoleGroups.map((g) => [Number(g.value), g.count]));
    const stores = new Map(byStoreGroups.map((g) => [String(g.value ?? ''), g.count]));
    const pendingJoinRequests = await countWhere(
      COLLECTIONS.joinRequests,
      _.and(scope, { status: 'pending' }),
    );
    return {
      total,
      byStatus,
      byRole: [...roles].map(([roleId, count]) => ({ roleId, count })).sort((a, b) => a.roleId - b.roleId),
      byStore: [...stores]
        .map(([storeId, count]) => ({ storeId, count }))
        .sort((a, b) => (a.storeId < b.storeId ? -1 : a.storeId > b.storeId ? 1 : 0)),
      pendingJoinRequests,
      ...fresh,
    };
  },
});

/**
 * WeChat pages relations and orders itself (≤ 1000 rows a pull, start_id). Our pages are `limit` rows
 * (default 20), so our cursor holds WeChat's start_id of the pull plus how far into it we are; each of
 * our pages costs one WeChat call. The cursor is opaque to the pages (base64url JSON).
 */
interface DataCursor {
  /** WeChat start_id of the pull this page comes from (absent: the first pull). */
  s?: string;
  /** rows of that pull already served */
  o: number;
}

function parseDataCursor(value: unknown): DataCursor | undefined {
  const parsed = (value ?? {}) as Partial<DataCursor>;
  const offsetOk = Number.isInteger(parsed.o) && (parsed.o as number) >= 0;
  if (!offsetOk || (parsed.s !== undefined && typeof parsed.s !== 'string')) return undefined;
  return parsed.s === undefined ? { o: parsed.o as number } : { s: parsed.s, o: parsed.o as number };
}

function readCursor(cursor: string | undefined): DataCursor {
  return cursor === undefined ? { o: 0 } : decodeCursor(cursor, parseDataCursor);
}

/** One of our pages out of WeChat's pulls. */
async function slicePulls<T>(
  pull: (startId: string | undefined) => Promise<DataPage<T>>,
  cursorParam: string | undefined,
  limitParam: number | undefined,
): Promise<Page<T>> {
  const limit = limitParam ?? LIMITS.page.defaultLimit;
  const at = readCursor(cursorParam);
  const page = await pull(at.s);
  const end = at.o + limit;
  const items = page.rows.slice(at.o, end);
  let next: DataCursor | undefined;
  if (end < page.rows.length) next = at.s === undefined ? { o: end } : { s: at.s, o: end };
  // A short pull is WeChat's last (it may still answer a start_id): no empty page after it.
  else if (
    page.rows.length >= LIMITS.promotion.pullSize &&
    page.nextStartId !== undefined &&
    page.nextStartId !== at.s
  ) {
    next = { s: page.nextStartId, o: 0 };
  }
  return { items, total: page.totalCount, ...(next ? { nextCursor: encodeCursor(next) } : {}) };
}

const relations = defineAction({
  access: 'staff',
  schema: params({
    ...pageParams,
    id: promoterId,
    beginTime: v.optional(unixTime('开始时间')),
    endTime: v.optional(unixTime('结束时间')),
    scene: v.optional(uint32('场景值')),
    path: v.optional(bytes(LIMITS.message.pathBytes, FIELD_LABELS.path)),
  }),
  async run(p, ctx) {
    const api = promoterApi();
    const doc = await loadPromoter(api, ctx, p.id);
    return slicePulls<Relation>(
      (startId) =>
        api.getRelations({
          openid: doc.openid,
          beginTime: p.beginTime,
          endTime: p.endTime,
          scene: p.scene,
          path: p.path,
          startId,
        }),
      p.cursor,
      p.limit,
    );
  },
});

const orders = defineAction({
  access: 'staff',
  schema: params({
    ...pageParams,
    id: promoterId,
    status: v.optional(v.picklist([1, 2], '订单状态只能是 1、2 之一')),
    date: v.optional(date('日期')),
    mchId: v.optional(bytes(32, '商户号')),
    tradeNo: v.optional(idString('交易单号')),
    outTradeNo: v.optional(idString('商户订单号')),
  }),
  async run(p, ctx) {
    const api = promoterApi();
    const doc = await loadPromoter(api, ctx, p.id);
    return slicePulls<PromotionOrder>(
      (startId) =>
        api.getOrders({
          openid: doc.openid,
          status: p.status,
          // WeChat wants yyyyMMdd (docs/wechat-api.md#getrelation-and-getorder)
          date: p.date?.replace(/-/g, ''),
          mchId: p.mchId,
          tradeNo: p.tradeNo,
          outTradeNo: p.outTradeNo,
          startId,
        }),
      p.cursor,
      p.limit,
    );
  },
});

export const promotionActions = {
  'share.material': shareMaterial,
  'stats.summary': summary,
  'stats.relations': relations,
  'stats.orders': orders,
};
