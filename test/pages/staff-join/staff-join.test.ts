/** 店长邀请: the invited person accepts without typing an openid; every state has a next step. */
import type { StaffInviteInfo } from '../../../typings/contract/index';
import { fail, ok, openPage, resetApp, textOf } from '../helpers';
import {
  callOf,
  cloudWith,
  deferred,
  renderPage,
  stubWx,
  tap,
  toastText,
  typeInto,
  type ActionHandlers,
} from '../kit';

const TOKEN = 'T'.repeat(24);
const INFO: StaffInviteInfo = {
  role: 'manager',
  storeNames: ['上海徐汇店', '北京朝阳店'],
  name: '陈店长',
  inviterName: '总部管理员',
  expiresAt: 1_767_196_800,
  status: 'open',
  alreadyStaff: false,
};
const STAFF = { openid: 'o-new', name: '陈晓', role: 'manager', storeIds: ['SH-XUHUI'], builtIn: false };

const cloud = (handlers: ActionHandlers = {}) =>
  cloudWith(handlers, {
    'admin/manager.inviteInfo': () => ok(INFO),
    'promoter/me.whoami': () => ok({ openid: 'o-new', role: 'manager', storeIds: ['SH-XUHUI'] }),
  });
const open = (query: Record<string, string> = { token: TOKEN }) => openPage('pages/staff-join/index', query);

beforeEach(() => {
  resetApp({});
  stubWx('reLaunch');
});

describe('staff-join page', () => {
  it('shows who invites them to which stores, loading first', async () => {
    const reply = deferred();
    const callFunction = cloud({ 'manager.inviteInfo': () => reply.promise });
    const page = renderPage('pages/staff-join/index');
    const loaded = page.instance.onLoad({ token: TOKEN });
    expect(page.querySelector('.staff-join-state >>> .state-view__loading')).toBeTruthy();
    reply.resolve(ok(INFO));
    await loaded;
    expect(callFunction).toHaveBeenCalledWith(callOf('admin', 'manager.inviteInfo', { token: TOKEN }));
    const text = textOf(page);
    expect(text).toContain('总部管理员 邀请你成为');
    expect(text).toContain('上海徐汇店、北京朝阳店的店长');
    expect(text).toContain('邀请有效期至 2026-01-01');
    expect(text).toContain('最多 20 个字');
    expect(text).not.toContain('字节');
    expect(page.instance.data.name).toBe('陈店长');
  });

  it('accepting with a corrected name makes them a manager and refreshes who they are', async () => {
    const callFunction = cloud({ 'manager.accept': () => ok(STAFF) });
    const page = await open();
    await typeInto(page, '.staff-name >>> .t-input__control', '陈晓');
    await tap(page, '.accept >>> .t-button');
    expect(callFunction).toHaveBeenCalledWith(
      callOf('admin', 'manager.accept', { token: TOKEN, name: '陈晓' }),
    );
    expect(callFunction).toHaveBeenCalledWith(callOf('promoter', 'me.whoami'));
    await expect(getApp<IAppOption>().globalData.whoami).resolves.toMatchObject({ role: 'manager' });
    expect(textOf(page)).toContain('你已成为上海徐汇店、北京朝阳店的店长');
    await tap(page, '.workbench >>> .t-button');
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' });
  });

  it('an empty or too long name is refused next to the field, nothing sent', async () => {
    const callFunction = cloud();
    const page = await open();
    await typeInto(page, '.staff-name >>> .t-input__control', ' ');
    await tap(page, '.accept >>> .t-button');
    expect(page.instance.data.nameError).toBe('请填写你的姓名');
    await typeInto(page, '.staff-name >>> .t-input__control', '陈'.repeat(21));
    await tap(page, '.accept >>> .t-button');
    expect(page.instance.data.nameError).toBe('姓名最多 20 个字');
    expect(textOf(page)).toContain('姓名最多 20 个字');
    expect(callFunction.mock.calls.map(([c]) => c.data.action)).toEqual(['manager.inviteInfo']);
  });

  it('taken while they looked: the cloud’s sentence and whom to ask, with a way home', async () => {
    cloud({
      'manager.accept': () =>
        fail('CONFLICT', '这个邀请已被他人接受，请联系总部管理员重新邀请你', { field: 'token' }),
    });
    const page = await open();
    await tap(page, '.accept >>> .t-button');
    const text = textOf(page);
    expect(text).toContain('这个邀请已被他人接受，请联系总部管理员重新邀请你');
    expect(text).toContain('请联系总部管理员，让对方重新发给你一个店长邀请。');
    await tap(page, '.home >>> .t-button');
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' });
  });

  it.each([
    [{ status: 'expired' }, '这个邀请已过期'],
    [{ status: 'revoked' }, '这个邀请已被总部撤回'],
    [{ status: 'accepted' }, '这个邀请已被接受'],
  ] as const)('a closed invite (%j) says so and offers no accept button', async (change, title) => {
    cloud({ 'manager.inviteInfo': () => ok({ ...INFO, ...change }) });
    const page = await open();
    expect(textOf(page)).toContain(title);
    expect(page.querySelector('.accept')).toBeFalsy();
  });

  it('someone who already runs those stores is sent to the workbench', async () => {
    cloud({ 'manager.inviteInfo': () => ok({ ...INFO, alreadyStaff: true }) });
    const page = await open();
    expect(textOf(page)).toContain('你已经是上海徐汇店、北京朝阳店的店长');
    expect(page.querySelector('.accept')).toBeFalsy();
  });

  it('an unknown token or a link without one is a closed invite; a network failure can be retried', async () => {
    cloud({ 'manager.inviteInfo': () => fail('NOT_FOUND', '找不到这个邀请', { field: 'token' }) });
    expect(textOf(await open())).toContain('找不到这个邀请');
    expect(textOf(await open({}))).toContain('邀请链接不完整');

    let round = 0;
    cloud({ 'manager.inviteInfo': () => (++round === 1 ? fail('INTERNAL', 'db') : ok(INFO)) });
    const page = await open();
    expect(textOf(page)).toContain('服务出错了，请稍后重试');
    await tap(page, '.staff-join-state >>> .state-view__retry >>> .t-button');
    expect(textOf(page)).toContain('上海徐汇店、北京朝阳店的店长');
  });

  it('a failure that is not about the invite is a toast and keeps what they typed', async () => {
    cloud({ 'manager.accept': () => fail('INTERNAL', 'db') });
    const page = await open();
    await typeInto(page, '.staff-name >>> .t-input__control', '陈晓');
    await tap(page, '.accept >>> .t-button');
    expect(toastText(page)).toBe('服务出错了，请稍后重试');
    expect(page.instance.data.name).toBe('陈晓');
    expect(page.querySelector('.accept')).toBeTruthy();
  });
});
