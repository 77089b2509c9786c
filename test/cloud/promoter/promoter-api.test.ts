/**
 * The promoter API family module on its own, with a scripted client: wire shapes, idempotency flags,
 * accepted errcodes, getpromoter paging (inclusive or exclusive cursors), getmsg's two key spellings.
 */
import { LIMITS } from '../../../miniprogram/shared/field-rules';
import { sendRows } from '../../../cloudfunctions/promoter/src/declare';
import type { WechatRequest } from '../../../cloudfunctions/_shared/wechat/client';
import {
  ERRCODE_EMPTY,
  type WechatPromoter,
  comparePromoterIds,
  createPromoterApi,
} from '../../../cloudfunctions/_shared/wechat/promoter-api';

/** A client that answers from a script and records every request. */
function scripted(answer: (request: WechatRequest) => unknown) {
  const requests: WechatRequest[] = [];
  const api = createPromoterApi({
    call: async <T>(request: WechatRequest) => {
      requests.push(request);
      return answer(request) as T;
    },
  });
  return { api, requests };
}

const row = (id: number) => ({
  id: String(id),
  openid: `o${String(id).padStart(27, '0')}`,
  role_id: 1,
  retail_id: 'SH',
  auth_status: 1,
  decl_status: '1',
  update_time: 100,
});

test('idempotency flags per endpoint and accepted 103006 on the list endpoints', async () => {
  const { api, requests } = scripted((r) =>
    r.path === '/promoter/addrole'
      ? { role_id: 2, name: 'n', desc: '' }
      : r.path === '/promoter/sendmsg'
        ? { msg_id: 7 }
        : {},
  );
  await api.addRole({ name: 'n' });
  await api.getRoles();
  await api.updateRole({ roleId: 2, name: 'm' });
  await api.addPromoters([{ openid: 'o1', roleId: 1 }]);
  await api.getPromoterPage({});
  await api.updatePromoter('1', { declStatus: 2 });
  await api.getInvitationMaterial(1);
  const msg = { msgType: 1, content: { a: 'b' }, path: 'p' };
  expect(await api.sendMessage(msg, { listType: 0 })).toEqual({ msgId: '7' });
  await api.sendSingleMessage(msg, { id: '5' });
  await api.getMessageDelivery('7');
  await api.getMessageClicks({ sendDate: '2026-11-22', dimension: 1, msgType: 1 });
  await api.getShareMaterial({ openid: 'o1', path: 'p' });
  await api.getRelations({ openid: 'o1' });
  await api.getOrders({ openid: 'o1' });
  const flags = Object.fromEntries(requests.map((r) => [r.path.replace('/promoter/', ''), r.idempotent]));
  expect(flags).toEqual({
    addrole: false,
    getrole: true,
    updaterole: true,
    addpromoter: true,
    getpromoter: true,
    updatepromoter: true,
    getinvitationmaterial: true,
    sendmsg: false,
    singlesendmsg: false,
    getmsg: true,
    getmsgclickdata: true,
    getsharematerial: true,
    getrelation: true,
    getorder: true,
  });
  expect(requests).toHaveLength(14);
  const accepting = requests.filter((r) => r.acceptErrcodes?.includes(ERRCODE_EMPTY)).map((r) => r.path);
  expect(accepting).toEqual([
    '/promoter/getrole',
    '/promoter/getpromoter',
    '/promoter/getrelation',
    '/promoter/getorder',
  ]);
  expect(requests.every((r) => r.method === 'POST')).toBe(true);
  // content is a JSON string; the audience fields follow list_type
  expect(requests.find((r) => r.path === '/promoter/sendmsg')?.body).toEqual({
    msg_type: 1,
    content: '{"a":"b"}',
    path: 'p',
    list_type: 0,
  });
  expect(requests.find((r) => r.path === '/promoter/getmsgclickdata')?.body).toEqual({
    send_date: '2026-11-22',
    dimonsion: 1,
    msg_type: 1,
  });
});

test('103006 answers are empty pages', async () => {
  const { api } = scripted(() => ({ errcode: ERRCODE_EMPTY, errmsg: 'data not exist' }));
  expect(await api.getPromoterPage({ openid: 'x' })).toEqual({ promoters: [], totalCount: 0 });
  expect(await api.getAllPromoters({})).toEqual({ promoters: [], pages: 1 });
  expect(await api.getRelations({ openid: 'x' })).toEqual({ rows: [], totalCount: 0 });
  expect(await api.getOrders({ openid: 'x', startId: '9' })).toEqual({ rows: [], totalCount: 0 });
});

test('need_unionid goes out as the integer 1; decl_status reads as a number either way', async () => {
  const { api, requests } = scripted(() => ({ promoter_list: [row(3)], total_cnt: 1 }));
  const page = await api.getPromoterPage({ openid: 'o', needUnionid: true, authStatus: 1 });
  expect(requests[0].body).toEqual({ openid: 'o', need_unionid: 1, auth_status: 1 });
  expect(page.promoters[0]).toEqual({
    id: '3',
    openid: row(3).openid,
    roleId: 1,
    storeId: 'SH',
    extraInfo: '',
    name: '',
    phone: '',
    authStatus: 1,
    declStatus: 1,
    updateTime: 100,
  });
});

