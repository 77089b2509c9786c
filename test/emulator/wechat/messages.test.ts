import { MP_APPID, oid, useEmulator } from './helpers';

const wx = useEmulator();

const template = {
  msg_type: 1,
  content: JSON.stringify({ title: 't', topic: 'x', desc: 'd', date: '2026-11-11' }),
  path: 'pages/index/index',
};

/** `count` bound promoters (declared + authorized) with a prefix; their ids in order. */
async function boundPromoters(count: number, extra: Record<string, unknown> = {}): Promise<string[]> {
  const bulk = await wx.ctl('POST', '/promoters/bulk', { count, authStatus: 1, ...extra });
  return Array.from({ length: count }, (_, i) => String(Number(bulk.firstId) + i));
}

async function openidsOf(ids: string[]): Promise<string[]> {
  const state = await wx.ctl('GET', '/state');
  return ids.map((id) => state.miniProgram.promoters.find((p: any) => p.id === id).openid);
}

describe('sendmsg', () => {
  test('list_type 0 sends to every bound promoter; getmsg reports the delivery', async () => {
    await boundPromoters(50);
    await wx.ctl('POST', '/promoters/bulk', { count: 5, prefix: 'oWait' }); // not authorized: not recipients
    const sent = await wx.post('/promoter/sendmsg', { ...template, appid: MP_APPID, list_type: 0 });
    expect(sent).toEqual({ errcode: 0, errmsg: 'ok', msg_id: expect.any(String) });
    const report = await wx.post('/promoter/getmsg', { msg_id: sent.msg_id });
    expect(report).toMatchObject({
      errcode: 0,
      send_cnt: 50,
      percent: 100,
      fail_cnt: 0,
      fail_info: [],
      msg_type: 1,
      content: template.content,
      path: template.path,
      appid: MP_APPID,
      list_type: 0,
    });
  });

  test("fewer than 50 recipients: accepted (the docs only advise single sends); reading 'refuse' answers 103001", async () => {
    await boundPromoters(49);
    await wx.ctl('POST', '/promoters/bulk', { count: 10, prefix: 'oWait' });
    const accepted = await wx.post('/promoter/sendmsg', template);
    expect(accepted).toMatchObject({ errcode: 0, msg_id: expect.any(String) });
    expect((await wx.post('/promoter/getmsg', { msg_id: accepted.msg_id })).send_cnt).toBe(49);
    await wx.ctl('POST', '/readings', { sendmsgBelow50: 'refuse' });
    expect((await wx.post('/promoter/sendmsg', template)).errcode).toBe(103001);
  });

  test('list_type 1 by role_id, 2 by retail_id, 3 by id; an empty list is 103001', async () => {
    await wx.post('/promoter/addrole', { name: '店员' });
    const role2 = await boundPromoters(50, { roleId: 2, prefix: 'oRole' });
    await boundPromoters(50, { retailId: 'SH', prefix: 'oShop' });
    const byRole = await wx.post('/promoter/sendmsg', { ...template, list_type: 1, role_id: [2] });
    expect((await wx.post('/promoter/getmsg', { msg_id: byRole.msg_id })).send_cnt).toBe(50);
    const byShop = await wx.post('/promoter/sendmsg', { ...template, list_type: 2, retail_id: ['SH', 'BJ'] });
    expect((await wx.post('/promoter/getmsg', { msg_id: byShop.msg_id })).send_cnt).toBe(50);
    const byId = await wx.post('/promoter/sendmsg', { ...template, list_type: 3, id: role2 });
    const report = await wx.post('/promoter/getmsg', { msg_id: byId.msg_id });
    expect(report).toMatchObject({ send_cnt: 50, list_type: 3, id: role2 });
    expect((await wx.post('/promoter/sendmsg', { ...template, list_type: 1 })).errcode).toBe(103001);
    expect((await wx.post('/promoter/sendmsg', { ...template, list_type: 3, id: [] })).errcode).toBe(103001);
    expect((await wx.post('/promoter/sendmsg', { ...template, list_type: 4 })).errcode).toBe(103001);
  });

  test('content must be a JSON string, path is required (103001); another appid is 103008', async () => {
    await boundPromoters(50);
    expect((await wx.post('/promoter/sendmsg', { ...template, content: 'not json' })).errcode).toBe(103001);
    expect((await wx.post('/promoter/sendmsg', { ...template, content: { title: 't' } })).errcode).toBe(
      103001,
    );
    expect((await wx.post('/promoter/sendmsg', { ...template, path: undefined })).errcode).toBe(103001);
    expect((await wx.post('/promoter/sendmsg', { ...template, msg_type: undefined })).errcode).toBe(103001);
    expect((await wx.post('/promoter/sendmsg', { ...template, appid: 'wx0000000000000009' })).errcode).toBe(
      103008,
    );
  });

  test('a promoter who rejects messages fails with 103010 in getmsg fail_info', async () => {
    const ids = await boundPromoters(50);
    const [openid] = await openidsOf([ids[7]]);
    await wx.ctl('POST', '/mp-users', [{ openid, rejectsMessages: true }]);
    const sent = await wx.post('/promoter/sendmsg', template);
    const report = await wx.post('/promoter/getmsg', { msg_id: sent.msg_id });
    expect(report).toMatchObject({ send_cnt: 50, fail_cnt: 1, fail_info: [{ id: ids[7], errcode: 103010 }] });
  });

  test('over 1000 failures getmsg gives fail_info_url instead of the list', async () => {
    const ids = await boundPromoters(1001);
    const openids = await openidsOf(ids);
    await wx.ctl(
      'POST',
      '/mp-users',
      openids.map((openid) => ({ openid, rejectsMessages: true })),
    );
    const sent = await wx.post('/promoter/sendmsg', template);
    const report = await wx.post('/promoter/getmsg', { msg_id: sent.msg_id });
    expect(report.fail_cnt).toBe(1001);
    expect(report.fail_info).toBeUndefined();
    const file = await fetch(report.fail_info_url);
    expect(((await file.json()) as unknown[]).length).toBe(1001);
  });

  test('getmsg: unknown msg_id 103006, missing 103001', async () => {
    expect((await wx.post('/promoter/getmsg', { msg_id: '12345' })).errcode).toBe(103006);
    expect((await wx.post('/promoter/getmsg', {})).errcode).toBe(103001);
  });
});

