/**
 * `npm run soak`: a 10 000-row import through the local stack while WeChat misbehaves and the stack
 * dies. Bounded to SOAK_LIMIT_S (default 230 s); exits non-zero on any discrepancy.
 *
 * - The WeChat stand-in runs in this process and is never killed; the stack (functions gateway with
 *   the built functions and the CloudBase stand-in, keeping its database in DATA_FILE) runs as a child
 *   (`emulator/start.ts`, as `npm start`, timer triggers on) and is killed with SIGKILL three times at
 *   random moments, then started again on the same data file.
 * - 10 % of WeChat calls fail: -1, HTTP 503, hangs (the client's 5 s timeout), dropped connections;
 *   all tokens are expired twice mid-run.
 * - The job is driven as the import page does (import.resume in a loop) and by the timer trigger.
 * - At the end: the job is done and accounts for every row (10 000 declared, nothing else), the
 *   stand-in holds each input row exactly once with its fields and nothing more, no failure was
 *   recorded, and every row has an audit record.
 *
 * SOAK_SEED fixes the random choices (printed at the start, so a failing run can be replayed).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ImportStatus } from '../typings/contract/promoter';
import { DEMO_STAFF } from '../emulator/demo-data';
import { parseStore } from '../emulator/cloudbase/wire';
import { STACK_UP_LINE } from '../emulator/stack';
import { startWechatEmulator } from '../emulator/wechat';
import { buildFunctions } from './build-functions';

const ROOT = path.resolve(__dirname, '..');
const ROWS = Number(process.env.SOAK_ROWS ?? 10_000);
const LIMIT_S = Number(process.env.SOAK_LIMIT_S ?? 230);
const KILLS = 3;
const ADMIN = DEMO_STAFF.admin.openid;
const seed = Number(process.env.SOAK_SEED ?? crypto.randomInt(1, 2 ** 31));

/** mulberry32: a small seeded PRNG. */
function prng(a: number): () => number {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(seed);
const between = (lo: number, hi: number) => lo + random() * (hi - lo);

const t0 = Date.now();
const elapsed = () => ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
const say = (line: string) => console.log(`[${elapsed()} s] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const openid = (i: number) => `oSoak${String(i).padStart(22, '0')}x`;

async function main(): Promise<number> {
  say(`soak: ${ROWS} rows, ${KILLS} kills, seed ${seed} (SOAK_SEED=${seed} replays it)`);
  await buildFunctions(['promoter', 'admin']);
  const wx = await startWechatEmulator({ port: 0 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-'));
  const dataFile = path.join(dir, 'db.json');
  const [gatewayPort, cloudbasePort] = [await freePort(), await freePort()];
  const gateway = `http://127.0.0.1:${gatewayPort}/functions/promoter`;
  const problems: string[] = [];
  let child: ChildProcess | undefined;

  const control = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${wx.url}/__control/${route}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`control ${route}: HTTP ${res.status}`);
    return res.json();
  };

  const startStack = async (): Promise<void> => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'emulator', 'start.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        BUILD: '0',
        SEED: '0',
        // the browser simulator has no part here: any free port, so it never collides with a running npm start
        SIM_PORT: '0',
        GATEWAY_PORT: String(gatewayPort),
        CLOUDBASE_PORT: String(cloudbasePort),
        WX_API_BASE_URL: wx.url,
        DATA_FILE: dataFile,
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        // start.ts prints its banner once everything listens (STACK_UP_LINE)
        if (output.includes(STACK_UP_LINE)) resolve();
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      proc.once('exit', (code) =>
        reject(new Error(`stack exited with ${code} before it was up:\n${output}`)),
      );
    });
  };

  const kill = async (): Promise<void> => {
    const proc = child!;
    // A stack that already exited (it failed to start) has no exit to wait for.
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await gone;
  };

  const call = async <T>(data: Record<string, unknown>): Promise<T> => {
    const res = await fetch(gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ openid: ADMIN, data }),
    });
    const body = (await res.json()) as {
      result?: { ok: boolean; data?: T; error?: unknown };
      errMsg?: string;
    };
    if (!body.result?.ok)
      throw new Error(`${String(data.action)}: ${JSON.stringify(body.result?.error ?? body.errMsg)}`);
    return body.result.data as T;
  };

  const faultRules = [
    { kind: 'errcode', errcode: -1, rate: 0.035 },
    { kind: 'http', status: 503, rate: 0.035 },
    { kind: 'hang', rate: 0.015 },
    { kind: 'drop', rate: 0.02 },
  ];

  try {
    await startStack();
    say(`stack up (gateway ${gatewayPort}, data file ${dataFile})`);
    const csv = [
      'openid,roleId,name,phone',
      ...Array.from({ length: ROWS }, (_, i) => `${openid(i)},1,推广员${i},139${String(i).padStart(8, '0')}`),
    ].join('\n');
    const started = await call<ImportStatus>({ action: 'import.start', csv });
    say(`import.start: job ${started.jobId}, ${started.total} rows`);

    await control('POST', 'faults', { rules: faultRules });
    say('faults on: -1 3.5 %, HTTP 503 3.5 %, hang 1.5 %, dropped connection 2 % of WeChat calls');

    // When to kill (seconds after the previous start) and when to expire every token.
    const killAfter = Array.from({ length: KILLS }, () => between(2, 10));
    const expireAt = [between(1, 8), between(10, 25)];
    let done = false;
    let last: ImportStatus = started;

    const driver = (async () => {
      while (!done) {
        try {
          last = await call<ImportStatus>({ action: 'import.resume', jobId: started.jobId });
          if (last.state === 'done') done = true;
          if (last.state === 'paused' || last.state === 'cancelled') {
            problems.push(`job went ${last.state}`);
            done = true;
          }
        } catch {
          await sleep(300); // the stack is down or restarting
        }
      }
    })();

    const chaos = (async () => {
      const expiring = expireAt.map(async (at) => {
        await sleep(at * 1000);
        if (done) return;
        await control('POST', 'faults', { rules: [{ kind: 'expire-tokens', next: 1 }, ...faultRules] });
        say('every access token expired (42001 until refreshed)');
      });
      for (let k = 1; k <= KILLS && !done; k++) {
        await sleep(killAfter[k - 1]! * 1000);
        if (done) break;
        await kill();
        say(`kill ${k}: SIGKILL the stack at ${last.processed}/${last.total} settled (last status seen)`);
        await startStack();
        say(`restart ${k}: stack up again on the same data file`);
      }
      await Promise.all(expiring);
    })();

    const limit = new Promise<void>((resolve) =>
      setTimeout(() => {
        if (!done) problems.push(`not done within ${LIMIT_S} s`);
        done = true;
        resolve();
      }, LIMIT_S * 1000).unref(),
    );
    // What the page shows meanwhile: import.status every 2 s (fails while the stack is down).
    const poll = setInterval(() => {
      call<ImportStatus>({ action: 'import.status', jobId: started.jobId, limit: 1 }).then(
        (s) => (last = s),
        () => undefined,
      );
    }, 2_000);
    const progress = setInterval(
      () => say(`progress ${last.processed}/${last.total} (${last.state})`),
      10_000,
    );
    await Promise.race([Promise.all([driver, chaos]), limit]);
    clearInterval(progress);
    clearInterval(poll);
    await control('DELETE', 'faults');
    const calls = (await control('GET', 'calls')) as Array<{
      path: string;
      fault?: string;
      body?: { promoter_list?: Array<{ openid: string }> };
    }>;
    const byFault: Record<string, number> = {};
    for (const c of calls) if (c.fault) byFault[c.fault] = (byFault[c.fault] ?? 0) + 1;
    say(`WeChat calls: ${calls.length}, faulted ${JSON.stringify(byFault)}`);
    // Rows put on the wire more than once: after a faulted call, or found in flight after a kill.
    const sends = new Map<string, number>();
    for (const c of calls) {
      if (c.path !== '/promoter/addpromoter') continue;
      for (const p of c.body?.promoter_list ?? []) sends.set(p.openid, (sends.get(p.openid) ?? 0) + 1);
    }
    const resent = [...sends.values()].filter((n) => n > 1).length;
    say(
      `addpromoter calls ${calls.filter((c) => c.path === '/promoter/addpromoter').length}; rows sent more than once ${resent}`,
    );

    // ---- the checks ----
    const final = await call<ImportStatus>({ action: 'import.status', jobId: started.jobId, limit: 100 });
    say(`final: ${final.state}, counts ${JSON.stringify(final.counts)}`);
    if (final.state !== 'done') problems.push(`job state ${final.state}`);
    const expected = { declared: ROWS, alreadyDeclared: 0, invalid: 0, duplicate: 0, failed: 0 };
    if (JSON.stringify(final.counts) !== JSON.stringify(expected)) {
      problems.push(`counts ${JSON.stringify(final.counts)}, expected ${JSON.stringify(expected)}`);
    }
    if (final.failures.length > 0)
      problems.push(`failures recorded: ${JSON.stringify(final.failures.slice(0, 3))}`);

    const state = (await control('GET', 'state')) as {
      miniProgram: {
        promoters: Array<{ openid: string; declStatus: number; name: string; phone: string; roleId: number }>;
      };
    };
    const seen = new Map<string, number>();
    const byOpenid = new Map(state.miniProgram.promoters.map((p) => [p.openid, p]));
    for (const p of state.miniProgram.promoters) seen.set(p.openid, (seen.get(p.openid) ?? 0) + 1);
    let missing = 0;
    let twice = 0;
    let wrong = 0;
    for (let i = 0; i < ROWS; i++) {
      const count = seen.get(openid(i)) ?? 0;
      if (count === 0) missing++;
      if (count > 1) twice++;
      const p = byOpenid.get(openid(i));
      if (
        p &&
        (p.declStatus !== 1 ||
          p.name !== `推广员${i}` ||
          p.phone !== `139${String(i).padStart(8, '0')}` ||
          p.roleId !== 1)
      )
        wrong++;
    }
    const extra = state.miniProgram.promoters.length - (ROWS - missing);
    say(
      `WeChat holds ${state.miniProgram.promoters.length} promoters: missing ${missing}, twice ${twice}, wrong fields ${wrong}, extra ${extra}`,
    );
    if (missing || twice || wrong || extra) problems.push('the stand-in state differs from the input');

    // The database as the stack leaves it: stop it cleanly, read the data file.
    const proc = child!;
    const gone = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await gone;
    child = undefined;
    const data = parseStore(fs.readFileSync(dataFile, 'utf8'));
    const audited = new Set<number>();
    let reconciled = 0;
    for (const doc of data.audit_log ?? []) {
      if (doc.action !== 'import.run') continue;
      const after = doc.after as { declared?: Array<{ index: number; reconciled?: boolean }> };
      for (const row of after.declared ?? []) {
        audited.add(row.index);
        if (row.reconciled) reconciled++;
      }
    }
    say(`audit records cover ${audited.size} of ${ROWS} rows`);
    say(
      `${reconciled} rows were in flight when the stack died or a call timed out, and were counted on resume`,
    );
    if (audited.size !== ROWS) problems.push(`audit covers ${audited.size} rows, not ${ROWS}`);
  } finally {
    if (child) await kill().catch(() => undefined);
    await wx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    console.error(`SOAK FAILED (seed ${seed}):\n  ${problems.join('\n  ')}`);
    return 1;
  }
  say(`soak passed (seed ${seed})`);
  return 0;
}

/** The soak is bounded: past this it fails instead of hanging CI. */
const SOAK_LIMIT_MS = Number(process.env.SOAK_LIMIT_MS ?? 8 * 60_000);
setTimeout(() => {
  console.error(`SOAK FAILED (seed ${seed}): not finished after ${SOAK_LIMIT_MS / 1000} s`);
  process.exit(1);
}, SOAK_LIMIT_MS).unref();

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`SOAK FAILED (seed ${seed}):`, err);
    process.exit(1);
  },
);
