import { fail, flush, ok, openPage, resetApp, textOf } from '../helpers';
import { GUEST, INVITE, promoter } from '../fixtures';
import {
  callOf,
  cloudWith,
  deferred,
  node,
  renderPage,
  stubWx,
  tap,
  toastText,
  typeInto,
  type ActionHandlers,
} from '../kit';
import type { JoinRequest, MeStatus } from '../../../typings/contract/index';
import { tokenFromQuery } from '../../../miniprogram/utils/invite-token';

const OPENID = GUEST.openid;
const BIND = {
  appId: 'wx97537671f13cd770',
  path: '/pages/bindPromoter/bindPromoter?appid=wx5f3a1c2b4d6e8f01&role=2&openType=2',
};
const NOTHING: MeStatus = { openid: OPENID, promoter: null, joinRequest: null };
const REQUEST: JoinRequest = {
  id: 'j1',
  openid: OPENID,
  name: '周游',
  phone: '13900000000',
  storeId: 'SH-XUHUI',
  roleId: 2,
  inviteToken: INVITE.token,
  status: 'pending',
  createdAt: 1_763_700_000,
};
const DECLARED = promoter(7, { openid: OPENID, roleId: 2, authStatus: 0, status: 'awaiting' });

const call = (action: string, params: Record<string, unknown> = {}) => callOf('promoter', action, params);

function cloud(status: MeStatus | (() => unknown), handlers: ActionHandlers = {}) {
  return cloudWith(handlers, {
    'promoter/me.status': () => (typeof status === 'function' ? status() : ok(status)),
    'promoter/invite.get': () => ok({ ...INVITE, expired: false }),
  });
}

const open = (query: Record<string, string> = { invite: INVITE.token }) =>
  openPage('pages/join/index', query);
const type = (page: any, field: string, value: string) =>
  typeInto(page, `.${field} >>> .t-input__control`, value);
/** Ticks 我同意… (the privacy consent that comes before anything is sent). */
const agree = (page: any) => tap(page, '.privacy-consent >>> .t-checkbox');

beforeEach(() => {
  resetApp({ whoami: Promise.resolve(GUEST) });
  stubWx('openEmbeddedMiniProgram');
});

