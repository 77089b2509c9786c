/**
 * Import jobs (import.start / status / resume / cancel / list) against the real stack: validation and
 * duplicates up front, per-row store access, OA openid resolution, slices and resume, the lease,
 * a crash between addpromoter and its checkpoint, 45009, the declared cap, cancel, and the timer.
 */
import type { DeclareResult, ImportFailure, ImportStatus, Page } from '../../../typings/contract/index';
import { LIMITS, declaredCapMessage } from '../../../miniprogram/shared/field-rules';
import { COLLECTIONS } from '../../../cloudfunctions/_shared/collections';
import { AUDIT_COLLECTION } from '../../../cloudfunctions/_shared/audit';
import { db } from '../../../cloudfunctions/_shared/db';
import { IMPORT_COLLECTIONS, type ChunkDoc } from '../../../cloudfunctions/promoter/src/import/model';
import { nextChinaMidnight } from '../../../cloudfunctions/promoter/src/import/runner';
import { loadFunction, startTimers } from '../../../emulator/gateway';
import { useEnvOverrides, wechatControl } from '../harness';
import { BJ, SH, control, err, oid, ok, useStack } from './helpers';

// Each test runs whole import jobs (hundreds of rows, many WeChat and database calls) against the stack:
// seconds of work, more on a busy 2-core machine, inside jest.config.js's 60 s hang limit. Time is never
// asserted, only outcomes.

const env = useStack();
const setEnv = useEnvOverrides();

const rows = (n: number, prefix = 'Imp', extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({ openid: oid(`${prefix}-${i}`), roleId: 1, storeId: SH, ...extra }));

const start = async (params: Record<string, unknown>, as = env.admin) =>
  ok(await as<ImportStatus>({ action: 'import.start', ...params }));
const resume = async (jobId: string, as = env.admin) =>
  ok(await as<ImportStatus>({ action: 'import.resume', jobId, limit: 100 }));
const status = async (jobId: string, extra: Record<string, unknown> = {}) =>
  ok(await env.admin<ImportStatus>({ action: 'import.status', jobId, limit: 100, ...extra }));

/** Resumes until the job is done (each resume runs one slice); at most `max` slices. */
async function runToEnd(jobId: string, max = 50): Promise<ImportStatus> {
  for (let i = 0; i < max; i++) {
    const s = await resume(jobId);
    if (s.state === 'done' || s.state === 'cancelled' || s.state === 'paused') return s;
  }
  throw new Error(`job ${jobId} not done after ${max} slices`);
}

/**
 * Calls WeChat answered (not those it refused for a token this file's earlier stand-in reset made
 * stale: the function instance keeps its cached token across tests, then fetches a new one).
 */
const answeredCalls = async (path: string) =>
  (await control(env.stack).calls(path)).filter(
    (c) => ![40001, 42001].includes((c.answer as { errcode?: number } | undefined)?.errcode ?? 0),
  );
const addCalls = async () => (await answeredCalls('/promoter/addpromoter')).length;
const declaredOpenids = async () =>
  (await control(env.stack).state()).miniProgram.promoters
    .filter((p) => p.declStatus === 1)
    .map((p) => p.openid as string)
    .sort();

