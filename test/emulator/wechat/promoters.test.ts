import { ascii, chinese, oid, useEmulator } from './helpers';

const wx = useEmulator();

const item = (label: string, extra: Record<string, unknown> = {}) => ({
  openid: oid(label),
  role_id: 1,
  ...extra,
});

/** The promoter row getpromoter answers for the openid of `label`. */
const rowOf = async (label: string) =>
  (await wx.post('/promoter/getpromoter', { openid: oid(label) })).promoter_list[0];

describe('addpromoter', () => {
  test('replays the official request example (2 items) and its duplicate answer', async () => {
    const example = [
      {
        openid: oid('Sample-a'),
        role_id: 1,
        retail_id: 'xxxxx',
        extra_info: 'xxxxx',
        name: 'xxxxx',
        phone: 'xxxxx',
      },
      {
        openid: oid('Sample-b'),
        role_id: 1,
        retail_id: 'xxxxx',
        extra_info: 'xxxxx',
        name: 'xxxxx',
        phone: 'xxxxx',
      },
    ];
    const first = await wx.post('/promoter/addpromoter', { promoter_list: example });
    expect(first).toEqual({ errcode: 0, errmsg: 'ok', total_cnt: 2, fail_cnt: 0, fail_list: [] });
    const again = await wx.post('/promoter/addpromoter', { promoter_list: example });
    expect(again).toMatchObject({ errcode: 0, total_cnt: 0, fail_cnt: 2 });
    expect(again.fail_list[1]).toEqual({ ...example[1], errcode: 103003, errmsg: 'data already exists' });
  });

  test('new promoters: auth_status 0, decl_status 1, update_time now, increasing string ids', async () => {
    const now = await wx.now();
    await wx.post('/promoter/addpromoter', { promoter_list: [item('New-1'), item('New-2'), item('New-3')] });
    const { promoter_list: rows } = await wx.post('/promoter/getpromoter', {});
    expect(rows.map((row: any) => row.id)).toEqual(['1', '2', '3']);
    expect(rows[0]).toEqual({
      id: '1',
      openid: oid('New-1'),
      role_id: 1,
      retail_id: '',
      extra_info: '',
      name: '',
      phone: '',
      auth_status: 0,
      decl_status: 1,
      update_time: expect.any(Number),
    });
    expect(Math.abs(rows[0].update_time - now)).toBeLessThanOrEqual(5); // "now", with room for a busy machine
  });

  test('promoter_list of 0, 11 or none is a top-level 103001', async () => {
    expect((await wx.post('/promoter/addpromoter', { promoter_list: [] })).errcode).toBe(103001);
    const eleven = Array.from({ length: 11 }, (_, i) => item(`Eleven-${i}`));
    expect((await wx.post('/promoter/addpromoter', { promoter_list: eleven })).errcode).toBe(103001);
    expect((await wx.post('/promoter/addpromoter', {})).errcode).toBe(103001);
    const ten = Array.from({ length: 10 }, (_, i) => item(`Ten-${i}`));
    expect((await wx.post('/promoter/addpromoter', { promoter_list: ten })).total_cnt).toBe(10);
  });

  test('per-item failures keep the top-level errcode 0 and echo each item as sent', async () => {
    const items = [
      item('Good-1'),
      { openid: 'short', role_id: 1 },
      { openid: 'o'.repeat(27) + '!', role_id: 1 },
      item('Role-9', { role_id: 9 }),
      item('Retail', { retail_id: ascii(21) }),
      item('Extra', { extra_info: ascii(81) }),
      item('Name', { name: chinese(11) }),
      item('Phone', { phone: '1'.repeat(21) }),
      { role_id: 1 },
      item('Good-2', {
        retail_id: ascii(20),
        extra_info: ascii(80),
        name: `${chinese(10)}`,
        phone: '1'.repeat(20),
      }),
    ];
    const answer = await wx.post('/promoter/addpromoter', { promoter_list: items });
    expect(answer).toMatchObject({ errcode: 0, total_cnt: 2, fail_cnt: 8 });
    expect(answer.fail_list.map((fail: any) => fail.errcode)).toEqual([
      103007, 103007, 103006, 103002, 103002, 103002, 103002, 103001,
    ]);
    expect(answer.fail_list[2]).toEqual({ ...items[3], errcode: 103006, errmsg: 'data not exist' });
    expect((await wx.post('/promoter/getpromoter', {})).total_cnt).toBe(2);
  });

  test('the same openid twice in one call: the second is 103003', async () => {
    const answer = await wx.post('/promoter/addpromoter', { promoter_list: [item('Twice'), item('Twice')] });
    expect(answer).toMatchObject({ total_cnt: 1, fail_cnt: 1, fail_list: [{ errcode: 103003 }] });
  });

  test('openid may be a unionid; the promoter is one user either way', async () => {
    await wx.ctl('POST', '/mp-users', [{ openid: oid('Uni-open'), unionid: oid('Uni-union', 'u') }]);
    const byUnion = await wx.post('/promoter/addpromoter', {
      promoter_list: [{ openid: oid('Uni-union', 'u'), role_id: 1 }],
    });
    expect(byUnion.total_cnt).toBe(1);
    const row = (await wx.post('/promoter/getpromoter', {})).promoter_list[0];
    expect(row.openid).toBe(oid('Uni-open'));
    const withUnion = await wx.post('/promoter/getpromoter', { need_unionid: 1 });
    expect(withUnion.promoter_list[0].openid).toBe(oid('Uni-union', 'u'));
    expect((await wx.post('/promoter/getpromoter', { openid: oid('Uni-union', 'u') })).total_cnt).toBe(1);
    const byOpenid = await wx.post('/promoter/addpromoter', { promoter_list: [item('Uni-open')] });
    expect(byOpenid.fail_list[0].errcode).toBe(103003);
  });

  test('an unseen openid becomes a user with a stable derived unionid', async () => {
    await wx.post('/promoter/addpromoter', { promoter_list: [item('Fresh')] });
    const state = await wx.ctl('GET', '/state');
    const user = state.miniProgram.users.find((u: any) => u.openid === oid('Fresh'));
    expect(user.unionid).toMatch(/^[A-Za-z0-9_-]{28}$/);
    expect(user.unionid).not.toBe(oid('Fresh'));
    await wx.ctl('POST', '/reset');
    wx.forgetTokens(); // reset forgets issued tokens
    await wx.post('/promoter/addpromoter', { promoter_list: [item('Fresh')] });
    const again = await wx.ctl('GET', '/state');
    expect(again.miniProgram.users[0].unionid).toBe(user.unionid);
  });

  test('a cancelled promoter cannot be declared again (103003, any decl_status)', async () => {
    const [id] = await wx.declare([item('Cancel')]);
    await wx.post('/promoter/updatepromoter', { id, decl_status: 2 });
    const again = await wx.post('/promoter/addpromoter', { promoter_list: [item('Cancel')] });
    expect(again.fail_list[0].errcode).toBe(103003);
  });

  test('the declared cap is 50 000 (103005); bulk fills it fast', async () => {
    const bulk = await wx.ctl('POST', '/promoters/bulk', { count: 49_999 });
    expect(bulk.created).toBe(49_999);
    const answer = await wx.post('/promoter/addpromoter', { promoter_list: [item('Cap-1'), item('Cap-2')] });
    expect(answer).toMatchObject({ errcode: 0, total_cnt: 1, fail_cnt: 1, fail_list: [{ errcode: 103005 }] });
  });
});

