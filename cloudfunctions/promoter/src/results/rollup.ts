/**
 * The results rollup, written once at the end of every pass (docs/promotion-results.md), so that
 * stats.results reads a few dozen documents whatever the number of promoters:
 * - `result_store_days`: per store per China day of the kept window, the sums of `result_days`;
 * - `result_store_tops`: per store and window (7, 30 days, ending the day the pass ended), its five
 *   promoters with the highest amount. The top five of several stores are among their tops' union.
 * Each rollup carries a generation (`gen`); the state's `rollupGen` names the one readers use, so a
 * reader never sees half of one. The older generations are removed after the switch.
 */
import { COLLECTIONS } from '../../../_shared/collections';
import { cmd, collection, countBy, findAll, insertMany, sumBy } from '../../../_shared/db';
import { dayKey, keepFrom, windowDays } from './model';

export const SUMS = ['visits', 'orders', 'paidFen', 'refundedFen', 'netFen'] as const;
export type Sums = Record<(typeof SUMS)[number], number>;
export const TOP = 5;
export const WINDOWS = [7, 30] as const;

export interface StoreDayDoc extends Sums {
  gen: number;
  storeId: string;
  day: number;
}

export interface StoreTopDoc {
  gen: number;
  storeId: string;
  days: 7 | 30;
  top: Array<{ promoterId: string } & Sums>;
}

/** Writes generation `gen` of the rollup from `result_days` as they are now (the pass has ended). */
export async function writeRollup(gen: number, now: number): Promise<void> {
  const _ = cmd();
  const from = dayKey(keepFrom(now));
  const stores = await countBy(COLLECTIONS.resultDays, { day: _.gte(from) }, 'storeId', 100_000);
  const dayDocs: Array<StoreDayDoc & { _id: string }> = [];
  const topDocs: Array<StoreTopDoc & { _id: string }> = [];
  for (const { value } of stores) {
    const storeId = String(value ?? '');
    const days = await sumBy(COLLECTIONS.resultDays, { storeId, day: _.gte(from) }, 'day', SUMS);
    for (const d of days) {
      const { value: day, ...sums } = d;
      dayDocs.push({ _id: `${gen}:${storeId}:${String(day)}`, gen, storeId, day: Number(day), ...sums });
    }
    for (const window of WINDOWS) {
      const first = windowDays(now, window)[0]!;
      const top = await sumBy(COLLECTIONS.resultDays, { storeId, day: _.gte(first) }, 'promoterId', SUMS, {
        sortBy: 'netFen',
        limit: TOP,
      });
      topDocs.push({
        _id: `${gen}:${storeId}:${window}`,
        gen,
        storeId,
        days: window,
        top: top.map(({ value, ...sums }) => ({ promoterId: String(value), ...sums })),
      });
    }
  }
  await insertMany(COLLECTIONS.resultStoreDays, dayDocs);
  await insertMany(COLLECTIONS.resultStoreTops, topDocs);
}

/** Removes every generation older than `gen` (after readers were switched to it). */
export async function removeOlderRollups(gen: number): Promise<void> {
  const _ = cmd();
  for (const name of [COLLECTIONS.resultStoreDays, COLLECTIONS.resultStoreTops]) {
    await collection(name)
      .where({ gen: _.lt(gen) })
      .remove();
  }
}

/** The window's sums per day and its top five, for the stores `scope` matches, from generation `gen`. */
export async function readRollup(
  gen: number,
  scope: Record<string, unknown>,
  days: 7 | 30,
  now: number,
): Promise<{ perDay: Map<number, Sums>; top: Array<{ promoterId: string } & Sums> }> {
  const _ = cmd();
  const first = windowDays(now, days)[0]!;
  const [byDay, tops] = await Promise.all([
    sumBy(COLLECTIONS.resultStoreDays, _.and(scope, { gen, day: _.gte(first) }), 'day', SUMS),
    findAll<StoreTopDoc>(COLLECTIONS.resultStoreTops, _.and(scope, { gen, days })),
  ]);
  const perDay = new Map(byDay.map(({ value, ...sums }) => [Number(value), sums as Sums]));
  const top = tops
    .flatMap((t) => t.top)
    .sort((a, b) => b.netFen - a.netFen || (a.promoterId < b.promoterId ? -1 : 1))
    .slice(0, TOP);
  return { perDay, top };
}
