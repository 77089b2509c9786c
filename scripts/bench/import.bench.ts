/**
 * `npm run bench import`: import jobs against the WeChat stand-in with 20 ms added to every call.
 *
 * 1. 50 000 rows by openid: addpromoter calls (exactly 5 000), wall time from import.start to done,
 *    and the ratio to the naive loop (one addpromoter call at a time, as a plain SDK loop does).
 * 2. 10 000 Official Account openids: batchget calls (exactly 100), then addpromoter (exactly 1 000),
 *    against the naive loop of the same calls one at a time.
 * 3. IMPORT_CONCURRENCY 4 / 8 / 16 / 32 on 10 000 rows: how the default was chosen.
 *
 * Everything runs in this process (stand-ins and the built promoter function), as `npm start` does.
 * BENCH_ROWS / BENCH_OA_ROWS shrink the cases for a quick look. Prints figures; asserts nothing.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ImportStatus } from '../../typings/contract/promoter';
import { DEMO_STAFF } from '../../emulator/demo-data';
import { type Stack, startStack } from '../../emulator/stack';
import { getWechatClient } from '../../cloudfunctions/_shared/wechat/client';
import { createPromoterApi } from '../../cloudfunctions/_shared/wechat/promoter-api';
import { batchGetUserInfo } from '../../cloudfunctions/_shared/wechat/user-info-api';
import { buildFunctions } from '../build-functions';

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const OA_ROWS = Number(process.env.BENCH_OA_ROWS ?? 10_000);
const SWEEP_ROWS = Number(process.env.BENCH_SWEEP_ROWS ?? 10_000);
const LATENCY_MS = 20;
const ADMIN = DEMO_STAFF.admin.openid;

const openid = (prefix: string, i: number) => `${prefix}${String(i).padStart(27 - prefix.length, '0')}x`;
const seconds = (ms: number) => (ms / 1000).toFixed(1);
/** The machine's 1-minute load average: the job is CPU-bound locally, the naive loop is not. */
const load = () => `load average ${os.loadavg()[0]!.toFixed(1)}`;

async function control(stack: Stack, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${stack.wechatUrl}/__control/${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function reset(stack: Stack): Promise<void> {
  stack.cloudbase.reset();
  await control(stack, 'POST', 'reset', { keepTokens: true });
  await control(stack, 'POST', 'faults', { latencyMs: LATENCY_MS });
}

async function callCount(stack: Stack, path: string): Promise<number> {
  const calls = (await control(stack, 'GET', `calls?path=${encodeURIComponent(path)}`)) as unknown[];
  return calls.length;
}

async function importJob(
  stack: Stack,
  params: Record<string, unknown>,
): Promise<{ ms: number; status: ImportStatus; slices: number }> {
  const t0 = performance.now();
  const started = (await stack.call('promoter', { action: 'import.start', ...params }, ADMIN)) as {
    ok: boolean;
    data: ImportStatus;
    error?: unknown;
  };
  if (!started.ok) throw new Error(`import.start: ${JSON.stringify(started.error)}`);
  let status = started.data;
  let slices = 0;
  while (status.state !== 'done') {
    const answer = (await stack.call(
      'promoter',
      { action: 'import.resume', jobId: status.jobId },
      ADMIN,
    )) as {
      ok: boolean;
      data: ImportStatus;
    };
    status = answer.data;
    slices++;
    if (status.state === 'paused' || status.state === 'cancelled') throw new Error(`job ${status.state}`);
  }
  return { ms: performance.now() - t0, status, slices };
}

const declareRows = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ openid: openid(prefix, i), roleId: 1 }));

async function naiveAdd(rows: Array<{ openid: string; roleId: number }>): Promise<number> {
  const api = createPromoterApi(getWechatClient('miniProgram'));
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 10) await api.addPromoters(rows.slice(i, i + 10));
  return performance.now() - t0;
}

