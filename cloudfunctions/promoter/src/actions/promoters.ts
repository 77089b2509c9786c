/**
 * promoter.declare / list / get / update / cancel / redeclare / sync.
 * Reads go through the read model (read-model.ts); writes call WeChat first, then change the mirror
 * document and write the audit record in one transaction.
 *
 * Writes to one promoter hold its lease (`promoter:<id>`, _shared/lease.ts) from reading the mirror to
 * recording the change, so ten taps on 取消声明 at once make one updatepromoter call, one audit record
 * and one history entry; the other nine wait for the lease, find the change made and answer it as
 * their success. A change that changes nothing (cancel of a cancelled promoter, an update to the values
 * already held) answers the promoter without calling WeChat.
 */
import * as v from 'valibot';
import type {
  DeclareResult,
  Promoter,
  PromoterDetail,
  PromoterPage,
} from '../../../../typings/contract/promoter';
import { FIELD_LABELS, LIMITS, declaredCapMessage } from '../../../../miniprogram/shared/field-rules';
import { PROMOTER_STATUSES, isWaitingStatus } from '../../../../miniprogram/shared/promoter-status';
import { assertStoreAccess } from '../../../_shared/access';
import { AppError } from '../../../_shared/errors';
import { type ActionContext, defineAction } from '../../../_shared/handler';
import { withLease } from '../../../_shared/lease';
import { log } from '../../../_shared/log';
import {
  bytes,
  list,
  noParams,
  oneOf,
  pageParams,
  params,
  roleId,
  storeId,
  unixTime,
} from '../../../_shared/validation';
import { type PromoterApi, type PromoterChange, promoterApi } from '../../../_shared/wechat/promoter-api';
import { type RowOutcome, declaredCount, sendRows, validateRows } from '../declare';
import { requireRole, requireStore } from '../lookups';
import { readHistory } from '../history';
import { withReminders } from '../reminders';
import { pagedQuery } from '../paging';
import { WAITING_SINCE_FIELD, countByStatus, listFilters, statusFilters } from '../promoter-filter';
import { phoneOrEmpty, promoterId } from '../params';
import { loadPromoter, visiblePromoter } from '../promoter-access';
import {
  LOOKUP_DECLARED_MAX,
  type PromoterDoc,
  applyChange,
  docToPromoter,
  ensureFresh,
  fullSync,
  isWechatUnreachable,
  learnDeclared,
  markStale,
  storeWechatRow,
} from '../read-model';
import { COLLECTIONS } from '../../../_shared/collections';
import { type Stored, cmd } from '../../../_shared/db';

/** The audit record of one addpromoter batch: only rows that changed something in WeChat. */
function declaredRecord(outcomes: RowOutcome[]) {
  const declared = [];
  for (const o of outcomes) {
    if (!o.declared || o.already) continue;
    declared.push({ index: o.index, ...o.row, ...(o.redeclaredId ? { redeclaredId: o.redeclaredId } : {}) });
  }
  return declared;
}

const declare = defineAction({
  access: 'staff',
  // Only the request's shape is checked here; each row is checked on its own in validateRows.
  schema: params({ promoters: list(v.unknown(), '推广员列表', 1, LIMITS.declare.maxRows) }),
  async run({ promoters }, ctx): Promise<DeclareResult> {
    const api = promoterApi();
    const { valid, failed } = await validateRows(api, ctx.caller, promoters);
    // Recorded per addpromoter batch: a call cut off mid-way leaves the truth about what went through.
    // Rows WeChat already held as asked (a repeat) change nothing and are not audited again.
    // A few rows are looked up by openid afterwards; more make the next read walk everything once.
    const lookup = valid.length <= LOOKUP_DECLARED_MAX;
    const recordBatch = async (batch: RowOutcome[]) => {
      const declared = declaredRecord(batch);
      if (declared.length === 0) return;
      if (!lookup) await markStale();
      await ctx.audit({ target: 'promoters', before: null, after: { declared } });
    };
    const holder = { action: ctx.action, by: ctx.caller.openid };
    const outcomes = valid.length > 0 ? await sendRows(api, valid, { holder, onBatch: recordBatch }) : [];
    if (lookup) {
      const learnt = outcomes.flatMap((o) =>
        o.declared && !o.already ? [{ identity: o.identity, byUnionid: o.row.unionid !== undefined }] : [],
      );
      await learnDeclared(api, learnt, ctx.now());
    }
    const declared = outcomes.filter((o) => o.declared);
    for (const o of outcomes) if (!o.declared) failed.push(o.failure);
    failed.sort((a, b) => a.index - b.index);
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
    openid: v.optional(bytes(LIMITS.openid.length, 'openid')),
    keyword: v.optional(bytes(LIMITS.promoter.nameBytes, '关键词')),
    beginTime: v.optional(unixTime('开始时间')),
    endTime: v.optional(unixTime('结束时间')),
    refresh: v.optional(v.boolean('refresh 应为 true 或 false')),
    sort: v.optional(oneOf(['recent', 'waitingLongest'], '排序')),
    counts: v.optional(v.boolean('counts 应为 true 或 false')),
  }),
  async run(p, ctx): Promise<PromoterPage> {
    const waitingLongest = p.sort === 'waitingLongest';
    if (waitingLongest && !isWaitingStatus(p.status)) {
      throw new AppError('INVALID_ARGUMENT', '按等待最久排序只用于待授权或已解除授权（sort）', {
        field: 'sort',
      });
    }
    const _ = cmd();
    const filters = listFilters(ctx, p);
    const fresh = await ensureFresh(promoterApi(), ctx.now(), { force: p.refresh === true });
    const [page, counts] = await Promise.all([
      pagedQuery<PromoterDoc, Promoter>({
        collection: COLLECTIONS.promoters,
        where: _.and(...filters, ...statusFilters(p)),
        keyField: WAITING_SINCE_FIELD,
        direction: waitingLongest ? 'asc' : 'desc',
        cursor: p.cursor,
        limit: p.limit,
        toItem: docToPromoter,
      }),
      p.counts && p.cursor === undefined ? countByStatus(_.and(...filters)) : undefined,
    ]);
    return { ...page, items: await withReminders(page.items), ...fresh, ...(counts ? { counts } : {}) };
  },
});

