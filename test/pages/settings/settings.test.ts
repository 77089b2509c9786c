import { fail, flush, ok, openPage, resetApp, textOf } from '../helpers';
import {
  cloudWith,
  firstThen,
  expectAppendedByPath,
  reachBottom,
  deferred,
  node,
  renderLoading,
  stubWx,
  tap,
  toastText,
  typeInto,
  type ActionHandlers,
} from '../kit';

const ADMIN = { openid: 'o-admin', role: 'admin', storeIds: [] };
const oid = (i: number) => `o${String(i).padStart(27, '0')}`;
const ACCOUNT = {
  openAccount: 'wx0123456789abcdef',
  rebindsInLastYear: 1,
  rebindsLeft: 1,
  nextRebindFreeAt: 1735660800,
};
const STORES = [
  { storeId: 'SH-01', name: '上海店', createdAt: 1, updatedAt: 1 },
  { storeId: 'BJ-01', name: '北京店', createdAt: 1, updatedAt: 1 },
];
const STAFF = [
  {
    openid: oid(0),
    name: '总部',
    role: 'admin',
    storeIds: [],
    builtIn: true,
    createdAt: 1,
    createdBy: 'config',
  },
  {
    openid: oid(1),
    name: '王店长',
    role: 'manager',
    storeIds: ['SH-01'],
    builtIn: false,
    createdAt: 1,
    createdBy: oid(0),
  },
];
const AUDIT = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  at: 1700000000,
  actor: { openid: oid(0), role: 'admin' },
  fn: 'admin',
  action: 'store.update',
  target: 'SH-01',
  before: { name: '上海店' },
  after: { name: '上海旗舰店' },
  ...extra,
});

const DEFAULTS: ActionHandlers = {
  'customparam/openAccount.get': () => ok(ACCOUNT),
  'admin/store.list': () => ok({ items: STORES }),
  'admin/manager.list': () => ok({ items: STAFF }),
  'admin/manager.invites': () => ok({ items: [] }),
  'admin/audit.list': () => ok({ items: [AUDIT('a1')], total: 1 }),
};
const cloud = (handlers: ActionHandlers = {}) => cloudWith(handlers, DEFAULTS);
/** An open staff invite whose token is `letter` × 24. */
const staffInvite = (letter: string, fields: Record<string, unknown>) => ({
  token: letter.repeat(24),
  role: 'manager',
  createdBy: oid(0),
  createdByName: '总部',
  createdAt: 1_767_000_000,
  expiresAt: 1_767_196_800,
  sharePath: `/pages/staff-join/index?token=${letter.repeat(24)}`,
  status: 'open',
  ...fields,
});
const openTab = (page: any, index: number) => tap(page, '.settings-tabs >>> .t-tabs__item', index);

beforeEach(() => {
  resetApp({ whoami: Promise.resolve(ADMIN) });
  stubWx('stopPullDownRefresh');
});