describe('getpromoter', () => {
  async function fixture(): Promise<string[]> {
    await wx.post('/promoter/addrole', { name: '店员' });
    return wx.declare([
      item('F-a', { retail_id: 'SH', name: '甲' }),
      item('F-b', { role_id: 2, retail_id: 'SH' }),
      item('F-c', { retail_id: 'BJ' }),
      item('F-d', { role_id: 2, retail_id: 'BJ' }),
    ]);
  }

  test('replays the official request example shape (all filters, need_unionid 1)', async () => {
    const [id] = await fixture();
    await wx.bind(oid('F-a'));
    const now = await wx.now();
    const answer = await wx.post('/promoter/getpromoter', {
      openid: oid('F-a'),
      role_id: 1,
      retail_id: 'SH',
      begin_time: now - 60,
      end_time: now + 60,
      start_id: '0',
      need_unionid: 1,
      auth_status: 1,
      decl_status: 1,
    });
    expect(answer).toMatchObject({ errcode: 0, total_cnt: 1 });
    expect(answer.promoter_list[0]).toMatchObject({ id, name: '甲', auth_status: 1, decl_status: 1 });
    expect(answer.promoter_list[0].openid).toMatch(/^u/); // the unionid, not the openid
  });

  test('filters: role_id, retail_id, auth_status and decl_status as number or string', async () => {
    const [a, b, c, d] = await fixture();
    await wx.bind(oid('F-b'));
    await wx.bind(oid('F-c'));
    await wx.bind(oid('F-c'), 'revoke');
    await wx.post('/promoter/updatepromoter', { id: d, decl_status: 2 });
    const ids = async (filter: object) => {
      const answer = await wx.post('/promoter/getpromoter', filter);
      return answer.errcode === 0 ? answer.promoter_list.map((row: any) => row.id) : answer.errcode;
    };
    expect(await ids({ role_id: 2 })).toEqual([b, d]);
    expect(await ids({ retail_id: 'BJ' })).toEqual([c, d]);
    expect(await ids({ auth_status: 1 })).toEqual([b]);
    expect(await ids({ auth_status: '2' })).toEqual([c]);
    expect(await ids({ auth_status: 0 })).toEqual([a, d]);
    expect(await ids({ decl_status: 2 })).toEqual([d]);
    expect(await ids({ decl_status: '1' })).toEqual([a, b, c]);
    expect(await ids({ role_id: 2, retail_id: 'SH' })).toEqual([b]);
    expect(await ids({ openid: oid('Nobody') })).toBe(103006);
  });

  test('begin_time / end_time select by update_time (auth-status change time)', async () => {
    const [a, b] = await fixture();
    const t0 = await wx.now();
    await wx.advance(1000);
    await wx.bind(oid('F-b'));
    const ids = async (filter: object) =>
      (await wx.post('/promoter/getpromoter', filter)).promoter_list?.map((row: any) => row.id);
    expect(await ids({ begin_time: t0 + 500 })).toEqual([b]);
    expect(await ids({ end_time: t0 + 500 })).toEqual(expect.arrayContaining([a]));
    expect(await ids({ end_time: t0 + 500 })).not.toContain(b);
  });

  test('pages of 2000 by id ascending, start_id exclusive, total_cnt = all matching; then 103006', async () => {
    // (how fast bulk creation is belongs to a benchmark, not here: the suite runs on busy machines too)
    const bulk = await wx.ctl('POST', '/promoters/bulk', { count: 4500 });
    expect(bulk).toMatchObject({ created: 4500, firstId: '1', lastId: '4500' });
    const pages: string[][] = [];
    let startId = '';
    for (;;) {
      const answer = await wx.post('/promoter/getpromoter', { start_id: startId });
      if (answer.errcode === 103006) break;
      expect(answer.total_cnt).toBe(4500);
      const ids = answer.promoter_list.map((row: any) => row.id);
      pages.push(ids);
      startId = ids[ids.length - 1];
    }
    expect(pages.map((page) => page.length)).toEqual([2000, 2000, 500]);
    const all = pages.flat().map(Number);
    expect(all).toEqual([...all].sort((x, y) => x - y));
    expect(new Set(all).size).toBe(4500);
    expect(pages[1][0]).toBe('2001');
  });

  test('nothing matching is 103006 "data not exist"', async () => {
    const answer = await wx.post('/promoter/getpromoter', {});
    expect(answer.errcode).toBe(103006);
    expect(answer.errmsg).toContain('data not exist');
  });

  test('bad filter values are 103001; a malformed openid filter is 103007', async () => {
    expect((await wx.post('/promoter/getpromoter', { auth_status: 3 })).errcode).toBe(103001);
    expect((await wx.post('/promoter/getpromoter', { decl_status: 'x' })).errcode).toBe(103001);
    expect((await wx.post('/promoter/getpromoter', { start_id: 'abc' })).errcode).toBe(103001);
    expect((await wx.post('/promoter/getpromoter', { role_id: -1 })).errcode).toBe(103001);
    expect((await wx.post('/promoter/getpromoter', { openid: 'bad' })).errcode).toBe(103007);
  });
});