test('rows are validated up front with promoter.declare rules; invalid and repeated rows are reported, never sent', async () => {
  const input = [
    ...rows(12),
    { openid: 'short', roleId: 1, storeId: SH },
    { openid: oid('Imp-3'), roleId: 1, storeId: SH }, // the same person as row 3
    { openid: oid('Long'), roleId: 1, storeId: SH, name: '名'.repeat(11) },
    { openid: oid('Role'), roleId: 99, storeId: SH },
  ];
  const started = await start({ rows: input });
  expect(started).toMatchObject({ state: 'queued', total: 16 });
  expect(started.counts).toEqual({ declared: 0, alreadyDeclared: 0, invalid: 3, duplicate: 1, failed: 0 });
  expect(await addCalls()).toBe(0); // nothing goes to WeChat from import.start
  const byIndex = new Map(started.failures.map((f) => [f.index, f]));
  expect(byIndex.get(12)).toMatchObject({
    kind: 'invalid',
    code: 'INVALID_ARGUMENT',
    field: 'rows[12].openid',
  });
  expect(byIndex.get(13)).toMatchObject({ kind: 'duplicate', field: 'rows[13].openid' });
  expect(byIndex.get(13)!.message).toContain('第 4 行');
  expect(byIndex.get(14)).toMatchObject({ kind: 'invalid', field: 'rows[14].name' });
  expect(byIndex.get(15)).toMatchObject({ kind: 'invalid', field: 'rows[15].roleId' });
  expect(byIndex.get(14)!.row).toEqual(input[14]);

  const done = await runToEnd(started.jobId);
  expect(done).toMatchObject({ state: 'done', total: 16, processed: 16, progress: 1, etaSeconds: 0 });
  expect(done.counts).toEqual({ declared: 12, alreadyDeclared: 0, invalid: 3, duplicate: 1, failed: 0 });
  expect(await addCalls()).toBe(2); // 12 rows: 10 + 2, the repeat not sent twice
  expect(await declaredOpenids()).toEqual(
    rows(12)
      .map((r) => r.openid)
      .sort(),
  );
  // one audit record per chunk (100 rows), listing every row WeChat accepted
  const { data: audits } = await db()
    .collection<{ _id: string; after: { declared: Array<{ index: number }> } }>(AUDIT_COLLECTION)
    .where({ action: 'import.run' })
    .get();
  expect(audits).toHaveLength(1);
  expect(audits[0]!.after.declared.map((d) => d.index)).toEqual(rows(12).map((_, i) => i));
});

test('CSV with a header row: columns by name, bad lines reported with their index', async () => {
  const csv = [
    'openid,roleId,storeId,name,phone',
    `${oid('Csv-0')},1,${SH},张三,13800000000`,
    `${oid('Csv-1')},1,${SH}`, // too few columns
    `${oid('Csv-2')},1,${SH},"李,四",`,
    '',
  ].join('\n');
  const started = await start({ csv });
  expect(started.total).toBe(3);
  expect(started.failures).toEqual([expect.objectContaining({ index: 1, kind: 'invalid', field: 'csv' })]);
  const done = await runToEnd(started.jobId);
  expect(done.counts.declared).toBe(2);
  const promoters = (await control(env.stack).state()).miniProgram.promoters;
  expect(promoters.find((p) => p.openid === oid('Csv-2'))).toMatchObject({ name: '李,四' });

  const missing = err(await env.admin({ action: 'import.start', csv: 'name,phone\n张三,1' }));
  expect(missing).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'csv' });
  const both = err(await env.admin({ action: 'import.start', csv: 'openid,roleId', rows: [] }));
  expect(both.code).toBe('INVALID_ARGUMENT');
});

test("a store manager imports only into their own stores: another store's row fails FORBIDDEN with its index", async () => {
  const input = [...rows(3, 'Mgr'), { openid: oid('Mgr-bj'), roleId: 1, storeId: BJ }];
  const started = await start({ rows: input }, env.mgrSh);
  expect(started.failures).toEqual([
    expect.objectContaining({ index: 3, kind: 'invalid', code: 'FORBIDDEN', field: 'rows[3].storeId' }),
  ]);
  const done = await runToEnd(started.jobId);
  expect(done.counts).toMatchObject({ declared: 3, invalid: 1 });
  // the job is the manager's: another manager cannot see it, an admin can
  expect(err(await env.mgrBj({ action: 'import.status', jobId: started.jobId })).code).toBe('NOT_FOUND');
  expect((await status(started.jobId)).jobId).toBe(started.jobId);
  const mine = ok(await env.mgrSh<Page<ImportStatus>>({ action: 'import.list' }));
  expect(mine.items.map((j) => j.jobId)).toEqual([started.jobId]);
  expect(ok(await env.mgrBj<Page<ImportStatus>>({ action: 'import.list' })).items).toEqual([]);
});