test('paging passes the largest id, de-duplicates an inclusive cursor and stops on a short page', async () => {
  const total = 4500;
  // An inclusive cursor: each page starts AT start_id (repeats one row); ids are numeric strings.
  const { api, requests } = scripted((r) => {
    const start = Number((r.body as { start_id?: string }).start_id ?? 1);
    const ids = [];
    for (let id = start; id <= total && ids.length < LIMITS.promoter.pageSize; id++) ids.push(id);
    return { promoter_list: ids.map(row), total_cnt: total };
  });
  const { promoters, pages } = await api.getAllPromoters({});
  expect(promoters).toHaveLength(total);
  expect(new Set(promoters.map((p) => p.id)).size).toBe(total);
  expect(pages).toBe(3); // 1..2000, 2000..3999 (one repeat), 3999..4500 (502 rows: short, stop)
  expect(requests.map((r) => (r.body as { start_id?: string }).start_id)).toEqual([
    undefined,
    '2000',
    '3999',
  ]);
});

test('a cursor that does not move ends the walk instead of looping', async () => {
  const { api, requests } = scripted(() => ({
    promoter_list: Array.from({ length: LIMITS.promoter.pageSize }, (_, i) => row(i + 1)),
    total_cnt: 99999,
  }));
  const { promoters } = await api.getAllPromoters({});
  expect(promoters).toHaveLength(LIMITS.promoter.pageSize);
  expect(requests).toHaveLength(2);
});

test('getmsg fail_info accepts both errcode and errorcode', async () => {
  const { api } = scripted(() => ({
    send_cnt: 60,
    percent: 100,
    fail_cnt: 2,
    fail_info: [
      { id: 5, errcode: 103010 },
      { id: '6', errorcode: 103012 },
    ],
  }));
  expect(await api.getMessageDelivery('1')).toEqual({
    sendCount: 60,
    percent: 100,
    failCount: 2,
    failures: [
      { id: '5', errcode: 103010 },
      { id: '6', errcode: 103012 },
    ],
  });
});

test('addpromoter: 1..10 rows; fail_list rows without an errcode stay without one', async () => {
  const { api } = scripted(() => ({ total_cnt: 1, fail_cnt: 1, fail_list: [{ openid: 'o2', role_id: 1 }] }));
  await expect(api.addPromoters([])).rejects.toThrow(RangeError);
  await expect(
    api.addPromoters(Array.from({ length: 11 }, () => ({ openid: 'o', roleId: 1 }))),
  ).rejects.toThrow(RangeError);
  const result = await api.addPromoters([
    { openid: 'o1', roleId: 1 },
    { openid: 'o2', roleId: 1 },
  ]);
  expect(result.failures).toEqual([{ openid: 'o2', roleId: 1 }]);
});

test('promoter ids compare as numbers when they are digits', () => {
  expect(comparePromoterIds('100', '99')).toBe(1);
  expect(comparePromoterIds('99', '100')).toBe(-1);
  expect(comparePromoterIds('7', '7')).toBe(0);
  expect(comparePromoterIds('b', 'a')).toBe(1);
});

describe('declare: fail_list codes map to ours (sendRows with a scripted WeChat)', () => {
  test('each errcode, a missing errcode, and 103003 same vs different', async () => {
    const codes: Record<string, number | undefined> = {
      oa: 103002,
      ob: 103005,
      oc: 103007,
      od: 103006,
      oe: 99999,
      of: undefined,
      og: 103003,
      oh: 103003,
    };
    const { api } = scripted((r) => {
      if (r.path === '/promoter/addpromoter') {
        const list = (r.body as { promoter_list: { openid: string; role_id: number }[] }).promoter_list;
        return {
          total_cnt: 1,
          fail_cnt: 8,
          fail_list: list
            .filter((p) => p.openid in codes)
            .map((p) => ({ ...p, ...(codes[p.openid] ? { errcode: codes[p.openid], errmsg: 'x' } : {}) })),
        };
      }
      const openid = (r.body as { openid: string }).openid;
      // og is declared with the same role and store; oh in another store
      return {
        promoter_list: [{ ...row(1), openid, retail_id: openid === 'og' ? 'SH' : 'BJ' }],
        total_cnt: 1,
      };
    });
    const rows = ['oa', 'ob', 'oc', 'od', 'oe', 'of', 'og', 'oh', 'ok'].map((openid, index) => ({
      index,
      identity: openid,
      row: { openid, roleId: 1, storeId: 'SH' },
    }));
    // an empty mirror in memory here: a count of 0 prices the walk at one page, so both 103003 rows come
    // from one walk (which fills the mirror), not a getpromoter each
    const mirrored = new Map<string, WechatPromoter>();
    const outcomes = await sendRows(api, rows, {
      holder: { action: 'promoter.declare', by: 'test' },
      promoterCount: async () => 0,
      mirror: {
        find: async (ids) =>
          new Map(ids.flatMap((id) => (mirrored.has(id) ? [[id, mirrored.get(id)!]] : []))),
        walk: async (wechat) => {
          for (const p of (await wechat.getAllPromoters({})).promoters) mirrored.set(p.openid, p);
        },
      },
    });
    const summary = outcomes.map((o) =>
      o.declared
        ? ['declared', o.already]
        : [o.failure.code, o.failure.field ?? null, o.failure.errcode ?? null],
    );
    expect(summary).toEqual([
      ['INVALID_ARGUMENT', null, 103002],
      ['QUOTA_EXCEEDED', null, 103005],
      ['INVALID_ARGUMENT', 'promoters[2].openid', 103007],
      ['INVALID_ARGUMENT', 'promoters[3].roleId', 103006],
      ['UPSTREAM_ERROR', null, 99999],
      ['UPSTREAM_ERROR', null, null],
      ['declared', true],
      ['CONFLICT', 'promoters[7].openid', 103003],
      ['declared', false],
    ]);
  });
});
