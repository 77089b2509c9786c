/**
 * One slice of an import job: what a single invocation does within its time budget (IMPORT_SLICE_MS),
 * holding the job's lease (_shared/lease.ts, renewed every few seconds) so two invocations never work
 * on the same job at once. The next slice comes from import.resume, the import page, or the timer
 * trigger (timer.ts).
 *
 * Phases: `resolve` (OA openids → unionids, batchget 100 a call), `dedupe` (one person twice after
 * resolving), `declare` (addpromoter 10 a call, IMPORT_CONCURRENCY calls in flight).
 *
 * Exactly once. A chunk (100 rows, ten addpromoter calls) is checkpointed twice per slice, not once per
 * call: before its calls its open rows are marked `sent` (in flight) in one write; when its calls are
 * over, one audit record lists the rows WeChat accepted, then one write stores every row's outcome
 * (with `done` and the chunk's counts once every row is settled). Rows the slice never sent go back
 * to `pending` in that write. A slice that dies anywhere in between leaves its rows `sent`: on resume
 * a `sent` row is sent again, and a 103003 ("already exists") for it means this job declared it (its
 * first call went through, the answer or the checkpoint was lost), so it counts as declared and is
 * audited then (marked `reconciled`). WeChat itself never holds one person twice, so a repeat can
 * never declare twice; the states make the count right. Checkpointing per call instead would only
 * make fewer rows go again after a crash; it would not make the count any more exact, and it cost a
 * database write (and an audit record) per WeChat call. The job's counts are the sum of its done
 * chunks' (status.ts), so they account for every input row when it is done. docs/performance.md
 * ("Imports") has the figures.
 *
 * The declared cap (cap.ts) admits a chunk's pending rows just before its in-flight mark; rows over it
 * are settled as failed with the cap's sentence and never sent.
 *
 * Faults: -1, 45011, HTTP 5xx, timeouts and dropped connections back the batch off and retry it
 * (MAX_ATTEMPTS, then its rows fail); the addpromoter call is made without the client's own retries
 * so each attempt is known here. 45009 (daily quota) pauses the job until the next day in China
 * (resumeAt). Every batch WeChat accepted writes an audit record.
 */
import type { RowFailure } from '../../../../typings/contract/promoter';
import { auditDoc, writeAudit } from '../../../_shared/audit';
import { db } from '../../../_shared/db';
import { AppError, WechatApiError, WechatUnavailableError, toCloudError } from '../../../_shared/errors';
import { type Lease, acquireLease, releaseLease } from '../../../_shared/lease';
import {
  Semaphore,
  isQuotaExceeded,
  leaseHeartbeat,
  nextChinaMidnight,
  sleep,
  sliceBackoffMs,
} from '../../../_shared/slices';
import { log } from '../../../_shared/log';
import { getWechatClient } from '../../../_shared/wechat/client';
import { isTransient } from '../../../_shared/wechat/http';
import {
  type AddPromoterFailure,
  type PromoterApi,
  createPromoterApi,
} from '../../../_shared/wechat/promoter-api';
import { ERR_INVALID_OPENID, batchGetUserInfo } from '../../../_shared/wechat/user-info-api';
import { DuplicateLookup, type RowOutcome, type ValidRow, batchOutcomes, toWechatRow } from '../declare';
import { markStale, syncSliceMs } from '../read-model';
import { declaredCapMessage } from '../../../../miniprogram/shared/field-rules';
import { DeclaredCap } from './cap';
import { COLLECTIONS } from '../../../_shared/collections';
import { cmd, countWhere, findAll, findSome, getDoc } from '../../../_shared/db';
import {
  type ChunkDoc,
  type ChunkRow,
  type FailureDoc,
  IMPORT_COLLECTIONS,
  type JobDoc,
  LEASE_RENEW_MS,
  LEASE_STALE_S,
  MAX_ATTEMPTS,
  chunkCounts,
  chunkId,
  failureId,
  importSettings,
  jobCounts,
} from './model';

const ADD_PATH = '/promoter/addpromoter';
const ROWS = 'rows';
const STALE_EVERY_MS = 5_000;

