/**
 * stats.results (the home page's promotion results) and stats.refreshResults, answered from the
 * results rollup of the last finished pass (rollup.ts, docs/promotion-results.md); stats.results never
 * waits on WeChat.
 */
import * as v from 'valibot';
import type {
  PromotionResults,
  ResultFigures,
  ResultsRefreshSlice,
  TopPromoter,
} from '../../../../typings/contract/promoter';
import { COLLECTIONS } from '../../../_shared/collections';
import { cmd, findSome } from '../../../_shared/db';
import { AppError } from '../../../_shared/errors';
import { defineAction } from '../../../_shared/handler';
import { noParams, params, storeId } from '../../../_shared/validation';
import { knownStores } from '../lookups';
import { storeScope } from '../promoter-access';
import type { PromoterDoc } from '../read-model';
import { RESULTS_TIMER, dayText, resultsSettings, windowDays } from './model';
import { passDue, readResultsState, requestRefresh, requestedAt, runResultsSlice } from './refresh';
import { SUMS, type Sums, readRollup } from './rollup';
import type { TimerEvent } from '../import/timer';

function figuresOf(s: Partial<Sums> | undefined): ResultFigures {
  const paidFen = s?.paidFen ?? 0;
  const refundedFen = s?.refundedFen ?? 0;
  return {
    visits: s?.visits ?? 0,
    orders: s?.orders ?? 0,
    paidFen,
    refundedFen,
    amountFen: paidFen - refundedFen,
  };
}

const results = defineAction({
  access: 'staff',
  schema: params({
    storeId: v.optional(storeId),
    days: v.picklist([7, 30], '统计天数（days）只能是 7 或 30'),
    refresh: v.optional(v.boolean('refresh 应为 true 或 false')),
  }),
  async run(p, ctx): Promise<PromotionResults> {
    const scope = storeScope(ctx, p.storeId);
    const now = ctx.now();
    const days = windowDays(now, p.days);
    const [state, requested] = await Promise.all([readResultsState(), requestedAt()]);
    const { perDay, top: topSums } =
      state.rollupGen === undefined
        ? { perDay: new Map<number, Sums>(), top: [] }
        : await readRollup(state.rollupGen, scope, p.days, now);
    const series = days.map((day) => ({ date: dayText(day), ...figuresOf(perDay.get(day)) }));
    const totals = figuresOf(
      Object.fromEntries(SUMS.map((f) => [f, [...perDay.values()].reduce((n, g) => n + g[f], 0)])) as Sums,
    );
    const top = await topPromoters(topSums);

    // Freshness: the aggregate is as fresh as the start of the last finished pass.
    const { everyS } = resultsSettings();
    const last = state.lastPassStartedAt;
    const running = state.pass !== undefined;
    const paused = (state.pausedUntil ?? 0) > now;
    let asked = !running && requested > (last ?? 0);
    const old = last === undefined || now - last > 2 * everyS;
    if (!running && !paused && !asked && (p.refresh === true || old)) {
      await requestRefresh(now);
      asked = passDue(state, now, now);
    }
    const refreshing = running || asked;
    const stale = old || paused;
    return {
      days: p.days,
      from: series[0]!.date,
      to: series[series.length - 1]!.date,
      totals,
      series,
      top,
      refreshing,
      asOf: (last ?? 0) * 1000,
      stale,
      ...(stale ? { staleReason: paused ? ('unreachable' as const) : ('syncing' as const) } : {}),
    };
  },
});

/** The top promoters' names and stores from the mirror and the stores (no openids). */
async function topPromoters(groups: Array<{ promoterId: string } & Sums>): Promise<TopPromoter[]> {
  if (groups.length === 0) return [];
  const ids = groups.map((g) => g.promoterId);
  const docs = await findSome<PromoterDoc>(
    COLLECTIONS.promoters,
    { _id: cmd().in(ids) },
    { limit: ids.length, projection: { name: true, storeId: true } },
  );
  const people = new Map(docs.map((d) => [d._id, d]));
  const stores = await knownStores(docs.map((d) => d.storeId).filter((s) => s !== ''));
  return groups.map((g) => {
    const id = g.promoterId;
    const person = people.get(id);
    const store = person?.storeId ?? '';
    return {
      id,
      // swept from the mirror since (no longer in WeChat): their results stay, their name is gone
      name: person ? person.name || '未填写姓名' : '已移除的推广员',
      storeId: store,
      storeName: stores.get(store)?.name ?? '',
      visits: g.visits,
      orders: g.orders,
      amountFen: g.netFen,
    };
  });
}

const refreshResults = defineAction({
  access: 'admin',
  schema: noParams,
  async run(_p, ctx): Promise<ResultsRefreshSlice> {
    const outcome = await runResultsSlice(`stats.refreshResults:${ctx.caller.openid}`, { force: true });
    if (outcome === 'busy') {
      throw new AppError('CONFLICT', '推广效果正在更新中，请稍后再试');
    }
    if (outcome === 'not-due') throw new Error('a forced results slice cannot be not-due');
    return outcome;
  },
});

export const resultsActions = {
  'stats.results': results,
  'stats.refreshResults': refreshResults,
};

/** The timer trigger `promotionResults` (config.json): one slice when a pass runs or is due. */
export async function runResultsTimer(event: TimerEvent): Promise<{ ok: true; data: { outcome: string } }> {
  const outcome = await runResultsSlice(`timer:${event.TriggerName}`);
  const data = typeof outcome === 'string' ? outcome : outcome.done ? 'done' : 'worked';
  return { ok: true, data: { outcome: data } };
}

export { RESULTS_TIMER };
