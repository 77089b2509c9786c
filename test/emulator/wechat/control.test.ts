import { DEMO_OA_USERS, DEMO_OPEN_ACCOUNTS, DEMO_PROMOTERS, DEMO_ROLES } from '../../../emulator/demo-data';
import { startWechatEmulator } from '../../../emulator/wechat';
import { APPS, oid, useEmulator } from './helpers';

const wx = useEmulator();

describe('clock', () => {
  test('GET returns now; POST advanceSeconds moves it forward; bad input is 400 naming the field', async () => {
    const before = await wx.ctl('GET', '/clock');
    expect(before).toMatchObject({
      now: expect.any(Number),
      iso: expect.any(String),
      chinaDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(Math.abs(before.now - Date.now() / 1000)).toBeLessThan(5);
    const after = await wx.ctl('POST', '/clock', { advanceSeconds: 3600 });
    expect(after.now - before.now).toBeGreaterThanOrEqual(3600);
    expect(after.offsetSeconds).toBe(3600);
    for (const body of [{ advanceSeconds: -1 }, { advanceSeconds: 'x' }, {}]) {
      const bad = await wx.control('POST', '/clock', body);
      expect(bad.status).toBe(400);
      expect(bad.json.error).toContain('advanceSeconds');
    }
  });
});

describe('faults', () => {
  test('errcode fault on the next N calls, then normal; a faulted call changes nothing', async () => {
    await wx.token();
    await wx.ctl('POST', '/faults', {
      rules: [{ kind: 'errcode', errcode: 45011, next: 2, path: '/promoter/addrole' }],
    });
    expect((await wx.post('/promoter/getrole', {})).errcode).toBe(0); // other paths untouched
    expect((await wx.post('/promoter/addrole', { name: 'a' })).errcode).toBe(45011);
    expect((await wx.post('/promoter/addrole', { name: 'a' })).errcode).toBe(45011);
    expect((await wx.post('/promoter/getrole', {})).total_cnt).toBe(1);
    expect((await wx.post('/promoter/addrole', { name: 'a' })).errcode).toBe(0);
    expect((await wx.ctl('GET', '/faults')).rules).toEqual([]);
  });

  test('errcode -1 (busy) and 45009 on any path; a rule without next or rate fires once', async () => {
    await wx.ctl('POST', '/faults', { kind: 'errcode', errcode: -1 });
    expect((await wx.stableToken('mp')).errcode).toBe(-1);
    expect((await wx.stableToken('mp')).access_token).toEqual(expect.any(String));
    await wx.token(); // fetched first, so the next fault hits the business call
    await wx.ctl('POST', '/faults', { kind: 'errcode', errcode: 45009 });
    expect((await wx.post('/promoter/getrole', {})).errcode).toBe(45009);
  });

  test('http fault answers the status with a non-JSON body', async () => {
    await wx.token();
    for (const status of [500, 502, 503]) {
      await wx.ctl('POST', '/faults', { kind: 'http', status, next: 1 });
      const reply = await wx.raw('POST', '/promoter/getrole', {
        query: { access_token: await wx.token() },
        body: '{}',
      });
      expect(reply.status).toBe(status);
      expect(() => JSON.parse(reply.text)).toThrow();
    }
  });

  test('drop destroys the socket; hang never answers (the client times out)', async () => {
    await wx.ctl('POST', '/faults', {
      rules: [{ kind: 'drop' }, { kind: 'hang', path: '/promoter/getrole' }],
    });
    await expect(fetch(`${wx.url}/cgi-bin/token`)).rejects.toThrow();
    const started = Date.now();
    const hung = fetch(`${wx.url}/promoter/getrole`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(300),
    });
    await expect(hung).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const calls = await wx.ctl('GET', '/calls');
    expect(calls.map((call: any) => [call.path, call.status, call.fault])).toEqual([
      ['/cgi-bin/token', 0, 'drop'],
      ['/promoter/getrole', 0, 'hang'],
    ]);
  });

  test('expire-tokens: every issued token answers 42001 from then on; a new token works', async () => {
    const old = await wx.token();
    await wx.ctl('POST', '/faults', { kind: 'expire-tokens', path: '/promoter/getrole' });
    expect((await wx.post('/promoter/getrole', {})).errcode).toBe(42001);
    expect((await wx.post('/promoter/getrole', {})).errcode).toBe(42001);
    const fresh = await wx.stableToken('mp');
    expect(fresh.access_token).not.toBe(old);
    wx.forgetTokens();
    expect((await wx.post('/promoter/getrole', {})).errcode).toBe(0);
  });

  test('rate 1 always fires, rate 0 never; DELETE clears rules and latency', async () => {
    await wx.token();
    await wx.ctl('POST', '/faults', { rules: [{ kind: 'errcode', errcode: 45011, rate: 0 }] });
    expect((await wx.post('/promoter/getrole', {})).errcode).toBe(0);
    await wx.ctl('POST', '/faults', {
      rules: [{ kind: 'errcode', errcode: 45011, rate: 1, path: '/promoter/getrole' }],
    });
    for (let i = 0; i < 3; i++) expect((await wx.post('/promoter/getrole', {})).errcode).toBe(45011);
    expect((await wx.ctl('GET', '/faults')).rules.find((rule: any) => rule.rate === 1).fired).toBe(3);
    expect(await wx.ctl('DELETE', '/faults')).toEqual({ rules: [], latencyMs: 0 });
    expect((await wx.post('/promoter/getrole', {})).errcode).toBe(0);
  });

  test('a POST with rules replaces the rules in place; {rules: []} clears them; latencyMs alone keeps them', async () => {
    await wx.token();
    await wx.ctl('POST', '/faults', { rules: [{ kind: 'errcode', errcode: 45011, next: 5 }] });
    await wx.ctl('POST', '/faults', { kind: 'errcode', errcode: -1, next: 5 });
    await wx.ctl('POST', '/faults', { latencyMs: 1 });
    const view = await wx.ctl('GET', '/faults');
    expect(view.rules).toEqual([expect.objectContaining({ errcode: -1, next: 5 })]);
    expect(view.latencyMs).toBe(1);
    expect(await wx.ctl('POST', '/faults', { rules: [] })).toEqual({ rules: [], latencyMs: 1 });
    expect((await wx.post('/promoter/getrole', {})).errcode).toBe(0);
  });

  test('latencyMs delays every WeChat call (not control calls)', async () => {
    await wx.token();
    await wx.ctl('POST', '/faults', { latencyMs: 150 });
    const started = Date.now();
    expect((await wx.post('/promoter/getrole', {})).errcode).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    // a minute's latency: a control call that waited for it would outlive the test, so no clock is read
    await wx.ctl('POST', '/faults', { latencyMs: 60_000 });
    expect(await wx.ctl('GET', '/faults')).toMatchObject({ latencyMs: 60_000 });
    await wx.ctl('DELETE', '/faults');
  });

  test('bad rules are a 400 naming the field', async () => {
    const cases: Array<[object, string]> = [
      [{ rules: [{ kind: 'boom' }] }, 'rules[0].kind'],
      [{ rules: [{ kind: 'errcode' }] }, 'rules[0].errcode'],
      [{ rules: [{ kind: 'http', status: 200 }] }, 'rules[0].status'],
      [{ rules: [{ kind: 'hang', rate: 2 }] }, 'rules[0].rate'],
      [{ rules: [{ kind: 'hang', next: 0 }] }, 'rules[0].next'],
      [{ rules: [{ kind: 'hang', path: 'promoter' }] }, 'rules[0].path'],
      [{ latencyMs: -5 }, 'latencyMs'],
    ];
    for (const [body, field] of cases) {
      const reply = await wx.control('POST', '/faults', body);
      expect(reply.status).toBe(400);
      expect(reply.json.error).toContain(field);
    }
    expect((await wx.ctl('GET', '/faults')).rules).toEqual([]);
  });
});

describe('call log', () => {
  test('records every WeChat call with secrets and tokens redacted; filter by path; clear', async () => {
    const token = await wx.token();
    await wx.plainToken('oa');
    await wx.post('/promoter/addrole', { name: '店员' });
    const calls = await wx.ctl('GET', '/calls');
    expect(calls).toHaveLength(3);
    expect(calls[0]).toMatchObject({
      seq: 1,
      at: expect.any(Number),
      method: 'POST',
      path: '/cgi-bin/stable_token',
      body: {
        grant_type: 'client_credential',
        appid: APPS.miniProgram.appid,
        secret: '***',
        force_refresh: false,
      },
      status: 200,
      answer: { access_token: '***', expires_in: 7200 },
    });
    expect(calls[1].query).toMatchObject({ secret: '***', appid: APPS.officialAccount.appid });
    expect(calls[2]).toMatchObject({
      path: '/promoter/addrole',
      query: { access_token: '***' },
      body: { name: '店员' },
    });
    expect(calls[2].answer).toMatchObject({ errcode: 0, role_id: 2 });
    const text = JSON.stringify(calls);
    expect(text).not.toContain(token);
    expect(text).not.toContain(APPS.miniProgram.secret);
    expect(text).not.toContain(APPS.officialAccount.secret);
    const filtered = await wx.ctl('GET', '/calls?path=/promoter/addrole');
    expect(filtered.map((call: any) => call.seq)).toEqual([3]);
    await wx.ctl('POST', '/calls/clear');
    expect(await wx.ctl('GET', '/calls')).toEqual([]);
    await wx.post('/promoter/getrole', {});
    expect((await wx.ctl('GET', '/calls'))[0].seq).toBe(4); // seq keeps counting after a clear
    await wx.ctl('DELETE', '/calls');
    expect(await wx.ctl('GET', '/calls')).toEqual([]);
  });
});

describe('reset and seeds', () => {
  test("'empty' holds only the default role 1", async () => {
    const state = await wx.ctl('GET', '/state');
    expect(state.miniProgram.roles).toEqual([{ roleId: 1, name: '推广员', desc: '' }]);
    expect(state.miniProgram.promoters).toEqual([]);
    expect(state.officialAccount.users).toEqual([]);
    expect(state.knownOpenAccounts).toEqual([...DEMO_OPEN_ACCOUNTS]);
    expect(state.miniProgram.union.openAccount).toBeNull();
  });

  test("'demo' holds the demo roles, promoters in every state, OA users and data for the bound ones", async () => {
    await wx.ctl('POST', '/reset', { seed: 'demo' });
    wx.forgetTokens();
    const roles = await wx.post('/promoter/getrole', {});
    expect(roles.role_list.map((role: any) => role.name)).toEqual(DEMO_ROLES.map((role) => role.name));
    const promoters = await wx.post('/promoter/getpromoter', {});
    expect(promoters.total_cnt).toBe(DEMO_PROMOTERS.length);
    const states = promoters.promoter_list.map((row: any) => `${row.auth_status}/${row.decl_status}`);
    expect(new Set(states)).toEqual(new Set(['1/1', '0/1', '2/1', '1/2']));
    const follower = await wx.get('/cgi-bin/user/info', { openid: DEMO_OA_USERS[0].openid }, 'oa');
    expect(follower).toMatchObject({ subscribe: 1, unionid: DEMO_OA_USERS[0].unionid });
    const zhang = DEMO_PROMOTERS[0];
    const relation = await wx.post('/promoter/getrelation', { openid: zhang.openid });
    expect(relation.total_cnt).toBeGreaterThan(0);
    const orders = await wx.post('/promoter/getorder', { openid: zhang.openid });
    expect(orders.total_cnt).toBeGreaterThan(0);
    // The demo promoter and the demo OA follower share a unionid.
    const withUnion = await wx.post('/promoter/getpromoter', { openid: zhang.openid, need_unionid: 1 });
    expect(withUnion.promoter_list[0].openid).toBe(DEMO_OA_USERS[0].unionid);
    const state = await wx.ctl('GET', '/state');
    const [message] = state.miniProgram.messages;
    const click = await wx.post('/promoter/getmsgclickdata', {
      send_date: new Date((message.sendTime + 8 * 3600) * 1000).toISOString().slice(0, 10),
      dimonsion: 0,
      msg_id: message.msgId,
    });
    expect(click.data_list[0].click_uv).toBeGreaterThan(0);
    expect(state.miniProgram.union.openAccount).toBeNull();
  });

  test('reset clears data, faults and the call log; a bad seed is 400', async () => {
    await wx.post('/promoter/addrole', { name: 'x' });
    await wx.ctl('POST', '/faults', { kind: 'errcode', errcode: -1, next: 5 });
    await wx.ctl('POST', '/reset');
    const state = await wx.ctl('GET', '/state');
    expect(state.miniProgram.roles).toHaveLength(1);
    expect(state.faults.rules).toEqual([]);
    expect(await wx.ctl('GET', '/calls')).toEqual([]);
    const bad = await wx.control('POST', '/reset', { seed: 'full' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('seed');
  });
});

describe('control input', () => {
  test('mp-users: a unionid already taken is 400 and nothing changes', async () => {
    await wx.ctl('POST', '/mp-users', [{ openid: oid('A'), unionid: oid('Shared', 'u') }]);
    const clash = await wx.control('POST', '/mp-users', [
      { openid: oid('C'), rejectsMessages: true },
      { openid: oid('B'), unionid: oid('Shared', 'u') },
    ]);
    expect(clash.status).toBe(400);
    expect(clash.json.error).toContain('users[1].unionid');
    const users = (await wx.ctl('GET', '/state')).miniProgram.users;
    expect(users.map((user: any) => user.openid)).toEqual([oid('A')]);
  });

  test('bulk: checks count, roleId, states and prefix', async () => {
    const cases: Array<[object, string]> = [
      [{}, 'count'],
      [{ count: 0 }, 'count'],
      [{ count: 5, roleId: 9 }, 'roleId'],
      [{ count: 5, authStatus: 3 }, 'authStatus'],
      [{ count: 5, declStatus: 0 }, 'declStatus'],
      [{ count: 5, prefix: 'bad prefix' }, 'prefix'],
    ];
    for (const [body, field] of cases) {
      const reply = await wx.control('POST', '/promoters/bulk', body);
      expect(reply.status).toBe(400);
      expect(reply.json.error).toContain(field);
    }
    const made = await wx.ctl('POST', '/promoters/bulk', {
      count: 3,
      authStatus: 1,
      retailId: 'SH',
      prefix: 'oX',
    });
    expect(made).toMatchObject({
      created: 3,
      firstId: '1',
      lastId: '3',
      firstOpenid: expect.stringMatching(/^oX0+1$/),
    });
    expect(made.firstOpenid).toHaveLength(28);
  });

  test('promoters: adds people with their own fields; a bad or taken row is 400 and nothing is added', async () => {
    const person = {
      openid: oid('Ann'),
      name: '安然',
      phone: '13912345678',
      retailId: 'SH',
      updateTime: 1000,
    };
    const cases: Array<[object[], string]> = [
      [[{ ...person, name: undefined }], 'promoters[0].name'],
      [[person, { ...person, phone: '1' }], 'promoters[1].openid'],
      [[{ ...person, roleId: 9 }], 'promoters[0].roleId'],
      [[{ ...person, authStatus: 5 }], 'promoters[0].authStatus'],
      [[{ ...person, name: '名'.repeat(11) }], 'promoters[0].name'],
    ];
    for (const [promoters, field] of cases) {
      const reply = await wx.control('POST', '/promoters', { promoters });
      expect(reply.status).toBe(400);
      expect(reply.json.error).toContain(field);
    }
    expect((await wx.ctl('GET', '/state')).miniProgram.promoters).toEqual([]);
    const made = await wx.ctl('POST', '/promoters', [
      person,
      { openid: oid('Bo'), name: '薄荷', phone: '13800001111', authStatus: 2, declStatus: 2 },
    ]);
    expect(made).toEqual({ created: 2, firstId: '1', lastId: '2' });
    const rows = (await wx.post('/promoter/getpromoter', {})).promoter_list;
    expect(
      rows.map((row: any) => [row.name, row.phone, row.retail_id, row.auth_status, row.decl_status]),
    ).toEqual([
      ['安然', '13912345678', 'SH', 0, 1],
      ['薄荷', '13800001111', '', 2, 2],
    ]);
    const again = await wx.control('POST', '/promoters', [person]);
    expect(again.status).toBe(400);
    expect(again.json.error).toContain('already a promoter');
  });

  test('relations and orders: each row may name its promoter; rows for one promoter as before', async () => {
    await wx.ctl('POST', '/promoters', [
      { openid: oid('Ann'), name: '安然', phone: '1', authStatus: 1 },
      { openid: oid('Bo'), name: '薄荷', phone: '2', authStatus: 1 },
    ]);
    await wx.ctl('POST', '/relations', {
      rows: [
        { promoter: oid('Ann'), openid: oid('V1') },
        { promoter: oid('Bo'), openid: oid('V2') },
      ],
    });
    await wx.ctl('POST', '/orders', { rows: [{ promoter: oid('Bo'), openid: oid('V2'), paidAmount: 990 }] });
    expect((await wx.post('/promoter/getrelation', { openid: oid('Ann') })).total_cnt).toBe(1);
    expect((await wx.post('/promoter/getorder', { openid: oid('Bo') })).total_cnt).toBe(1);
    const noPromoter = await wx.control('POST', '/relations', { rows: [{ openid: oid('V3') }] });
    expect(noPromoter.status).toBe(400);
    expect(noPromoter.json.error).toContain('rows[0].promoter');
    const unknown = await wx.control('POST', '/relations', {
      rows: [{ promoter: oid('Nobody'), openid: oid('V3') }],
    });
    expect(unknown.status).toBe(404);
  });

  test('unknown control path 404, wrong method 405, body not JSON 400', async () => {
    expect((await wx.control('GET', '/nothing')).status).toBe(404);
    expect((await wx.control('GET', '/reset')).status).toBe(405);
    const reply = await wx.raw('POST', '/__control/users', { body: '{oops' });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toContain('body');
  });

  test('apps returns the credentials the stand-in accepts', async () => {
    expect(await wx.ctl('GET', '/apps')).toEqual(APPS);
  });
});

describe('robustness of the WeChat side', () => {
  test('unknown path is errcode 40066 "invalid url" with HTTP 200', async () => {
    const reply = await wx.raw('POST', '/promoter/deleterole', { body: '{}' });
    expect(reply.status).toBe(200);
    expect(reply.json.errcode).toBe(40066);
    expect(reply.json.errmsg).toContain('invalid url');
  });

  test('body not JSON 47001, empty body 44002, JSON that is not an object 47001, GET on POST 43002', async () => {
    const token = await wx.token();
    const call = async (method: string, body?: string) =>
      (await wx.raw(method, '/promoter/getrole', { query: { access_token: token }, body })).json.errcode;
    expect(await call('POST', 'role_id=1')).toBe(47001);
    expect(await call('POST', '')).toBe(44002);
    expect(await call('POST', '[1]')).toBe(47001);
    expect(await call('GET')).toBe(43002);
  });

  test('errmsg carries a request id, so clients cannot match on its text', async () => {
    const first = await wx.post('/promoter/getrole', { role_id: 99 });
    const second = await wx.post('/promoter/getrole', { role_id: 99 });
    expect(first.errmsg).toMatch(/^data not exist .*rid: /);
    expect(first.errmsg).not.toBe(second.errmsg);
  });
});

describe('programmatic interface', () => {
  test('startWechatEmulator: url without trailing slash, seed demo, close() ends hanging calls', async () => {
    const emulator = await startWechatEmulator({ seed: 'demo', apps: APPS });
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}`);
    const state = (await (await fetch(`${emulator.url}/__control/state`)).json()) as any;
    expect(state.miniProgram.promoters).toHaveLength(DEMO_PROMOTERS.length);
    await fetch(`${emulator.url}/__control/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'hang' }),
    });
    const hanging = fetch(`${emulator.url}/promoter/getrole`, { method: 'POST', body: '{}' }).then(
      () => 'answered',
      () => 'connection closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await emulator.close();
    expect(await hanging).toBe('connection closed');
  });
});

