import { fail, mockCloud, ok, openPage, resetApp, textOf } from '../helpers';
import {
  cloudWith,
  firstThen,
  expectAppendedByPath,
  deferred,
  renderLoading,
  stubWx,
  tap,
  toastText,
  typeInto,
  type ActionHandlers,
} from '../kit';

const ROLES = [
  { roleId: 1, name: '导购', desc: '门店导购' },
  { roleId: 2, name: '店长', desc: '' },
];
const ADMIN = { openid: 'o-admin', role: 'admin', storeIds: [] };

/** role.list answers ROLES unless `handlers` says otherwise; anything unplanned fails the test. */
const cloud = (handlers: ActionHandlers = {}) =>
  cloudWith(handlers, { 'promoter/role.list': () => ok({ items: ROLES }) });

beforeEach(() => {
  resetApp({ whoami: Promise.resolve(ADMIN) });
  stubWx('stopPullDownRefresh');
});

describe('roles page', () => {
  it('renders the list', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/roles/index');
    expect(callFunction).toHaveBeenCalledTimes(1);
    expect(callFunction).toHaveBeenCalledWith({ name: 'promoter', data: { action: 'role.list' } });
    expect(page.instance.data.state).toBe('ready');
    const text = textOf(page);
    expect(text).toContain('导购');
    expect(text).toContain('门店导购');
    expect(text).toContain('（无说明）');
    expect(text).toContain('编号 2');
    expect(text).toContain('共 2 个角色（最多 100 个）');
    expect(text).toContain('新增角色');
  });

  it('shows the loading state until role.list answers', async () => {
    const reply = deferred();
    cloud({ 'role.list': () => reply.promise });
    const { page, loaded: loading } = await renderLoading('pages/roles/index');
    expect(page.instance.data.state).toBe('loading');
    expect(page.querySelector('.list-state >>> .state-view__loading')).toBeTruthy();
    reply.resolve(ok({ items: ROLES }));
    await loading;
    expect(page.instance.data.state).toBe('ready');
    expect(page.querySelector('.list-state >>> .state-view__loading')).toBeFalsy();
  });

  it('shows the empty state when there are no roles', async () => {
    cloud({ 'role.list': () => ok({ items: [] }) });
    const page = await openPage('pages/roles/index');
    expect(page.instance.data.state).toBe('empty');
    expect(textOf(page)).toContain('还没有角色');
  });

  it('shows the error state and retries', async () => {
    const callFunction = cloud({
      'role.list': firstThen(fail('UPSTREAM_UNAVAILABLE', 'busy'), () => ok({ items: ROLES })),
    });
    const page = await openPage('pages/roles/index');
    expect(page.instance.data.state).toBe('error');
    expect(textOf(page)).toContain('微信服务繁忙，请稍后重试');
    await tap(page, '.list-state >>> .state-view__retry >>> .t-button');
    expect(callFunction).toHaveBeenCalledTimes(2);
    expect(page.instance.data.state).toBe('ready');
    expect(textOf(page)).toContain('店长');
  });

  it('a network failure of role.list is an error state too', async () => {
    mockCloud(() => {
      throw new Error('offline');
    });
    const page = await openPage('pages/roles/index');
    expect(page.instance.data.state).toBe('error');
    expect(textOf(page)).toContain('网络异常，请检查网络后重试');
  });

  it('managers see the list read-only; a missing whoami is fetched', async () => {
    resetApp({});
    const callFunction = cloud({
      'me.whoami': () => ok({ openid: 'o-m', role: 'manager', storeIds: ['SH-01'] }),
    });
    const page = await openPage('pages/roles/index');
    expect(callFunction).toHaveBeenCalledWith({ name: 'promoter', data: { action: 'me.whoami' } });
    expect(page.instance.data.canEdit).toBe(false);
    expect(page.querySelector('.form')).toBeFalsy();
    expect(textOf(page)).toContain('仅总部管理员可新增或修改角色');
    await tap(page, '.role-item >>> .t-cell');
    expect(page.instance.data.form.roleId).toBeNull();
  });

  it('a failed launch-time whoami is asked again', async () => {
    const failed = Promise.reject(new Error('launch failed'));
    failed.catch(() => undefined);
    resetApp({ whoami: failed });
    const callFunction = cloud({ 'me.whoami': () => ok(ADMIN) });
    const page = await openPage('pages/roles/index');
    expect(callFunction).toHaveBeenCalledWith({ name: 'promoter', data: { action: 'me.whoami' } });
    expect(page.instance.data.canEdit).toBe(true);
  });

  it('counts characters left live and adds a role, appending it to the list', async () => {
    const callFunction = cloud({ 'role.add': (d) => ok({ roleId: 3, name: d.name, desc: d.desc ?? '' }) });
    const page = await openPage('pages/roles/index');
    await typeInto(page, '.name-input >>> .t-input__control', '推广达人');
    await typeInto(page, '.desc-input >>> .t-textarea__wrapper-inner', 'ab');
    // WeChat's 50 and 200 bytes: 推广达人 (12) leaves 12 汉字, ab (2) leaves 66
    expect(textOf(page)).toContain('还能输入 12 个字');
    expect(textOf(page)).toContain('还能输入 66 个字');
    const setData = jest.spyOn(page.instance, 'setData');
    await tap(page, '.save >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'role.add', name: '推广达人', desc: 'ab' },
    });
    expectAppendedByPath(setData, 'items', 2, { roleId: 3, name: '推广达人', desc: 'ab' });
    expect(textOf(page)).toContain('共 3 个角色');
    expect(page.instance.data.form).toEqual({ roleId: null, name: '', desc: '' });
    expect(toastText(page)).toBe('已新增角色「推广达人」');
  });

  it('refuses an empty name or too long a text before sending, in characters', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/roles/index');
    await tap(page, '.save >>> .t-button');
    expect(textOf(page)).toContain('请填写角色名称');
    await typeInto(page, '.name-input >>> .t-input__control', '角'.repeat(17));
    await typeInto(page, '.desc-input >>> .t-textarea__wrapper-inner', '说'.repeat(67));
    expect(textOf(page)).toContain('还能输入 0 个字');
    expect(page.querySelector('.name-counter')!.dom!.className).toContain('byte-counter--over');
    expect(page.querySelector('.desc-counter')!.dom!.className).toContain('byte-counter--over');
    await tap(page, '.save >>> .t-button');
    expect(textOf(page)).toContain('角色名称太长了，最多 16 个汉字或 50 个字母数字');
    expect(textOf(page)).toContain('角色说明太长了，最多 66 个汉字或 200 个字母数字');
    expect(textOf(page)).not.toContain('字节');
    expect(callFunction).toHaveBeenCalledTimes(1); // role.list only
  });

  it('shows a cloud field error next to the field and keeps the input', async () => {
    cloud({ 'role.add': () => fail('CONFLICT', '角色名称「导购」已存在', { field: 'name' }) });
    const page = await openPage('pages/roles/index');
    await typeInto(page, '.name-input >>> .t-input__control', '导购');
    await tap(page, '.save >>> .t-button');
    expect(page.instance.data.errors.name).toBe('角色名称「导购」已存在');
    expect(page.instance.data.form.name).toBe('导购');
    expect(page.instance.data.items).toHaveLength(2);
  });

  it('a network failure on save is a toast and keeps the input', async () => {
    mockCloud((_n, d) => {
      if (d.action === 'role.list') return ok({ items: ROLES });
      throw new Error('offline');
    });
    const page = await openPage('pages/roles/index');
    await typeInto(page, '.name-input >>> .t-input__control', '新角色');
    await tap(page, '.save >>> .t-button');
    expect(toastText(page)).toBe('网络异常，请检查网络后重试');
    expect(page.instance.data.form.name).toBe('新角色');
    expect(page.instance.data.saving).toBe(false);
  });

  it('renames a role: tap the row, edit, save', async () => {
    const callFunction = cloud({
      'role.update': (d) => ok({ roleId: d.roleId, name: d.name, desc: d.desc }),
    });
    const page = await openPage('pages/roles/index');
    const scroll = jest.spyOn(wx, 'pageScrollTo').mockImplementation((() => undefined) as never);
    await tap(page, '.role-item >>> .t-cell', 1);
    expect(textOf(page)).toContain('修改角色（编号 2）');
    // the form is at the top of a possibly long list: it comes into view
    expect(scroll).toHaveBeenCalledWith(expect.objectContaining({ scrollTop: 0 }));
    expect(page.instance.data.form).toEqual({ roleId: 2, name: '店长', desc: '' });
    expect(textOf(page)).toContain('还能输入 14 个字');
    await typeInto(page, '.name-input >>> .t-input__control', '值班店长');
    const setData = jest.spyOn(page.instance, 'setData');
    await tap(page, '.save >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'role.update', roleId: 2, name: '值班店长', desc: '' },
    });
    expectAppendedByPath(setData, 'items', 1, { roleId: 2, name: '值班店长', desc: '' });
    expect(textOf(page)).toContain('值班店长');
    expect(textOf(page)).toContain('新增角色');
  });

  it('cancels an edit', async () => {
    cloud();
    const page = await openPage('pages/roles/index');
    await tap(page, '.role-item >>> .t-cell');
    await tap(page, '.cancel-edit >>> .t-button');
    expect(page.instance.data.form).toEqual({ roleId: null, name: '', desc: '' });
  });

  it('stops offering "add" at 100 roles and shows at most 100', async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ roleId: i + 1, name: `角色${i + 1}`, desc: '' }));
    cloud({ 'role.list': () => ok({ items: many }) });
    const page = await openPage('pages/roles/index');
    expect(page.instance.data.items).toHaveLength(100);
    expect(textOf(page)).toContain('已有 100 个角色，已达上限，不能再新增');
    expect(page.querySelector('.save')).toBeFalsy();
  });

  it('pull-down reloads the list', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/roles/index');
    await page.instance.onPullDownRefresh();
    expect(callFunction).toHaveBeenCalledTimes(2);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });
});
