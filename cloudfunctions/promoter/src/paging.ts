/**
 * Opaque, stable cursors for lists ordered by one sort key then `_id`: the cursor holds the last
 * item's key and id, and the next page starts strictly after them, so inserts between pages neither
 * repeat nor skip rows that were already there.
 */
import { LIMITS } from '../../../miniprogram/shared/field-rules';
import { decodeCursor, encodeCursor } from '../../_shared/cursor';
import type { Page } from '../../../typings/contract/common';
import { type Stored, cmd, countWhere, findSome } from '../../_shared/db';

export interface CursorPosition {
  key: number;
  id: string;
}

function parsePosition(value: unknown): CursorPosition | undefined {
  if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
    return { key: value[0], id: value[1] };
  }
  return undefined;
}

/** Rows after `position` when ordered by `keyField` descending, then `_id` ascending. */
export function afterDescending(keyField: string, position: CursorPosition): unknown {
  const _ = cmd();
  // The leading range lets an index on keyField start at the position instead of walking up to it.
  return _.and(
    { [keyField]: _.lte(position.key) },
    _.or({ [keyField]: _.lt(position.key) }, { [keyField]: position.key, _id: _.gt(position.id) }),
  );
}

export function pageLimit(limit: number | undefined): number {
  return limit ?? LIMITS.page.defaultLimit;
}

/** One page of `collection` under `where`, newest `keyField` first, with the total for `where`. */
export async function pagedQuery<TDoc extends object, TItem>(options: {
  collection: string;
  where: unknown;
  keyField: keyof TDoc & string;
  cursor?: string;
  limit?: number;
  toItem: (doc: Stored<TDoc>) => TItem;
}): Promise<Page<TItem>> {
  const limit = pageLimit(options.limit);
  const position = options.cursor ? decodeCursor(options.cursor, parsePosition) : undefined;
  const where = position
    ? cmd().and(options.where, afterDescending(options.keyField, position))
    : options.where;
  const [total, docs] = await Promise.all([
    countWhere(options.collection, options.where),
    findSome<TDoc>(options.collection, where, {
      orderBy: [
        { field: options.keyField, direction: 'desc' },
        { field: '_id', direction: 'asc' },
      ],
      limit: limit + 1,
    }),
  ]);
  const pageDocs = docs.slice(0, limit);
  const page: Page<TItem> = { items: pageDocs.map(options.toItem), total };
  if (docs.length > limit) {
    const last = pageDocs[pageDocs.length - 1];
    page.nextCursor = encodeCursor([Number(last[options.keyField]), last._id]);
  }
  return page;
}
