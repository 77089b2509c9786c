/**
 * <results-card> (home): the store-wide promotion results of the caller's stores (stats.results, from
 * the cloud's results aggregate): 近 7 天 / 近 30 天, 访问 / 订单 / 金额 (tap one to chart it), a bar per
 * day drawn with plain views, the top promoters (tap: their detail page) and how fresh it is. Its own
 * loading, empty and error states: a failure here leaves the rest of the home page as it is.
 * Loads when attached; `reload(refresh)` loads again (pull-down asks the cloud for a refresh).
 */
import type { PromotionResults } from '../../../../../typings/contract/index';
import { errorText } from '../../../../services/cloud';
import { promoterService } from '../../../../services/promoter';
import { freshnessOf } from '../../../../utils/freshness';
import { yuan } from '../../../../utils/format';
import { type Metric, barsOf, emptyText, isEmpty, tilesOf, topOf } from './figures';

type Days = 7 | 30;

type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: { days: Days; metric: Metric };
  answers?: Partial<Record<Days, PromotionResults>>;
  /** Each load's number: an older answer arriving late is dropped. */
  loadSeq?: number;
};

function show(self: Self, r: PromotionResults): void {
  const { bars, max } = barsOf(r, self.data.metric);
  self.setData({
    state: isEmpty(r) ? 'empty' : 'ready',
    errorText: '',
    emptyText: emptyText(r),
    tiles: tilesOf(r),
    refundNote: r.totals.refundedFen > 0 ? `金额已扣除退款 ${yuan(r.totals.refundedFen)}` : '',
    bars,
    chartMax: max,
    chartFrom: bars[0]?.date ?? '',
    top: topOf(r),
    ...freshnessOf(r),
  });
}

async function load(self: Self, refresh: boolean): Promise<void> {
  const days = self.data.days;
  const seq = (self.loadSeq = (self.loadSeq ?? 0) + 1);
  self.setData({ state: 'loading', errorText: '' });
  try {
    const answer = await promoterService.results(refresh ? { days, refresh } : { days });
    if (seq !== self.loadSeq) return;
    self.answers = { ...self.answers, [days]: answer };
    show(self, answer);
  } catch (err) {
    if (seq !== self.loadSeq) return;
    self.setData({ state: 'error', errorText: errorText(err) });
  }
}

Component({
  data: {
    state: 'loading',
    errorText: '',
    emptyText: '',
    days: 7 as Days,
    metric: 'visits' as Metric,
    tiles: [] as unknown[],
    refundNote: '',
    bars: [] as unknown[],
    chartMax: '',
    chartFrom: '',
    top: [] as unknown[],
    asOf: 0,
    stale: false,
    staleReason: '',
  },
  lifetimes: {
    attached(this: Self) {
      return load(this, false);
    },
  },
  methods: {
    /** Loads the shown window again, dropping what was kept; `refresh` asks the cloud for a refresh. */
    reload(this: Self, refresh = false) {
      this.answers = {};
      return load(this, refresh === true);
    },

    onRetry(this: Self) {
      return load(this, false);
    },

    onDaysTap(this: Self, e: WechatMiniprogram.TouchEvent) {
      const days = Number(e.currentTarget.dataset.days) as Days;
      if (days === this.data.days) return undefined;
      this.setData({ days });
      const kept = this.answers?.[days];
      if (kept) {
        show(this, kept);
        return undefined;
      }
      return load(this, false);
    },

    onMetricTap(this: Self, e: WechatMiniprogram.TouchEvent) {
      const metric = e.currentTarget.dataset.metric as Metric;
      this.setData({ metric });
      const kept = this.answers?.[this.data.days];
      if (kept) show(this, kept);
    },

    onTopTap(this: Self, e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/promoter-detail/index?id=${e.currentTarget.dataset.id as string}` });
    },
  },
});
