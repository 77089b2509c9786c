/**
 * promoter.remind (提醒授权): staff remind people who were declared but have not authorized (待授权,
 * 已解除授权) — chosen ones, or everyone of their stores waiting N days or more. Each reminder is
 * recorded (how often, when last) and, where the person subscribed on the join page, sent as a
 * subscription message; the answer carries the share card staff can send in a chat either way.
 */
import * as v from 'valibot';
import type { RemindResult, RemindRow } from '../../../../typings/contract/promoter';
import { mapLimit } from '../../../_shared/concurrency';
import { LIMITS } from '../../../../miniprogram/shared/field-rules';
import { AppError } from '../../../_shared/errors';
import { type ActionContext, defineAction } from '../../../_shared/handler';
import { log } from '../../../_shared/log';
import { integer, list, params, storeId } from '../../../_shared/validation';
import { promoterApi } from '../../../_shared/wechat/promoter-api';
import { knownStores } from '../lookups';
import { promoterId } from '../params';
import { storeScope, visiblePromoter } from '../promoter-access';
import { WAITING_SINCE_FIELD, waitingWhere } from '../promoter-filter';
import { type PromoterDoc, ensureFresh } from '../read-model';
import { REMIND_CONCURRENCY, REMIND_PAGE, claimReminder, notifyAuthorize, reminderState } from '../reminders';
import { COLLECTIONS } from '../../../_shared/collections';
import { type Stored, findSome } from '../../../_shared/db';

const SHARE = { title: '请完成推广员授权，授权后即可开始推广', path: REMIND_PAGE };

type Candidate = { id: string; doc?: Stored<PromoterDoc>; row?: RemindRow };

async function chosen(ctx: ActionContext, ids: string[]): Promise<Candidate[]> {
  return Promise.all(
    [...new Set(ids)].map(async (id): Promise<Candidate> => {
      try {
        return { id, doc: await visiblePromoter(ctx, id) };
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'NOT_FOUND' && err.code !== 'FORBIDDEN')) throw err;
        const outcome = err.code === 'NOT_FOUND' ? 'notFound' : 'forbidden';
        return { id, row: { id, name: '', outcome, message: err.message } };
      }
    }),
  );
}

async function waiting(
  ctx: ActionContext,
  days: number,
  store: string | undefined,
): Promise<{ candidates: Candidate[]; more: boolean }> {
  const where = { ...storeScope(ctx, store), ...waitingWhere(ctx.now(), days) };
  // Who has waited longest first: the list's 等待最久 order.
  const docs = await findSome<PromoterDoc>(COLLECTIONS.promoters, where, {
    orderBy: [
      { field: WAITING_SINCE_FIELD, direction: 'asc' },
      { field: '_id', direction: 'asc' },
    ],
    limit: LIMITS.remind.waitingPerCall + 1,
  });
  return {
    candidates: docs.slice(0, LIMITS.remind.waitingPerCall).map((doc) => ({ id: doc._id, doc })),
    more: docs.length > LIMITS.remind.waitingPerCall,
  };
}

async function remindOne(
  ctx: ActionContext,
  doc: Stored<PromoterDoc>,
  storeName: string,
): Promise<RemindRow> {
  const base = { id: doc._id, name: doc.name };
  if (doc.declStatus !== 1) {
    return {
      ...base,
      outcome: 'notDeclared',
      message: `${doc.name || '该推广员'}的声明已取消，请先重新声明`,
    };
  }
  if (doc.authStatus === 1) return { ...base, outcome: 'alreadyBound', message: '已完成授权，无需提醒' };
  const now = ctx.now();
  const claim = await ctx.transaction((tx) => claimReminder(tx, doc._id, ctx.caller.openid, now));
  if (!claim.claimed) {
    return {
      ...base,
      outcome: 'justReminded',
      message: '刚刚已提醒过，请稍后再试',
      reminder: reminderState(claim.state),
    };
  }
  const sent = await notifyAuthorize({ openid: doc.openid, progress: '待授权', storeName }, now);
  return {
    ...base,
    outcome: 'reminded',
    delivery: sent.delivery,
    ...(sent.message ? { message: sent.message } : {}),
    reminder: reminderState(claim.state),
  };
}

const remind = defineAction({
  access: 'staff',
  schema: params({
    ids: v.optional(list(promoterId, '要提醒的推广员', 1, LIMITS.remind.idsPerCall)),
    waitingDays: v.optional(integer('等待天数', 0, LIMITS.remind.maxWaitingDays)),
    storeId: v.optional(storeId),
  }),
  async run(p, ctx): Promise<RemindResult> {
    if ((p.ids === undefined) === (p.waitingDays === undefined)) {
      throw new AppError('INVALID_ARGUMENT', '请选择要提醒的推广员，或按等待天数提醒（二选一）', {
        field: 'ids',
      });
    }
    if (p.ids !== undefined && p.storeId !== undefined) {
      throw new AppError('INVALID_ARGUMENT', '按人提醒时不用选门店', { field: 'storeId' });
    }
    try {
      // The authorizations of the last minutes, in one getpromoter call (begin_time), whatever the sync's age:
      // someone who authorized a moment ago is not reminded, without a call per person.
      await ensureFresh(promoterApi(), ctx.now(), { force: true });
    } catch (err) {
      // WeChat unreachable: choose from the mirror (each row is checked again before its reminder).
      log.warn('remind_with_stale_mirror', { error: err });
    }
    const { candidates, more } =
      p.ids !== undefined
        ? { candidates: await chosen(ctx, p.ids), more: false }
        : await waiting(ctx, p.waitingDays!, p.storeId);
    const stores = await knownStores([...new Set(candidates.flatMap((c) => (c.doc ? [c.doc.storeId] : [])))]);
    const rows = await mapLimit(candidates, REMIND_CONCURRENCY, (c) =>
      c.doc ? remindOne(ctx, c.doc, stores.get(c.doc.storeId)?.name ?? '') : Promise.resolve(c.row!),
    );
    const reminded = rows.filter((r) => r.outcome === 'reminded');
    if (reminded.length > 0) {
      await ctx.audit({
        target: 'promoters',
        before: null,
        after: { reminded: reminded.map((r) => ({ id: r.id, name: r.name, delivery: r.delivery })) },
      });
    }
    return {
      rows,
      remindedCount: reminded.length,
      deliveredCount: reminded.filter((r) => r.delivery === 'sent').length,
      share: SHARE,
      more,
    };
  },
});

export const reminderActions = {
  'promoter.remind': remind,
};
