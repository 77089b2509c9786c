/**
 * The one cursor codec: a page's position as base64url JSON, opaque to the pages. Every paged action
 * (promoter lists, join requests, relations and orders) encodes with it and decodes with a shape check;
 * a cursor that does not decode to that shape is INVALID_ARGUMENT naming `cursor`.
 */
import { AppError } from './errors';

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, parse: (value: unknown) => T | undefined): T {
  let decoded: T | undefined;
  try {
    decoded = parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown);
  } catch {
    decoded = undefined;
  }
  if (decoded === undefined) {
    throw new AppError('INVALID_ARGUMENT', '分页游标无效，请从第一页重新加载（cursor）', { field: 'cursor' });
  }
  return decoded;
}
