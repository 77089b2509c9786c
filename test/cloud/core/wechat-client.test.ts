/**
 * The WeChat client against the WeChat stand-in: tokens (single-flight, shared through the DB,
 * compare-and-expire), retries and typed errors. Token counts come from the stand-in's call log.
 */
import type { OaUser } from '../../../typings/contract/userinfo';
import { demoId } from '../../../emulator/demo-data';
import type * as ClientModule from '../../../cloudfunctions/_shared/wechat/client';
import type * as ErrorsModule from '../../../cloudfunctions/_shared/errors';
import { type FaultInput, callFresh, loadFreshFunction, useTestStack, wechatControl } from '../harness';
import { ADMIN, okData } from './helpers';

const env = useTestStack();

const USERS = Array.from({ length: 100 }, (_, i) => demoId(`Fan-${i}-x`));
const STABLE = '/cgi-bin/stable_token';
const INFO = '/cgi-bin/user/info';

beforeEach(async () => {
  await wechatControl(env.stack).users(USERS.map((openid) => ({ openid, subscribed: true })));
});

const calls = async (path: string) => (await wechatControl(env.stack).calls(path)).length;
const faults = (rules: FaultInput[]) => wechatControl(env.stack).faults(rules);
const tokenDoc = () =>
  (env.stack.cloudbase.collections().wx_tokens ?? [])[0] as Record<string, unknown> | undefined;

/** A cold instance of the core (own module registry: own memory cache, like a new function instance). */
function freshCore(): { client: typeof ClientModule; errors: typeof ErrorsModule } {
  let client!: typeof ClientModule;
  let errors!: typeof ErrorsModule;
  jest.isolateModules(() => {
    client = require('../../../cloudfunctions/_shared/wechat/client');
    errors = require('../../../cloudfunctions/_shared/errors');
  });
  return { client, errors };
}

