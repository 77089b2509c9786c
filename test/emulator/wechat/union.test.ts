import { DEMO_OPEN_ACCOUNTS } from '../../../emulator/demo-data';
import { oid, useEmulator } from './helpers';

const wx = useEmulator();

const [ACCOUNT_A, ACCOUNT_B] = DEMO_OPEN_ACCOUNTS;
const UNION = oid('Customer', 'u');
const BASE = '/union/promoter/open_account';

const bind = async (openAccount: unknown) => (await wx.post(`${BASE}/bind`, { openAccount })).errcode;
const getAccount = async () => wx.get(`${BASE}/get`);
const add = async (unionid: unknown, customizeInfo: unknown) =>
  (await wx.post(`${BASE}/add_customize_info`, { unionid, customizeInfo })).errcode;
const getInfo = async (unionid: string) => wx.get(`${BASE}/get_customize_info`, { unionid });

describe('open account bind / get', () => {
  test('binds a known Open Platform account; get returns it', async () => {
    expect(await getAccount()).toEqual({ errcode: 0, errmsg: 'ok', openAccount: '' });
    expect(await bind(ACCOUNT_A)).toBe(0);
    expect(await getAccount()).toMatchObject({ errcode: 0, openAccount: ACCOUNT_A });
  });

  test('an unknown account is 25505 until control adds it; bad or missing openAccount is 200002', async () => {
    expect(await bind('wx00000000000000aa')).toBe(25505);
    await wx.ctl('POST', '/open-accounts', { openAccounts: ['wx00000000000000aa'] });
    expect(await bind('wx00000000000000aa')).toBe(0);
    expect(await bind('not-an-appid')).toBe(200002);
    expect(await bind(undefined)).toBe(200002);
    const bad = await wx.control('POST', '/open-accounts', { openAccounts: ['nope'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('openAccounts[0]');
  });

  test('two changes per 365 days; the third is 25508; rebinding the same account is a no-op', async () => {
    expect(await bind(ACCOUNT_A)).toBe(0); // first bind: not a change
    expect(await bind(ACCOUNT_B)).toBe(0); // change 1
    expect(await bind(ACCOUNT_B)).toBe(0); // same account: nothing changes
    expect(await bind(ACCOUNT_A)).toBe(0); // change 2
    expect(await bind(ACCOUNT_B)).toBe(25508);
    expect((await getAccount()).openAccount).toBe(ACCOUNT_A);
    await wx.advance(364 * 86400);
    wx.forgetTokens(); // a year on, the cached token has long expired
    expect(await bind(ACCOUNT_B)).toBe(25508);
    await wx.advance(86400);
    wx.forgetTokens();
    expect(await bind(ACCOUNT_B)).toBe(0);
    const state = await wx.ctl('GET', '/state');
    expect(state.miniProgram.union.changeTimes).toHaveLength(3);
  });

  test("the OA's token is 48001", async () => {
    expect((await wx.get(`${BASE}/get`, {}, 'oa')).errcode).toBe(48001);
    expect((await wx.post(`${BASE}/bind`, { openAccount: ACCOUNT_A }, 'oa')).errcode).toBe(48001);
  });
});

describe('custom parameters', () => {
  test('before any open account is bound every custom parameter call is 25505', async () => {
    expect(await add(UNION, 'staff-7')).toBe(25505);
    expect((await wx.post(`${BASE}/del_customize_info`, { unionid: UNION })).errcode).toBe(25505);
    expect((await getInfo(UNION)).errcode).toBe(25505);
  });

  test('add, get, overwrite (latest wins), delete, delete again (idempotent), get none = ""', async () => {
    await bind(ACCOUNT_A);
    expect(await getInfo(UNION)).toEqual({ errcode: 0, errmsg: 'ok', customizeInfo: '' });
    expect(await add(UNION, 'staff-7')).toBe(0);
    expect((await getInfo(UNION)).customizeInfo).toBe('staff-7');
    expect(await add(UNION, 'staff-8')).toBe(0);
    expect((await getInfo(UNION)).customizeInfo).toBe('staff-8');
    expect(await wx.post(`${BASE}/del_customize_info`, { unionid: UNION })).toEqual({
      errcode: 0,
      errmsg: 'ok',
    });
    expect((await getInfo(UNION)).customizeInfo).toBe('');
    expect((await wx.post(`${BASE}/del_customize_info`, { unionid: UNION })).errcode).toBe(0);
  });

  test('parameter errors are 200002: bad unionid, missing customizeInfo', async () => {
    await bind(ACCOUNT_A);
    expect(await add('short', 'x')).toBe(200002);
    expect(await add(undefined, 'x')).toBe(200002);
    expect(await add(UNION, undefined)).toBe(200002);
    expect(await add(UNION, '')).toBe(200002);
    expect(await add(UNION, 5)).toBe(200002);
    expect((await wx.post(`${BASE}/del_customize_info`, {})).errcode).toBe(200002);
    expect((await wx.get(`${BASE}/get_customize_info`)).errcode).toBe(200002);
  });

  test('the cap on bound parameters (settable) is 25509; overwriting at the cap is fine', async () => {
    await bind(ACCOUNT_A);
    expect(await wx.ctl('POST', '/limits', { maxCustomizeInfos: 2 })).toMatchObject({ maxCustomizeInfos: 2 });
    expect(await add(oid('One', 'u'), 'a')).toBe(0);
    expect(await add(oid('Two', 'u'), 'b')).toBe(0);
    expect(await add(oid('Three', 'u'), 'c')).toBe(25509);
    expect(await add(oid('Two', 'u'), 'b2')).toBe(0);
  });

  test('the default cap is 10 000', async () => {
    expect((await wx.ctl('GET', '/limits')).maxCustomizeInfos).toBe(10_000);
  });

  test('changing the open account drops the parameters bound under the old one', async () => {
    await bind(ACCOUNT_A);
    await add(UNION, 'staff-7');
    await bind(ACCOUNT_B);
    expect((await getInfo(UNION)).customizeInfo).toBe('');
  });
});