describe('join page', () => {
  it('shows the store and role of the invite and the form', async () => {
    const callFunction = cloud(NOTHING);
    const page = await open();
    expect(callFunction).toHaveBeenCalledTimes(2);
    expect(callFunction).toHaveBeenNthCalledWith(1, call('me.status'));
    expect(callFunction).toHaveBeenNthCalledWith(2, call('invite.get', { token: INVITE.token }));
    const text = textOf(page);
    expect(text).toContain('上海徐汇店');
    expect(text).toContain('邀请你成为「金牌推广员」');
    expect(text).toContain('邀请有效期至 2025-12-21');
    expect(text).toContain('提交申请');
    expect(page.instance.data.steps.map((s: any) => s.state)).toEqual(['current', 'todo', 'todo', 'todo']);
  });

  it('shows the skeleton while me.status loads', async () => {
    const status = deferred();
    cloud(() => status.promise);
    const page = renderPage('pages/join/index');
    page.instance.onLoad({ invite: INVITE.token });
    const showing = page.instance.onShow();
    await flush();
    expect(page.querySelector('.join-state >>> .state-view__loading')).toBeTruthy();
    status.resolve(ok(NOTHING));
    await showing;
    await flush();
    expect(page.instance.data.stage).toBe('invite');
  });

  it('checks name and phone with the cloud rules before sending', async () => {
    const callFunction = cloud(NOTHING);
    const page = await open();
    await tap(page, '.submit >>> .t-button');
    expect(page.instance.data.errors).toEqual({
      name: '姓名不能为空',
      phone: '手机号不能为空',
      consent: '请先勾选同意，门店才能收到你的申请',
    });
    await type(page, 'join-name', '周'.repeat(11));
    await type(page, 'join-phone', '139abc');
    await agree(page);
    await tap(page, '.submit >>> .t-button');
    // in 汉字, never bytes: a promoter has never heard of bytes
    expect(page.instance.data.errors).toEqual({
      name: '姓名太长了，最多 10 个汉字或 30 个字母数字',
      phone: '手机号格式不正确：只能是数字，可带 + 号、空格或连字符',
      consent: '',
    });
    expect(textOf(page)).toContain('还能输入 0 个字');
    await type(page, 'join-phone', '1'.repeat(21));
    await tap(page, '.submit >>> .t-button');
    expect(page.instance.data.errors.phone).toBe('手机号最多 20 位');
    expect(textOf(page)).not.toContain('字节');
    expect(callFunction).toHaveBeenCalledTimes(2);
  });

  it('sends the join request, then shows that it waits for the store', async () => {
    let status: MeStatus = NOTHING;
    const callFunction = cloud(() => ok(status), {
      'promoter/join.request': () => {
        status = { ...NOTHING, joinRequest: REQUEST };
        return ok(REQUEST);
      },
    });
    const page = await open();
    await type(page, 'join-name', ' 周游 ');
    await type(page, 'join-phone', '13900000000');
    await agree(page);
    await tap(page, '.submit >>> .t-button');
    await flush();
    expect(callFunction).toHaveBeenCalledWith(
      call('join.request', { inviteToken: INVITE.token, name: '周游', phone: '13900000000' }),
    );
    expect(callFunction).toHaveBeenLastCalledWith(call('me.status'));
    expect(page.instance.data.stage).toBe('requested');
    expect(textOf(page)).toContain('申请已提交请等待门店审核');
    expect(toastText(page)).toBe('申请已提交');
    expect(page.instance.data.steps.map((s: any) => s.state)).toEqual(['done', 'current', 'todo', 'todo']);
  });

  it('puts a cloud refusal on the field and keeps the form', async () => {
    cloud(NOTHING, {
      'promoter/join.request': () =>
        fail('INVALID_ARGUMENT', '手机号格式不正确：只能是数字，可带 + 号、空格或连字符（phone）', {
          field: 'phone',
        }),
    });
    const page = await open();
    await type(page, 'join-name', '周游');
    await type(page, 'join-phone', '139 0000');
    await agree(page);
    await tap(page, '.submit >>> .t-button');
    expect(page.instance.data.stage).toBe('invite');
    expect(page.instance.data.errors.phone).toContain('手机号格式不正确');
    expect(page.instance.data.form).toEqual({ name: '周游', phone: '139 0000' });
  });

  it('offers WeChat’s bind mini program once declared, and shows the new state on return', async () => {
    let status: MeStatus = { ...NOTHING, promoter: DECLARED, bind: BIND };
    const callFunction = cloud(() => ok(status));
    const page = await open();
    expect(callFunction).toHaveBeenCalledTimes(1); // no invite needed any more
    expect(page.instance.data.stage).toBe('authorize');
    expect(textOf(page)).toContain('门店已声明你为推广员');
    await tap(page, '.authorize-btn >>> .t-button');
    expect((wx as any).openEmbeddedMiniProgram).toHaveBeenCalledWith(
      expect.objectContaining({ appId: BIND.appId, path: BIND.path }),
    );
    status = { ...NOTHING, promoter: { ...DECLARED, authStatus: 1, status: 'bound' } };
    await page.instance.onShow();
    await flush();
    expect(page.instance.data.stage).toBe('bound');
    expect(textOf(page)).toContain('你已成为推广员');
    expect(page.instance.data.steps.every((s: any) => s.state === 'done')).toBe(true);
  });

  it('toasts when the bind mini program cannot open, and stays quiet when the user closes it', async () => {
    cloud({ ...NOTHING, promoter: DECLARED, bind: BIND });
    const page = await open();
    const open3 = (wx as any).openEmbeddedMiniProgram as jest.Mock;
    open3.mockImplementationOnce((o: any) => o.fail({ errMsg: 'openEmbeddedMiniProgram:fail cancel' }));
    await tap(page, '.authorize-btn >>> .t-button');
    expect(toastText(page) ?? '').toBe('');
    open3.mockImplementationOnce((o: any) =>
      o.fail({ errMsg: 'openEmbeddedMiniProgram:fail appid not in list' }),
    );
    await tap(page, '.authorize-btn >>> .t-button');
    expect(toastText(page)).toBe('无法打开授权页面，请稍后重试');
  });

  it('offers to authorize again after revoking', async () => {
    cloud({ ...NOTHING, promoter: { ...DECLARED, authStatus: 2, status: 'revoked' }, bind: BIND });
    const page = await open();
    expect(page.instance.data.stage).toBe('revoked');
    expect(textOf(page)).toContain('你已解除授权');
    expect(textOf(page)).toContain('重新授权');
  });

  it('shows a pending request on revisit without asking for the invite', async () => {
    const callFunction = cloud({ ...NOTHING, joinRequest: REQUEST });
    const page = await open({});
    expect(callFunction).toHaveBeenCalledTimes(1);
    expect(page.instance.data.stage).toBe('requested');
  });

  it('says an approved request is being declared', async () => {
    cloud({ ...NOTHING, joinRequest: { ...REQUEST, status: 'approved' } });
    const page = await open();
    expect(page.instance.data.stage).toBe('approved');
    expect(textOf(page)).toContain('门店正在为你声明推广员身份');
  });

  it('shows why the last request was refused and lets them apply again with the invite', async () => {
    cloud({ ...NOTHING, joinRequest: { ...REQUEST, status: 'rejected', reason: '手机号有误' } });
    const page = await open();
    expect(page.instance.data.stage).toBe('invite');
    expect(textOf(page)).toContain('上次的申请没有通过：手机号有误');
  });

  it('says an invite expired', async () => {
    cloud(NOTHING, { 'promoter/invite.get': () => ok({ ...INVITE, expired: true }) });
    const page = await open();
    expect(page.instance.data.stage).toBe('expired');
    // who to contact, and a way on once they have a new card
    expect(textOf(page)).toContain('这个邀请已于 2025-12-21 过期。请联系「上海徐汇店」的店长');
    expect(textOf(page)).toContain('我已收到新邀请，刷新');
    expect(page.querySelector('.submit')).toBeFalsy();
  });

  it('says an invite is unknown', async () => {
    cloud(NOTHING, {
      'promoter/invite.get': () => fail('NOT_FOUND', '邀请不存在，请向店长索取新的邀请（token）'),
    });
    const page = await open();
    expect(page.instance.data.stage).toBe('invalid');
    expect(textOf(page)).toContain('找不到这个邀请');
  });

  it('without an invite, asks them to open one', async () => {
    const callFunction = cloud(NOTHING);
    const page = await open({});
    expect(callFunction).toHaveBeenCalledTimes(1);
    expect(page.instance.data.stage).toBe('no-invite');
    expect(textOf(page)).toContain('还没有收到邀请');
  });

  it('reads the token from a code’s scene', async () => {
    const callFunction = cloud(NOTHING);
    await open({ scene: encodeURIComponent(`invite=${INVITE.token}`) });
    expect(callFunction).toHaveBeenLastCalledWith(call('invite.get', { token: INVITE.token }));
    expect(tokenFromQuery({ scene: 'inv_abc' })).toBe('inv_abc');
    expect(tokenFromQuery({ scene: encodeURIComponent('i=inv_abc&x=1') })).toBe('inv_abc');
    expect(tokenFromQuery({ scene: 'x=1' })).toBe('');
  });

  it('shows the error state when me.status fails, and retries', async () => {
    let answer: unknown = fail('UPSTREAM_UNAVAILABLE', 'busy');
    const callFunction = cloud(() => answer);
    const page = await open();
    expect(page.instance.data.state).toBe('error');
    expect(textOf(page)).toContain('微信服务繁忙，请稍后重试');
    answer = ok(NOTHING);
    await tap(page, '.join-state >>> .state-view__retry >>> .t-button');
    expect(callFunction).toHaveBeenCalledTimes(3);
    expect(page.instance.data.stage).toBe('invite');
  });

  it('shows the error state when the invite cannot be read for another reason', async () => {
    cloud(NOTHING, { 'promoter/invite.get': () => fail('INTERNAL', 'db') });
    const page = await open();
    expect(page.instance.data.state).toBe('error');
    expect(textOf(page)).toContain('服务出错了，请稍后重试');
  });

  it('使用微信绑定的手机号 fills the phone from the cloud; declining leaves the field to type in', async () => {
    const callFunction = cloud(NOTHING, { 'promoter/me.phoneNumber': () => ok({ phone: '13812345678' }) });
    const page = await open();
    const button = node(page, '.use-wechat-phone >>> .t-button');
    button.dispatchEvent('getphonenumber', { detail: { errMsg: 'getPhoneNumber:fail user deny' } });
    await flush();
    expect(callFunction).not.toHaveBeenCalledWith(
      expect.objectContaining({ data: { action: 'me.phoneNumber' } }),
    );
    button.dispatchEvent('getphonenumber', { detail: { code: 'code-1', errMsg: 'getPhoneNumber:ok' } });
    await flush();
    expect(callFunction).toHaveBeenCalledWith(call('me.phoneNumber', { code: 'code-1' }));
    expect(page.instance.data.form.phone).toBe('13812345678');
  });

  it('an expired phone code is said on the phone field', async () => {
    cloud(NOTHING, {
      'promoter/me.phoneNumber': () =>
        fail('INVALID_ARGUMENT', '手机号授权已失效，请再点一次或直接填写', { field: 'code' }),
    });
    const page = await open();
    node(page, '.use-wechat-phone >>> .t-button').dispatchEvent('getphonenumber', {
      detail: { code: 'old' },
    });
    await flush();
    expect(page.instance.data.errors.phone).toBe('手机号授权已失效，请再点一次或直接填写');
  });

  it('asks for the approval notice in the submit tap and tells the cloud what was accepted', async () => {
    const TEMPLATE = 'tmpl-authorize';
    let status: MeStatus = { ...NOTHING, authorizeTemplateId: TEMPLATE };
    const callFunction = cloud(() => ok(status), {
      'promoter/join.request': () => {
        status = { ...status, joinRequest: REQUEST };
        return ok(REQUEST);
      },
    });
    const ask = jest
      .spyOn(wx, 'requestSubscribeMessage')
      .mockImplementation(((o: { success: (r: Record<string, string>) => void }) =>
        o.success({ [TEMPLATE]: 'accept', errMsg: 'requestSubscribeMessage:ok' })) as never);
    const page = await open();
    expect(textOf(page)).toContain('提交时微信会问你是否接收审核结果通知');
    await type(page, 'join-name', '周游');
    await type(page, 'join-phone', '13900000000');
    await agree(page);
    await tap(page, '.submit >>> .t-button');
    await flush();
    expect(ask).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: [TEMPLATE] }));
    expect(callFunction).toHaveBeenCalledWith(
      call('join.request', {
        inviteToken: INVITE.token,
        name: '周游',
        phone: '13900000000',
        subscribedTemplateIds: [TEMPLATE],
      }),
    );
    expect(textOf(page)).toContain('审核通过时微信会通知你');
  });

  it('a declined notice still sends the request, without it', async () => {
    const TEMPLATE = 'tmpl-authorize';
    const callFunction = cloud(
      { ...NOTHING, authorizeTemplateId: TEMPLATE },
      { 'promoter/join.request': () => ok(REQUEST) },
    );
    jest
      .spyOn(wx, 'requestSubscribeMessage')
      .mockImplementation(((o: { fail: (e: unknown) => void }) =>
        o.fail({ errMsg: 'requestSubscribeMessage:fail' })) as never);
    const page = await open();
    await type(page, 'join-name', '周游');
    await type(page, 'join-phone', '13900000000');
    await agree(page);
    await tap(page, '.submit >>> .t-button');
    expect(callFunction).toHaveBeenCalledWith(
      call('join.request', { inviteToken: INVITE.token, name: '周游', phone: '13900000000' }),
    );
  });
});
