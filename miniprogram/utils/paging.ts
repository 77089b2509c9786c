/**
 * "Load the first page" and "load the next page" for the staff pages' cursor-paged lists (join requests, sent messages, bound
 * promoters, the audit log): rows are appended by path (`list[n]`), so a long list is never sent to the
 * view again, and the <load-more> footer status follows the answer.
 */
import type { Page } from '../../typings/contract/index';
import { errorText } from '../services/cloud';

export type MoreStatus = 'idle' | 'loading' | 'no-more' | 'error';

interface ListHost {
  data: Record<string, unknown>;
  setData(changes: Record<string, unknown>): void;
}

export interface NextPage<T, V> {
  /** data key of the list */
  list: string;
  /** data key of its footer status */
  status: string;
  cursor: string | undefined;
  /** keeps the cursor for the next call (not called when the answer is dropped or failed) */
  setCursor: (cursor: string | undefined) => void;
  fetch: (cursor: string) => Promise<Page<T>>;
  view: (item: T) => V;
  /** false when the page moved on meanwhile (another tab): the answer is dropped */
  stillWanted?: () => boolean;
  /** more changes from the same answer, e.g. the total */
  alsoSet?: (page: Page<T>) => Record<string, unknown>;
}

export interface FirstPage<T, V> {
  /** data key of the list */
  list: string;
  /** data key of the list's view state ('loading' | 'ready' | 'empty' | 'error') */
  state: string;
  /** data key of the error text shown with the 'error' state */
  error: string;
  /** data key of its footer status */
  status: string;
  /** forgets the old cursor at the start, keeps the new one from the answer */
  setCursor: (cursor: string | undefined) => void;
  fetch: () => Promise<Page<T>>;
  view: (item: T) => V;
  /** more data to clear with the loading state, e.g. a selection */
  alsoReset?: Record<string, unknown>;
  /** false when the page moved on meanwhile (another tab): the answer or failure is dropped */
  stillWanted?: () => boolean;
  /** more changes from the same answer, e.g. the total */
  alsoSet?: (page: Page<T>) => Record<string, unknown>;
}

/** (Re)loads a list from its first page: loading state, then the rows, 'empty', or the error. */
export async function loadFirstPage<T, V>(host: ListHost, first: FirstPage<T, V>): Promise<void> {
  first.setCursor(undefined);
  host.setData({ [first.state]: 'loading', ...first.alsoReset, [first.status]: 'idle' });
  try {
    const page = await first.fetch();
    if (first.stillWanted && !first.stillWanted()) return;
    first.setCursor(page.nextCursor);
    host.setData({
      [first.list]: page.items.map((item) => first.view(item)),
      ...first.alsoSet?.(page),
      [first.state]: page.items.length ? 'ready' : 'empty',
      [first.status]: firstPageStatus(page),
    });
  } catch (err) {
    if (first.stillWanted && !first.stillWanted()) return;
    host.setData({ [first.state]: 'error', [first.error]: errorText(err) });
  }
}

/** Footer status for a first page: more to fetch, the end, or nothing (an empty list shows its own state). */
export function firstPageStatus(page: Page<unknown>): MoreStatus {
  if (page.nextCursor) return 'idle';
  return page.items.length ? 'no-more' : 'idle';
}

/** Appends the page after `cursor`; a failure leaves the cursor for a retry from the footer. */
export async function appendNextPage<T, V>(host: ListHost, next: NextPage<T, V>): Promise<void> {
  if (!next.cursor || host.data[next.status] === 'loading') return;
  host.setData({ [next.status]: 'loading' });
  try {
    const page = await next.fetch(next.cursor);
    if (next.stillWanted && !next.stillWanted()) return;
    next.setCursor(page.nextCursor);
    const start = (host.data[next.list] as unknown[]).length;
    const changes: Record<string, unknown> = {
      [next.status]: page.nextCursor ? 'idle' : 'no-more',
      ...next.alsoSet?.(page),
    };
    page.items.forEach((item, i) => {
      changes[`${next.list}[${start + i}]`] = next.view(item);
    });
    host.setData(changes);
  } catch {
    host.setData({ [next.status]: 'error' });
  }
}
