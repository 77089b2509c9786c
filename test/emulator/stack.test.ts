/** The whole local backend: start, seed through the real functions, call over HTTP, stop; and npm start. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_CROWD } from '../../emulator/demo-crowd';
import { DEMO_APPS, DEMO_PROMOTERS, DEMO_STAFF, DEMO_STORES } from '../../emulator/demo-data';
import { type Stack, startStack } from '../../emulator/stack';
import {
  asCaller,
  callFresh,
  loadFreshFunction,
  resetDatabase,
  startTestStack,
  useEnvOverrides,
  useTestStack,
  wechatControl,
} from '../cloud/harness';

const ADMIN = DEMO_STAFF.admin.openid;
type Answer<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

describe('a seeded stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ seed: true, functions: 'source', quiet: true });
  }, 30_000);
  afterAll(() => stack.close());

  it('sets the functions’ environment the way CloudBase does, pointing at the stand-ins', () => {
    expect(stack.env).toMatchObject({
      TCB_CONTEXT_CNFG: JSON.stringify({ URL: stack.cloudbaseUrl }),
      TCB_ENV: 'local',
      SCF_NAMESPACE: 'local',
      WX_API_BASE_URL: stack.wechatUrl,
      WX_APPID: process.env.WX_APPID ?? DEMO_APPS.miniProgram.appid,
      ADMIN_OPENIDS: ADMIN,
    });
    for (const [key, value] of Object.entries(stack.env)) expect(process.env[key]).toBe(value);
    expect(stack.cloudbaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/admin$/);
  });

  it('holds the demo data written by the real functions, audit log included', async () => {
    const stores = (await stack.call('admin', { action: 'store.list' }, ADMIN)) as Answer<{
      items: Array<{ storeId: string }>;
    }>;
    expect(stores.ok && stores.data.items.map((s) => s.storeId).sort()).toEqual(
      DEMO_STORES.map((s) => s.storeId).sort(),
    );
    const data = stack.cloudbase.collections();
    expect(data.staff?.map((s) => s.openid).sort()).toEqual(DEMO_STAFF.managers.map((m) => m.openid).sort());
    expect(data.audit_log?.length).toBeGreaterThanOrEqual(DEMO_STORES.length + DEMO_STAFF.managers.length);
  });

  it('answers over the HTTP gateway end to end, as wx.cloud.callFunction would', async () => {
    const res = await fetch(`${stack.gatewayUrl}/functions/promoter`, {
      method: 'POST',
      body: JSON.stringify({ openid: ADMIN, data: { action: 'stats.summary' } }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: Answer<{ total: number }>; errMsg: string };
    expect(body.errMsg).toBe('cloud.callFunction:ok');
    expect(body.result).toMatchObject({ ok: true, data: { total: 6 } });
    const list = (await (await fetch(`${stack.gatewayUrl}/functions`)).json()) as { functions: string[] };
    expect(list.functions).toEqual(expect.arrayContaining(['admin', 'customparam', 'promoter', 'userinfo']));
  });

  it('refuses a guest where the function does', async () => {
    const res = (await stack.call(
      'admin',
      { action: 'manager.list' },
      'oGuest000000000000000000000',
    )) as Answer<unknown>;
    expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('stack options', () => {
  it('starts empty without seed, and close() stops the servers and restores the environment', async () => {
    const before = process.env.TCB_CONTEXT_CNFG;
    const stack = await startStack({
      functions: 'source',
      quiet: true,
      adminOpenids: ['oAdminA00000000000000000000', 'oAdminB00000000000000000000'],
    });
    expect(process.env.ADMIN_OPENIDS).toBe('oAdminA00000000000000000000,oAdminB00000000000000000000');
    expect(stack.cloudbase.collections()).toEqual({});
    expect(stack.wechat).toBeDefined();
    await stack.close();
    expect(process.env.TCB_CONTEXT_CNFG).toBe(before);
    await expect(fetch(stack.gatewayUrl + '/functions')).rejects.toThrow();
    await expect(fetch(stack.wechatUrl + '/__control/apps')).rejects.toThrow();
  });

  it('seeds a crowd on top of the named demo data: every status, the crowd stores, invites and join requests', async () => {
    const stack = await startStack({ seed: true, crowd: 40, functions: 'source', quiet: true });
    try {
      const summary = (await stack.call('promoter', { action: 'stats.summary' }, ADMIN)) as Answer<{
        total: number;
        byStatus: Record<string, number>;
        byStore: Array<{ storeId: string }>;
        pendingJoinRequests: number;
      }>;
      if (!summary.ok) throw new Error(summary.error.message);
      expect(summary.data.total).toBe(DEMO_PROMOTERS.length + 40);
      for (const count of Object.values(summary.data.byStatus)) expect(count).toBeGreaterThan(0);
      expect(summary.data.byStore.map((s) => s.storeId)).toEqual(
        expect.arrayContaining(['GZ-TIANHE', 'SZ-NANSHAN', ...DEMO_STORES.map((s) => s.storeId)]),
      );
      expect(summary.data.pendingJoinRequests).toBe(5);
      expect(stack.cloudbase.collections().invites).toHaveLength(DEMO_STAFF.managers.length);
    } finally {
      await stack.close();
    }
  });

  it('uses an outside WeChat API when given one, without starting the stand-in', async () => {
    const stack = await startStack({ functions: 'source', quiet: true, wechatBaseUrl: 'http://127.0.0.1:9' });
    try {
      expect(stack.wechat).toBeUndefined();
      expect(stack.wechatUrl).toBe('http://127.0.0.1:9');
      expect(process.env.WX_API_BASE_URL).toBe('http://127.0.0.1:9');
    } finally {
      await stack.close();
    }
  });

  it('reports a busy port and leaves nothing running', async () => {
    const first = await startStack({ functions: 'source', quiet: true });
    try {
      const port = Number(new URL(first.gatewayUrl).port);
      await expect(
        startStack({ functions: 'source', quiet: true, ports: { gateway: port } }),
      ).rejects.toThrow(/EADDRINUSE/);
      expect(process.env.TCB_CONTEXT_CNFG).toBe(first.env.TCB_CONTEXT_CNFG); // the failed start undid its settings
    } finally {
      await first.close();
    }
  });
});

describe('npm start (emulator/start.ts)', () => {
  const root = path.resolve(__dirname, '../..');
  const children: ChildProcess[] = [];
  // A failed expectation must not leave npm start running (jest would wait for it).
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });
  const run = (env: Record<string, string>): ChildProcess => {
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['emulator/start.ts'], {
      cwd: root,
      env: {
        ...process.env,
        SIM_PORT: '0',
        GATEWAY_PORT: '0',
        WECHAT_PORT: '0',
        CLOUDBASE_PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return child;
  };
  const collect = (child: ChildProcess): { text: () => string } => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    return { text: () => out };
  };
  const exited = (child: ChildProcess): Promise<number | null> =>
    new Promise((resolve) => child.once('exit', (code) => resolve(code)));

  it('builds, starts with demo data, prints URLs, identities and a curl example, and stops on SIGTERM', async () => {
    const child = run({ SEED: '1', SEED_PROMOTERS: '' });
    const output = collect(child);
    const exit = exited(child);
    const deadline = Date.now() + 50_000;
    while (!output.text().includes('Ctrl+C stops.')) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`npm start did not come up:\n${output.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const text = output.text();
    expect(text).toMatch(/Promoter Desk is up in \d+\.\d s/);
    expect(text).toContain(`HQ admin   ${ADMIN}`);
    for (const manager of DEMO_STAFF.managers) expect(text).toContain(manager.openid);
    const gatewayUrl = /gateway\s+(http:\/\/127\.0\.0\.1:\d+)\/functions/.exec(text)![1]!;
    expect(text).toContain(
      `curl -s ${gatewayUrl}/functions/promoter -d '{"openid":"${ADMIN}","data":{"action":"stats.summary"}}'`,
    );
    const res = await fetch(`${gatewayUrl}/functions/promoter`, {
      method: 'POST',
      body: JSON.stringify({ openid: ADMIN, data: { action: 'stats.summary' } }),
    });
    expect(((await res.json()) as { result: unknown }).result).toMatchObject({
      ok: true,
      data: { total: DEMO_PROMOTERS.length + DEFAULT_CROWD, pendingJoinRequests: 5 },
    });
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(output.text()).toContain('SIGTERM: stopping...');
  }, 60_000);

  it('refuses a bad port setting, naming the variable', async () => {
    const child = run({ GATEWAY_PORT: 'abc' });
    const output = collect(child);
    expect(await exited(child)).toBe(1);
    expect(output.text()).toContain(
      'npm start failed: GATEWAY_PORT must be a port number 0..65535, got "abc"',
    );
  }, 30_000);
});

describe('the cloud test harness against a live stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());

  it('startTestStack: no seed, source functions, free ports', () => {
    expect(stack.cloudbase.collections()).toEqual({});
    expect(new URL(stack.gatewayUrl).port).not.toBe('9100');
  });

  it('wechatControl speaks the stand-in’s control API', async () => {
    const control = wechatControl(stack);
    expect(await control.reset({ seed: 'demo' })).toMatchObject({ ok: true, seed: 'demo' });
    const promoter = DEMO_PROMOTERS.find((p) => p.authStatus === 0)!;
    expect(await control.bind(promoter.openid, 'authorize')).toMatchObject({ promoter: { authStatus: 1 } });
    expect(await control.bulkPromoters({ count: 3, retailId: 'SH-XUHUI' })).toMatchObject({ created: 3 });
    await control.users([{ openid: 'oFollower0000000000000000000', subscribed: true }]);
    const { offsetSeconds } = (await control.clock(3600)) as { offsetSeconds: number };
    expect(offsetSeconds).toBe(3600);
    expect(
      await control.faults([{ kind: 'errcode', errcode: -1, path: '/cgi-bin/user/info' }]),
    ).toMatchObject({
      rules: [{ kind: 'errcode', errcode: -1 }],
    });
    expect(await control.clearFaults()).toMatchObject({ rules: [] });

    const admin = asCaller(stack, ADMIN);
    resetDatabase(stack);
    expect(await admin('promoter', { action: 'promoter.sync' })).toMatchObject({
      ok: true,
      data: { total: 9 },
    });
    expect((await control.calls('/cgi-bin/stable_token')).length).toBe(1);
    await control.clearCalls();
    expect(await control.calls()).toEqual([]);
    expect(await control.raw('GET', '/__control/limits')).toMatchObject({ maxDeclared: 50000 });
    await expect(control.raw('POST', '/__control/limits', { maxDeclared: 'x' })).rejects.toThrow(/HTTP 400/);
  });

  it('resetDatabase empties the database', async () => {
    await asCaller(stack, ADMIN)('admin', { action: 'store.add', storeId: 'GZ-1', name: '广州一店' });
    expect(stack.cloudbase.collections().stores).toHaveLength(1);
    resetDatabase(stack);
    expect(stack.cloudbase.collections()).toEqual({});
  });

  it('loadFreshFunction gives a new module instance (a cold start)', async () => {
    const first = loadFreshFunction('admin');
    const second = loadFreshFunction('admin');
    expect(first).not.toBe(second);
    expect(await callFresh(first, { action: 'store.list' }, ADMIN)).toMatchObject({
      ok: true,
      data: { items: [] },
    });
  }, 60_000); // two cold loads of the admin function's whole source through ts-jest: legitimately heavy
});

describe('useTestStack', () => {
  const env = useTestStack();
  // made at module load, before the stack exists: it looks the stack up when called
  const admin = env.as(ADMIN);

  it('starts one stack for the describe; a caller made before it started reaches it', async () => {
    expect(new URL(env.stack.gatewayUrl).port).not.toBe('9100');
    expect(await admin('admin', { action: 'store.add', storeId: 'GZ-2', name: '广州二店' })).toMatchObject({
      ok: true,
    });
    await wechatControl(env.stack).users([{ openid: 'oFollower0000000000000000001', subscribed: true }]);
    expect(env.stack.cloudbase.collections().stores).toHaveLength(1);
  });

  it('gives the next test an empty database and a reset WeChat stand-in (runs after the test above)', async () => {
    expect(env.stack.cloudbase.collections()).toEqual({});
    const state = (await wechatControl(env.stack).raw('GET', '/__control/state')) as {
      officialAccount: { users: unknown[] };
    };
    expect(state.officialAccount.users).toEqual([]);
  });
});

describe('useEnvOverrides', () => {
  const setEnv = useEnvOverrides();
  const NAME = 'PROMOTER_DESK_HARNESS_PROBE';
  const KEPT = 'PROMOTER_DESK_HARNESS_KEPT';
  beforeAll(() => {
    process.env[KEPT] = 'before';
  });
  afterAll(() => {
    delete process.env[KEPT];
  });

  it('sets and deletes variables for the test', () => {
    setEnv(NAME, 'set');
    setEnv(NAME, 'set again');
    setEnv(KEPT, undefined);
    expect(process.env[NAME]).toBe('set again');
    expect(KEPT in process.env).toBe(false);
  });

  it('puts the values from before the test back (runs after the test above)', () => {
    expect(NAME in process.env).toBe(false);
    expect(process.env[KEPT]).toBe('before');
  });
});