describe('readings', () => {
  test('GET answers the defaults; POST switches one, refuses unknown names and values; reset restores', async () => {
    expect(await wx.ctl('GET', '/readings')).toEqual({
      getpromoterTotalCnt: 'grand-total',
      sendmsgBelow50: 'accept',
      shareMaterialUnbound: 103006,
      clickDataMsgId: 'optional',
      shareEnvVersion: 'accept',
    });
    expect(await wx.ctl('POST', '/readings', { getpromoterTotalCnt: 'page' })).toMatchObject({
      getpromoterTotalCnt: 'page',
      sendmsgBelow50: 'accept',
    });
    const unknown = await wx.control('POST', '/readings', { colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toContain('colour');
    const bad = await wx.control('POST', '/readings', { shareMaterialUnbound: 1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('103006, 103014');
    await wx.ctl('POST', '/reset');
    expect((await wx.ctl('GET', '/readings')).getpromoterTotalCnt).toBe('grand-total');
  });

  test("getpromoter total_cnt: the grand total on every page, or with 'page' each page's own count", async () => {
    await wx.ctl('POST', '/promoters/bulk', { count: 2500 });
    const counts = async () => {
      const first = await wx.post('/promoter/getpromoter', {});
      const last = first.promoter_list.at(-1).id;
      const second = await wx.post('/promoter/getpromoter', { start_id: last });
      return [first.total_cnt, second.total_cnt];
    };
    expect(await counts()).toEqual([2500, 2500]);
    await wx.ctl('POST', '/readings', { getpromoterTotalCnt: 'page' });
    expect(await counts()).toEqual([2000, 500]);
  });
});