describe('access_token', () => {
  test('100 concurrent actions on a cold start fetch one token; a second fresh instance reuses it from the DB', async () => {
    const userinfo = loadFreshFunction('userinfo');
    const answers = await Promise.all(
      USERS.map((openid) => callFresh(userinfo, { action: 'user.get', openid }, ADMIN)),
    );
    answers.forEach((answer, i) =>
      expect(okData<OaUser>(answer)).toMatchObject({ openid: USERS[i], state: 'subscribed' }),
    );
    expect(await calls(STABLE)).toBe(1);
    expect(await calls(INFO)).toBe(100);
    expect(tokenDoc()).toMatchObject({ _id: env.stack.env.WX_OA_APPID, accessToken: expect.any(String) });
    // the body of the one stable_token call: normal mode, never force_refresh
    const [fetch] = await wechatControl(env.stack).calls(STABLE);
    expect(fetch.body).toMatchObject({ grant_type: 'client_credential', force_refresh: false });

    const second = loadFreshFunction('userinfo');
    okData(await callFresh(second, { action: 'user.get', openid: USERS[0] }, ADMIN));
    expect(await calls(STABLE)).toBe(1);
  });

  test('a rejected token (42001) is expired once, refetched once and the call retried once', async () => {
    const userinfo = loadFreshFunction('userinfo');
    okData(await callFresh(userinfo, { action: 'user.get', openid: USERS[0] }, ADMIN));
    const firstToken = tokenDoc()!.accessToken;
    await faults([{ kind: 'expire-tokens', path: INFO, next: 1 }]);
    okData(await callFresh(userinfo, { action: 'user.get', openid: USERS[1] }, ADMIN));
    expect(await calls(STABLE)).toBe(2);
    const infoCalls = await wechatControl(env.stack).calls(INFO);
    expect(infoCalls.map((c) => (c.answer as { errcode?: number }).errcode ?? 0)).toEqual([0, 42001, 0]);
    expect(tokenDoc()!.accessToken).not.toBe(firstToken);
  });

  test('a stale failure does not expire a fresh token (compare-and-expire in memory and in the DB)', async () => {
    const instanceA = loadFreshFunction('userinfo');
    const instanceB = loadFreshFunction('userinfo');
    okData(await callFresh(instanceA, { action: 'user.get', openid: USERS[0] }, ADMIN)); // fetches T1
    okData(await callFresh(instanceB, { action: 'user.get', openid: USERS[1] }, ADMIN)); // T1 from the DB
    expect(await calls(STABLE)).toBe(1);

    // B hits the expiry first: T1 is expired, B fetches T2 and stores it.
    await faults([{ kind: 'expire-tokens', path: INFO, next: 1 }]);
    okData(await callFresh(instanceB, { action: 'user.get', openid: USERS[2] }, ADMIN));
    expect(await calls(STABLE)).toBe(2);
    const fresh = tokenDoc()!;

    // A still holds T1 in memory: its failure must not expire T2; A picks T2 up from the DB.
    okData(await callFresh(instanceA, { action: 'user.get', openid: USERS[3] }, ADMIN));
    expect(await calls(STABLE)).toBe(2);
    expect(tokenDoc()).toEqual(fresh);

    // and B goes on with T2, no refetch
    okData(await callFresh(instanceB, { action: 'user.get', openid: USERS[4] }, ADMIN));
    expect(await calls(STABLE)).toBe(2);
  });

  test('a token rejected twice in a row is not retried a third time', async () => {
    const { client, errors } = freshCore();
    const oa = client.getWechatClient('officialAccount');
    await oa.call({ method: 'GET', path: INFO, query: { openid: USERS[0] }, idempotent: true });
    await faults([{ kind: 'errcode', errcode: 40001, path: INFO, next: 5 }]);
    const err = await oa
      .call({ method: 'GET', path: INFO, query: { openid: USERS[0] }, idempotent: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.WechatApiError);
    expect(err).toMatchObject({ errcode: 40001, api: INFO });
    expect(await calls(INFO)).toBe(3); // the first success, then one try and one retry
    expect(await calls(STABLE)).toBe(2);
  });
});

describe('retries and typed errors', () => {
  const getUser = (client: typeof ClientModule, options: { idempotent?: boolean; timeoutMs?: number } = {}) =>
    client.getWechatClient('officialAccount').call<{ openid: string }>({
      method: 'GET',
      path: INFO,
      query: { openid: USERS[0] },
      idempotent: options.idempotent ?? true,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });

  test.each<[string, FaultInput, number]>([
    ['errcode -1 (busy)', { kind: 'errcode', errcode: -1, next: 2 }, 3],
    ['errcode 45011 (too frequent)', { kind: 'errcode', errcode: 45011, next: 1 }, 2],
    ['HTTP 503', { kind: 'http', status: 503, next: 2 }, 3],
    ['a dropped connection', { kind: 'drop', next: 1 }, 2],
  ])('an idempotent call is retried on %s and succeeds', async (_name, rule, expectedCalls) => {
    const { client } = freshCore();
    await faults([{ ...rule, path: INFO }]);
    await expect(getUser(client)).resolves.toMatchObject({ openid: USERS[0] });
    expect(await calls(INFO)).toBe(expectedCalls);
  });

  test('a request that hangs times out (per-call timeout) and is retried', async () => {
    const { client } = freshCore();
    await getUser(client); // token first, so only the business call hangs
    await faults([{ kind: 'hang', path: INFO, next: 1 }]);
    const started = Date.now();
    await expect(getUser(client, { timeoutMs: 300 })).resolves.toMatchObject({ openid: USERS[0] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(await calls(INFO)).toBe(3);
  });

  test('after 3 attempts the call fails as UPSTREAM_UNAVAILABLE, naming the API but never the URL or token', async () => {
    const { client, errors } = freshCore();
    await faults([{ kind: 'errcode', errcode: -1, path: INFO, next: 3 }]);
    const busy = await getUser(client).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(errors.WechatApiError);
    expect(errors.toCloudError(busy)).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining(INFO),
      errcode: -1,
    });
    expect(await calls(INFO)).toBe(3);

    await faults([{ kind: 'http', status: 502, path: INFO, next: 3 }]);
    const down = await getUser(client).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(errors.WechatUnavailableError);
    const cloudError = errors.toCloudError(down);
    expect(cloudError.code).toBe('UPSTREAM_UNAVAILABLE');
    for (const text of [JSON.stringify(cloudError), String(down), JSON.stringify(down)]) {
      expect(text).not.toContain('access_token');
      expect(text).not.toContain(env.stack.wechatUrl);
    }
  });

  test.each([
    [45009, 'QUOTA_EXCEEDED'],
    [48001, 'UPSTREAM_ERROR'],
    [40003, 'UPSTREAM_ERROR'],
  ])('errcode %i is never retried and maps to %s', async (errcode, code) => {
    const { client, errors } = freshCore();
    await faults([{ kind: 'errcode', errcode, path: INFO, next: 1 }]);
    const err = await getUser(client).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'WechatApiError', errcode, api: INFO });
    expect(errors.toCloudError(err)).toMatchObject({ code, errcode });
    expect(await calls(INFO)).toBe(1);
  });

  test('a call that is not idempotent is never retried, even on -1 or 503', async () => {
    const { client } = freshCore();
    await faults([{ kind: 'errcode', errcode: -1, path: INFO, next: 1 }]);
    await expect(getUser(client, { idempotent: false })).rejects.toMatchObject({ errcode: -1 });
    await faults([{ kind: 'http', status: 503, path: INFO, next: 1 }]);
    await expect(getUser(client, { idempotent: false })).rejects.toMatchObject({
      reason: 'http-status',
      httpStatus: 503,
    });
    expect(await calls(INFO)).toBe(2);
  });

  test('acceptErrcodes turns a listed errcode into an answer', async () => {
    const { client } = freshCore();
    await faults([{ kind: 'errcode', errcode: 103006, path: INFO, next: 1 }]);
    await expect(
      client.getWechatClient('officialAccount').call({
        method: 'GET',
        path: INFO,
        query: { openid: USERS[0] },
        idempotent: true,
        acceptErrcodes: [103006],
      }),
    ).resolves.toMatchObject({ errcode: 103006 });
  });
});