test('OA openids are resolved with batchget (100 a call), then declared by unionid; no unionid and unknown ones are reported', async () => {
  const wx = wechatControl(env.stack);
  const followers = Array.from({ length: 230 }, (_, i) => ({
    openid: oid(`Oa-${i}`),
    subscribed: i % 3 !== 0, // unsubscribed followers still give their unionid
    unionid: i === 5 ? null : oid(`Un-${i}`),
  }));
  followers[7]!.unionid = oid('Un-6'); // two OA openids, one person
  await wx.users(followers);
  const input = [
    ...followers.map((f) => ({ openid: f.openid, roleId: 1, storeId: SH })),
    { openid: oid('Oa-unknown'), roleId: 1, storeId: SH },
  ];
  const started = await start({ rows: input, identity: 'oaOpenid' });
  expect(started.total).toBe(231);
  const done = await runToEnd(started.jobId);
  expect(done.counts).toEqual({ declared: 228, alreadyDeclared: 0, invalid: 0, duplicate: 1, failed: 2 });
  const batchgets = await answeredCalls('/cgi-bin/user/info/batchget');
  // 3 calls for 231 openids, plus the halving that finds the one unknown openid in the last call
  expect(
    batchgets.filter((c) => c.answer && !(c.answer as { errcode?: number }).errcode).length,
  ).toBeGreaterThanOrEqual(3);
  const all: ImportFailure[] = (await status(started.jobId)).failures;
  expect(all.find((f) => f.index === 5)).toMatchObject({ kind: 'failed', code: 'FAILED_PRECONDITION' });
  expect(all.find((f) => f.index === 7)).toMatchObject({ kind: 'duplicate' });
  expect(all.find((f) => f.index === 230)).toMatchObject({ kind: 'failed', errcode: 40003 });
  const sent = (await answeredCalls('/promoter/addpromoter')).flatMap((c) =>
    (c.body as { promoter_list: Array<{ openid: string }> }).promoter_list.map((p) => p.openid),
  );
  expect(sent).toContain(oid('Un-0'));
  expect(sent).not.toContain(oid('Oa-0'));
  expect(new Set(sent).size).toBe(228);
});

test('batchget calls are exactly ceil(n / 100) when every OA openid is known', async () => {
  const wx = wechatControl(env.stack);
  const followers = Array.from({ length: 250 }, (_, i) => ({ openid: oid(`Ob-${i}`), subscribed: true }));
  await wx.users(followers);
  const started = await start({
    rows: followers.map((f) => ({ openid: f.openid, roleId: 1 })),
    identity: 'oaOpenid',
  });
  const done = await runToEnd(started.jobId);
  expect(done.counts.declared).toBe(250);
  expect(await answeredCalls('/cgi-bin/user/info/batchget')).toHaveLength(3);
  expect(await addCalls()).toBe(25);
});

test('a slice stops at its time budget and the next one goes on where it stopped', async () => {
  setEnv('IMPORT_SLICE_MS', '1');
  setEnv('IMPORT_CONCURRENCY', '1');
  const started = await start({ rows: rows(40, 'Slice') });
  let slices = 0;
  let last: ImportStatus;
  do {
    last = await resume(started.jobId);
    slices++;
  } while (last.state !== 'done' && slices < 100);
  expect(last.counts.declared).toBe(40);
  expect(slices).toBe(4); // however small the budget, a slice makes one call
  expect(await addCalls()).toBe(4); // never a row twice
  expect(await declaredOpenids()).toHaveLength(40);
});

test('two resumes at once: one works the job, the other answers its status', async () => {
  const started = await start({ rows: rows(30, 'Lease') });
  await wechatControl(env.stack).faults([]);
  await wechatControl(env.stack).raw('POST', '/__control/faults', { latencyMs: 30 });
  const [a, b] = await Promise.all([resume(started.jobId), resume(started.jobId)]);
  const finished = [a, b].filter((s) => s.state === 'done');
  expect(finished.length).toBeGreaterThanOrEqual(1);
  expect(await addCalls()).toBe(3);
  expect((await status(started.jobId)).counts.declared).toBe(30);
});

