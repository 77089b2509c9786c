/** The token manager with its clock injected: refresh ahead of expiry, and the DB doc it shares. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenManager, refreshAtFor, REFRESH_MARGIN_S } from '../../../cloudfunctions/_shared/wechat/token';
import { useEnvOverrides, useTestStack, wechatControl } from '../harness';

const env = useTestStack();
const setEnv = useEnvOverrides();

const fetches = async () => (await wechatControl(env.stack).calls('/cgi-bin/stable_token')).length;

test('refreshAt keeps a margin of 300 s, or half the lifetime when WeChat grants less than 600 s', () => {
  expect(REFRESH_MARGIN_S).toBe(300);
  expect(refreshAtFor(1_000, 7_200)).toBe(1_000 + 6_900);
  expect(refreshAtFor(1_000, 400)).toBe(1_000 + 200);
});

test('a token is used until 300 s before it expires, then fetched again (and the DB doc follows)', async () => {
  let nowMs = Date.UTC(2026, 10, 21, 8, 0, 0);
  const manager = new TokenManager(
    { appid: env.stack.env.WX_OA_APPID, secret: env.stack.env.WX_OA_APPSECRET },
    () => env.stack.wechatUrl,
    { settingNames: { appid: 'WX_OA_APPID', secret: 'WX_OA_APPSECRET' }, now: () => nowMs },
  );
  const first = await manager.getToken();
  expect(await fetches()).toBe(1);
  const doc = env.stack.cloudbase.collections().wx_tokens[0];
  const fetchedAt = Math.floor(nowMs / 1000);
  expect(doc).toMatchObject({
    _id: env.stack.env.WX_OA_APPID,
    accessToken: first,
    refreshAt: fetchedAt + 7200 - 300,
  });

  nowMs += (7200 - 301) * 1000;
  expect(await manager.getToken()).toBe(first);
  expect(await fetches()).toBe(1);

  nowMs += 1000; // now exactly 300 s before expiry
  await manager.getToken();
  expect(await fetches()).toBe(2);
  expect(manager.fetchCount).toBe(2);
});

test('a second manager (another instance) takes the token from the DB while it is fresh', async () => {
  const app = { appid: env.stack.env.WX_APPID, secret: env.stack.env.WX_APPSECRET };
  const options = { settingNames: { appid: 'WX_APPID', secret: 'WX_APPSECRET' } };
  const one = new TokenManager(app, () => env.stack.wechatUrl, options);
  const two = new TokenManager(app, () => env.stack.wechatUrl, options);
  const [a, b] = await Promise.all([one.getToken(), one.getToken()]);
  expect(a).toBe(b);
  expect(await two.getToken()).toBe(a);
  expect(await fetches()).toBe(1);
  expect(one.fetchCount + two.fetchCount).toBe(1);
});

test('when the DB cannot be read the token still comes from WeChat', async () => {
  const manager = new TokenManager(
    { appid: env.stack.env.WX_APPID, secret: env.stack.env.WX_APPSECRET },
    () => env.stack.wechatUrl,
    { settingNames: { appid: 'WX_APPID', secret: 'WX_APPSECRET' } },
  );
  // A database that answers 503 to everything. (Not a closed port: @cloudbase/node-sdk clears its
  // 3 s slow-request timer only when a response arrives, so a refused connection would log after
  // the test file ended.)
  const broken = http.createServer((_req, res) => res.writeHead(503).end());
  await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
  const { port } = broken.address() as AddressInfo;
  setEnv('TCB_CONTEXT_CNFG', JSON.stringify({ URL: `http://127.0.0.1:${port}/admin` }));
  const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    await expect(manager.getToken()).resolves.toEqual(expect.any(String));
    expect(spy.mock.calls.map((args) => String(args[0])).join('\n')).toContain('wx_token_read_db_failed');
  } finally {
    spy.mockRestore();
    await new Promise((resolve) => broken.close(resolve));
  }
});
