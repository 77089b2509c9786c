/**
 * Opaque, stable cursors for lists ordered by one sort key (newest first, or oldest first) then `_id`
 * ascending: the cursor holds the last item's key and id, and the next page starts strictly after
 * them, so rows with equal keys are neither repeated nor skipped, and inserts or changes between pages
 * never repeat or skip the rows that did not change. An oldest-first cursor also carries its
 * direction (`[key, id, 1]`), so it is refused by a newest-first list and the other way round.
 */
import { LIMITS } from '../../../miniprogram/shared/field-rules';
import { decodeCursor, encodeCursor } from '../../_shared/cursor';
import type { Page } from '../../../typings/contract/common';
import { type Stored, cmd, countWhere, findSome } from '../../_shared/db';

export interface CursorPosition {
  key: number;
  id: string;
}

/** 'desc': newest key first (every list's default); 'asc': oldest first (等待最久). */
export type KeyDirection = 'asc' | 'desc';

/** The cursor of a row: `[key, id]` newest first, `[key, id, 1]` oldest first. */
function positionOf(key: number, id: string, direction: KeyDirection): unknown[] {
  return direction === 'asc' ? [key, id, 1] : [key, id];
}

function parsePosition(direction: KeyDirection) {
  return (value: unknown): CursorPosition | undefined => {
    if (!Array.isArray(value) || typeof value[0] !== 'number' || typeof value[1] !== 'string') {
      return undefined;
    }
    const ascending = value.length === 3 && value[2] === 1;
    if (value.length > (ascending ? 3 : 2) || ascending !== (direction === 'asc')) return undefined;
    return { key: value[0], id: value[1] };
  };
}

/** Rows after `position` when ordered by `keyField` in `direction`, then `_id` ascending. */
export function after(keyField: string, position: CursorPosition, direction: KeyDirection): unknown {
  const _ = cmd();
  const desc = direction === 'desc';
  // The leading range lets an index on keyField start at the position instead of walking up to it.
  return _.and(
    { [keyField]: desc ? _.lte(position.key) : _.gte(position.key) },
    _.or(
      { [keyField]: desc ? _.lt(position.key) : _.gt(position.key) },
      { [keyField]: position.key, _id: _.gt(position.id) },
    ),
  );
}

export function pageLimit(limit: number | undefined): number {
  return limit ?? LIMITS.page.defaultLimit;
}

/**
 * One page of `collection` under `where`, newest `keyField` first (`direction` 'asc': oldest first),
 * ties by `_id`, with the total for `where`.
 */
export async function pagedQuery<TDoc extends object, TItem>(options: {
  collection: string;
  where: unknown;
  keyField: keyof TDoc & string;
  direction?: KeyDirection;
  cursor?: string;
  limit?: number;
  toItem: (doc: Stored<TDoc>) => TItem;
}): Promise<Page<TItem>> {
  const limit = pageLimit(options.limit);
  const direction = options.direction ?? 'desc';
  const position = options.cursor ? decodeCursor(options.cursor, parsePosition(direction)) : undefined;
  const where = position
    ? cmd().and(options.where, after(options.keyField, position, direction))
    : options.where;
  const [total, docs] = await Promise.all([
    countWhere(options.collection, options.where),
    findSome<TDoc>(options.collection, where, {
      orderBy: [
        { field: options.keyField, direction },
        { field: '_id', direction: 'asc' },
      ],
      limit: limit + 1,
    }),
  ]);
  const pageDocs = docs.slice(0, limit);
  const page: Page<TItem> = { items: pageDocs.map(options.toItem), total };
  if (docs.length > limit) {
    const last = pageDocs[pageDocs.length - 1];
    page.nextCursor = encodeCursor(positionOf(Number(last[options.keyField]), last._id, direction));
  }
  return page;
}