export type SliceOutcome = 'worked' | 'busy' | 'missing' | 'finished' | 'not-due';

const nowS = () => Math.floor(Date.now() / 1000);

export { nextChinaMidnight };

/**
 * The promoter family for imports: addpromoter without the client's own retries (this runner retries
 * it, knowing which rows may already have gone through); every other call as usual.
 */
function importApi(): PromoterApi {
  const client = getWechatClient('miniProgram');
  return createPromoterApi({
    call: (request) =>
      client.call({ ...request, idempotent: request.path === ADD_PATH ? false : request.idempotent }),
  });
}

const SETTLED = new Set(['declared', 'already', 'failed', 'duplicate']);
const isSettled = (r: ChunkRow) => SETTLED.has(r.s);
/** Rows of an unfinished chunk the declared cap counts: declared by this job, or in flight. */
const heldRows = (rows: ChunkRow[]) => rows.filter((r) => r.s === 'declared' || r.s === 'sent').length;

function failRow(r: ChunkRow, f: Omit<RowFailure, 'index'>): void {
  r.s = 'failed';
  r.f = { code: f.code, message: f.message };
  if (f.field !== undefined) r.f.field = f.field;
  if (f.errcode !== undefined) r.f.errcode = f.errcode;
}

function failureDoc(jobId: string, r: ChunkRow): FailureDoc {
  const doc: FailureDoc = {
    _id: failureId(jobId, r.i),
    jobId,
    index: r.i,
    kind: r.s === 'duplicate' ? 'duplicate' : 'failed',
    code: r.f?.code ?? 'INTERNAL',
    message: r.f?.message ?? '未知原因',
    row: { ...r.row },
  };
  if (r.f?.field !== undefined) doc.field = r.f.field;
  if (r.f?.errcode !== undefined) doc.errcode = r.f.errcode;
  return doc;
}

