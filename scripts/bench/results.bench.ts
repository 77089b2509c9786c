/**
 * The promotion results refresh (docs/promotion-results.md) against the WeChat stand-in with 20 ms
 * added per call: RESULTS_BENCH_SIZE (default 3 000) bound promoters, each with two reach rows and every
 * third with an order, refreshed by stats.refreshResults slice after slice at the default settings
 * (RESULTS_SLICE_MS 20 000, RESULTS_CONCURRENCY 8). Prints WeChat calls, slices, wall time and
 * promoters a second, then a second pass over the same data (what the timer does every 6 h).
 *
 *   npm run bench results
 */
import { DEMO_STAFF } from '../../emulator/demo-data';
import { startStack } from '../../emulator/stack';
import { wechatControl } from '../../emulator/wechat/control-client';

const SIZE = Number(process.env.RESULTS_BENCH_SIZE ?? 3_000);
const LATENCY_MS = 20;

async function main(): Promise<void> {
  const stack = await startStack({ seed: false, functions: 'built', ports: {}, quiet: true });
  try {
    const control = wechatControl(stack);
    const admin = (data: Record<string, unknown>) =>
      stack.call('promoter', data, DEMO_STAFF.admin.openid) as Promise<{
        ok: boolean;
        data: { done: boolean; promoters: number; calls: number; slices: number };
      }>;
    await control.bulkPromoters({ count: SIZE, retailId: 'SH-XUHUI', authStatus: 1, prefix: 'oBench' });
    const now = Math.floor(Date.now() / 1000);
    const openids = Array.from({ length: SIZE }, (_, i) => `oBench${String(i + 1).padStart(22, '0')}`);
    const visitor = (i: number) => `oBenchVisitor${String(i).padStart(15, '0')}`;
    const relations = openids.flatMap((promoter, i) => [
      { promoter, openid: visitor(2 * i), createTime: now - 3600 },
      { promoter, openid: visitor(2 * i + 1), createTime: now - 5 * 86_400 },
    ]);
    const orders = openids
      .filter((_, i) => i % 3 === 0)
      .map((promoter, i) => ({ promoter, openid: visitor(i), paidAmount: 9_900, createTime: now - 3600 }));
    for (let i = 0; i < relations.length; i += 1000)
      await control.raw('POST', '/__control/relations', { rows: relations.slice(i, i + 1000) });
    for (let i = 0; i < orders.length; i += 1000)
      await control.raw('POST', '/__control/orders', { rows: orders.slice(i, i + 1000) });
    await admin({ action: 'promoter.sync' });
    await control.raw('POST', '/__control/faults', { latencyMs: LATENCY_MS });
    for (const label of ['first pass', 'second pass']) {
      await control.clearCalls();
      const started = Date.now();
      let last = { done: false, promoters: 0, calls: 0, slices: 0 };
      while (!last.done) {
        const answer = await admin({ action: 'stats.refreshResults' });
        if (!answer.ok) throw new Error(JSON.stringify(answer));
        last = answer.data;
      }
      const ms = Date.now() - started;
      const calls =
        (await control.calls('/promoter/getrelation')).length +
        (await control.calls('/promoter/getorder')).length;
      console.log(
        `${label.padEnd(12)} ${last.promoters} bound promoters · ${calls} WeChat calls (${(calls / last.promoters).toFixed(2)} a promoter) · ` +
          `${last.slices} slice(s) · ${(ms / 1000).toFixed(1)} s · ${Math.round((last.promoters / ms) * 1000)} promoters/s`,
      );
    }
  } finally {
    await stack.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
