/**
 * Status history of each promoter: collection `promoter_history`, one document per status change the
 * read model observed (read-model.ts writes them; promoter.get reads them).
 *
 * - Document: `{ _id, promoterId, at, status, authStatus, declStatus, source, by? }`. `_id` is
 *   time-ordered (auditId), so entries with the same `at` (a cancel and a redeclare in one second)
 *   still read back in the order they were written.
 * - Mirror writes from WeChat (sync, refresh) write their entries BEFORE the mirror document: if the
 *   mirror write then fails, the next sync sees the same change again and writes it a second time,
 *   instead of the change being lost from the history for good. Reads drop such repeats (an entry
 *   whose statuses equal the next older one's).
 * - Writes through this app (cancel, redeclare) add their entry inside the transaction that changes
 *   the mirror and writes the audit record.
 * - Deployment: the collection must exist (created in the console like the others), and promoter.get
 *   reads `{ promoterId }` ordered by `at` desc, so it wants an index on (promoterId asc, at desc).
 * - Entries of a promoter WeChat no longer has are kept (the history outlives the mirror document).
 */
import type { PromoterStatusChange } from '../../../typings/contract/promoter';
import { promoterStatus } from '../../../miniprogram/shared/promoter-status';
import { auditId } from '../../_shared/audit';
import type { Transaction } from '../../_shared/db';
import { COLLECTIONS } from '../../_shared/collections';
import { type Stored, findSome, insertMany } from '../../_shared/db';

export const HISTORY_LIMIT = 50;

export interface HistoryDoc extends PromoterStatusChange {
  promoterId: string;
}

type Statuses = Pick<HistoryDoc, 'authStatus' | 'declStatus'>;

export function sameStatus(a: Statuses, b: Statuses): boolean {
  return a.authStatus === b.authStatus && a.declStatus === b.declStatus;
}

export function historyEntry(
  promoterId: string,
  statuses: Statuses,
  at: number,
  source: 'wechat' | 'us',
  by?: string,
): Stored<HistoryDoc> {
  const entry: Stored<HistoryDoc> = {
    _id: auditId(),
    promoterId,
    at,
    status: promoterStatus(statuses.authStatus, statuses.declStatus),
    authStatus: statuses.authStatus,
    declStatus: statuses.declStatus,
    source,
  };
  if (by !== undefined) entry.by = by;
  return entry;
}

/** Writes entries learnt from WeChat, 500 per database call. */
export async function recordHistory(entries: Stored<HistoryDoc>[]): Promise<void> {
  if (entries.length > 0) await insertMany(COLLECTIONS.promoterHistory, entries);
}

/** Writes one entry inside the caller's transaction (with the mirror change and its audit record). */
export async function recordHistoryIn(tx: Transaction, entry: Stored<HistoryDoc>): Promise<void> {
  await tx.collection<Stored<HistoryDoc>>(COLLECTIONS.promoterHistory).add({ data: entry });
}

/** A promoter's history, newest first, at most HISTORY_LIMIT entries, repeats dropped. */
export async function readHistory(promoterId: string): Promise<PromoterStatusChange[]> {
  // A few more than the limit, so that dropped repeats do not shorten a full page.
  const docs = await findSome<HistoryDoc>(
    COLLECTIONS.promoterHistory,
    { promoterId },
    {
      orderBy: [
        { field: 'at', direction: 'desc' },
        { field: '_id', direction: 'desc' },
      ],
      limit: HISTORY_LIMIT + 10,
    },
  );
  const out: PromoterStatusChange[] = [];
  docs.forEach((doc, i) => {
    const older = docs[i + 1];
    if (older && sameStatus(doc, older)) return;
    const change: PromoterStatusChange = {
      at: doc.at,
      status: doc.status,
      authStatus: doc.authStatus,
      declStatus: doc.declStatus,
      source: doc.source,
    };
    if (doc.by !== undefined) change.by = doc.by;
    out.push(change);
  });
  return out.slice(0, HISTORY_LIMIT);
}
