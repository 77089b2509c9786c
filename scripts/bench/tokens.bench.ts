/**
 * 1 000 concurrent actions, each on a cold instance of the promoter function (a fresh copy of its
 * bundle: empty token cache), with no token stored yet: how many stable_token calls WeChat sees (the
 * target is exactly 1: instances share the token through the wx_tokens collection), and the wall time.
 * The naive way, each instance fetching its own token (what a plain SDK loop does), in the same run.
 *
 *   npm run bench tokens            TOKENS_BENCH_COUNT=1000 (default)
 */
import { DEMO_STAFF } from '../../emulator/demo-data';
import { startStack } from '../../emulator/stack';
import { wechatControl } from '../../emulator/wechat/control-client';
import { runWorker } from './workers/spawn';

const COUNT = Number(process.env.TOKENS_BENCH_COUNT ?? 1000);
const LATENCY_MS = 20;

async function main(): Promise<void> {
  const stack = await startStack({ seed: false, functions: 'built', ports: {}, quiet: true });
  const control = wechatControl(stack);
  await control.raw('POST', '/__control/faults', { latencyMs: LATENCY_MS });

  await control.clearCalls();
  const ours = await runWorker<{ ms: number; ok: number; failed: number; firstError?: unknown }>(
    'cold-worker.ts',
    ['promoter', String(COUNT), JSON.stringify({ action: 'role.list' }), DEMO_STAFF.admin.openid],
    stack.env,
  );
  const tokenCalls = (await control.calls('/cgi-bin/stable_token')).length;
  const roleCalls = (await control.calls('/promoter/getrole')).length;
  console.log(
    `ours: ${COUNT} cold instances × role.list at once → stable_token ${tokenCalls}, getrole ${roleCalls}, ` +
      `${ours.ok} ok / ${ours.failed} failed, ${(ours.ms / 1000).toFixed(1)} s` +
      (ours.failed ? ` (first error: ${JSON.stringify(ours.firstError)})` : ''),
  );

  // naive: every instance asks for its own token, as a plain loop without a shared cache does
  await control.clearCalls();
  const started = performance.now();
  const url = `${stack.wechatUrl.replace(/\/+$/, '')}/cgi-bin/stable_token`;
  const body = JSON.stringify({
    grant_type: 'client_credential',
    appid: stack.env.WX_APPID,
    secret: stack.env.WX_APPSECRET,
  });
  await Promise.all(
    Array.from({ length: COUNT }, () =>
      fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then((r) =>
        r.text(),
      ),
    ),
  );
  const naiveMs = performance.now() - started;
  const naiveCalls = (await control.calls('/cgi-bin/stable_token')).length;
  console.log(
    `naive: ${COUNT} instances each fetching → stable_token ${naiveCalls}, ${(naiveMs / 1000).toFixed(1)} s`,
  );
  console.log(`ratio naive/ours: stable_token calls ${(naiveCalls / Math.max(1, tokenCalls)).toFixed(0)}×`);
  await stack.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
