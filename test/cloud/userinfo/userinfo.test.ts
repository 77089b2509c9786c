/** The userinfo function: OA user info with UnionID, batches of 100, bisection on 40003, the cache. */
import type { OaUser } from '../../../typings/contract/userinfo';
import { demoId } from '../../../emulator/demo-data';
import { callFresh, loadFreshFunction, useTestStack, wechatControl } from '../harness';
import { ADMIN, MANAGER_SH, STRANGER, errorOf, okData, seedStaff } from '../core/helpers';

const env = useTestStack();

const FANS = Array.from({ length: 240 }, (_, i) => demoId(`Fan-${i}-x`));
const GONE = demoId('Gone-fan');
const BATCH = '/cgi-bin/user/info/batchget';
const INFO = '/cgi-bin/user/info';

beforeEach(async () => {
  await wechatControl(env.stack).users([
    ...FANS.map((openid, i) => ({
      openid,
      subscribed: true,
      remark: `r${i}`,
      tagIds: [i % 3],
      subscribeTime: 1_700_000_000 + i,
    })),
    { openid: GONE, subscribed: false },
  ]);
});

const calls = async (path: string) => (await wechatControl(env.stack).calls(path)).length;

describe('user.get', () => {
  test('a follower, a former follower and an unknown openid; a repeat costs no WeChat call', async () => {
    const fn = loadFreshFunction('userinfo');
    const fan = okData<OaUser>(await callFresh(fn, { action: 'user.get', openid: FANS[1] }, ADMIN));
    expect(fan).toEqual({
      openid: FANS[1],
      state: 'subscribed',
      unionid: expect.stringMatching(/^[A-Za-z0-9_-]{28}$/),
      subscribeTime: 1_700_000_001,
      remark: 'r1',
      tagIds: [1],
      subscribeScene: 'ADD_SCENE_QR_CODE',
    });
    const gone = okData<OaUser>(await callFresh(fn, { action: 'user.get', openid: GONE }, ADMIN));
    expect(gone).toMatchObject({ openid: GONE, state: 'unsubscribed' });
    expect(gone.subscribeTime).toBeUndefined();
    const stranger = demoId('Nobody');
    expect(okData(await callFresh(fn, { action: 'user.get', openid: stranger }, ADMIN))).toEqual({
      openid: stranger,
      state: 'unknown',
    });
    expect(await calls(INFO)).toBe(3);

    for (const openid of [FANS[1], GONE, stranger])
      okData(await callFresh(fn, { action: 'user.get', openid }, ADMIN));
    expect(await calls(INFO)).toBe(3);
  });

  test('params are validated before any WeChat call', async () => {
    const fn = loadFreshFunction('userinfo');
    expect(errorOf(await callFresh(fn, { action: 'user.get', openid: 'bad' }, ADMIN))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'openid',
    });
    expect(
      errorOf(await callFresh(fn, { action: 'user.get', openid: FANS[0], lang: 'fr' }, ADMIN)),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'lang',
    });
    expect(await wechatControl(env.stack).calls()).toHaveLength(0);
  });

  test('staff only: a manager may, anyone else is FORBIDDEN', async () => {
    await seedStaff(env.stack);
    const fn = loadFreshFunction('userinfo');
    okData(await callFresh(fn, { action: 'user.get', openid: FANS[0] }, MANAGER_SH));
    expect(errorOf(await callFresh(fn, { action: 'user.get', openid: FANS[0] }, STRANGER)).code).toBe(
      'FORBIDDEN',
    );
    expect(errorOf(await callFresh(fn, { action: 'user.batchGet', openids: [FANS[0]] }, STRANGER)).code).toBe(
      'FORBIDDEN',
    );
  });

  test('WeChat errors arrive typed: 48001 (no permission) is UPSTREAM_ERROR with the errcode', async () => {
    await wechatControl(env.stack).faults([{ kind: 'errcode', errcode: 48001, path: INFO, next: 1 }]);
    const error = errorOf(
      await callFresh(loadFreshFunction('userinfo'), { action: 'user.get', openid: FANS[0] }, ADMIN),
    );
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', errcode: 48001 });
  });
});