const getPromoter = defineAction({
  access: 'staff',
  schema: params({ id: promoterId }),
  async run({ id }, ctx): Promise<PromoterDetail> {
    const api = promoterApi();
    let freshness = await ensureFresh(api, ctx.now());
    const doc = await visiblePromoter(ctx, id);
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
        freshness = { asOf: ctx.now() * 1000, stale: false };
      }
    } catch (err) {
      // The mirror's record is still right as of the last sync; a failed refresh must not hide it.
      log.warn('promoter_refresh_failed', { id, error: err });
      if (isWechatUnreachable(err)) freshness = { ...freshness, stale: true, staleReason: 'unreachable' };
    }
    assertStoreAccess(ctx.caller, fresh.storeId, 'id');
    const [promoter] = await withReminders([docToPromoter(fresh)]);
    return { ...promoter, history: await readHistory(fresh._id), ...freshness };
  },
});

type EditableField = 'roleId' | 'storeId' | 'extraInfo' | 'name' | 'phone';
const EDITABLE: EditableField[] = ['roleId', 'storeId', 'extraInfo', 'name', 'phone'];

/**
 * Holds the promoter's lease, reads the mirror again and applies `decide(current)`: the change still to
 * make (then writePromoter), or null when nothing is left to change (the promoter is answered as is).
 */
async function changePromoter(
  api: PromoterApi,
  ctx: ActionContext,
  id: string,
  decide: (current: Stored<PromoterDoc>) => Promise<PromoterChange | null>,
): Promise<Promoter> {
  await loadPromoter(api, ctx, id);
  return withLease(
    `promoter:${id}`,
    { action: ctx.action, by: ctx.caller.openid, busyMessage: '有人正在修改该推广员，请稍后刷新查看' },
    async () => {
      const current = await visiblePromoter(ctx, id);
      const change = await decide(current);
      return change ? writePromoter(api, ctx, current, change) : docToPromoter(current);
    },
  );
}

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
    return changePromoter(api, ctx, p.id, async (before) => {
      const changed = Object.fromEntries(
        Object.entries(change).filter(([key, value]) => before[key as EditableField] !== value),
      ) as PromoterChange;
      if (Object.keys(changed).length === 0) return null;
      if (changed.storeId !== undefined) {
        assertStoreAccess(ctx.caller, changed.storeId);
        await requireStore(changed.storeId);
      }
      if (changed.roleId !== undefined) await requireRole(api, changed.roleId);
      return changed;
    });
  },
});

const cancelPromoter = defineAction({
  access: 'staff',
  schema: params({ id: promoterId }),
  async run({ id }, ctx) {
    // A cancelled promoter asked again is the success it already is.
    return changePromoter(promoterApi(), ctx, id, async (before) =>
      before.declStatus === 2 ? null : { declStatus: 2 },
    );
  },
});

const redeclarePromoter = defineAction({
  access: 'staff',
  schema: params({ id: promoterId }),
  async run({ id }, ctx) {
    return changePromoter(promoterApi(), ctx, id, async (before) => {
      if (before.declStatus === 1) return null;
      if ((await declaredCount()) >= LIMITS.promoter.maxDeclared) {
        throw new AppError('QUOTA_EXCEEDED', declaredCapMessage(), {
          field: 'id',
        });
      }
      return { declStatus: 1 };
    });
  },
});

const syncPromoters = defineAction({
  access: 'admin',
  schema: noParams,
  async run(_params, ctx) {
    return fullSync(promoterApi(), ctx.now(), ctx.caller.openid);
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