async function main(): Promise<void> {
  await buildFunctions(['promoter']);
  process.env.LOG_LEVEL = 'error';
  const stack = await startStack({ seed: false, functions: 'built', quiet: true });
  try {
    console.log(`WeChat stand-in latency ${LATENCY_MS} ms per call; functions: built bundles, in process`);

    // ---- 50 000 rows ----
    await reset(stack);
    const rows = declareRows(ROWS, 'oImp');
    const naiveMs = await naiveAdd(rows);
    const naiveCalls = await callCount(stack, '/promoter/addpromoter');
    await reset(stack);
    const job = await importJob(stack, { rows });
    const calls = await callCount(stack, '/promoter/addpromoter');
    console.log(`\nimport ${ROWS} rows (IMPORT_CONCURRENCY ${process.env.IMPORT_CONCURRENCY ?? 'default'})`);
    console.log(`  naive loop       ${naiveCalls} addpromoter calls, ${seconds(naiveMs)} s`);
    console.log(
      `  import job       ${calls} addpromoter calls, ${seconds(job.ms)} s in ${job.slices} slice(s); declared ${job.status.counts.declared}`,
    );
    console.log(
      `  ratio            ${(naiveMs / job.ms).toFixed(1)}× faster than the naive loop (${load()})`,
    );

    // ---- 10 000 OA openids ----
    await reset(stack);
    const followers = Array.from({ length: OA_ROWS }, (_, i) => ({
      openid: openid('oOa', i),
      subscribed: i % 4 !== 0,
    }));
    await control(stack, 'POST', 'users', { users: followers });
    const t0 = performance.now();
    const unionids: string[] = [];
    for (let i = 0; i < followers.length; i += 100) {
      const users = await batchGetUserInfo(followers.slice(i, i + 100).map((f) => f.openid));
      unionids.push(...users.map((u) => u.unionid!));
    }
    await naiveAdd(unionids.map((u) => ({ openid: u, roleId: 1 })));
    const naiveOaMs = performance.now() - t0;
    const naiveBatch = await callCount(stack, '/cgi-bin/user/info/batchget');
    await reset(stack);
    await control(stack, 'POST', 'users', { users: followers });
    const oaJob = await importJob(stack, {
      identity: 'oaOpenid',
      rows: followers.map((f) => ({ openid: f.openid, roleId: 1 })),
    });
    const batchgets = await callCount(stack, '/cgi-bin/user/info/batchget');
    const oaAdds = await callCount(stack, '/promoter/addpromoter');
    console.log(`\nimport ${OA_ROWS} OA openids`);
    console.log(
      `  naive loop       ${naiveBatch} batchget + ${naiveBatch * 10} addpromoter calls, ${seconds(naiveOaMs)} s`,
    );
    console.log(
      `  import job       ${batchgets} batchget, then ${oaAdds} addpromoter calls, ${seconds(oaJob.ms)} s; declared ${oaJob.status.counts.declared}`,
    );
    console.log(`  ratio            ${(naiveOaMs / oaJob.ms).toFixed(1)}× (${load()})`);

    // ---- how many calls in flight ----
    if (SWEEP_ROWS > 0) {
      console.log(`\nIMPORT_CONCURRENCY on ${SWEEP_ROWS} rows`);
      const saved = process.env.IMPORT_CONCURRENCY;
      for (const concurrency of [4, 8, 16, 32]) {
        await reset(stack);
        process.env.IMPORT_CONCURRENCY = String(concurrency);
        const run = await importJob(stack, { rows: declareRows(SWEEP_ROWS, `oC${concurrency}x`) });
        console.log(`  ${String(concurrency).padStart(2)} in flight     ${seconds(run.ms)} s (${load()})`);
      }
      if (saved === undefined) delete process.env.IMPORT_CONCURRENCY;
      else process.env.IMPORT_CONCURRENCY = saved;
    }
  } finally {
    await stack.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