describe('singlesendmsg', () => {
  test('by openid, unionid or id to a bound promoter', async () => {
    const [id] = await boundPromoters(1);
    const [openid] = await openidsOf([id]);
    expect(await wx.post('/promoter/singlesendmsg', { ...template, openid })).toEqual({
      errcode: 0,
      errmsg: 'ok',
    });
    expect((await wx.post('/promoter/singlesendmsg', { ...template, id })).errcode).toBe(0);
    const state = await wx.ctl('GET', '/state');
    const unionid = state.miniProgram.promoters[0].unionid;
    expect((await wx.post('/promoter/singlesendmsg', { ...template, openid: unionid })).errcode).toBe(0);
    expect(state.miniProgram.messages).toEqual([
      expect.objectContaining({ kind: 'single', recipientIds: [Number(id)] }),
      expect.objectContaining({ kind: 'single' }),
    ]);
  });

  test('not authorized, cancelled or unknown is 103014; rejecting is 103010', async () => {
    await wx.ctl('POST', '/promoters/bulk', { count: 1, prefix: 'oWait' });
    const [cancelled] = await boundPromoters(1, { declStatus: 2, prefix: 'oGone' });
    const [flagged] = await boundPromoters(1, { prefix: 'oFlag' });
    const [waitOpenid, flaggedOpenid] = await openidsOf(['1', flagged]);
    await wx.ctl('POST', '/mp-users', [{ openid: flaggedOpenid, rejectsMessages: true }]);
    expect((await wx.post('/promoter/singlesendmsg', { ...template, openid: waitOpenid })).errcode).toBe(
      103014,
    );
    expect((await wx.post('/promoter/singlesendmsg', { ...template, id: cancelled })).errcode).toBe(103014);
    expect((await wx.post('/promoter/singlesendmsg', { ...template, openid: oid('Nobody') })).errcode).toBe(
      103014,
    );
    expect((await wx.post('/promoter/singlesendmsg', { ...template, id: '999' })).errcode).toBe(103014);
    expect((await wx.post('/promoter/singlesendmsg', { ...template, id: flagged })).errcode).toBe(103010);
  });

  test('no openid or id 103001; malformed openid 103007; bad content 103001', async () => {
    const [id] = await boundPromoters(1);
    expect((await wx.post('/promoter/singlesendmsg', template)).errcode).toBe(103001);
    expect((await wx.post('/promoter/singlesendmsg', { ...template, openid: 'bad!' })).errcode).toBe(103007);
    expect((await wx.post('/promoter/singlesendmsg', { ...template, id, content: '{' })).errcode).toBe(
      103001,
    );
  });
});