describe('updatepromoter', () => {
  test('replays the official example: changes every field and cancels the declaration', async () => {
    const [id] = await wx.declare([item('Upd')]);
    await wx.post('/promoter/addrole', { name: '店员' });
    const changes = {
      role_id: 2,
      retail_id: 'xxxxx',
      extra_info: 'xxxxx',
      decl_status: 2,
      name: 'xxxxx',
      phone: '139xxxxxxxx',
    };
    const example = { id, ...changes };
    expect(await wx.post('/promoter/updatepromoter', example)).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await rowOf('Upd')).toMatchObject(changes);
  });

  test('decl_status 1 re-declares a cancelled promoter (UNCONFIRMED; allowed)', async () => {
    const [id] = await wx.declare([item('Again')]);
    await wx.post('/promoter/updatepromoter', { id, decl_status: 2 });
    expect((await wx.post('/promoter/updatepromoter', { id: Number(id), decl_status: '1' })).errcode).toBe(0);
    expect((await rowOf('Again')).decl_status).toBe(1);
  });

  test.each<[string, (id: string) => Record<string, unknown>, number]>([
    ['an unknown id', () => ({ id: '999', name: 'x' }), 103006],
    ['no id', () => ({ name: 'x' }), 103001],
    ['an unknown role', (id) => ({ id, name: '新名', role_id: 5 }), 103006],
    ['a phone over 20 bytes', (id) => ({ id, name: '新名', phone: '1'.repeat(21) }), 103002],
    ['a retail_id over 20 bytes', (id) => ({ id, name: '新名', retail_id: ascii(21) }), 103002],
    ['an extra_info over 80 bytes', (id) => ({ id, name: '新名', extra_info: ascii(81) }), 103002],
    ['a name over 30 bytes', (id) => ({ id, name: chinese(11) }), 103002],
    ['decl_status 3', (id) => ({ id, name: '新名', decl_status: 3 }), 103001],
  ])('%s is errcode %i and changes nothing', async (_case, body, errcode) => {
    const [id] = await wx.declare([item('Keep', { name: '原名' })]);
    expect((await wx.post('/promoter/updatepromoter', body(id))).errcode).toBe(errcode);
    expect(await rowOf('Keep')).toMatchObject({
      name: '原名',
      phone: '',
      retail_id: '',
      role_id: 1,
      decl_status: 1,
    });
  });

  test('re-declaring past the cap is 103005', async () => {
    const [id] = await wx.declare([item('Capped')]);
    await wx.post('/promoter/updatepromoter', { id, decl_status: 2 });
    await wx.ctl('POST', '/limits', { maxDeclared: 2 });
    await wx.declare([item('Fill-1'), item('Fill-2')]);
    expect((await wx.post('/promoter/updatepromoter', { id, decl_status: 1 })).errcode).toBe(103005);
  });
});

