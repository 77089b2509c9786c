/**
 * `npm start`: builds what the stack runs (miniprogram_npm and the function bundles), then starts
 * the WeChat stand-in, the CloudBase stand-in and the functions gateway on loopback with demo data,
 * and prints where everything is and who the demo users are.
 *
 * Environment: GATEWAY_PORT (9100), WECHAT_PORT (9101), CLOUDBASE_PORT (9102), SEED=0 (no demo
 * data), WX_API_BASE_URL (use that WeChat API instead of the stand-in), ADMIN_OPENIDS (HQ admins),
 * DATA_FILE (keep the database in this JSON file; default: a fresh demo each start), BUILD=0 (skip the
 * builds). Timer triggers in the functions' config.json fire on the clock.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildFunctions } from '../scripts/build-functions';
import { DEMO_GUEST, DEMO_PROMOTERS, DEMO_STAFF } from './demo-data';
import { listFunctions } from './gateway';
import { type Stack, startStack } from './stack';

const ROOT = path.resolve(__dirname, '..');
const HOST = '127.0.0.1';

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number 0..65535, got "${raw}"`);
  }
  return port;
}

function buildNpm(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'build-npm.js')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`build:npm exited with code ${code}`)),
    );
  });
}

function banner(stack: Stack, seeded: boolean, seconds: string): string {
  const admins = stack.env.ADMIN_OPENIDS!.split(',');
  const pad = (label: string): string => label.padEnd(10);
  const lines = [
    '',
    `Promoter Desk local backend is up in ${seconds} s`,
    '',
    `  ${pad('gateway')} ${stack.gatewayUrl}/functions   (${listFunctions('built').join(', ')})`,
    `  ${pad('wechat')} ${stack.wechatUrl}${stack.wechat ? '   (WeChat API stand-in; control API under /__control/)' : '   (outside WeChat API)'}`,
    `  ${pad('cloudbase')} ${stack.cloudbaseUrl}   (database stand-in; GET it for collection sizes)`,
    '',
    'Demo identities (openid):',
    ...admins.map(
      (openid) =>
        `  ${pad('HQ admin')} ${openid}${openid === DEMO_STAFF.admin.openid ? `  ${DEMO_STAFF.admin.name}` : ''}`,
    ),
  ];
  if (seeded) {
    lines.push(
      ...DEMO_STAFF.managers.map(
        (m) => `  ${pad('manager')} ${m.openid}  ${m.name} (${m.storeIds.join(', ')})`,
      ),
      ...DEMO_PROMOTERS.slice(0, 2).map((p) => `  ${pad('promoter')} ${p.openid}  ${p.name} (${p.storeId})`),
    );
  }
  lines.push(
    `  ${pad('guest')} ${DEMO_GUEST.openid}  ${DEMO_GUEST.name} (not staff, not a promoter)`,
    '',
    'Try:',
    `  curl -s ${stack.gatewayUrl}/functions/promoter -d '{"openid":"${admins[0]}","data":{"action":"stats.summary"}}'`,
    `  curl -s ${stack.gatewayUrl}/functions/admin -d '{"openid":"${admins[0]}","data":{"action":"store.list"}}'`,
    '',
    'Ctrl+C stops.',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const seed = process.env.SEED?.trim() !== '0';
  const ports = {
    gateway: portFromEnv('GATEWAY_PORT', 9100),
    wechat: portFromEnv('WECHAT_PORT', 9101),
    cloudbase: portFromEnv('CLOUDBASE_PORT', 9102),
  };
  const adminOpenids = process.env.ADMIN_OPENIDS?.trim()
    ? process.env.ADMIN_OPENIDS.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

  // BUILD=0: run what is built already (a restart in scripts/soak.ts).
  if (process.env.BUILD?.trim() !== '0') await Promise.all([buildNpm(), buildFunctions()]);
  const stack = await startStack({
    seed,
    ports,
    host: HOST,
    functions: 'built',
    wechatBaseUrl: process.env.WX_API_BASE_URL?.trim() || undefined,
    adminOpenids,
    dataFile: process.env.DATA_FILE?.trim() || undefined,
    timers: true,
  });
  console.log(banner(stack, seed, ((Date.now() - started) / 1000).toFixed(1)));

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    stack.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
