/** settings → 店长 (components/staff-panel): invites instead of openids */
import { fail, ok, openPage, textOf } from '../helpers';
import { firstThen, tap, toastText, typeInto } from '../kit';
import { STAFF, asAdmin, cloud, data, oid, openTab, panelOf, staffInvite } from './fixtures';

beforeEach(asAdmin);

describe('settings → 店长', () => {
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
    expect(page.querySelectorAll('#managers >>> .m-remove')).toHaveLength(1);
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
    await tap(page, '#managers >>> .m-advanced');
    await tap(page, '#managers >>> .m-save >>> .t-button');
    expect(data(page, 'managers').managerErrors).toEqual({
      openid: 'openid 格式不正确：应为 28 位字母、数字、- 或 _',
      name: '请填写姓名',
      storeIds: '店长至少要负责一家门店',
    });
    await typeInto(page, '#managers >>> .m-openid >>> .t-input__control', oid(5));
    await typeInto(page, '#managers >>> .m-name >>> .t-input__control', '李店长');
    await tap(page, '#managers >>> .m-stores >>> .t-checkbox', 0);
    await tap(page, '#managers >>> .m-stores >>> .t-checkbox', 1);
    expect(data(page, 'managers').managerForm.storeIds).toEqual(['SH-01', 'BJ-01']);
    const setData = jest.spyOn(panelOf(page, 'managers').instance, 'setData');
    await tap(page, '#managers >>> .m-save >>> .t-button');
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
    expect(toastText(panelOf(page, 'managers'))).toBe('已添加 李店长');
  });

  it('adding an admin sends no stores', async () => {
    const callFunction = cloud({
      'manager.add': (d) => ok({ ...d, builtIn: false, createdAt: 2, createdBy: 'x' }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    await tap(page, '#managers >>> .m-advanced');
    await typeInto(page, '#managers >>> .m-openid >>> .t-input__control', oid(6));
    await typeInto(page, '#managers >>> .m-name >>> .t-input__control', '财务');
    await tap(page, '#managers >>> .m-role >>> .t-radio', 1);
    expect(page.querySelector('#managers >>> .m-stores')).toBeFalsy();
    await tap(page, '#managers >>> .m-save >>> .t-button');
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
    await tap(page, '#managers >>> .m-edit >>> .t-button');
    expect(data(page, 'managers').managerForm).toEqual({
      editing: true,
      openid: oid(1),
      name: '王店长',
      role: 'manager',
      storeIds: ['SH-01'],
    });
    await tap(page, '#managers >>> .m-stores >>> .t-checkbox', 1);
    await tap(page, '#managers >>> .m-save >>> .t-button');
    expect(data(page, 'managers').managerErrors.storeIds).toBe('门店 BJ-01 不存在');
    await tap(page, '#managers >>> .m-save >>> .t-button');
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
    expect(data(page, 'managers').managers[1].storesText).toBe('上海店（SH-01）、北京店（BJ-01）');
    await tap(page, '#managers >>> .m-edit >>> .t-button');
    await tap(page, '#managers >>> .m-cancel >>> .t-button');
    expect(data(page, 'managers').managerForm.editing).toBe(false);
  });

  it('removes a manager after the confirm dialog', async () => {
    const callFunction = cloud({ 'manager.remove': (d) => ok({ openid: d.openid }) });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    await tap(page, '#managers >>> .m-remove >>> .t-button');
    expect(textOf(page)).toContain('确定移除 王店长？移除后 TA 不能再管理推广员。');
    expect(textOf(page)).not.toContain(oid(1));
    await tap(page, '#managers >>> .remove-cancel >>> .t-button');
    expect(callFunction.mock.calls.some(([c]) => c.data.action === 'manager.remove')).toBe(false);
    await tap(page, '#managers >>> .m-remove >>> .t-button');
    await tap(page, '#managers >>> .remove-confirm >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'manager.remove', openid: oid(1) },
    });
    expect(data(page, 'managers').managers.map((m: any) => m.name)).toEqual(['总部']);
    expect(toastText(panelOf(page, 'managers'))).toBe('已移除 王店长');
  });

  it('invites a manager by name and stores instead of an openid, and shares the card', async () => {
    const INVITE = staffInvite('T', { name: '陈店长', storeIds: ['SH-01'], storeNames: ['上海店'] });
    const callFunction = cloud({ 'manager.invite': () => ok(INVITE) });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    expect(callFunction).toHaveBeenCalledWith({ name: 'admin', data: { action: 'manager.invites' } });
    expect(page.querySelector('#managers >>> .m-openid')).toBeFalsy();
    expect(textOf(page)).not.toMatch(/28 位|openid 格式/);
    await tap(page, '#managers >>> .m-invite >>> .t-button');
    expect(data(page, 'managers').managerErrors).toEqual({
      openid: '',
      name: '请填写姓名',
      storeIds: '店长至少要负责一家门店',
    });
    await typeInto(page, '#managers >>> .m-name >>> .t-input__control', '陈店长');
    await tap(page, '#managers >>> .m-stores >>> .t-checkbox', 0);
    await tap(page, '#managers >>> .m-invite >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'manager.invite', name: '陈店长', role: 'manager', storeIds: ['SH-01'] },
    });
    expect(toastText(panelOf(page, 'managers'))).toBe('已生成给 陈店长 的邀请，点「发给 TA」');
    const text = textOf(page);
    expect(text).toContain('待接受的邀请');
    expect(text).toContain('门店：上海店');
    expect(text).toContain('2026-01-01 前有效，只能由一人接受');
    expect(data(page, 'managers').managerForm.name).toBe('');
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
    await tap(page, '#managers >>> .i-revoke >>> .t-button');
    expect(textOf(page)).toContain('撤回给 刘店长 的邀请？撤回后对方打开卡片将无法接受。');
    await tap(page, '#managers >>> .revoke-cancel >>> .t-button');
    expect(callFunction.mock.calls.map(([c]) => c.data.action)).not.toContain('manager.inviteRevoke');
    await tap(page, '#managers >>> .i-revoke >>> .t-button');
    await tap(page, '#managers >>> .revoke-confirm >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'manager.inviteRevoke', token: open.token },
    });
    expect(data(page, 'managers').invites).toEqual([]);
    expect(toastText(panelOf(page, 'managers'))).toBe('已撤回给 刘店长 的邀请');
  });

  it('an invite refused by the cloud shows the error next to its field', async () => {
    cloud({
      'manager.invite': () => fail('NOT_FOUND', '门店 SH-01 不存在，请先添加门店', { field: 'storeIds[0]' }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    await typeInto(page, '#managers >>> .m-name >>> .t-input__control', '陈店长');
    await tap(page, '#managers >>> .m-stores >>> .t-checkbox', 0);
    await tap(page, '#managers >>> .m-invite >>> .t-button');
    expect(data(page, 'managers').managerErrors.storeIds).toContain('门店 SH-01 不存在');
    expect(data(page, 'managers').managerForm.name).toBe('陈店长');
  });

  it('managers tab: error state and retry', async () => {
    cloud({ 'manager.list': firstThen(fail('INTERNAL', 'x'), () => ok({ items: STAFF })) });
    const page = await openPage('pages/settings/index');
    await openTab(page, 1);
    expect(data(page, 'managers').managersState).toBe('error');
    await tap(page, '#managers >>> .managers-state >>> .state-view__retry >>> .t-button');
    expect(data(page, 'managers').managersState).toBe('ready');
  });
});