/** Runs `work(n)` for n in [from, to) on `workers` workers until `stop()`; rethrows the first failure. */
async function pool(
  from: number,
  to: number,
  workers: number,
  stop: () => boolean,
  work: (n: number) => Promise<void>,
): Promise<void> {
  let next = from;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && !stop() && next < to) {
      const n = next++;
      try {
        await work(n);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  if (failure !== undefined) throw failure;
}

/** Chunks read per query in the declare phase (ten chunks: a hundred addpromoter calls). */
const CHUNK_READ_BLOCK = 10;

/**
 * Reads chunk n of a job, fetching CHUNK_READ_BLOCK chunks in one query the first time one of them
 * is asked for (chunks are asked for in ascending order; a block is forgotten once the next is read).
 */
function chunkReader(jobId: string, chunks: number): (n: number) => Promise<ChunkDoc> {
  const blocks = new Map<number, Promise<Map<number, ChunkDoc>>>();
  return async (n) => {
    const base = n - (n % CHUNK_READ_BLOCK);
    let block = blocks.get(base);
    if (!block) {
      for (const old of blocks.keys()) if (old < base - CHUNK_READ_BLOCK) blocks.delete(old);
      const ids: string[] = [];
      for (let k = base; k < Math.min(chunks, base + CHUNK_READ_BLOCK); k++) ids.push(chunkId(jobId, k));
      block = findSome<ChunkDoc>(
        IMPORT_COLLECTIONS.chunks,
        { _id: cmd().in(ids) },
        { limit: ids.length },
      ).then((docs) => new Map(docs.map((d) => [d.n, d])));
      blocks.set(base, block);
    }
    const chunk = (await block).get(n);
    if (!chunk) throw new Error(`import chunk ${n} of ${jobId} is missing`);
    return chunk;
  };
}

class Slice {
  private job!: JobDoc;
  private readonly api = importApi();
  private readonly wechat: Semaphore;
  private stopped: 'deadline' | 'lost' | 'cancelled' | 'paused' | null = null;
  private pause: { resumeAt: number; reason: string } | null = null;
  private settledNow = 0;
  private readonly complete = new Set<number>();
  private stopBeat: () => void = () => undefined;
  private duplicates: DuplicateLookup;
  private readonly cap: DeclaredCap;

  constructor(
    private readonly jobId: string,
    private readonly lease: Lease,
    private readonly deadline: number,
    private readonly concurrency: number,
    private readonly started = Date.now(),
  ) {
    this.wechat = new Semaphore(concurrency);
    this.cap = new DeclaredCap({ action: 'import.run', by: this.lease.key });
    // A full sync to find duplicates only while its slice still fits before this slice's deadline.
    this.duplicates = new DuplicateLookup(
      this.api,
      () => countWhere(COLLECTIONS.promoters, {}),
      () => this.deadline - Date.now() > syncSliceMs(),
    );
  }

  /** WeChat calls this slice completed: a slice always makes at least one, however small its budget. */
  private calls = 0;

  private shouldStop(): boolean {
    if (this.stopped === null && this.calls > 0 && Date.now() >= this.deadline) this.stopped = 'deadline';
    return this.stopped !== null;
  }

  private startHeartbeat(): void {
    this.stopBeat = leaseHeartbeat(
      this.lease,
      LEASE_RENEW_MS,
      () => {
        this.stopped = 'lost';
      },
      async () => {
        const current = await getDoc<JobDoc>(IMPORT_COLLECTIONS.jobs, this.jobId);
        if (current?.state === 'cancelled' && this.stopped === null) this.stopped = 'cancelled';
      },
    );
  }

  stopHeartbeat(): void {
    this.stopBeat();
  }

  async run(): Promise<SliceOutcome> {
    const job = await getDoc<JobDoc>(IMPORT_COLLECTIONS.jobs, this.jobId);
    if (!job) return 'missing';
    if (job.state === 'done' || job.state === 'cancelled') return 'finished';
    if (job.state === 'paused' && (job.resumeAt ?? 0) > nowS()) return 'not-due';
    this.job = job;
    const going = await db().runTransaction(async (tx) => {
      const ref = tx.collection<JobDoc>(IMPORT_COLLECTIONS.jobs).doc(this.jobId);
      const current = (await ref.get()).data;
      if (!current || current.state === 'cancelled' || current.state === 'done') return false;
      await ref.update({
        data: { state: 'running', resumeAt: null, pauseReason: null, updatedAt: nowS() },
      });
      return true;
    });
    if (!going) return 'finished';
    this.startHeartbeat();
    try {
      if (this.job.phase === 'resolve') await this.resolvePhase();
      if (this.job.phase === 'dedupe' && !this.shouldStop()) await this.dedupePhase();
      if (this.job.phase === 'declare' && !this.shouldStop()) await this.declarePhase();
    } finally {
      this.stopHeartbeat();
      await this.finish();
    }
    return 'worked';
  }

  // ---- phase 1: OA openids → unionids ----

  private async resolvePhase(): Promise<void> {
    const read = chunkReader(this.jobId, this.job.chunks);
    await pool(
      this.job.nextChunk,
      this.job.chunks,
      this.concurrency,
      () => this.shouldStop(),
      async (n) => this.resolveChunk(await read(n)),
    );
    if (this.stopped === 'lost') return;
    const prefix = this.prefix(this.job.nextChunk);
    if (prefix >= this.job.chunks) {
      await this.updateJob({ phase: 'dedupe', nextChunk: 0 });
      this.job.phase = 'dedupe';
      this.complete.clear();
    } else if (prefix > this.job.nextChunk) {
      await this.updateJob({ nextChunk: prefix });
    }
  }

  private prefix(from: number): number {
    let n = from;
    while (this.complete.has(n)) n++;
    return n;
  }

  /** The OA users of `openids`; a batch WeChat refuses with 40003 is split until the unknown ones stand alone. */
  private async lookUp(openids: string[]) {
    const found = new Map<string, { unionid?: string } | 'unknown'>();
    const ask = async (list: string[]): Promise<void> => {
      try {
        const users = await batchGetUserInfo(list);
        users.forEach((u, k) => found.set(list[k]!, u.unionid ? { unionid: u.unionid } : {}));
      } catch (err) {
        if (!(err instanceof WechatApiError && err.errcode === ERR_INVALID_OPENID)) throw err;
        if (list.length === 1) {
          found.set(list[0]!, 'unknown');
          return;
        }
        const half = Math.ceil(list.length / 2);
        await ask(list.slice(0, half));
        await ask(list.slice(half));
      }
    };
    await ask(openids);
    return found;
  }

  private async resolveChunk(chunk: ChunkDoc): Promise<void> {
    const open = chunk.rows.filter((r) => r.s === 'oa');
    for (let attempt = 1; open.length > 0; attempt++) {
      if (this.shouldStop()) return;
      await this.wechat.acquire();
      let found: Map<string, { unionid?: string } | 'unknown'>;
      try {
        found = await this.lookUp(open.map((r) => r.oa!));
      } catch (err) {
        if (await this.transientOrPause(err, open, attempt, '查询公众号用户失败')) continue;
        break;
      } finally {
        this.wechat.release();
        this.calls++;
      }
      for (const r of open) {
        const user = found.get(r.oa!);
        const field = `${ROWS}[${r.i}].openid`;
        if (user === 'unknown' || user === undefined) {
          failRow(r, {
            code: 'INVALID_ARGUMENT',
            message: `不是本公众号的用户，公众号 openid 无效（${field}）`,
            field,
            errcode: ERR_INVALID_OPENID,
          });
        } else if (!user.unionid) {
          failRow(r, {
            code: 'FAILED_PRECONDITION',
            message: `该公众号用户没有 UnionID（公众号未绑定开放平台），无法声明（${field}）`,
            field,
          });
        } else {
          r.id = user.unionid;
          r.s = 'pending';
        }
      }
      break;
    }
    if (this.stopped === 'lost') return;
    await this.writeRows(chunk, open);
    if (!chunk.rows.some((r) => r.s === 'oa')) this.complete.add(chunk.n);
  }

  /**
   * After a failed WeChat call: true = try again (after a backoff), false = stop trying (rows failed,
   * or the job paused on 45009). Bumps the rows' attempt counts.
   */
  private async transientOrPause(
    err: unknown,
    rows: ChunkRow[],
    attempt: number,
    what: string,
  ): Promise<boolean> {
    if (isQuotaExceeded(err)) {
      const resumeAt = nextChinaMidnight(nowS());
      this.pause ??= { resumeAt, reason: '微信接口今日调用次数已用完（45009），明天 0 点后自动继续' };
      this.stopped = 'paused';
      return false;
    }
    const cloud = toCloudError(err);
    if (isTransient(err)) {
      for (const r of rows) r.a = (r.a ?? 0) + 1;
      if (Math.max(...rows.map((r) => r.a ?? 0)) < MAX_ATTEMPTS) {
        await sleep(sliceBackoffMs(attempt, this.deadline));
        return !this.shouldStop();
      }
    }
    if (err instanceof AppError || err instanceof WechatApiError || err instanceof WechatUnavailableError) {
      for (const r of rows) {
        failRow(r, {
          code: cloud.code,
          message: `${what}：${cloud.message}`,
          ...(cloud.errcode === undefined ? {} : { errcode: cloud.errcode }),
        });
      }
      return false;
    }
    throw err;
  }

  // ---- phase 2: one person twice after resolving ----

  private async dedupePhase(): Promise<void> {
    const chunks = await findAll<ChunkDoc>(IMPORT_COLLECTIONS.chunks, { jobId: this.jobId });
    chunks.sort((a, b) => a.n - b.n);
    const seen = new Map<string, number>();
    for (const chunk of chunks) {
      let changed = false;
      for (const r of chunk.rows) {
        if (r.s === 'failed') continue;
        const first = seen.get(r.id);
        if (first === undefined) {
          seen.set(r.id, r.i);
        } else if (r.s === 'pending') {
          r.s = 'duplicate';
          r.f = {
            code: 'INVALID_ARGUMENT',
            message: `与第 ${first + 1} 行是同一人（UnionID 相同），只声明一次（${ROWS}[${r.i}].openid）`,
            field: `${ROWS}[${r.i}].openid`,
          };
          changed = true;
        }
      }
      if (changed) {
        await db()
          .collection<ChunkDoc>(IMPORT_COLLECTIONS.chunks)
          .doc(chunk._id)
          .update({ data: { rows: chunk.rows } });
      }
    }
    await this.updateJob({ phase: 'declare', nextChunk: 0 });
    this.job.phase = 'declare';
    this.job.nextChunk = 0;
  }

  // ---- phase 3: addpromoter ----

  private async declarePhase(): Promise<void> {
    // Enough chunks at once to keep `concurrency` calls in flight (10 batches a chunk) while others
    // write their checkpoints.
    const chunkWorkers = Math.ceil(this.concurrency / 10) + 2;
    const read = chunkReader(this.jobId, this.job.chunks);
    await pool(
      this.job.nextChunk,
      this.job.chunks,
      chunkWorkers,
      () => this.shouldStop(),
      async (n) => this.declareChunk(n, await read(n)),
    );
  }

  private rowsLeft(): number {
    return Math.max(1, this.job.total - this.settledNow);
  }

  private async declareChunk(n: number, chunk: ChunkDoc): Promise<void> {
    if (chunk.done) {
      this.complete.add(n);
      return;
    }
    const settledBefore = chunk.rows.filter(isSettled).length;
    /** Rows that may have reached WeChat before (marked in flight by a slice that died). */
    const maybeSent = new Set(chunk.rows.filter((r) => r.s === 'sent').map((r) => r.i));
    /** Rows this slice actually put on the wire. */
    const attempted = new Set<number>();
    const open = chunk.rows.filter((r) => r.s === 'pending' || r.s === 'sent');
    /** What this chunk's audit record lists: rows WeChat accepted from this slice. */
    const declared: Array<Record<string, unknown>> = [];
    if (open.length > 0) {
      // The declared cap, then the in-flight mark, before any addpromoter call: one write for the
      // chunk's ten calls. A `sent` row always goes again (it may be declared already).
      const pending = open.filter((r) => r.s === 'pending');
      await this.cap.admit(pending.length, async (admitted) => {
        for (const r of pending.slice(admitted)) {
          failRow(r, { code: 'QUOTA_EXCEEDED', message: declaredCapMessage(true) });
        }
        for (const r of open) if (r.s === 'pending') r.s = 'sent';
        await this.writeRows(chunk, open, { held: heldRows(chunk.rows) });
      });
    }
    const toSend = open.filter((r) => r.s === 'sent');
    const batches: ChunkRow[][] = [];
    for (let i = 0; i < toSend.length; i += 10) batches.push(toSend.slice(i, i + 10));
    const sendBatch = async (batch: ChunkRow[]): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        if (this.shouldStop()) return;
        await this.wechat.acquire();
        if (this.shouldStop()) {
          this.wechat.release();
          return;
        }
        let failures;
        try {
          ({ failures } = await this.api.addPromoters(batch.map((r) => toWechatRow(this.valid(r)))));
        } catch (err) {
          this.wechat.release();
          this.calls++;
          const quota = isQuotaExceeded(err);
          // Refused at the door (45009) → not applied; anything else may have been.
          if (!quota) for (const r of batch) attempted.add(r.i);
          if (await this.transientOrPause(err, batch, attempt, '声明失败')) {
            for (const r of batch) maybeSent.add(r.i);
            continue;
          }
          return;
        }
        this.wechat.release();
        this.calls++;
        for (const r of batch) attempted.add(r.i);
        declared.push(...(await this.settleBatch(batch, failures, maybeSent)));
        return;
      }
    };
    await Promise.all(batches.map(sendBatch));
    // Rows this slice marked in flight but never sent go back to pending.
    for (const r of chunk.rows) {
      if (r.s === 'sent' && !attempted.has(r.i) && !maybeSent.has(r.i)) r.s = 'pending';
    }
    if (this.stopped === 'lost') return; // the new holder owns the chunk now
    // The audit record first, then the checkpoint: a row checkpointed as declared always has its record
    // (a crash between the two sends the rows again; their 103003 is recorded once more, as reconciled).
    await this.auditDeclared(declared);
    if (chunk.rows.every(isSettled)) {
      this.settledNow += chunk.rows.length - settledBefore;
      await this.finishChunk(chunk, open);
    } else if (open.length > 0) {
      await this.writeRows(chunk, open, { held: heldRows(chunk.rows) });
    }
  }

  /**
   * Writes `rows`' states into their chunk: only what a row's state changes (its state, attempts,
   * failure, an OA row's resolved id; `rows.<k>.s`…), since the rest of a row never changes here. `extra` joins the same write.
   */
  private async writeRows(chunk: ChunkDoc, rows: ChunkRow[], extra: Record<string, unknown> = {}) {
    if (this.stopped === 'lost') return; // the new holder owns the chunk now
    const position = new Map(chunk.rows.map((r, k) => [r.i, k]));
    const data: Record<string, unknown> = { ...extra };
    for (const r of rows) {
      const k = position.get(r.i)!;
      data[`rows.${k}.s`] = r.s;
      if (r.oa !== undefined) data[`rows.${k}.id`] = r.id; // resolved from the OA openid
      if (r.a !== undefined) data[`rows.${k}.a`] = r.a;
      if (r.f !== undefined) data[`rows.${k}.f`] = r.f;
    }
    if (Object.keys(data).length === 0) return;
    await db().collection<ChunkDoc>(IMPORT_COLLECTIONS.chunks).doc(chunk._id).update({ data });
  }

  /** One audit record for the rows of a chunk WeChat accepted in this slice. */
  private async auditDeclared(declared: Array<Record<string, unknown>>): Promise<void> {
    if (declared.length === 0) return;
    declared.sort((a, b) => (a.index as number) - (b.index as number));
    await writeAudit(
      auditDoc(
        {
          fn: 'promoter',
          action: 'import.run',
          actor: { openid: this.job.createdBy, role: this.job.createdByRole },
          atMs: Date.now(),
        },
        { target: 'promoters', before: null, after: { jobId: this.jobId, declared } },
      ),
    );
  }

  private valid(r: ChunkRow): ValidRow {
    return { index: r.i, identity: r.id, row: r.row };
  }

  /** A batch's rows settled from WeChat's answer (in memory); answers the rows it declared, for the audit. */
  private async settleBatch(
    batch: ChunkRow[],
    failures: AddPromoterFailure[],
    maybeSent: Set<number>,
  ): Promise<Array<Record<string, unknown>>> {
    const byId = new Map(failures.map((f) => [f.openid, f]));
    const reconciled: ChunkRow[] = [];
    const fresh: ChunkRow[] = [];
    for (const r of batch) {
      if (maybeSent.has(r.i) && byId.get(r.id)?.errcode === 103003) reconciled.push(r);
      else fresh.push(r);
    }
    for (const r of reconciled) r.s = 'declared';
    const outcomes: RowOutcome[] =
      fresh.length === 0
        ? []
        : await batchOutcomes(
            this.api,
            fresh.map((r) => this.valid(r)),
            failures.filter((f) => fresh.some((r) => r.id === f.openid)),
            ROWS,
            this.duplicates,
            this.rowsLeft(),
            // a cancelled person the job declares again is changed under their lease, as the job's creator
            { action: 'import.run', by: this.job.createdBy },
          );
    const byIndex = new Map(batch.map((r) => [r.i, r]));
    const declared: Array<Record<string, unknown>> = reconciled.map((r) => ({
      index: r.i,
      ...r.row,
      reconciled: true,
    }));
    for (const o of outcomes) {
      const r = byIndex.get(o.index)!;
      if (o.declared) {
        r.s = o.already ? 'already' : 'declared';
        if (!o.already) {
          declared.push({
            index: r.i,
            ...r.row,
            ...(o.redeclaredId ? { redeclaredId: o.redeclaredId } : {}),
          });
        }
      } else {
        failRow(r, o.failure);
      }
    }
    return declared;
  }

  /**
   * The chunk's failures, then its last write: the rows' outcomes with `done` and its counts (the job's counts are the
   * sum of its done chunks', status.ts). No transaction: the failure documents have fixed ids (a repeat
   * rewrites the same), and `done` is the one write that makes the chunk count.
   */
  private async finishChunk(chunk: ChunkDoc, changed: ChunkRow[]): Promise<void> {
    if (this.stopped === 'lost') return;
    const counts = chunkCounts(chunk.rows);
    for (const r of chunk.rows.filter((row) => row.s === 'failed' || row.s === 'duplicate')) {
      const { _id, ...data } = failureDoc(this.jobId, r);
      await db().collection<FailureDoc>(IMPORT_COLLECTIONS.failures).doc(_id).set({ data });
    }
    await this.writeRows(chunk, changed, { done: true, counts, held: 0, doneAt: nowS() });
    this.complete.add(chunk.n);
    if (counts.declared > 0) await this.markMirrorStale(false);
  }

  private staleMarkedAt = 0;
  private staleOwed = false;

  /** The read model learns of new promoters: at most every few seconds while running, and at the end. */
  private async markMirrorStale(final: boolean): Promise<void> {
    this.staleOwed = true;
    if (!final && Date.now() - this.staleMarkedAt < STALE_EVERY_MS) return;
    if (!this.staleOwed) return;
    this.staleOwed = false;
    this.staleMarkedAt = Date.now();
    await markStale();
  }

  private async updateJob(data: Partial<JobDoc>): Promise<void> {
    if (this.stopped === 'lost') return;
    await db()
      .collection<JobDoc>(IMPORT_COLLECTIONS.jobs)
      .doc(this.jobId)
      .update({ data: { ...data, updatedAt: nowS() } });
  }

  /** The slice's time and rows into the job; its state unless someone cancelled it meanwhile. */
  private async finish(): Promise<void> {
    if (this.stopped === 'lost') return;
    if (this.staleOwed) await this.markMirrorStale(true);
    const prefix = this.job.phase === 'declare' ? this.prefix(this.job.nextChunk) : this.job.nextChunk;
    const counts = await jobCounts(this.job);
    const elapsed = Date.now() - this.started;
    const settled = this.settledNow;
    const pause = this.pause;
    const complete = this.job.phase === 'declare' && this.prefix(this.job.nextChunk) >= this.job.chunks;
    await db().runTransaction(async (tx) => {
      const ref = tx.collection<JobDoc>(IMPORT_COLLECTIONS.jobs).doc(this.jobId);
      const current = (await ref.get()).data;
      if (!current) return;
      const at = nowS();
      const data: Record<string, unknown> = {
        counts,
        nextChunk: Math.max(current.phase === this.job.phase ? current.nextChunk : 0, prefix),
        runMs: current.runMs + elapsed,
        runRows: current.runRows + settled,
        slices: current.slices + 1,
        updatedAt: at,
      };
      if (current.state !== 'cancelled') {
        if (pause)
          Object.assign(data, { state: 'paused', resumeAt: pause.resumeAt, pauseReason: pause.reason });
        else if (complete) Object.assign(data, { state: 'done', finishedAt: at });
      }
      await ref.update({ data });
    });
  }
}

/**
 * Runs one slice of job `jobId` if nobody else is (the lease), within `budgetMs` (default
 * IMPORT_SLICE_MS). 'busy': another invocation holds the job; 'not-due': paused until resumeAt.
 */
export async function runSlice(jobId: string, by: string, budgetMs?: number): Promise<SliceOutcome> {
  const settings = importSettings();
  const deadline = Date.now() + (budgetMs ?? settings.sliceMs);
  let lease: Lease;
  try {
    lease = await acquireLease(`import:${jobId}`, {
      action: 'import.run',
      by,
      waitMs: 0,
      staleS: LEASE_STALE_S,
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'CONFLICT') return 'busy';
    throw err;
  }
  const slice = new Slice(jobId, lease, deadline, settings.concurrency);
  try {
    return await slice.run();
  } finally {
    slice.stopHeartbeat();
    await releaseLease(lease).catch((err: unknown) =>
      log.warn('lease_release_failed', { jobId, error: err }),
    );
  }
}