test('a crash between addpromoter and its checkpoint declares nothing twice and accounts for every row', async () => {
  const started = await start({ rows: rows(25, 'Crash') });
  // What a killed invocation leaves: the first chunk marked in flight, WeChat holding 10 of its rows.
  const chunkRef = db().collection<ChunkDoc>(IMPORT_COLLECTIONS.chunks);
  const { data: chunks } = await chunkRef.where({ jobId: started.jobId }).get();
  const chunk = chunks[0]!;
  for (const r of chunk.rows) r.s = 'sent';
  await chunkRef.doc(chunk._id).update({ data: { rows: chunk.rows } });
  ok(await env.admin({ action: 'promoter.declare', promoters: rows(10, 'Crash') }));
  await control(env.stack).clearCalls();

  const done = await runToEnd(started.jobId);
  expect(done.counts).toEqual({ declared: 25, alreadyDeclared: 0, invalid: 0, duplicate: 0, failed: 0 });
  expect(await declaredOpenids()).toEqual(
    rows(25, 'Crash')
      .map((r) => r.openid)
      .sort(),
  );
  expect(await addCalls()).toBe(3); // the 10 again (103003 → declared by this job), then 10 and 5
});

test('a row already declared with the same role and store before the job counts as already declared', async () => {
  ok(await env.admin({ action: 'promoter.declare', promoters: rows(3, 'Pre') }));
  const started = await start({ rows: rows(5, 'Pre') });
  const done = await runToEnd(started.jobId);
  expect(done.counts).toMatchObject({ declared: 2, alreadyDeclared: 3 });
});

test('-1, 45011 and 5xx back off and retry; nothing is lost', async () => {
  await control(env.stack).faults([
    { kind: 'errcode', errcode: -1, next: 2, path: '/promoter/addpromoter' },
    { kind: 'errcode', errcode: 45011, next: 1, path: '/promoter/addpromoter' },
    { kind: 'http', status: 503, next: 1, path: '/promoter/addpromoter' },
  ] as never);
  const started = await start({ rows: rows(30, 'Busy') });
  const done = await runToEnd(started.jobId);
  expect(done.counts.declared).toBe(30);
  expect(await declaredOpenids()).toHaveLength(30);
});

test('45009 pauses the job until the next day in China; it resumes once that time has come', async () => {
  await control(env.stack).faults([
    { kind: 'errcode', errcode: 45009, next: 1, path: '/promoter/addpromoter' },
  ]);
  const started = await start({ rows: rows(20, 'Quota') });
  setEnv('IMPORT_CONCURRENCY', '1');
  const paused = await resume(started.jobId);
  const now = Math.floor(Date.now() / 1000);
  expect(paused.state).toBe('paused');
  expect(paused.resumeAt).toBe(nextChinaMidnight(now));
  expect(paused.pauseReason).toContain('45009');
  // before resumeAt, resuming does nothing
  await control(env.stack).clearCalls();
  expect((await resume(started.jobId)).state).toBe('paused');
  expect(await addCalls()).toBe(0);
  // the day turns: WeChat's clock and ours
  const shift = paused.resumeAt! - now + 1;
  await wechatControl(env.stack).clock(shift);
  jest.useFakeTimers({
    doNotFake: [
      'setTimeout',
      'setInterval',
      'clearTimeout',
      'clearInterval',
      'setImmediate',
      'nextTick',
      'queueMicrotask',
      'performance',
      'hrtime',
    ],
  });
  jest.setSystemTime(Date.now() + shift * 1000);
  try {
    const done = await runToEnd(started.jobId);
    expect(done.state).toBe('done');
    expect(done.counts.declared).toBe(20);
    expect(await declaredOpenids()).toHaveLength(20);
  } finally {
    jest.useRealTimers();
  }
});

