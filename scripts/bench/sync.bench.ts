/**
 * Full sync of the promoters mirror at 10 000 and 100 000 promoters against the WeChat stand-in with
 * 20 ms added per call: getpromoter calls (50 pages of 2000 at 100 000, plus at most one that confirms
 * the end), wall time and the syncing process's peak RSS, ours (streamed, batched, mark-and-sweep)
 * and the naive plain loop (whole set in memory, one write per promoter). Prints figures and ratios.
 *
 *   npm run bench sync            SYNC_BENCH_SIZES=10000,100000 (default) · SYNC_BENCH_NAIVE=0 skips the naive runs
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startStack } from '../../emulator/stack';
import { wechatControl } from '../../emulator/wechat/control-client';

const sizes = (process.env.SYNC_BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const withNaive = process.env.SYNC_BENCH_NAIVE !== '0';
const LATENCY_MS = 20;

interface Run {
  ms: number;
  maxRssMiB: number;
  calls: number;
}

async function main(): Promise<void> {
  const stack = await startStack({ seed: false, functions: 'built', ports: {}, quiet: true });
  const control = wechatControl(stack);
  const runOnce = async (n: number, mode: 'ours' | 'naive', warm: boolean): Promise<Run> => {
    stack.cloudbase.reset();
    await control.reset({ keepTokens: true });
    await control.bulkPromoters({ count: n, retailId: 'SH-XUHUI' });
    if (warm) {
      // the mirror already holds everything: the sync that runs every 10 minutes
      await spawnWorker(stack.env, 'ours');
    }
    await control.raw('POST', '/__control/faults', { latencyMs: LATENCY_MS });
    await control.clearCalls();
    const out = await spawnWorker(stack.env, mode);
    const calls = (await control.calls('/promoter/getpromoter')).length;
    await control.clearFaults();
    const docs = stack.cloudbase.collections().promoters?.length ?? 0;
    if (docs !== n) throw new Error(`${mode} at ${n}: the mirror holds ${docs}`);
    return { ...out, calls };
  };
  const line = (label: string, r: Run) =>
    console.log(
      `${label.padEnd(34)} getpromoter ${String(r.calls).padStart(3)} · ${(r.ms / 1000).toFixed(1).padStart(6)} s · peak RSS ${r.maxRssMiB.toFixed(0).padStart(4)} MiB`,
    );
  const results = new Map<string, Run>();
  for (const n of sizes) {
    const ours = await runOnce(n, 'ours', false);
    results.set(`ours-${n}`, ours);
    line(`ours, ${n.toLocaleString('en')} new`, ours);
    const again = await runOnce(n, 'ours', true);
    line(`ours, ${n.toLocaleString('en')} unchanged`, again);
    if (withNaive) {
      const naive = await runOnce(n, 'naive', false);
      results.set(`naive-${n}`, naive);
      line(`naive loop, ${n.toLocaleString('en')} new`, naive);
      console.log(
        `  ratio naive/ours: time ${(naive.ms / ours.ms).toFixed(1)}× · peak RSS ${(naive.maxRssMiB / ours.maxRssMiB).toFixed(1)}×`,
      );
    }
  }
  const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
  for (const mode of ['ours', 'naive']) {
    const a = results.get(`${mode}-${small}`);
    const b = results.get(`${mode}-${large}`);
    if (a && b && small !== large) {
      console.log(
        `${mode}: peak RSS at ${large.toLocaleString('en')} / at ${small.toLocaleString('en')} = ${(b.maxRssMiB / a.maxRssMiB).toFixed(2)}× (${a.maxRssMiB.toFixed(0)} → ${b.maxRssMiB.toFixed(0)} MiB)`,
      );
    }
  }
  await stack.close();
}

/** The worker in a child process (asynchronously: the stand-ins answer it from this one). */
function spawnWorker(
  env: Record<string, string>,
  mode: 'ours' | 'naive',
): Promise<{ ms: number; maxRssMiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'workers', 'sync-worker.ts'), mode],
      {
        env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let errText = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errText += chunk.toString()));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`sync worker (${mode}) failed: ${errText}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as { ms: number; maxRssMiB: number });
    });
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
