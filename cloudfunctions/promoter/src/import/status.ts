/** A job as import.status / import.list answer it: counts, progress, ETA and a page of failures. */
import type { ImportFailure, ImportStatus } from '../../../../typings/contract/promoter';
import { LIMITS } from '../../../../miniprogram/shared/field-rules';
import { AppError } from '../../../_shared/errors';
import type { Caller } from '../../../_shared/staff';
import { cmd, getDoc } from '../../../_shared/db';
import { db } from '../../../_shared/db';
import { type FailureDoc, IMPORT_COLLECTIONS, type JobDoc, jobCounts, settledRows } from './model';

/** The job, if the caller may see it: its creator, or any HQ admin. Otherwise NOT_FOUND. */
export async function visibleJob(caller: Caller, jobId: string): Promise<JobDoc> {
  const job = await getDoc<JobDoc>(IMPORT_COLLECTIONS.jobs, jobId);
  if (!job || (job.createdBy !== caller.openid && caller.role !== 'admin')) {
    throw new AppError('NOT_FOUND', `导入任务 ${jobId} 不存在（jobId）`, { field: 'jobId' });
  }
  return job;
}

function eta(job: JobDoc, processed: number): number | null {
  if (job.state === 'done' || job.state === 'cancelled') return 0;
  if (job.runRows <= 0 || job.runMs <= 0) return null;
  const perSecond = job.runRows / (job.runMs / 1000);
  return Math.ceil((job.total - processed) / perSecond);
}

export async function failuresPage(
  jobId: string,
  cursor: string | undefined,
  limit: number,
): Promise<{ failures: ImportFailure[]; nextCursor?: string }> {
  const _ = cmd();
  const after = cursor === undefined ? -1 : Number(cursor);
  if (!Number.isInteger(after)) {
    throw new AppError('INVALID_ARGUMENT', '翻页游标无效（cursor）', { field: 'cursor' });
  }
  const { data } = await db()
    .collection<FailureDoc>(IMPORT_COLLECTIONS.failures)
    .where({ jobId, index: _.gt(after) })
    .orderBy('index', 'asc')
    .limit(limit + 1)
    .get();
  const page = data.slice(0, limit);
  const failures = page.map((d): ImportFailure => {
    const f: ImportFailure = { index: d.index, kind: d.kind, code: d.code, message: d.message };
    if (d.field !== undefined) f.field = d.field;
    if (d.errcode !== undefined) f.errcode = d.errcode;
    if (d.row !== undefined) f.row = d.row;
    return f;
  });
  return data.length > limit ? { failures, nextCursor: String(page[page.length - 1]!.index) } : { failures };
}

/** The job without failures (import.list). */
export function statusOf(job: JobDoc): ImportStatus {
  const processed = settledRows(job.counts);
  const status: ImportStatus = {
    jobId: job._id,
    state: job.state,
    identity: job.identity,
    total: job.total,
    counts: { ...job.counts },
    processed,
    progress: job.total === 0 ? 1 : Math.min(1, processed / job.total),
    etaSeconds: eta(job, processed),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    createdBy: job.createdBy,
    failures: [],
  };
  if (job.state === 'paused' && job.resumeAt) status.resumeAt = job.resumeAt;
  if (job.state === 'paused' && job.pauseReason) status.pauseReason = job.pauseReason;
  return status;
}

/** The job with fresh counts and a page of its failures (import.start / status / resume / cancel). */
export async function toStatus(
  job: JobDoc,
  page: { cursor?: string; limit?: number } = {},
): Promise<ImportStatus> {
  // Fresh counts: the job document's are as of the last slice's end.
  const status = statusOf({ ...job, counts: await jobCounts(job) });
  const { failures, nextCursor } = await failuresPage(
    job._id,
    page.cursor,
    page.limit ?? LIMITS.page.defaultLimit,
  );
  status.failures = failures;
  if (nextCursor !== undefined) status.failuresCursor = nextCursor;
  return status;
}
