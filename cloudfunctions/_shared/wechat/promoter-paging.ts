/**
 * Walking getpromoter's pages (docs/wechat-api.md#getpromoter): rows come ordered by id ascending, at
 * most LIMITS.promoter.pageSize a pull, and the next pull starts after the largest id seen. Whether
 * start_id is exclusive and what total_cnt counts are UNCONFIRMED, so the walk de-duplicates by id and
 * never reads total_cnt: it stops on a short pull, on 103006 (an empty pull), or on a pull that brings
 * no new id (a cursor that does not move).
 */
import { LIMITS } from '../../../miniprogram/shared/field-rules';
import type { PromoterFilter, WechatPromoter } from './promoter-wire';

/** 50 000 declared / 2 000 a page = 25 pages; anything far beyond means the cursor is not moving. */
const MAX_PROMOTER_PAGES = 60;

/**
 * Compares WeChat promoter ids. They are documented as strings sorted "from small to large"; the
 * samples are digit strings, so compare those as numbers ("100" > "99") and anything else as text.
 */
export function comparePromoterIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const diff = BigInt(a) - BigInt(b);
    return diff === 0n ? 0 : diff < 0n ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One getpromoter pull: the rows after `startId` (none on 103006). */
export type PromoterPageReader = (
  filter: PromoterFilter,
  startId?: string,
) => Promise<{ promoters: WechatPromoter[] }>;

/** Every promoter matching `filter`, page by page; `pages` = getpromoter calls made. */
export async function walkPromoters(
  readPage: PromoterPageReader,
  filter: PromoterFilter,
): Promise<{ promoters: WechatPromoter[]; pages: number }> {
  const byId = new Map<string, WechatPromoter>();
  let startId: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await readPage(filter, startId);
    pages++;
    let added = 0;
    let largest = startId;
    for (const p of page.promoters) {
      if (!byId.has(p.id)) added++;
      byId.set(p.id, p);
      if (largest === undefined || comparePromoterIds(p.id, largest) > 0) largest = p.id;
    }
    if (page.promoters.length < LIMITS.promoter.pageSize || added === 0 || largest === startId) break;
    if (pages >= MAX_PROMOTER_PAGES) throw new Error(`getpromoter paging did not end after ${pages} pages`);
    startId = largest;
  }
  return { promoters: [...byId.values()], pages };
}
