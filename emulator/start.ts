/**
 * `npm start`: builds what the stack runs (miniprogram_npm and the function bundles), then starts
 * the WeChat stand-in, the CloudBase stand-in and the functions gateway on loopback with demo data,
 * and prints where everything is and who the demo users are.
 *
 * and serves the mini program itself in a browser frame (emulator/simulator), printed first.
 *
 * Environment: SIM_PORT (9000), GATEWAY_PORT (9100), WECHAT_PORT (9101), CLOUDBASE_PORT (9102), SEED=0
 * (no demo data), SEED_PROMOTERS (made-up promoters on top of the named demo ones; default 360),
 * WX_API_BASE_URL (use that WeChat API instead of the stand-in), ADMIN_OPENIDS (HQ admins), DATA_FILE
 * (keep the database in this JSON file; default: a fresh demo each start), BUILD=0 (skip the builds).
 * Timer triggers in the functions' config.json fire on the clock.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildFunctions } from '../scripts/build-functions';
import { DEFAULT_CROWD } from './demo-crowd';
import { DEMO_GUEST, DEMO_PROMOTERS, DEMO_STAFF } from './demo-data';
import { listFunctions } from './gateway';
import { type Simulator, startSimulator } from './simulator';
import { demoIdentities, freshOpenid } from './simulator/identities';
import { STACK_UP_LINE, type Stack, startStack } from './stack';

const ROOT = path.resolve(__dirname, '..');
const HOST = '127.0.0.1';

/** A whole number from the environment, `fallback` when unset; anything else outside 0..max is refused. */
function intFromEnv(name: string, fallback: number, max: number, what: string): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`${name} must be ${what} 0..${max}, got "${raw}"`);
  }
  return value;
}

const portFromEnv = (name: string, fallback: number): number =>
  intFromEnv(name, fallback, 65535, 'a port number');

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

/** An invite of the demo Shanghai manager, so the banner can print a real "new person opens it" link. */
async function demoInviteToken(stack: Stack): Promise<string | undefined> {
  const manager = DEMO_STAFF.managers[0];
  const answer = (await stack.call(
    'promoter',
    { action: 'invite.create', storeId: manager.storeIds[0], roleId: 1 },
    manager.openid,
  )) as { ok: boolean; data?: { invite: { token: string } } };
  return answer.ok ? answer.data?.invite.token : undefined;
}

function simulatorLines(sim: Simulator, seeded: boolean, inviteToken: string | undefined): string[] {
  const link = (openid: string, route: string): string => `${sim.url}?openid=${openid}#/${route}`;
  const lines = [
    `Open the mini program: ${sim.url}`,
    '  First: you are the HQ admin on the home page. Pick another person in the panel on the right',
    '  (a store manager, a promoter, 新用户), tap through the pages, watch the WeChat calls each tap costs.',
  ];
  if (seeded) {
    lines.push(
      '  Deep links:',
      `    HQ home                     ${link(DEMO_STAFF.admin.openid, 'pages/home/index')}`,
      `    manager, 待授权 promoters    ${link(DEMO_STAFF.managers[0].openid, 'pages/promoter-list/index?status=awaiting')}`,
    );
    if (inviteToken) {
      lines.push(
        `    a new person opens an invite ${link(freshOpenid(), `pages/join/index?invite=${inviteToken}`)}`,
      );
    }
  }
  lines.push('  (&panel=0 shows the phone alone, &theme=dark starts in dark mode)', '');
  return lines;
}

function banner(
  stack: Stack,
  sim: Simulator,
  seeded: boolean,
  seconds: string,
  inviteToken?: string,
): string {
  const admins = stack.env.ADMIN_OPENIDS!.split(',');
  const pad = (label: string): string => label.padEnd(10);
  const lines = [
    '',
    `${STACK_UP_LINE} in ${seconds} s`,
    '',
    ...simulatorLines(sim, seeded, inviteToken),
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
    sim: portFromEnv('SIM_PORT', 9000),
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
  const crowd = seed ? intFromEnv('SEED_PROMOTERS', DEFAULT_CROWD, 50_000, 'a whole number') : 0;
  const stack = await startStack({
    seed,
    crowd,
    ports,
    host: HOST,
    functions: 'built',
    wechatBaseUrl: process.env.WX_API_BASE_URL?.trim() || undefined,
    adminOpenids,
    dataFile: process.env.DATA_FILE?.trim() || undefined,
    timers: true,
  });
  const sim = await startSimulator({
    port: ports.sim,
    host: HOST,
    gatewayUrl: stack.gatewayUrl,
    wechatControlUrl: stack.wechat ? stack.wechatUrl : undefined,
    watch: true,
    identities: demoIdentities(adminOpenids),
    defaultOpenid: adminOpenids?.[0],
  });
  const inviteToken = seed ? await demoInviteToken(stack).catch(() => undefined) : undefined;
  console.log(banner(stack, sim, seed, ((Date.now() - started) / 1000).toFixed(1), inviteToken));

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    Promise.all([sim.close(), stack.close()]).then(
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