describe('binding through control (WeChat bind mini program)', () => {
  test('authorize sets auth_status 1 and update_time now; revoke sets 2', async () => {
    await wx.declare([item('Binder')]);
    await wx.advance(500);
    const now = await wx.now();
    const bound = await wx.ctl('POST', '/bind', { openid: oid('Binder'), action: 'authorize' });
    expect(bound.promoter).toMatchObject({ authStatus: 1, openid: oid('Binder') });
    let row = await rowOf('Binder');
    expect(row.auth_status).toBe(1);
    expect(Math.abs(row.update_time - now)).toBeLessThanOrEqual(5); // "now", with room for a busy machine
    await wx.ctl('POST', '/bind', { unionid: bound.promoter.unionid, action: 'revoke' });
    row = await rowOf('Binder');
    expect(row.auth_status).toBe(2);
  });

  test('binding someone not declared is a 404 with errcode 103006; bad action is 400', async () => {
    const missing = await wx.control('POST', '/bind', { openid: oid('Ghost'), action: 'authorize' });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ errcode: 103006, error: expect.stringContaining(oid('Ghost')) });
    const [id] = await wx.declare([item('Cancelled')]);
    await wx.post('/promoter/updatepromoter', { id, decl_status: 2 });
    expect(
      (await wx.control('POST', '/bind', { openid: oid('Cancelled'), action: 'authorize' })).status,
    ).toBe(404);
    const bad = await wx.control('POST', '/bind', { openid: oid('Cancelled'), action: 'accept' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('action');
  });
});
