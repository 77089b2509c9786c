/**
 * Import jobs in the cloud database: what is stored, and the settings.
 *
 * - `import_jobs`: one document per job (state, counts, which chunk comes next, the phase).
 * - `import_chunks`: the job's valid rows, LIMITS.import.chunkRows (100) to a document: a CloudBase
 *   document is limited in size, and 100 rows are exactly one batchget and ten addpromoter calls. Each
 *   row carries its own state, so a chunk document is the checkpoint of its rows.
 * - `import_failures`: one document per row that was not declared (invalid, duplicate, failed), with
 *   a deterministic _id (`<jobId>-<index>`) so writing it twice after a crash changes nothing.
 */
import type {
  DeclareRow,
  ImportCounts,
  ImportFailure,
  ImportIdentity,
  ImportState,
} from '../../../../typings/contract/promoter';
import type { StoredDoc } from '../../../_shared/db';
import { log } from '../../../_shared/log';
import { COLLECTIONS } from '../../../_shared/collections';
import { findAll } from '../../../_shared/db';

export const IMPORT_COLLECTIONS = {
  jobs: COLLECTIONS.importJobs,
  chunks: COLLECTIONS.importChunks,
  failures: COLLECTIONS.importFailures,
  uploads: COLLECTIONS.importUploads,
} as const;

/** One part of a CSV sent with import.upload (`<uploadId>-<part>`). */
export interface UploadPartDoc extends StoredDoc {
  uploadId: string;
  part: number;
  text: string;
  bytes: number;
  createdBy: string;
  at: number;
}

/**
 * A row's state inside its chunk:
 * - `oa`: an Official Account openid still to resolve to a unionid (batchget);
 * - `pending`: ready to send, never sent by this job;
 * - `sent`: marked in flight before an addpromoter call. Found on resume (the holder crashed or its
 *   slice ended mid-call), the row is sent again and a 103003 then means this job declared it;
 * - `declared`, `already` (held by WeChat as asked before the job), `failed`, `duplicate`: settled.
 */
export type RowState = 'oa' | 'pending' | 'sent' | 'declared' | 'already' | 'failed' | 'duplicate';

export interface ChunkRow {
  /** Index in the job's input. */
  i: number;
  /** What goes to WeChat as `openid`: the openid or unionid (an OA row's unionid once resolved). */
  id: string;
  /** An OA row: the OA openid given. */
  oa?: string;
  row: DeclareRow;
  s: RowState;
  /** addpromoter / batchget attempts that failed for a transient reason. */
  a?: number;
  /** Why a failed or duplicate row was not declared. */
  f?: Omit<ImportFailure, 'index' | 'kind' | 'row'>;
}

export interface ChunkDoc extends StoredDoc {
  jobId: string;
  n: number;
  rows: ChunkRow[];
  /** Every row settled; `counts` then holds its rows' outcomes. */
  done: boolean;
  counts?: ImportCounts;
  /** Unix seconds when it was done (the declared cap counts chunks done since the mirror's last sync). */
  doneAt?: number;
  /** While in progress: its rows declared or in flight, which the declared cap counts (cap.ts); 0 once done. */
  held?: number;
}

export type ImportPhase = 'resolve' | 'dedupe' | 'declare';

export interface JobDoc extends StoredDoc {
  createdBy: string;
  createdByRole: string;
  identity: ImportIdentity;
  state: ImportState;
  phase: ImportPhase;
  total: number;
  /** Rows settled at import.start (invalid, repeated, over the cap): never in a chunk. */
  upfront: ImportCounts;
  /** upfront plus every done chunk's counts, as of the last slice's end (jobCounts has them fresh). */
  counts: ImportCounts;
  chunks: number;
  /** Chunks before this one are settled (in the current phase). */
  nextChunk: number;
  /** Set while paused (null once running again). */
  resumeAt?: number | null;
  pauseReason?: string | null;
  createdAt: number;
  /** Milliseconds, for ordering import.list newest first. */
  createdAtMs: number;
  updatedAt: number;
  finishedAt?: number;
  /** Time spent in slices (ms) and rows settled by them: the rate behind the ETA. */
  runMs: number;
  runRows: number;
  slices: number;
}

export interface FailureDoc extends StoredDoc {
  jobId: string;
  index: number;
  kind: ImportFailure['kind'];
  code: ImportFailure['code'];
  message: string;
  field?: string;
  errcode?: number;
  row?: Record<string, unknown>;
}

export const emptyCounts = (): ImportCounts => ({
  declared: 0,
  alreadyDeclared: 0,
  invalid: 0,
  duplicate: 0,
  failed: 0,
});

/** A settled chunk's outcomes. */
export function chunkCounts(rows: ChunkRow[]): ImportCounts {
  const counts = emptyCounts();
  for (const r of rows) {
    if (r.s === 'declared') counts.declared++;
    else if (r.s === 'already') counts.alreadyDeclared++;
    else if (r.s === 'failed') counts.failed++;
    else if (r.s === 'duplicate') counts.duplicate++;
  }
  return counts;
}

export function addCounts(into: ImportCounts, more: ImportCounts): ImportCounts {
  for (const key of Object.keys(into) as Array<keyof ImportCounts>) into[key] += more[key];
  return into;
}

/** The job's counts now: what import.start settled plus every done chunk's (one read per 1000 chunks). */
export async function jobCounts(job: Pick<JobDoc, '_id' | 'upfront'>): Promise<ImportCounts> {
  const done = await findAll<Pick<ChunkDoc, 'counts'>>(
    IMPORT_COLLECTIONS.chunks,
    { jobId: job._id, done: true },
    { counts: true },
  );
  const counts = addCounts(emptyCounts(), job.upfront);
  for (const chunk of done) if (chunk.counts) addCounts(counts, chunk.counts);
  return counts;
}

export const settledRows = (c: ImportCounts): number =>
  c.declared + c.alreadyDeclared + c.invalid + c.duplicate + c.failed;

export const chunkId = (jobId: string, n: number): string => `${jobId}-${String(n).padStart(6, '0')}`;
export const failureId = (jobId: string, index: number): string =>
  `${jobId}-${String(index).padStart(6, '0')}`;

function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    log.warn('import_setting_ignored', { name, value: raw, fallback });
    return fallback;
  }
  return value;
}

/**
 * Settings (environment of the promoter function):
 * - IMPORT_SLICE_MS: how long one invocation works on jobs (default 40 000; the function's timeout is
 *   60 s in config.json, and a slice ends with its calls in flight and a last checkpoint);
 * - IMPORT_CONCURRENCY: WeChat calls in flight at once per job (default 16, measured in
 *   docs/performance.md "Imports").
 */
export const importSettings = () => ({
  sliceMs: positiveIntFromEnv('IMPORT_SLICE_MS', 40_000),
  concurrency: positiveIntFromEnv('IMPORT_CONCURRENCY', 16),
});

/** Transient failures of one batch before its rows fail for good. */
export const MAX_ATTEMPTS = 8;
/** The job lease goes stale this long after its holder last renewed it (renewed every few seconds). */
export const LEASE_STALE_S = 15;
export const LEASE_RENEW_MS = 3_000;
