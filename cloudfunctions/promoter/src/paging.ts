/**
 * Opaque, stable cursors for lists ordered by one sort key then `_id`: the cursor holds the last
 * item's key and id, and the next page starts strictly after them, so inserts between pages neither
 * repeat nor skip rows that were already there.
 */
import { LIMITS } from '../../../miniprogram/shared/field-rules';
import { AppError } from '../../_shared/errors';
import type { Page } from '../../../typings/contract/common';
import { type Stored, cmd, countWhere, findSome } from './store';

export interface CursorPosition {
  key: number;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.key, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return { key: value[0], id: value[1] };
    }
  } catch {
    // falls through to the error below
  }
  throw new AppError('INVALID_ARGUMENT', '分页游标无效，请从第一页重新加载（cursor）', { field: 'cursor' });
}

/** Rows after `position` when ordered by `keyField` descending, then `_id` ascending. */
export function afterDescending(keyField: string, position: CursorPosition): unknown {
  const _ = cmd();
  return _.or({ [keyField]: _.lt(position.key) }, { [keyField]: position.key, _id: _.gt(position.id) });
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
  const position = options.cursor ? decodeCursor(options.cursor) : undefined;
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
    page.nextCursor = encodeCursor({ key: Number(last[options.keyField]), id: last._id });
  }
  return page;
}
