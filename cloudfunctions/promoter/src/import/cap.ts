/**
 * The declared cap (LIMITS.promoter.maxDeclared) while import jobs run: checked before each chunk's
 * addpromoter calls, not only at import.start, so two jobs at once (or a job started when the mirror
 * was behind) do not declare past it. Rows over it are settled as failed with the cap's sentence
 * (declaredCapMessage) and never sent.
 *
 * Declared now = the mirror's declared promoters (as of the last full sync, which started at S)
 *   + rows declared by import chunks done at or after S (any job; such a row may already be in the
 *     mirror, and is then counted twice: too careful, never too few)
 *   + rows held by chunks in progress (any job: a chunk's `held`, its declared and in-flight rows,
 *     written with its in-flight mark and again when it ends).
 *
 * Far from the cap (CAP_MARGIN rows or more left after the chunk) the figure is read at most every
 * CAP_REFRESH_MS and this slice's own marks since are added to it: another job's progress in that
 * interval is not seen, and the margin is what covers it. Near the cap every check is made afresh
 * holding the lease `import:declared-cap` (_shared/lease.ts), together with the chunk's in-flight mark,
 * so two jobs never take the same room. promoter.declare (at most 200 rows, checked at its start)
 * does not take that lease: a declare landing at the same moment can pass the cap by its own rows,
 * and WeChat's own 103005 then still stops them (reported as failed).
 */
import { LIMITS } from '../../../../miniprogram/shared/field-rules';
import { COLLECTIONS } from '../../../_shared/collections';
import { cmd, countWhere, sumWhere } from '../../../_shared/db';
import { withLease } from '../../../_shared/lease';
import { mirroredSince } from '../read-model';
import { IMPORT_COLLECTIONS } from './model';

export const CAP_MARGIN = 2_000;
export const CAP_REFRESH_MS = 1_000;
const CAP_LEASE = 'import:declared-cap';

/** Promoters declared now, by the reckoning above (one read, one count, two sums). */
export async function declaredNow(): Promise<number> {
  const _ = cmd();
  const since = await mirroredSince();
  const [mirrored, done, inProgress] = await Promise.all([
    countWhere(COLLECTIONS.promoters, { declStatus: 1 }),
    sumWhere(IMPORT_COLLECTIONS.chunks, { doneAt: _.gte(since) }, 'counts.declared'),
    sumWhere(IMPORT_COLLECTIONS.chunks, { held: _.gt(0) }, 'held'),
  ]);
  return mirrored + done + inProgress;
}

/** One slice's view of the cap. */
export class DeclaredCap {
  private reading: { declared: number; at: number } | null = null;
  /** Rows this slice marked in flight since `reading` was taken. */
  private markedSince = 0;
  /** In-flight marks of this slice not yet written. */
  private readonly marking = new Set<Promise<void>>();
  /** The last of this slice's checks near the cap (they take the lease one after another). */
  private tightTail: Promise<unknown> = Promise.resolve();

  constructor(private readonly holder: { action: string; by: string }) {}

  private async refresh(): Promise<number> {
    // A mark asked for before the reading must be in it: wait for the ones on their way.
    await Promise.allSettled([...this.marking]);
    this.markedSince = 0;
    const declared = await declaredNow();
    this.reading = { declared, at: Date.now() };
    return declared;
  }

  /**
   * Admits up to `want` more rows of a chunk, then runs `mark(admitted)` (the chunk's in-flight mark,
   * which must write its `held`). Answers how many were admitted (the rest are over the cap).
   */
  async admit(want: number, mark: (admitted: number) => Promise<void>): Promise<number> {
    const max = LIMITS.promoter.maxDeclared;
    if (!this.reading || Date.now() - this.reading.at >= CAP_REFRESH_MS) await this.refresh();
    const room = max - this.reading!.declared - this.markedSince;
    if (room - want >= CAP_MARGIN) return this.marked(want, mark);
    // One of this slice's chunks at a time asks for the lease; the others wait here, not polling it.
    const turn = this.tightTail.then(() =>
      withLease(CAP_LEASE, { ...this.holder, waitMs: 30_000 }, async () => {
        const exact = max - (await this.refresh());
        return this.marked(Math.max(0, Math.min(want, exact)), mark);
      }),
    );
    this.tightTail = turn.catch(() => undefined);
    return turn;
  }

  private async marked(admitted: number, mark: (admitted: number) => Promise<void>): Promise<number> {
    this.markedSince += admitted;
    const writing = mark(admitted);
    this.marking.add(writing);
    try {
      await writing;
    } finally {
      this.marking.delete(writing);
    }
    return admitted;
  }
}
