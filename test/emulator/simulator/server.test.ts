/**
 * The simulator server: the frame page, built scripts, icons and images, the cloud proxy to the
 * functions gateway (as the identity the page names), the WeChat control proxy, and watch → rebuild.
 * A fake gateway and a fake WeChat control API record what reaches them.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Simulator, startSimulator } from '../../../emulator/simulator';
import { callsSince } from '../../../emulator/simulator/server';
import { writeFixture } from './fixture';

interface Seen {
  method: string;
  url: string;
  body: string;
}

function fakeServer(
  answer: (seen: Seen) => { status: number; body: unknown },
): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', body };
      seen.push(entry);
      const { status, body: out } = answer(entry);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        seen,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

const OPENID = 'oDemo-mgr-sh0000000000000000';
let fixture: ReturnType<typeof writeFixture>;
let gateway: Awaited<ReturnType<typeof fakeServer>>;
let wechat: Awaited<ReturnType<typeof fakeServer>>;
let sim: Simulator;

beforeAll(async () => {
  fixture = writeFixture();
  gateway = await fakeServer(({ url, body }) =>
    url === '/functions/broken'
      ? {
          status: 500,
          body: { errCode: -504002, errMsg: 'cloud.callFunction:fail -504002 functions execute fail. boom' },
        }
      : {
          status: 200,
          body: { result: { ok: true, data: { echo: JSON.parse(body) } }, errMsg: 'cloud.callFunction:ok' },
        },
  );
  wechat = await fakeServer(({ url }) => {
    if (url === '/__control/state')
      return {
        status: 200,
        body: {
          miniProgram: {
            promoters: [
              { openid: OPENID, name: '甲', authStatus: 0, declStatus: 1, retailId: 'S', phone: '138' },
            ],
          },
        },
      };
    if (url === '/__control/phone-codes') return { status: 404, body: { error: 'no route' } };
    if (url === '/__control/calls') {
      const row = (seq: number): object => ({
        seq,
        at: seq * 1000,
        method: 'POST',
        path: '/promoter/getpromoter',
        query: {},
        body: { secret: 'x' },
        status: 200,
        answer: { errcode: seq === 3 ? -1 : 0, list: [] },
      });
      return { status: 200, body: [row(1), row(2), row(3)] };
    }
    return { status: 200, body: { ok: true } };
  });
  sim = await startSimulator({
    port: 0,
    gatewayUrl: gateway.url,
    wechatControlUrl: wechat.url,
    root: fixture.root,
    outDir: fixture.outDir,
    watch: true,
    log: () => undefined,
  });
}, 60_000);

afterAll(async () => {
  await sim.close();
  await gateway.close();
  await wechat.close();
  fixture.cleanup();
});

const get = (p: string, init?: RequestInit): Promise<Response> => fetch(new URL(p, sim.url), init);
const post = (p: string, body: unknown): Promise<Response> =>
  get(p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the frame page and assets', () => {
  it('serves the page with the config (pages, identities, default person) and the scripts in order', async () => {
    const res = await get('/');
    const html = await res.text();
    expect(res.headers.get('content-type')).toContain('text/html');
    const config = JSON.parse(/window\.__SIM_CONFIG__=(.*);<\/script>/.exec(html)![1]!) as Record<
      string,
      unknown
    >;
    expect(config.pages).toEqual(['pages/a/index', 'pages/b/index']);
    expect(config.defaultOpenid).toBe('oDemo-admin00000000000000000');
    expect((config.identities as unknown[]).length).toBeGreaterThan(3);
    const order = ['simulate', 'runtime', 'wcc', 'filemap', 'app'].map((n) =>
      html.indexOf(`/__sim/${n}.js?v=`),
    );
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
  });

  it('serves built files with an etag and answers 304 when unchanged', async () => {
    const first = await get('/__sim/runtime.js');
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const again = await get('/__sim/runtime.js', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect((await get('/__sim/nope.js')).status).toBe(404);
  });

  it('serves icons and the mini program images, nothing outside the root', async () => {
    expect(await (await get('/__icons/add.svg')).text()).toContain('viewBox=');
    expect(await (await get('/__sim/mp/images/dot.png')).text()).toBe('not really a png');
    expect((await get('/__sim/mp/app.json')).status).toBe(404);
    expect((await get('/__sim/mp/..%2F..%2Fetc%2Fpasswd.png')).status).toBe(404);
  });
});

describe('cloud proxy', () => {
  it("forwards to the gateway as the page's identity and answers like the SDK", async () => {
    const res = await post('/__sim/cloud/promoter', { openid: OPENID, data: { action: 'me.whoami' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: { echo: unknown } }; errMsg: string };
    expect(body.errMsg).toBe('cloud.callFunction:ok');
    expect(body.result.data.echo).toEqual({ openid: OPENID, data: { action: 'me.whoami' } });
    expect(gateway.seen.at(-1)!.url).toBe('/functions/promoter');
  });

  it("passes the gateway's failure through (cloud.callFunction:fail …)", async () => {
    const res = await post('/__sim/cloud/broken', { openid: OPENID, data: {} });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { errMsg: string }).errMsg).toMatch(/^cloud\.callFunction:fail -504002/);
  });

  it('refuses a call without a well-formed openid, before the gateway', async () => {
    const before = gateway.seen.length;
    const res = await post('/__sim/cloud/promoter', { openid: 'short', data: {} });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errMsg: string }).errMsg).toContain('openid');
    expect(gateway.seen.length).toBe(before);
  });
});

describe('WeChat control proxy', () => {
  it('lists promoters for the panel (openid, name, statuses only)', async () => {
    const body = (await (await get('/__sim/wechat/promoters')).json()) as { promoters: object[] };
    expect(body.promoters).toEqual([
      { openid: OPENID, name: '甲', authStatus: 0, declStatus: 1, retailId: 'S' },
    ]);
  });

  it('forwards bind, clock and faults to /__control/', async () => {
    await post('/__sim/wechat/bind', { openid: OPENID, action: 'authorize' });
    expect(wechat.seen.at(-1)).toEqual({
      method: 'POST',
      url: '/__control/bind',
      body: JSON.stringify({ openid: OPENID, action: 'authorize' }),
    });
    await get('/__sim/wechat/faults', { method: 'DELETE' });
    expect(wechat.seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/__control/faults' });
    expect((await get('/__sim/wechat/reset', { method: 'POST' })).status).toBe(404);
  });

  it('forwards subscription acceptances and phone-code requests', async () => {
    await post('/__sim/wechat/subscriptions', { openid: OPENID, templateId: 't1', accept: 1 });
    expect(wechat.seen.at(-1)).toMatchObject({ method: 'POST', url: '/__control/subscriptions' });
    const res = await post('/__sim/wechat/phone-codes', { phoneNumber: '13800138000', countryCode: '86' });
    expect(wechat.seen.at(-1)).toMatchObject({ method: 'POST', url: '/__control/phone-codes' });
    // a stand-in without the endpoint: no failed request in the browser, the page falls back
    expect(res.status).toBe(204);
  });

  it('answers the calls after a sequence number, without bodies or secrets', async () => {
    const body = (await (await get('/__sim/wechat/calls?since=1')).json()) as ReturnType<typeof callsSince>;
    expect(body.last).toBe(3);
    expect(body.calls.map((c) => [c.seq, c.path, c.answer])).toEqual([
      [2, '/promoter/getpromoter', { errcode: 0 }],
      [3, '/promoter/getpromoter', { errcode: -1 }],
    ]);
    expect(JSON.stringify(body)).not.toContain('secret');
  });
});

describe('watch', () => {
  it('rebuilds when a file under the root changes and tells open pages to reload', async () => {
    const events = await fetch(new URL('/__sim/events', sim.url));
    const reader = events.body!.getReader();
    const before = sim.build().config.builtAt;
    fs.writeFileSync(path.join(fixture.root, 'pages/b/index.wxml'), '<view>乙 改过了</view>\n');
    let text = '';
    while (!text.includes('event: rebuilt')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    await reader.cancel();
    expect(text).toContain('event: rebuilt');
    expect(sim.build().config.builtAt).toBeGreaterThan(before);
    expect(sim.build().files.get('wcc.js')!.body.toString()).toContain('改过了');
  }, 30_000);

  it('keeps serving the last good build when a rebuild fails', async () => {
    const good = sim.build();
    fs.writeFileSync(path.join(fixture.root, 'pages/a/index.ts'), 'Page({ data: { n: ');
    await expect(sim.rebuild()).rejects.toThrow();
    expect(sim.build()).toBe(good);
    expect((await get('/')).status).toBe(200);
  }, 30_000);
});
