import { oid, useEmulator } from './helpers';

const wx = useEmulator();

const FOLLOWER = oid('Follower');
const GONE = oid('Unfollowed');

async function addUsers(): Promise<void> {
  await wx.ctl('POST', '/users', [
    {
      openid: FOLLOWER,
      unionid: oid('Follower', 'u'),
      subscribed: true,
      remark: '老客户',
      subscribeTime: 1434093047,
    },
    { openid: GONE, unionid: oid('Unfollowed', 'u'), subscribed: false },
  ]);
}

describe('GET /cgi-bin/user/info', () => {
  test('a follower: the documented fields, no nickname/headimgurl (removed 2021-12-27), no errcode', async () => {
    await addUsers();
    const answer = await wx.get('/cgi-bin/user/info', { openid: FOLLOWER, lang: 'zh_CN' }, 'oa');
    expect(answer).toEqual({
      subscribe: 1,
      openid: FOLLOWER,
      subscribe_time: 1434093047,
      unionid: oid('Follower', 'u'),
      remark: '老客户',
      groupid: 0,
      tagid_list: [],
      subscribe_scene: 'ADD_SCENE_QR_CODE',
      qr_scene: 0,
      qr_scene_str: '',
    });
    for (const removed of ['nickname', 'headimgurl', 'sex', 'city', 'province', 'country']) {
      expect(answer).not.toHaveProperty(removed);
    }
  });

  test('subscribe 0 returns only subscribe, openid and unionid', async () => {
    await addUsers();
    expect(await wx.get('/cgi-bin/user/info', { openid: GONE }, 'oa')).toEqual({
      subscribe: 0,
      openid: GONE,
      unionid: oid('Unfollowed', 'u'),
    });
  });

  test('unknown, malformed or missing openid is 40003', async () => {
    await addUsers();
    expect((await wx.get('/cgi-bin/user/info', { openid: oid('Stranger') }, 'oa')).errcode).toBe(40003);
    expect((await wx.get('/cgi-bin/user/info', { openid: `${FOLLOWER.slice(0, 27)}!` }, 'oa')).errcode).toBe(
      40003,
    );
    expect((await wx.get('/cgi-bin/user/info', {}, 'oa')).errcode).toBe(40003);
  });

  test("the mini program's token is 48001; POST is 43001", async () => {
    await addUsers();
    expect((await wx.get('/cgi-bin/user/info', { openid: FOLLOWER }, 'mp')).errcode).toBe(48001);
    expect((await wx.post('/cgi-bin/user/info', {}, 'oa')).errcode).toBe(43001);
  });

  test('a follower added without a unionid gets a stable derived one', async () => {
    await wx.ctl('POST', '/users', { users: [{ openid: FOLLOWER, subscribed: true }] });
    const first = await wx.get('/cgi-bin/user/info', { openid: FOLLOWER }, 'oa');
    expect(first.unionid).toMatch(/^[A-Za-z0-9_-]{28}$/);
  });
});

describe('POST /cgi-bin/user/info/batchget', () => {
  test('replays the official example: one follower and one not following', async () => {
    await addUsers();
    const answer = await wx.post(
      '/cgi-bin/user/info/batchget',
      {
        user_list: [
          { openid: FOLLOWER, lang: 'zh-CN' },
          { openid: GONE, lang: 'zh-CN' },
        ],
      },
      'oa',
    );
    expect(answer.errcode).toBeUndefined();
    expect(answer.user_info_list).toEqual([
      expect.objectContaining({
        subscribe: 1,
        openid: FOLLOWER,
        unionid: oid('Follower', 'u'),
        remark: '老客户',
      }),
      { subscribe: 0, openid: GONE, unionid: oid('Unfollowed', 'u') },
    ]);
  });

  test('1..100 openids, else 40032', async () => {
    await addUsers();
    const post = async (body: object) => (await wx.post('/cgi-bin/user/info/batchget', body, 'oa')).errcode;
    expect(await post({ user_list: [] })).toBe(40032);
    expect(await post({})).toBe(40032);
    expect(await post({ user_list: Array.from({ length: 101 }, () => ({ openid: FOLLOWER })) })).toBe(40032);
    const hundred = await wx.post(
      '/cgi-bin/user/info/batchget',
      { user_list: Array.from({ length: 100 }, () => ({ openid: FOLLOWER })) },
      'oa',
    );
    expect(hundred.user_info_list).toHaveLength(100);
  });

  test('one unknown or malformed openid fails the whole call with 40003', async () => {
    await addUsers();
    const post = async (list: unknown[]) =>
      (await wx.post('/cgi-bin/user/info/batchget', { user_list: list }, 'oa')).errcode;
    expect(await post([{ openid: FOLLOWER }, { openid: oid('Stranger') }])).toBe(40003);
    expect(await post([{ openid: FOLLOWER }, { openid: 'bad' }])).toBe(40003);
    expect(await post([FOLLOWER])).toBe(40003);
  });

  test('body errors: empty 44002, not JSON 47001', async () => {
    const token = await wx.token('oa');
    const empty = await wx.raw('POST', '/cgi-bin/user/info/batchget', {
      query: { access_token: token },
      body: '',
    });
    expect(empty.json.errcode).toBe(44002);
    const text = await wx.raw('POST', '/cgi-bin/user/info/batchget', {
      query: { access_token: token },
      body: 'user_list=1',
    });
    expect(text.json.errcode).toBe(47001);
  });
});

describe('control /users', () => {
  test('bad input is a 400 naming the field; nothing is stored', async () => {
    const missing = await wx.control('POST', '/users', [
      { openid: FOLLOWER, subscribed: true },
      { openid: GONE },
    ]);
    expect(missing.status).toBe(400);
    expect(missing.json.error).toContain('users[1].subscribed');
    const bad = await wx.control('POST', '/users', [{ openid: 'short', subscribed: true }]);
    expect(bad.json.error).toContain('users[0].openid');
    expect((await wx.ctl('GET', '/state')).officialAccount.users).toEqual([]);
  });
});
