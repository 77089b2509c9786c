/**
 * import.start: every row checked up front with promoter.declare's own rules (validateRows in
 * declare.ts: shape and byte limits, one of openid/unionid, repeats, the caller's stores, roles, the
 * declared cap), then the job stored: valid rows in chunks, the others as failures. Nothing is sent
 * to WeChat here; slices do that (runner.ts).
 */
import type { ImportIdentity } from '../../../../typings/contract/promoter';
import { LIMITS } from '../../../../miniprogram/shared/field-rules';
import { auditId } from '../../../_shared/audit';
import { AppError } from '../../../_shared/errors';
import type { Caller } from '../../../_shared/staff';
import type { PromoterApi } from '../../../_shared/wechat/promoter-api';
import { validateRows } from '../declare';
import { insertMany, putDoc } from '../../../_shared/db';
import { parseCsv } from './csv';
import {
  type ChunkDoc,
  type ChunkRow,
  type FailureDoc,
  IMPORT_COLLECTIONS,
  type JobDoc,
  chunkId,
  emptyCounts,
  failureId,
} from './model';

/** Chunk documents per insert request (100 rows each). */
const CHUNKS_PER_INSERT = 20;
const FAILURES_PER_INSERT = 500;

export const ROWS_FIELD = 'rows';

export async function createJob(
  api: PromoterApi,
  caller: Caller,
  input: { rows?: unknown[]; csv?: string; identity: ImportIdentity },
  nowMs: number,
): Promise<JobDoc> {
  const nowS = Math.floor(nowMs / 1000);
  if ((input.rows === undefined) === (input.csv === undefined)) {
    throw new AppError('INVALID_ARGUMENT', 'rows 和 csv 必须且只能提供一个（rows）', { field: 'rows' });
  }
  const given: unknown[] = [];
  const badLines = new Map<number, string>();
  if (input.csv !== undefined) {
    parseCsv(input.csv, input.identity).rows.forEach((row, index) => {
      if ('badLine' in row) badLines.set(index, row.badLine as string);
      given.push(row);
    });
  } else {
    given.push(...(input.rows ?? []));
  }
  if (given.length === 0) {
    throw new AppError('INVALID_ARGUMENT', '没有要导入的行（rows）', { field: 'rows' });
  }
  if (given.length > LIMITS.import.maxRows) {
    throw new AppError(
      'INVALID_ARGUMENT',
      `一次最多导入 ${LIMITS.import.maxRows} 行，当前 ${given.length} 行（rows）`,
      { field: 'rows' },
    );
  }
  // A CSV line that could not be read goes in as null (so indexes stay aligned) and fails with its own reason.
  const { valid, failed, duplicateOf } = await validateRows(
    api,
    caller,
    given.map((row, index) => (badLines.has(index) ? null : row)),
    ROWS_FIELD,
  );
  const jobId = auditId(nowMs);
  const asGiven = (index: number): Record<string, unknown> | undefined => {
    const row = given[index];
    return row && typeof row === 'object' && !Array.isArray(row)
      ? (row as Record<string, unknown>)
      : undefined;
  };
  const counts = emptyCounts();
  const failures: FailureDoc[] = [];
  for (const [index, message] of badLines) {
    counts.invalid++;
    failures.push({
      _id: failureId(jobId, index),
      jobId,
      index,
      kind: 'invalid',
      code: 'INVALID_ARGUMENT',
      message,
      field: 'csv',
    });
  }
  for (const f of failed) {
    const index = f.index;
    if (badLines.has(index)) continue;
    // Rows over the declared cap are refused, not malformed: they count as failed.
    const kind = duplicateOf.has(index) ? 'duplicate' : f.code === 'QUOTA_EXCEEDED' ? 'failed' : 'invalid';
    counts[kind]++;
    const doc: FailureDoc = {
      _id: failureId(jobId, index),
      jobId,
      index,
      kind,
      code: f.code,
      message: f.message,
    };
    if (f.field !== undefined) doc.field = f.field;
    if (f.errcode !== undefined) doc.errcode = f.errcode;
    const row = asGiven(index);
    if (row) doc.row = row;
    failures.push(doc);
  }
  const resolving = input.identity === 'oaOpenid';
  const rows: ChunkRow[] = valid.map((v) => {
    const fromOa = resolving && v.row.openid !== undefined;
    return {
      i: v.index,
      id: v.identity,
      row: v.row,
      s: fromOa ? 'oa' : 'pending',
      ...(fromOa ? { oa: v.identity } : {}),
    };
  });
  const per = LIMITS.import.chunkRows;
  const chunks: ChunkDoc[] = [];
  for (let n = 0; n * per < rows.length; n++) {
    chunks.push({ _id: chunkId(jobId, n), jobId, n, rows: rows.slice(n * per, (n + 1) * per), done: false });
  }
  for (let i = 0; i < chunks.length; i += CHUNKS_PER_INSERT) {
    await insertMany(IMPORT_COLLECTIONS.chunks, chunks.slice(i, i + CHUNKS_PER_INSERT));
  }
  for (let i = 0; i < failures.length; i += FAILURES_PER_INSERT) {
    await insertMany(IMPORT_COLLECTIONS.failures, failures.slice(i, i + FAILURES_PER_INSERT));
  }
  // The job document last: until it exists, nothing runs or shows (a crash leaves only orphans).
  const job: JobDoc = {
    _id: jobId,
    createdBy: caller.openid,
    createdByRole: caller.role,
    identity: input.identity,
    state: chunks.length === 0 ? 'done' : 'queued',
    phase: rows.some((r) => r.s === 'oa') ? 'resolve' : 'declare',
    total: given.length,
    upfront: counts,
    counts,
    chunks: chunks.length,
    nextChunk: 0,
    createdAt: nowS,
    createdAtMs: nowMs,
    updatedAt: nowS,
    runMs: 0,
    runRows: 0,
    slices: 0,
    ...(chunks.length === 0 ? { finishedAt: nowS } : {}),
  };
  await putDoc(IMPORT_COLLECTIONS.jobs, jobId, job);
  return job;
}
