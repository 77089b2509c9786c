/**
 * <results-card> (promoter detail): what this promoter brought in over the last 7 and 30 days —
 * visits from their shares and paid orders with their amount — with loading, empty and error states.
 * Loads when `promoter-id` is set; `reload()` loads again (pull-down).
 */
import type { Page, PromotionOrder, Relation } from '../../../../../typings/contract/index';
import { errorText } from '../../../../services/cloud';
import { promoterService } from '../../../../services/promoter';
import { DAY, MAX_PAGES, PAGE_LIMIT, figuresOf, yuan } from './figures';

type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: { promoterId: string };
  loadedFor?: string;
};

/** Up to MAX_PAGES pages of a paged stats action; `capped` when more remained. */
async function readPages<T>(
  fetch: (cursor?: string) => Promise<Page<T>>,
): Promise<{ items: T[]; capped: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await fetch(cursor);
    items.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) return { items, capped: false };
  }
  return { items, capped: true };
}

Component({
  properties: { promoterId: { type: String, value: '' } },
  data: { state: 'loading', errorText: '', week: null as unknown, month: null as unknown, capped: false },
  observers: {
    promoterId(this: Self, id: string) {
      if (id && this.loadedFor !== id) this.reload();
    },
  },
  methods: {
    async reload(this: Self) {
      const id = this.data.promoterId;
      if (!id) return;
      this.loadedFor = id;
      this.setData({ state: 'loading', errorText: '' });
      const now = Math.floor(Date.now() / 1000);
      const beginTime = now - 30 * DAY;
      try {
        const [relations, orders] = await Promise.all([
          readPages<Relation>((cursor) =>
            promoterService.relations({ id, beginTime, limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) }),
          ),
          readPages<PromotionOrder>((cursor) =>
            promoterService.orders({ id, limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) }),
          ),
        ]);
        const f = figuresOf(relations.items, orders.items, now, relations.capped || orders.capped);
        const view = (w: typeof f.week) => ({ visits: w.visits, orders: w.orders, amount: yuan(w.amount) });
        this.setData({
          state: f.empty ? 'empty' : 'ready',
          week: view(f.week),
          month: view(f.month),
          capped: f.capped,
        });
      } catch (err) {
        this.setData({ state: 'error', errorText: errorText(err) });
      }
    },
  },
});
