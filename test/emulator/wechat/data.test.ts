import { ascii, chinese, oid, useEmulator } from './helpers';

const wx = useEmulator();

const PNG_SIGNATURE = '89504e470d0a1a0a';

function expectPng(base64: string): void {
  const bytes = Buffer.from(base64, 'base64');
  expect(bytes.subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  expect(bytes.subarray(bytes.length - 8, bytes.length - 4).toString('ascii')).toBe('IEND');
}

async function boundPromoter(label: string): Promise<string> {
  await wx.declare([{ openid: oid(label), role_id: 1, extra_info: 'tag-1' }]);
  await wx.bind(oid(label));
  return oid(label);
}

describe('getinvitationmaterial', () => {
  test('0 poster and 1 mini program code are base64 PNGs; 2 is a short link', async () => {
    const poster = await wx.post('/promoter/getinvitationmaterial', { role_id: 1, invitation_type: 0 });
    expect(poster.errcode).toBe(0);
    expectPng(poster.poster);
    const byDefault = await wx.post('/promoter/getinvitationmaterial', { role_id: 1 });
    expectPng(byDefault.poster);
    const code = await wx.post('/promoter/getinvitationmaterial', { role_id: 1, invitation_type: 1 });
    expectPng(code.qrcode);
    const link = await wx.post('/promoter/getinvitationmaterial', { role_id: 1, invitation_type: 2 });
    expect(link.tag).toMatch(/^#小程序:\/\/.+\/.+/);
  });

  test('unknown role 103006; missing role_id or bad type 103001', async () => {
    expect((await wx.post('/promoter/getinvitationmaterial', { role_id: 8 })).errcode).toBe(103006);
    expect((await wx.post('/promoter/getinvitationmaterial', {})).errcode).toBe(103001);
    expect(
      (await wx.post('/promoter/getinvitationmaterial', { role_id: 1, invitation_type: 3 })).errcode,
    ).toBe(103001);
  });
});

describe('getsharematerial', () => {
  test('share_type 0 gives tag, share_path and qrcode; 1, 2, 3 one each', async () => {
    const openid = await boundPromoter('Share');
    const all = await wx.post('/promoter/getsharematerial', {
      path: 'pages/goods/goods?id=9',
      openid,
      title: '双十一',
      extra_info: 'src=a',
    });
    expect(all).toMatchObject({
      errcode: 0,
      tag: expect.stringMatching(/^#小程序:\/\//),
      share_path: expect.stringMatching(/^pages\/goods\/goods\?id=9&/),
    });
    expectPng(all.qrcode);
    const tag = await wx.post('/promoter/getsharematerial', {
      path: 'pages/index/index',
      openid,
      share_type: 1,
    });
    expect(Object.keys(tag).sort()).toEqual(['errcode', 'errmsg', 'tag']);
    const sharePath = await wx.post('/promoter/getsharematerial', {
      path: 'pages/index/index',
      openid,
      share_type: 2,
    });
    expect(Object.keys(sharePath).sort()).toEqual(['errcode', 'errmsg', 'share_path']);
    expect(sharePath.share_path).toMatch(/^pages\/index\/index\?/);
    const qrcode = await wx.post('/promoter/getsharematerial', {
      path: 'pages/index/index',
      openid,
      share_type: 3,
    });
    expect(Object.keys(qrcode).sort()).toEqual(['errcode', 'errmsg', 'qrcode']);
  });

  test('materials are recorded with a 30-day expiry (state dump)', async () => {
    const openid = await boundPromoter('Expiry');
    await wx.post('/promoter/getsharematerial', { path: 'pages/index/index', openid });
    let [material] = (await wx.ctl('GET', '/state')).miniProgram.shareMaterials;
    expect(material).toMatchObject({
      title: '推广活动页',
      shareType: 0,
      envVersion: 'release',
      expired: false,
    });
    expect(material.expiresAt - material.createdAt).toBe(30 * 86400);
    await wx.advance(30 * 86400);
    [material] = (await wx.ctl('GET', '/state')).miniProgram.shareMaterials;
    expect(material.expired).toBe(true);
  });

  /** The errcode getsharematerial answers for `body`. */
  const shareErrcode = async (body: Record<string, unknown>): Promise<number> =>
    (await wx.post('/promoter/getsharematerial', body)).errcode;

  test("the official sample (share_type 0, env_version trial) is accepted; reading 'refuse' allows trial only with share_type 1", async () => {
    const openid = await boundPromoter('Env');
    const base = { path: 'pages/index/index', openid };
    // SKIT's PromoterGetShareMaterialRequest.json, the official example
    expect(await shareErrcode({ ...base, title: '推广活动页', share_type: 0, env_version: 'trial' })).toBe(0);
    expect(await shareErrcode({ ...base, share_type: 3, env_version: 'develop' })).toBe(0);
    expect(await shareErrcode({ ...base, share_type: 1, env_version: 'beta' })).toBe(103001);
    await wx.ctl('POST', '/readings', { shareEnvVersion: 'refuse' });
    expect(await shareErrcode({ ...base, share_type: 1, env_version: 'develop' })).toBe(0);
    expect(await shareErrcode({ ...base, share_type: 1, env_version: 'trial' })).toBe(0);
    expect(await shareErrcode({ ...base, env_version: 'trial' })).toBe(103001);
    expect(await shareErrcode({ ...base, share_type: 3, env_version: 'develop' })).toBe(103001);
  });

  test('limits: title 20 bytes, extra_info 80 bytes (103002); path required (103001)', async () => {
    const openid = await boundPromoter('Limits');
    const base = { path: 'pages/index/index', openid };
    expect(await shareErrcode({ ...base, title: `${chinese(6)}ab` })).toBe(0);
    expect(await shareErrcode({ ...base, title: chinese(7) })).toBe(103002);
    expect(await shareErrcode({ ...base, extra_info: ascii(80) })).toBe(0);
    expect(await shareErrcode({ ...base, extra_info: ascii(81) })).toBe(103002);
    expect(await shareErrcode({ openid })).toBe(103001);
    expect(await shareErrcode({ ...base, share_type: 4 })).toBe(103001);
  });

  test('only a declared and authorized promoter (103006 as the Chinese doc says, 103014 by reading); malformed openid 103007', async () => {
    await wx.declare([{ openid: oid('Waiting'), role_id: 1 }]);
    const [gone] = await wx.declare([{ openid: oid('Gone'), role_id: 1 }]);
    await wx.bind(oid('Gone'));
    await wx.post('/promoter/updatepromoter', { id: gone, decl_status: 2 });
    await wx.declare([{ openid: oid('Revoked'), role_id: 1 }]);
    await wx.bind(oid('Revoked'));
    await wx.bind(oid('Revoked'), 'revoke');
    for (const label of ['Waiting', 'Gone', 'Revoked', 'Stranger']) {
      expect(await shareErrcode({ path: 'pages/index/index', openid: oid(label) })).toBe(103006);
    }
    await wx.ctl('POST', '/readings', { shareMaterialUnbound: 103014 });
    for (const label of ['Waiting', 'Gone', 'Revoked', 'Stranger']) {
      expect(await shareErrcode({ path: 'pages/index/index', openid: oid(label) })).toBe(103014);
    }
    expect(await shareErrcode({ path: 'p', openid: 'x' })).toBe(103007);
    expect((await wx.ctl('GET', '/state')).miniProgram.shareMaterials).toEqual([]);
  });
});

describe('getrelation', () => {
  test('rows added through control come back with the promoter fields; need_unionid swaps ids', async () => {
    const promoter = await boundPromoter('Reach');
    const now = await wx.now();
    await wx.ctl('POST', '/relations', {
      openid: promoter,
      rows: [
        {
          openid: oid('Visitor-1'),
          createTime: now - 100,
          scene: 1036,
          path: 'pages/a/a',
          shareExtraInfo: 's1',
        },
      ],
    });
    const answer = await wx.post('/promoter/getrelation', { openid: promoter });
    expect(answer).toEqual({
      errcode: 0,
      errmsg: 'ok',
      total_cnt: 1,
      start_id: expect.any(String),
      relation_list: [
        {
          promoter_openid: promoter,
          role_id: 1,
          retail_id: '',
          extra_info: 'tag-1',
          openid: oid('Visitor-1'),
          create_time: now - 100,
          path: 'pages/a/a',
          scene: 1036,
          share_extra_info: 's1',
        },
      ],
    });
    const unionids = await wx.post('/promoter/getrelation', { openid: promoter, need_unionid: 1 });
    expect(unionids.relation_list[0].promoter_openid).not.toBe(promoter);
    expect(unionids.relation_list[0].openid).not.toBe(oid('Visitor-1'));
  });

  test('pages of 1000 by start_id, then 103006; filters by time and scene', async () => {
    const promoter = await boundPromoter('Pager');
    const now = await wx.now();
    const rows = Array.from({ length: 2300 }, (_, i) => ({
      openid: oid(`V${i}`),
      createTime: now - i,
      scene: i % 2 ? 1007 : 1036,
    }));
    await wx.ctl('POST', '/relations', { openid: promoter, rows });
    const sizes: number[] = [];
    let startId = '';
    for (;;) {
      const answer = await wx.post('/promoter/getrelation', { openid: promoter, start_id: startId });
      if (answer.errcode === 103006) break;
      expect(answer.total_cnt).toBe(2300);
      sizes.push(answer.relation_list.length);
      startId = answer.start_id;
    }
    expect(sizes).toEqual([1000, 1000, 300]);
    const windowed = await wx.post('/promoter/getrelation', {
      openid: promoter,
      begin_time: now - 9,
      end_time: now,
      scene: 1036,
    });
    expect(windowed.total_cnt).toBe(5);
  });

  test('openid required (103001), malformed (103007); no rows 103006', async () => {
    const promoter = await boundPromoter('Empty');
    expect((await wx.post('/promoter/getrelation', {})).errcode).toBe(103001);
    expect((await wx.post('/promoter/getrelation', { openid: 'bad' })).errcode).toBe(103007);
    expect((await wx.post('/promoter/getrelation', { openid: promoter })).errcode).toBe(103006);
    expect((await wx.post('/promoter/getrelation', { openid: oid('Stranger') })).errcode).toBe(103006);
  });

  test('control rows for someone who is not a promoter: 404; bad rows: 400 naming the field, nothing stored', async () => {
    const missing = await wx.control('POST', '/relations', {
      openid: oid('Nobody'),
      rows: [{ openid: oid('V') }],
    });
    expect(missing.status).toBe(404);
    const promoter = await boundPromoter('Strict');
    const bad = await wx.control('POST', '/relations', {
      openid: promoter,
      rows: [{ openid: oid('V1') }, { openid: 'bad' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('rows[1].openid');
    expect((await wx.ctl('GET', '/state')).miniProgram.relations).toEqual([]);
  });
});

describe('getorder', () => {
  test('orders with filters on status, trade numbers and date (yyyyMMdd), paged by start_id', async () => {
    const promoter = await boundPromoter('Seller');
    const paidTime = Date.UTC(2026, 7, 1, 4, 0, 0) / 1000; // 2026-08-01 12:00 China time
    await wx.ctl('POST', '/orders', {
      openid: promoter,
      rows: [
        { openid: oid('Buyer-1'), paidAmount: 1990, paidTime, tradeNo: 'T1', outTradeNo: 'O1', mchId: 'M1' },
        {
          openid: oid('Buyer-2'),
          paidAmount: 500,
          paidTime: paidTime + 86400,
          status: 2,
          refundedTime: paidTime + 90000,
        },
      ],
    });
    const all = await wx.post('/promoter/getorder', { openid: promoter });
    expect(all).toMatchObject({ errcode: 0, total_cnt: 2, start_id: expect.any(String) });
    expect(all.order_list[0]).toMatchObject({
      promoter_openid: promoter,
      openid: oid('Buyer-1'),
      mch_id: 'M1',
      trade_no: 'T1',
      out_trade_no: 'O1',
      status: 1,
      paid_amount: 1990,
      paid_time: paidTime,
      refunded_time: 0,
    });
    const count = async (filter: object) =>
      (await wx.post('/promoter/getorder', { openid: promoter, ...filter })).total_cnt;
    expect(await count({ status: 2 })).toBe(1);
    expect(await count({ trade_no: 'T1' })).toBe(1);
    expect(await count({ out_trade_no: 'O1', mch_id: 'M1' })).toBe(1);
    expect(await count({ date: 20260801 })).toBe(1);
    expect(await count({ date: '20260802' })).toBe(1);
    expect((await wx.post('/promoter/getorder', { openid: promoter, date: 20260803 })).errcode).toBe(103006);
    expect((await wx.post('/promoter/getorder', { openid: promoter, status: 3 })).errcode).toBe(103001);
    expect((await wx.post('/promoter/getorder', { openid: promoter, start_id: all.start_id })).errcode).toBe(
      103006,
    );
  });

  test('1000 rows a page', async () => {
    const promoter = await boundPromoter('Busy');
    const rows = Array.from({ length: 1001 }, (_, i) => ({ openid: oid(`B${i}`), paidAmount: i }));
    await wx.ctl('POST', '/orders', { openid: promoter, rows });
    const first = await wx.post('/promoter/getorder', { openid: promoter });
    expect(first.order_list).toHaveLength(1000);
    const second = await wx.post('/promoter/getorder', { openid: promoter, start_id: first.start_id });
    expect(second.order_list).toHaveLength(1);
    expect(second.order_list[0].paid_amount).toBe(1000);
  });

  test('paidAmount is required for a control order (400)', async () => {
    const promoter = await boundPromoter('NoAmount');
    const bad = await wx.control('POST', '/orders', { openid: promoter, rows: [{ openid: oid('B') }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('rows[0].paidAmount');
  });
});
