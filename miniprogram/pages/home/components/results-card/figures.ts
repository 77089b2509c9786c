/**
 * What the home page's results card shows, from stats.results: the three figures of the window, the
 * daily bars of the chosen figure, and the top promoters, in a store manager's words.
 */
import type { PromotionResults, ResultFigures } from '../../../../../typings/contract/index';
import { yuan } from '../../../../utils/format';

export type Metric = 'visits' | 'orders' | 'amount';

export const METRICS: ReadonlyArray<{ key: Metric; label: string }> = [
  { key: 'visits', label: '访问' },
  { key: 'orders', label: '订单' },
  { key: 'amount', label: '金额' },
];

export interface Tile {
  key: Metric;
  label: string;
  value: string;
}

export interface Bar {
  date: string;
  /** 0..100, % of the chart's height */
  height: number;
  value: string;
}

export interface TopRow {
  id: string;
  rank: number;
  name: string;
  store: string;
  amount: string;
  detail: string;
}

const valueOf = (f: ResultFigures, metric: Metric): number =>
  metric === 'visits' ? f.visits : metric === 'orders' ? f.orders : f.amountFen;

export const metricText = (value: number, metric: Metric): string =>
  metric === 'amount' ? yuan(value) : String(value);

/** 2026-12-06 → 12-06 */
const shortDate = (date: string): string => date.slice(5);

export function tilesOf(r: PromotionResults): Tile[] {
  return METRICS.map((m) => ({ ...m, value: metricText(valueOf(r.totals, m.key), m.key) }));
}

/** One bar a day, scaled to the highest day; a day with anything at all stays visible (≥ 4 %). */
export function barsOf(r: PromotionResults, metric: Metric): { bars: Bar[]; max: string } {
  const values = r.series.map((d) => Math.max(0, valueOf(d, metric)));
  const max = Math.max(0, ...values);
  const bars = r.series.map((d, i) => {
    const v = values[i]!;
    return {
      date: shortDate(d.date),
      height: max === 0 || v === 0 ? 0 : Math.max(4, Math.round((v / max) * 100)),
      value: metricText(v, metric),
    };
  });
  return { bars, max: metricText(max, metric) };
}

export function topOf(r: PromotionResults): TopRow[] {
  return r.top.map((t, i) => ({
    id: t.id,
    rank: i + 1,
    name: t.name,
    store: t.storeName || t.storeId || '未分配门店',
    amount: yuan(t.amountFen),
    detail: `${t.orders} 单 · ${t.visits} 次访问`,
  }));
}

/** Nothing at all in the window. */
export const isEmpty = (r: PromotionResults): boolean =>
  r.totals.visits === 0 && r.totals.orders === 0 && r.totals.paidFen === 0;

/** What the empty card says: still reading from WeChat, or truly nothing yet. */
export function emptyText(r: PromotionResults): string {
  if (r.asOf === 0) return '正在从微信读取推广效果，几分钟后下拉刷新即可看到';
  return `近 ${r.days} 天还没有顾客通过推广员的分享访问或下单`;
}