describe('user.batchGet', () => {
  test('answers in input order with duplicates, reports unknown and unsubscribed users, 100 per call', async () => {
    const fn = loadFreshFunction('userinfo');
    const unknown = [demoId('Ghost-1'), demoId('Ghost-2'), demoId('Ghost-3')];
    const openids = [
      ...FANS.slice(0, 120),
      unknown[0],
      GONE,
      ...FANS.slice(120, 200),
      unknown[1],
      FANS[5],
      FANS[5],
      unknown[2],
      unknown[0],
    ];
    const { users } = okData<{ users: OaUser[] }>(
      await callFresh(fn, { action: 'user.batchGet', openids }, ADMIN),
    );
    expect(users.map((u) => u.openid)).toEqual(openids);
    const stateOf = (openid: string) => users.find((u) => u.openid === openid)!.state;
    for (const ghost of unknown) expect(stateOf(ghost)).toBe('unknown');
    expect(stateOf(GONE)).toBe('unsubscribed');
    expect(users.filter((u) => u.state === 'subscribed')).toHaveLength(openids.length - 5);
    expect(users[0]).toMatchObject({ openid: FANS[0], remark: 'r0', unionid: expect.any(String) });

    // 204 distinct openids → 3 batches; each failing batch is bisected: bounded, far below one call per openid
    const batchCalls = await wechatControl(env.stack).calls(BATCH);
    expect(batchCalls.every((c) => (c.body as { user_list: unknown[] }).user_list.length <= 100)).toBe(true);
    expect(batchCalls.length).toBeGreaterThan(3);
    expect(batchCalls.length).toBeLessThanOrEqual(3 + 3 * 2 * 7);

    // all cached for 10 minutes: the same request again costs nothing
    okData(await callFresh(fn, { action: 'user.batchGet', openids }, ADMIN));
    expect(await calls(BATCH)).toBe(batchCalls.length);
  });

  test('a batch without unknown openids is one call per 100', async () => {
    const fn = loadFreshFunction('userinfo');
    okData(await callFresh(fn, { action: 'user.batchGet', openids: FANS.slice(0, 230) }, ADMIN));
    expect(await calls(BATCH)).toBe(3);
  });

  test('up to 1000 openids; 1001 or none is INVALID_ARGUMENT naming openids; a bad one is named by index', async () => {
    const fn = loadFreshFunction('userinfo');
    const many = Array.from({ length: 1001 }, (_, i) => FANS[i % FANS.length]);
    expect(errorOf(await callFresh(fn, { action: 'user.batchGet', openids: many }, ADMIN))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'openids',
    });
    expect(errorOf(await callFresh(fn, { action: 'user.batchGet', openids: [] }, ADMIN)).field).toBe(
      'openids',
    );
    expect(
      errorOf(await callFresh(fn, { action: 'user.batchGet', openids: [FANS[0], 'x'] }, ADMIN)).field,
    ).toBe('openids[1]');
    const thousand = okData<{ users: OaUser[] }>(
      await callFresh(fn, { action: 'user.batchGet', openids: many.slice(0, 1000) }, ADMIN),
    );
    expect(thousand.users).toHaveLength(1000);
    expect(await calls(BATCH)).toBe(3); // 240 distinct openids
  });

  test('too many unknown openids stop at the call budget with a clear error; what was found stays cached', async () => {
    const fn = loadFreshFunction('userinfo');
    const ghosts = Array.from({ length: 200 }, (_, i) => demoId(`Ghost-${i}-x`));
    const error = errorOf(await callFresh(fn, { action: 'user.batchGet', openids: ghosts }, ADMIN));
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'openids' });
    const spent = await calls(BATCH);
    expect(spent).toBeLessThanOrEqual(150);
    // nothing keeps calling WeChat after the answer
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await calls(BATCH)).toBe(spent);
  });

  describe.each([
    [2, 20],
    [10, 100],
  ])('1000 openids with %i %% unknown', (_percent, unknownCount) => {
    test('each retry continues where the last stopped; the message states the real number of queries', async () => {
      const fn = loadFreshFunction('userinfo');
      const openids = Array.from({ length: 1000 }, (_, i) => demoId(`Many-${i}-x`));
      // unknown openids spread over the list (every (1000 / unknownCount)th, offset by 7)
      const step = 1000 / unknownCount;
      const unknown = new Set(openids.filter((_, i) => i % step === 7 % step));
      expect(unknown.size).toBe(unknownCount);
      await wechatControl(env.stack).users(
        openids.filter((o) => !unknown.has(o)).map((openid) => ({ openid, subscribed: true })),
      );
      await wechatControl(env.stack).clearCalls();
      const opens: number[] = [];
      let users: OaUser[] | undefined;
      for (let attempt = 1; attempt <= 6 && !users; attempt++) {
        const before = await calls(BATCH);
        const answer = await callFresh(fn, { action: 'user.batchGet', openids }, ADMIN);
        const made = (await calls(BATCH)) - before;
        expect(made).toBeLessThanOrEqual(150);
        if ((answer as { ok: boolean }).ok) {
          users = okData<{ users: OaUser[] }>(answer).users;
          break;
        }
        const error = errorOf(answer);
        expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'openids' });
        const [, said, open] = /查询了 (\d+) 次，还有 (\d+) 个/.exec(error.message) ?? [];
        expect(Number(said)).toBe(made);
        opens.push(Number(open));
      }
      expect(users).toBeDefined();
      // every failed attempt left fewer openids open than the one before
      opens.forEach((open, i) => expect(open).toBeLessThan(i === 0 ? 1000 : opens[i - 1]));
      expect(users!.filter((u) => u.state === 'unknown').map((u) => u.openid)).toEqual([...unknown]);
      expect(users!.filter((u) => u.state === 'subscribed')).toHaveLength(1000 - unknownCount);
    }, 30_000);
  });
});
