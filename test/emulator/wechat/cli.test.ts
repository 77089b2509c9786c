import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { APPS } from './helpers';

const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the CLI with the demo apps in env and waits for its "listening" line. */
async function startCli(args: string[]): Promise<Running> {
  const env = {
    ...process.env,
    WX_APPID: APPS.miniProgram.appid,
    WX_APPSECRET: APPS.miniProgram.secret,
    WX_OA_APPID: APPS.officialAccount.appid,
    WX_OA_APPSECRET: APPS.officialAccount.secret,
  };
  const child = spawn(TSX, ['emulator/wechat/cli.ts', ...args], { cwd: ROOT, env });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 10_000;
  while (!text.includes('listening on') && Date.now() < deadline && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { child, output: () => text, exited };
}

describe('npm run emulator (emulator/wechat/cli.ts)', () => {
  // The three runs start together: tsx needs about a second to start, so the file stays quick.
  let empty: Running;
  let demo: Running;
  let bad: Running;
  let emptyPort: number;
  let demoPort: number;
  beforeAll(async () => {
    emptyPort = await freePort();
    demoPort = await freePort();
    [empty, demo, bad] = await Promise.all([
      startCli(['--port', String(emptyPort)]),
      startCli(['--port', String(demoPort), '--seed', 'demo']),
      startCli(['--seed', 'full']),
    ]);
  }, 20_000);
  afterAll(() => {
    for (const running of [empty, demo]) if (running?.child.exitCode === null) running.child.kill('SIGKILL');
  });

  test('starts empty on the given port, prints the URL and the credentials, stops on SIGTERM', async () => {
    const output = empty.output();
    expect(output).toContain(`http://127.0.0.1:${emptyPort}`);
    expect(output).toContain(APPS.miniProgram.appid);
    expect(output).toContain(APPS.miniProgram.secret);
    expect(output).toContain(APPS.officialAccount.appid);
    const state = (await (await fetch(`http://127.0.0.1:${emptyPort}/__control/state`)).json()) as any;
    expect(state.miniProgram.promoters).toEqual([]);
    expect(state.miniProgram.roles).toHaveLength(1);
    empty.child.kill('SIGTERM');
    expect(await empty.exited).toBe(0);
  });

  test('--seed demo starts with the demo data; SIGINT stops it cleanly', async () => {
    const state = (await (await fetch(`http://127.0.0.1:${demoPort}/__control/state`)).json()) as any;
    expect(state.miniProgram.promoters.length).toBeGreaterThan(0);
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
  });

  test('a bad argument exits 2 with usage', async () => {
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('usage: npm run emulator');
  });
});