test('the declared cap: rows WeChat refuses for the cap (103005) are reported as failed', async () => {
  await control(env.stack).limits({ maxDeclared: 7 });
  const started = await start({ rows: rows(12, 'Cap') });
  const done = await runToEnd(started.jobId);
  expect(done.counts).toMatchObject({ declared: 7, failed: 5 });
  expect(done.failures.filter((f) => f.code === 'QUOTA_EXCEEDED')).toHaveLength(5);
});

/** The mirror holds `n` declared promoters (WeChat does not: only our own cap can stop a row). */
function mirrorDeclared(n: number): void {
  env.stack.cloudbase.insert(
    COLLECTIONS.promoters,
    Array.from({ length: n }, (_, i) => ({ _id: `seeded-${i}`, openid: oid(`Seeded-${i}`), declStatus: 1 })),
  );
}

test('our declared cap is checked before each chunk: two jobs at once never declare past it; the rows over it get its sentence', async () => {
  mirrorDeclared(LIMITS.promoter.maxDeclared - 15);
  // both fit when they start (15 places left, 10 rows each): the cap is reached while they run
  const a = await start({ rows: rows(10, 'CapA') });
  const b = await start({ rows: rows(10, 'CapB') });
  expect(a.counts.failed + b.counts.failed).toBe(0);
  const [doneA, doneB] = await Promise.all([runToEnd(a.jobId), runToEnd(b.jobId)]);
  expect(doneA.counts.declared + doneB.counts.declared).toBe(15);
  expect(doneA.counts.failed + doneB.counts.failed).toBe(5);
  expect(await declaredOpenids()).toHaveLength(15);
  const over = [...doneA.failures, ...doneB.failures];
  expect(over).toHaveLength(5);
  for (const f of over) {
    expect(f).toMatchObject({ kind: 'failed', code: 'QUOTA_EXCEEDED', message: declaredCapMessage(true) });
  }
  expect(await addCalls()).toBe(2); // 10 rows, then the 5 that fit: the rest never went to WeChat
});

test('our declared cap: a promoter.declare landing while a job waits takes its room; the job reports the rest', async () => {
  mirrorDeclared(LIMITS.promoter.maxDeclared - 12);
  const job = await start({ rows: rows(10, 'CapJob') });
  expect(job.counts.failed).toBe(0);
  const declared = ok(
    await env.admin<DeclareResult>({ action: 'promoter.declare', promoters: rows(5, 'CapDecl') }),
  );
  expect(declared.declaredCount).toBe(5);
  const done = await runToEnd(job.jobId);
  expect(done.counts).toMatchObject({ declared: 7, failed: 3 });
  expect(done.failures.map((f) => f.message)).toEqual(Array(3).fill(declaredCapMessage(true)));
  expect(await declaredOpenids()).toHaveLength(12);
});

test('cancel stops the job; what was declared stays counted', async () => {
  setEnv('IMPORT_SLICE_MS', '1');
  setEnv('IMPORT_CONCURRENCY', '1');
  const started = await start({ rows: rows(50, 'Cancel') });
  await resume(started.jobId);
  const cancelled = ok(await env.admin<ImportStatus>({ action: 'import.cancel', jobId: started.jobId }));
  expect(cancelled.state).toBe('cancelled');
  const calls = await addCalls();
  expect((await resume(started.jobId)).state).toBe('cancelled');
  expect(await addCalls()).toBe(calls);
  expect(calls).toBe(1);
  expect(await declaredOpenids()).toHaveLength(10);
  expect(cancelled.processed).toBeLessThan(50);
});

test('failures are paged with a cursor', async () => {
  const input = Array.from({ length: 7 }, (_, i) => ({ openid: `bad-${i}`, roleId: 1 }));
  const started = await start({ rows: input });
  const first = await status(started.jobId, { limit: 3 });
  expect(first.failures.map((f) => f.index)).toEqual([0, 1, 2]);
  const second = await status(started.jobId, { limit: 3, cursor: first.failuresCursor });
  expect(second.failures.map((f) => f.index)).toEqual([3, 4, 5]);
  const third = await status(started.jobId, { limit: 3, cursor: second.failuresCursor });
  expect(third.failures.map((f) => f.index)).toEqual([6]);
  expect(third.failuresCursor).toBeUndefined();
  expect(third.state).toBe('done');
});

