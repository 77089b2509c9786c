/**
 * Full sync of the promoters mirror at 10 000 and 100 000 promoters against the WeChat stand-in with
 * 20 ms added per call: getpromoter calls (50 pages of 2000 at 100 000, plus at most one that confirms
 * the end), wall time and the syncing process's peak RSS, ours (streamed, batched, mark-and-sweep)
 * and the naive plain loop (whole set in memory, one write per promoter). Prints figures and ratios.
 *
 * Then, on the 100 000-row mirror, the reads a manager makes through the function (a status page,
 * the next page, a keyword list, the home counts, a keyword list with its tab counts, 等待最久 and its
 * next page), each timed.
 *
 *   npm run bench sync     SYNC_BENCH_SIZES=10000,100000 (default) · the naive loop runs up to
 *                          SYNC_BENCH_NAIVE_MAX=10000 promoters (one write per promoter: minutes beyond)
 */
import { startStack } from '../../emulator/stack';
import { wechatControl } from '../../emulator/wechat/control-client';
import { runWorker } from './workers/spawn';

const sizes = (process.env.SYNC_BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const naiveMax = Number(process.env.SYNC_BENCH_NAIVE_MAX ?? 10_000);
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
    // WeChat holds at most 50 000 declared promoters: beyond them, cancelled ones (bound promoters can be
    // 100 000)
    const declared = Math.min(n, 50_000);
    await control.bulkPromoters({ count: declared, retailId: 'SH-XUHUI' });
    if (n > declared) {
      await control.bulkPromoters({
        count: n - declared,
        retailId: 'BJ-CHAOYANG',
        declStatus: 2,
        prefix: 'oGone',
      });
    }
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
    if (n === Math.max(...sizes)) {
      const q = (await runWorkerQueries(stack.env)).result;
      console.log(
        `reads on the ${n.toLocaleString('en')}-row mirror: status page ${q.statusPageMs} ms (total ${q.statusTotal}), ` +
          `next page ${q.nextPageMs} ms, keyword list ${q.keywordMs} ms (${q.keywordTotal} found), stats.summary ${q.summaryMs} ms, ` +
          `keyword list with tab counts ${q.keywordCountsMs} ms, 等待最久 ${q.waitingLongestMs} ms (with counts), its next page ${q.waitingLongestNextMs} ms`,
      );
    }
    if (n <= naiveMax) {
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

function spawnWorker(
  env: Record<string, string>,
  mode: 'ours' | 'naive',
): Promise<{ ms: number; maxRssMiB: number }> {
  return runWorker('sync-worker.ts', [mode], env);
}

interface Reads {
  statusPageMs: number;
  statusTotal: number;
  nextPageMs: number;
  keywordMs: number;
  keywordTotal: number;
  summaryMs: number;
  keywordCountsMs: number;
  waitingLongestMs: number;
  waitingLongestNextMs: number;
}

function runWorkerQueries(env: Record<string, string>): Promise<{ result: Reads }> {
  return runWorker('sync-worker.ts', ['queries'], env);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