describe('settings page', () => {
  it('non-admins get a clear "admins only" state and no admin calls', async () => {
    resetApp({ whoami: Promise.resolve({ openid: 'o-m', role: 'manager', storeIds: ['SH-01'] }) });
    const callFunction = cloud();
    const page = await openPage('pages/settings/index');
    expect(textOf(page)).toContain('仅总部管理员可用');
    expect(page.querySelector('.settings-tabs')).toBeFalsy();
    expect(callFunction).not.toHaveBeenCalled();
  });

  it('first render: the bound Open Platform account and the rebinds left', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/settings/index');
    expect(callFunction).toHaveBeenCalledTimes(1);
    expect(callFunction).toHaveBeenCalledWith({ name: 'customparam', data: { action: 'openAccount.get' } });
    const text = textOf(page);
    expect(text).toContain('当前绑定：wx0123456789abcdef');
    expect(text).toContain('近一年已绑定 1 次，还可换绑 1 次（微信每年最多 2 次）');
    expect(text).toContain('2025-01-01 起恢复 1 次');
    expect(text).toContain('换绑');
  });

  it('shows the loading state, then an error with retry for the account', async () => {
    const reply = deferred();
    cloud({
      'openAccount.get': firstThen(reply.promise, () =>
        ok({ ...ACCOUNT, openAccount: null, rebindsInLastYear: 0, rebindsLeft: 2 }),
      ),
    });
    const { page, loaded } = await renderLoading('pages/settings/index');
    expect(page.querySelector('.account-state >>> .state-view__loading')).toBeTruthy();
    reply.resolve(fail('CONFIG_ERROR', 'OPEN_APPID missing'));
    await loaded;
    expect(textOf(page)).toContain('服务配置不完整，请联系管理员');
    await tap(page, '.account-state >>> .state-view__retry >>> .t-button');
    expect(textOf(page)).toContain('尚未绑定开放平台账号');
  });

  it('rebinding asks first, with the yearly limit and what is left, then binds', async () => {
    const callFunction = cloud({
      'openAccount.bind': (d) =>
        ok({
          openAccount: d.openAccount,
          rebindsInLastYear: 2,
          rebindsLeft: 0,
          warning: '换绑后原账号下的 unionid 将不再对应',
        }),
    });
    const page = await openPage('pages/settings/index');
    await typeInto(page, '.bind-input >>> .t-input__control', 'wxfedcba9876543210');
    await tap(page, '.bind-button >>> .t-button');
    expect(page.instance.data.bindDialog).toBe(true);
    const text = textOf(page);
    expect(text).toContain('将从 wx0123456789abcdef 换绑为 wxfedcba9876543210。');
    expect(text).toContain('微信每年最多换绑 2 次开放平台账号，当前还可换绑 1 次，确认后剩 0 次。');
    expect(callFunction).toHaveBeenCalledTimes(1);
    await tap(page, '.bind-confirm >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'customparam',
      data: { action: 'openAccount.bind', openAccount: 'wxfedcba9876543210' },
    });
    expect(textOf(page)).toContain('当前绑定：wxfedcba9876543210');
    expect(textOf(page)).toContain('换绑后原账号下的 unionid 将不再对应');
    expect(toastText(page)).toBe('已绑定 wxfedcba9876543210');
  });

  it('cancelling the confirm binds nothing; bad input is refused before asking', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/settings/index');
    await typeInto(page, '.bind-input >>> .t-input__control', 'wx123');
    await tap(page, '.bind-button >>> .t-button');
    expect(page.instance.data.bindDialog).toBe(false);
    expect(page.instance.data.bindError).toBe('开放平台账号应为 wx 开头、共 18 位的 appid（小写字母和数字）');
    await typeInto(page, '.bind-input >>> .t-input__control', 'wx0123456789abcdef');
    await tap(page, '.bind-button >>> .t-button');
    expect(page.instance.data.bindError).toBe('已绑定该开放平台账号');
    await typeInto(page, '.bind-input >>> .t-input__control', 'wxfedcba9876543210');
    await tap(page, '.bind-button >>> .t-button');
    await tap(page, '.bind-cancel >>> .t-button');
    expect(page.instance.data.bindDialog).toBe(false);
    expect(callFunction).toHaveBeenCalledTimes(1);
  });

  it('no rebinds left: refused before asking; a cloud QUOTA error is a toast', async () => {
    cloud({
      'openAccount.get': () => ok({ ...ACCOUNT, rebindsLeft: 0 }),
    });
    const page = await openPage('pages/settings/index');
    await typeInto(page, '.bind-input >>> .t-input__control', 'wxfedcba9876543210');
    await tap(page, '.bind-button >>> .t-button');
    expect(page.instance.data.bindError).toBe('近一年的绑定次数已用完');

    const second = cloud({ 'openAccount.bind': () => fail('QUOTA_EXCEEDED', '一年内最多换绑 2 次') });
    page.instance.setData({ 'account.rebindsLeft': 1 });
    await tap(page, '.bind-button >>> .t-button');
    await tap(page, '.bind-confirm >>> .t-button');
    expect(second).toHaveBeenCalledTimes(1);
    expect(toastText(page)).toBe('已达到微信的次数或数量上限：一年内最多换绑 2 次');
    expect(page.instance.data.bindInput).toBe('wxfedcba9876543210');
  });

  it('managers tab: lists staff with their stores; built-in admins cannot be removed', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    expect(callFunction).toHaveBeenCalledWith({ name: 'admin', data: { action: 'store.list' } });
    expect(callFunction).toHaveBeenCalledWith({ name: 'admin', data: { action: 'manager.list' } });
    const text = textOf(page);
    expect(text).toContain('王店长');
    expect(text).toContain('门店：上海店（SH-01）');
    expect(text).toContain('门店：全部门店');
    expect(text).toContain('内置管理员');
    expect(page.querySelectorAll('.m-remove')).toHaveLength(1);
    // a second visit does not reload
    await openTab(page, 0);
    await openTab(page, 1);
    expect(callFunction.mock.calls.filter(([c]) => c.data.action === 'manager.list')).toHaveLength(1);
  });

  it('adds a manager with a store multi-select, after checking the fields', async () => {
    const callFunction = cloud({
      'manager.add': (d) =>
        ok({ ...d, action: undefined, builtIn: false, createdAt: 2, createdBy: 'o-admin' }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    await tap(page, '.m-advanced');
    await tap(page, '.m-save >>> .t-button');
    expect(page.instance.data.managerErrors).toEqual({
      openid: 'openid 格式不正确：应为 28 位字母、数字、- 或 _',
      name: '请填写姓名',
      storeIds: '店长至少要负责一家门店',
      storeId: '',
    });
    await typeInto(page, '.m-openid >>> .t-input__control', oid(5));
    await typeInto(page, '.m-name >>> .t-input__control', '李店长');
    await tap(page, '.m-stores >>> .t-checkbox', 0);
    await tap(page, '.m-stores >>> .t-checkbox', 1);
    expect(page.instance.data.managerForm.storeIds).toEqual(['SH-01', 'BJ-01']);
    const setData = jest.spyOn(page.instance, 'setData');
    await tap(page, '.m-save >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: {
        action: 'manager.add',
        openid: oid(5),
        name: '李店长',
        role: 'manager',
        storeIds: ['SH-01', 'BJ-01'],
      },
    });
    expect(setData).toHaveBeenCalledWith(
      expect.objectContaining({ 'managers[2]': expect.objectContaining({ name: '李店长' }) }),
    );
    expect(textOf(page)).toContain('门店：上海店（SH-01）、北京店（BJ-01）');
    expect(toastText(page)).toBe('已添加 李店长');
  });

  it('adding an admin sends no stores', async () => {
    const callFunction = cloud({
      'manager.add': (d) => ok({ ...d, builtIn: false, createdAt: 2, createdBy: 'x' }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    await tap(page, '.m-advanced');
    await typeInto(page, '.m-openid >>> .t-input__control', oid(6));
    await typeInto(page, '.m-name >>> .t-input__control', '财务');
    await tap(page, '.m-role >>> .t-radio', 1);
    expect(page.querySelector('.m-stores')).toBeFalsy();
    await tap(page, '.m-save >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'manager.add', openid: oid(6), name: '财务', role: 'admin', storeIds: [] },
    });
  });

  it('edits a manager and shows a cloud field error next to the field', async () => {
    let round = 0;
    const callFunction = cloud({
      'manager.update': (d) =>
        ++round === 1
          ? fail('INVALID_ARGUMENT', '门店 BJ-01 不存在', { field: 'storeIds' })
          : ok({ ...STAFF[1], name: d.name, storeIds: d.storeIds }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    await tap(page, '.m-edit >>> .t-button');
    expect(page.instance.data.managerForm).toEqual({
      editing: true,
      openid: oid(1),
      name: '王店长',
      role: 'manager',
      storeIds: ['SH-01'],
    });
    await tap(page, '.m-stores >>> .t-checkbox', 1);
    await tap(page, '.m-save >>> .t-button');
    expect(page.instance.data.managerErrors.storeIds).toBe('填写的内容有误：门店 BJ-01 不存在');
    await tap(page, '.m-save >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: {
        action: 'manager.update',
        openid: oid(1),
        name: '王店长',
        role: 'manager',
        storeIds: ['SH-01', 'BJ-01'],
      },
    });
    expect(page.instance.data.managers[1].storesText).toBe('上海店（SH-01）、北京店（BJ-01）');
    await tap(page, '.m-edit >>> .t-button');
    await tap(page, '.m-cancel >>> .t-button');
    expect(page.instance.data.managerForm.editing).toBe(false);
  });

  it('removes a manager after the confirm dialog', async () => {
    const callFunction = cloud({ 'manager.remove': (d) => ok({ openid: d.openid }) });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    await tap(page, '.m-remove >>> .t-button');
    expect(textOf(page)).toContain('确定移除 王店长？移除后 TA 不能再管理推广员。');
    expect(textOf(page)).not.toContain(oid(1));
    await tap(page, '.remove-cancel >>> .t-button');
    expect(callFunction.mock.calls.some(([c]) => c.data.action === 'manager.remove')).toBe(false);
    await tap(page, '.m-remove >>> .t-button');
    await tap(page, '.remove-confirm >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'manager.remove', openid: oid(1) },
    });
    expect(page.instance.data.managers.map((m: any) => m.name)).toEqual(['总部']);
    expect(toastText(page)).toBe('已移除 王店长');
  });

  it('invites a manager by name and stores instead of an openid, and shares the card', async () => {
    const INVITE = staffInvite('T', { name: '陈店长', storeIds: ['SH-01'], storeNames: ['上海店'] });
    const callFunction = cloud({ 'manager.invite': () => ok(INVITE) });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    expect(callFunction).toHaveBeenCalledWith({ name: 'admin', data: { action: 'manager.invites' } });
    expect(page.querySelector('.m-openid')).toBeFalsy();
    expect(textOf(page)).not.toMatch(/28 位|openid 格式/);
    await tap(page, '.m-invite >>> .t-button');
    expect(page.instance.data.managerErrors).toEqual({
      openid: '',
      name: '请填写姓名',
      storeIds: '店长至少要负责一家门店',
      storeId: '',
    });
    await typeInto(page, '.m-name >>> .t-input__control', '陈店长');
    await tap(page, '.m-stores >>> .t-checkbox', 0);
    await tap(page, '.m-invite >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'manager.invite', name: '陈店长', role: 'manager', storeIds: ['SH-01'] },
    });
    expect(toastText(page)).toBe('已生成给 陈店长 的邀请，点「发给 TA」');
    const text = textOf(page);
    expect(text).toContain('待接受的邀请');
    expect(text).toContain('门店：上海店');
    expect(text).toContain('2026-01-01 前有效，只能由一人接受');
    expect(page.instance.data.managerForm.name).toBe('');
    const share = page.instance.onShareAppMessage({
      from: 'button',
      target: { dataset: { token: INVITE.token } },
    });
    expect(share).toEqual({ title: '邀请你成为上海店的店长', path: INVITE.sharePath });
    expect(page.instance.onShareAppMessage({ from: 'menu' })).toEqual({
      title: '推广员管理',
      path: '/pages/home/index',
    });
  });

  it('revokes an open invite behind a red confirm naming the person', async () => {
    const open = staffInvite('R', { name: '刘店长', storeIds: ['BJ-01'], storeNames: ['北京店'] });
    const callFunction = cloud({
      'manager.invites': () => ok({ items: [open] }),
      'manager.inviteRevoke': () => ok({ ...open, status: 'revoked' }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    expect(textOf(page)).toContain('刘店长');
    await tap(page, '.i-revoke >>> .t-button');
    expect(textOf(page)).toContain('撤回给 刘店长 的邀请？撤回后对方打开卡片将无法接受。');
    await tap(page, '.revoke-cancel >>> .t-button');
    expect(callFunction.mock.calls.map(([c]) => c.data.action)).not.toContain('manager.inviteRevoke');
    await tap(page, '.i-revoke >>> .t-button');
    await tap(page, '.revoke-confirm >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'manager.inviteRevoke', token: open.token },
    });
    expect(page.instance.data.invites).toEqual([]);
    expect(toastText(page)).toBe('已撤回给 刘店长 的邀请');
  });

  it('an invite refused by the cloud shows the error next to its field', async () => {
    cloud({
      'manager.invite': () => fail('NOT_FOUND', '门店 SH-01 不存在，请先添加门店', { field: 'storeIds[0]' }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    await typeInto(page, '.m-name >>> .t-input__control', '陈店长');
    await tap(page, '.m-stores >>> .t-checkbox', 0);
    await tap(page, '.m-invite >>> .t-button');
    expect(page.instance.data.managerErrors.storeIds).toContain('门店 SH-01 不存在');
    expect(page.instance.data.managerForm.name).toBe('陈店长');
  });

  it('managers tab: error state and retry', async () => {
    cloud({ 'manager.list': firstThen(fail('INTERNAL', 'x'), () => ok({ items: STAFF })) });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    expect(page.instance.data.managersState).toBe('error');
    await tap(page, '.managers-state >>> .state-view__retry >>> .t-button');
    expect(page.instance.data.managersState).toBe('ready');
  });

  it('stores tab: lists, adds with the storeId rule, renames', async () => {
    const callFunction = cloud({
      'store.add': (d) => ok({ storeId: d.storeId, name: d.name, createdAt: 3, updatedAt: 3 }),
      'store.update': (d) => ok({ storeId: d.storeId, name: d.name, createdAt: 1, updatedAt: 3 }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 2);
    expect(callFunction).toHaveBeenLastCalledWith({ name: 'admin', data: { action: 'store.list' } });
    expect(textOf(page)).toContain('北京店');
    await typeInto(page, '.s-id >>> .t-input__control', '上海静安寺旗舰店');
    await tap(page, '.s-save >>> .t-button');
    expect(page.instance.data.storeErrors.storeId).toBe(
      '门店编号最多 20 字节（一个汉字算 3 字节），当前 24 字节',
    );
    await typeInto(page, '.s-id >>> .t-input__control', 'SH 3');
    await tap(page, '.s-save >>> .t-button');
    expect(page.instance.data.storeErrors).toMatchObject({
      storeId: '门店编号只能包含字母、数字、- 和 _',
      name: '请填写门店名称',
    });
    await typeInto(page, '.s-id >>> .t-input__control', 'SH-03');
    await typeInto(page, '.s-name >>> .t-input__control', '上海三店');
    await tap(page, '.s-save >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'store.add', storeId: 'SH-03', name: '上海三店' },
    });
    expect(page.instance.data.stores).toHaveLength(3);
    await tap(page, '.s-edit >>> .t-button', 0);
    expect(textOf(page)).toContain('修改门店 SH-01');
    await typeInto(page, '.s-name >>> .t-input__control', '上海旗舰店');
    await tap(page, '.s-save >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'store.update', storeId: 'SH-01', name: '上海旗舰店' },
    });
    expect(page.instance.data.stores[0].name).toBe('上海旗舰店');
  });

  it('stores tab: empty state, and a duplicate id comes back next to the field', async () => {
    cloud({
      'store.list': () => ok({ items: [] }),
      'store.add': () => fail('CONFLICT', '门店编号 SH-01 已存在', { field: 'storeId' }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 2);
    expect(textOf(page)).toContain('还没有门店');
    await typeInto(page, '.s-id >>> .t-input__control', 'SH-01');
    await typeInto(page, '.s-name >>> .t-input__control', '上海店');
    await tap(page, '.s-save >>> .t-button');
    expect(page.instance.data.storeErrors.storeId).toBe(
      '操作冲突：记录已存在或状态已变化：门店编号 SH-01 已存在',
    );
    expect(page.instance.data.storeForm).toMatchObject({ storeId: 'SH-01', name: '上海店' });
  });

  it('audit tab: who, when, what and before → after; reach-bottom pages on', async () => {
    const callFunction = cloud({
      'audit.list': (d) =>
        d.cursor
          ? ok({
              items: [
                AUDIT('a2', {
                  action: 'manager.remove',
                  target: oid(1),
                  before: { name: '王店长' },
                  after: null,
                }),
              ],
              total: 2,
            })
          : ok({ items: [AUDIT('a1')], total: 2, nextCursor: 'c2' }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 3);
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'audit.list', limit: 20 },
    });
    let text = textOf(page);
    expect(text).toContain('admin / store.update');
    expect(text).toContain('2023-11-15 06:13');
    expect(text).toContain(`操作人：总部管理员 ${oid(0)}`);
    expect(text).toContain('对象：SH-01');
    expect(text).toContain('{"name":"上海店"} → {"name":"上海旗舰店"}');
    const setData = await reachBottom(page);
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'audit.list', cursor: 'c2', limit: 20 },
    });
    expectAppendedByPath(setData, 'audit', 1, expect.objectContaining({ id: 'a2' }));
    text = textOf(page);
    expect(text).toContain('{"name":"王店长"} → （无）');
    expect(text).toContain('没有更多了');
  });

  it('audit tab: empty, error, and pull-down reloads the open tab', async () => {
    const callFunction = cloud({
      'audit.list': firstThen(fail('FORBIDDEN', '仅管理员'), () => ok({ items: [], total: 0 })),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 3);
    expect(textOf(page)).toContain('没有权限进行此操作：仅管理员');
    await page.instance.onPullDownRefresh();
    await flush();
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
    expect(textOf(page)).toContain('还没有操作记录');
    expect(callFunction.mock.calls.filter(([c]) => c.data.action === 'audit.list')).toHaveLength(2);
    expect(node(page, '.audit-state')).toBeTruthy();
  });
});