describe('getmsgclickdata', () => {
  async function sentWithClicks(): Promise<{ msgId: string; sendDate: string; sendTime: number }> {
    await boundPromoters(50);
    const { msg_id: msgId } = await wx.post('/promoter/sendmsg', template);
    const { msg_id: other } = await wx.post('/promoter/sendmsg', template);
    const clicks = await wx.ctl('POST', '/clicks', {
      clicks: [
        { msgId, clickUv: 12, clickPv: 30 },
        { msgId: other, clickUv: 3, clickPv: 4 },
      ],
    });
    const sendTime = clicks.clicks[0].sendTime;
    const clock = await wx.ctl('GET', '/clock');
    return { msgId, sendDate: clock.chinaDate, sendTime };
  }

  test('dimonsion 0: the figures of one msg_id on send_date', async () => {
    const { msgId, sendDate, sendTime } = await sentWithClicks();
    const answer = await wx.post('/promoter/getmsgclickdata', {
      send_date: sendDate,
      dimonsion: 0,
      msg_id: msgId,
    });
    expect(answer).toEqual({
      errcode: 0,
      errmsg: 'ok',
      data_list: [{ msg_type: 1, msg_id: msgId, send_time: sendTime, click_uv: 12, click_pv: 30 }],
    });
    const window = { send_date: sendDate, dimonsion: 0, msg_id: msgId, begin_send_time: sendTime + 1 };
    expect((await wx.post('/promoter/getmsgclickdata', window)).data_list).toEqual([]);
  });

  test("the official sample (dimonsion 0 with msg_type, no msg_id): every message of the type that day; reading 'required' refuses it", async () => {
    const { msgId, sendDate } = await sentWithClicks();
    // SKIT's PromoterGetMessageClickDataRequest.json / WxJava's Javadoc example 1
    const sample = { send_date: sendDate, dimonsion: 0, msg_type: 1 };
    const answer = await wx.post('/promoter/getmsgclickdata', sample);
    expect(answer.errcode).toBe(0);
    expect(answer.data_list).toHaveLength(2);
    expect(answer.data_list[0]).toMatchObject({ msg_id: msgId, click_uv: 12 });
    await wx.ctl('POST', '/readings', { clickDataMsgId: 'required' });
    expect((await wx.post('/promoter/getmsgclickdata', sample)).errcode).toBe(103001);
  });

  test('dimonsion 1: summed by msg_type; another day has no rows', async () => {
    const { sendDate } = await sentWithClicks();
    const answer = await wx.post('/promoter/getmsgclickdata', {
      send_date: sendDate,
      dimonsion: 1,
      msg_type: 1,
    });
    expect(answer.data_list).toEqual([expect.objectContaining({ msg_type: 1, click_uv: 15, click_pv: 34 })]);
    const otherDay = await wx.post('/promoter/getmsgclickdata', {
      send_date: '2001-01-01',
      dimonsion: 1,
      msg_type: 1,
    });
    expect(otherDay).toMatchObject({ errcode: 0, data_list: [] });
  });

  test('bad input is 103001: date format, dimonsion, missing msg_id / msg_type, window off the day', async () => {
    const { msgId, sendDate, sendTime } = await sentWithClicks();
    const post = async (body: object) => (await wx.post('/promoter/getmsgclickdata', body)).errcode;
    expect(await post({ send_date: '2026/11/11', dimonsion: 0, msg_id: msgId })).toBe(103001);
    expect(await post({ send_date: sendDate, msg_id: msgId })).toBe(103001);
    expect(await post({ send_date: sendDate, dimonsion: 2, msg_id: msgId })).toBe(103001);
    expect(await post({ send_date: sendDate, dimonsion: 0 })).toBe(103001);
    expect(await post({ send_date: sendDate, dimonsion: 1 })).toBe(103001);
    expect(
      await post({ send_date: sendDate, dimonsion: 0, msg_id: msgId, end_send_time: sendTime + 3 * 86400 }),
    ).toBe(103001);
  });

  test('click figures for a message sent elsewhere need msgType and sendTime (400 otherwise)', async () => {
    const bad = await wx.control('POST', '/clicks', { msgId: '777', clickUv: 1, clickPv: 1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('msgId');
    const now = await wx.now();
    await wx.ctl('POST', '/clicks', { msgId: '777', msgType: 2, sendTime: now, clickUv: 1, clickPv: 2 });
    const { chinaDate } = await wx.ctl('GET', '/clock');
    const answer = await wx.post('/promoter/getmsgclickdata', {
      send_date: chinaDate,
      dimonsion: 0,
      msg_id: '777',
    });
    expect(answer.data_list).toEqual([
      { msg_type: 2, msg_id: '777', send_time: now, click_uv: 1, click_pv: 2 },
    ]);
  });
});
