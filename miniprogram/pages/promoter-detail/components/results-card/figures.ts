/**
 * A promoter's promotion results over the last 7 and 30 days, from their reach rows (stats.relations)
 * and orders (stats.orders). WeChat answers these per promoter only, page by page, so the card reads at
 * most MAX_PAGES pages of each and says "or more" past that.
 */
import type { PromotionOrder, Relation } from '../../../../../typings/contract/index';

export const DAY = 86_400;
export const PAGE_LIMIT = 100;
export const MAX_PAGES = 5;

export interface WindowFigures {
  visits: number;
  orders: number;
  /** fen, paid minus refunded */
  amount: number;
}

export interface Figures {
  week: WindowFigures;
  month: WindowFigures;
  /** More rows exist than were read: the figures are lower bounds. */
  capped: boolean;
  /** Nothing at all in 30 days. */
  empty: boolean;
}

function within(rows: { at: number }[], since: number): number {
  return rows.filter((r) => r.at >= since).length;
}

export function figuresOf(
  relations: Relation[],
  orders: PromotionOrder[],
  now: number,
  capped: boolean,
): Figures {
  const windowOf = (days: number): WindowFigures => {
    const since = now - days * DAY;
    const counted = orders.filter((o) => o.paidTime >= since);
    return {
      visits: within(
        relations.map((r) => ({ at: r.createTime })),
        since,
      ),
      orders: counted.filter((o) => o.status === 1).length,
      amount: counted.reduce((sum, o) => sum + (o.status === 1 ? o.paidAmount : 0), 0),
    };
  };
  const month = windowOf(30);
  return {
    week: windowOf(7),
    month,
    capped,
    empty: month.visits === 0 && month.orders === 0,
  };
}

export { yuan } from '../../../../utils/format';
