/** stats.results answers for the home page's tests (components/results-card). */
import type { PromotionResults, ResultDay } from '../../../typings/contract/index';
import { AS_OF } from '../fixtures';

const zero = { visits: 0, orders: 0, paidFen: 0, refundedFen: 0, amountFen: 0 };

/** `days` days ending 2025-10-09 (AS_OF's day), with `figures(i)` on day i (0 = oldest). */
function series(days: number, figures: (i: number) => Partial<ResultDay> = () => ({})): ResultDay[] {
  return Array.from({ length: days }, (_, i) => {
    const d = new Date(Date.UTC(2025, 9, 9 - (days - 1 - i)));
    const date = d.toISOString().slice(0, 10);
    const f = { ...zero, ...figures(i) };
    return { date, ...f, amountFen: f.paidFen - f.refundedFen };
  });
}

export function resultsOf(days: 7 | 30, figures?: (i: number) => Partial<ResultDay>): PromotionResults {
  const s = series(days, figures);
  const sum = (k: keyof typeof zero) => s.reduce((n, d) => n + d[k], 0);
  return {
    days,
    from: s[0]!.date,
    to: s[s.length - 1]!.date,
    totals: {
      visits: sum('visits'),
      orders: sum('orders'),
      paidFen: sum('paidFen'),
      refundedFen: sum('refundedFen'),
      amountFen: sum('amountFen'),
    },
    series: s,
    top: [],
    refreshing: false,
    asOf: AS_OF,
    stale: false,
  };
}

export const EMPTY_RESULTS: PromotionResults = resultsOf(7);

/** A week with visits every day, two orders (one refunded) and two top promoters. */
export const WEEK: PromotionResults = {
  ...resultsOf(7, (i) =>
    i === 6 ? { visits: 12, orders: 2, paidFen: 1_288_000, refundedFen: 5_000 } : { visits: i + 1 },
  ),
  top: [
    {
      id: 'p7',
      name: '陈静',
      storeId: 'SH-XUHUI',
      storeName: '上海徐汇店',
      visits: 9,
      orders: 1,
      amountFen: 1_283_000,
    },
    { id: 'p8', name: '刘洋', storeId: 'SH-XUHUI', storeName: '', visits: 3, orders: 1, amountFen: 0 },
  ],
};

export const MONTH: PromotionResults = resultsOf(30, (i) => ({
  visits: i % 3,
  orders: i % 5 === 0 ? 1 : 0,
  paidFen: i % 5 === 0 ? 10_000 : 0,
}));