test('the timer trigger (no caller) runs due jobs; a mini program caller cannot pose as the timer', async () => {
  const started = await start({ rows: rows(15, 'Timer') });
  const timerEvent = { Type: 'Timer', TriggerName: 'importJobs', Time: new Date().toISOString() };
  const posing = (await env.admin(timerEvent as never)) as { ok: boolean };
  expect(posing.ok).toBe(false);
  expect(await addCalls()).toBe(0);
  const answer = (await env.stack.call('promoter', timerEvent)) as { ok: boolean; data: { ran: string[] } };
  expect(answer.data.ran).toEqual([started.jobId]);
  expect((await status(started.jobId)).state).toBe('done');
});

test("the gateway fires the promoter function's timer trigger (config.json) as CloudBase does", async () => {
  const started = await start({ rows: rows(15, 'Gateway') });
  const timers = startTimers({
    names: () => ['promoter'],
    load: (name) => loadFunction(name, { from: 'source' }),
    tick: false,
  });
  try {
    expect(timers.triggers).toEqual([
      expect.objectContaining({ fn: 'promoter', name: 'importJobs', config: '0 */1 * * * * *' }),
      expect.objectContaining({ fn: 'promoter', name: 'promoterSync', config: '15 */1 * * * * *' }),
      expect.objectContaining({ fn: 'promoter', name: 'promotionResults', config: '30 */1 * * * * *' }),
    ]);
    expect(await timers.fire(new Date(2026, 11, 6, 12, 0, 5))).toEqual([]); // none is due at second 5
    const fired = await timers.fire(new Date(2026, 11, 6, 12, 1, 0));
    expect(fired).toEqual([
      { fn: 'promoter', trigger: 'importJobs', result: { ok: true, data: { ran: [started.jobId] } } },
    ]);
    expect((await status(started.jobId)).state).toBe('done');
    // nothing left: the next minute runs nothing
    const again = await timers.fire(new Date(2026, 11, 6, 12, 2, 0));
    expect(again[0]!.result).toEqual({ ok: true, data: { ran: [] } });
  } finally {
    await timers.close();
  }
});

test('a CSV too large for one call goes up in parts (import.upload), then import.start joins them', async () => {
  const lines = rows(30, 'Up').map((r) => `${r.openid},1,${SH}`);
  const parts = [
    'openid,roleId,storeId\n' + lines.slice(0, 12).join('\n') + '\n',
    lines.slice(12).join('\n'),
  ];
  const first = ok(
    await env.admin<{ uploadId: string; parts: number }>({ action: 'import.upload', text: parts[0] }),
  );
  const second = ok(
    await env.admin<{ uploadId: string; parts: number }>({
      action: 'import.upload',
      uploadId: first.uploadId,
      text: parts[1],
    }),
  );
  expect(second).toMatchObject({ uploadId: first.uploadId, parts: 2 });
  // someone else cannot add to it or start from it
  expect(err(await env.mgrSh({ action: 'import.upload', uploadId: first.uploadId, text: 'x' })).code).toBe(
    'NOT_FOUND',
  );
  expect(err(await env.mgrSh({ action: 'import.start', uploadId: first.uploadId })).code).toBe('NOT_FOUND');
  expect(err(await env.admin({ action: 'import.start', uploadId: first.uploadId, csv: 'a' })).field).toBe(
    'uploadId',
  );

  const started = await start({ uploadId: first.uploadId });
  expect(started.total).toBe(30);
  expect((await runToEnd(started.jobId)).counts.declared).toBe(30);
  // the parts are gone once the job holds the rows
  expect(err(await env.admin({ action: 'import.start', uploadId: first.uploadId })).code).toBe('NOT_FOUND');
  const tooBig = err(await env.admin({ action: 'import.upload', text: 'x'.repeat(256 * 1024 + 1) }));
  expect(tooBig.code).toBe('INVALID_ARGUMENT');
});
