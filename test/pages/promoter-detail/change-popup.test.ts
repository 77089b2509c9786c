/**
 * The detail page's change popup: 修改角色/门店 from the action bar (a role and a store picker preset
 * to the current values, only the caller's stores) and 编辑资料 from the facts card (name, phone,
 * parameter); only what changed is sent, with the cloud's rules and words next to each field.
 */
import { updateOf } from '../../../miniprogram/pages/promoter-detail/components/change-popup/rules';
import { fail, ok, textOf } from '../helpers';
import { MANAGER, STORES } from '../fixtures';
import { deferred, node, pick, tap, toastText, typeInto } from '../kit';
import { OPEN_CALLS, P, asCaller, call, callsOf, cloud, open } from './fixtures';

const popup = (page: any) => page.instance.selectComponent('#change-popup').data;
const openAssign = async (page: any) => tap(page, '.action-bar >>> .change');
const openProfile = async (page: any) => tap(page, '.facts-card >>> .edit-profile >>> .t-cell');
const save = (page: any) => tap(page, '.change-popup >>> .save >>> .t-button');
const type = (page: any, field: string, value: string) =>
  typeInto(page, `.change-popup >>> .${field} >>> .t-input__control`, value);

beforeEach(() => asCaller());

describe('修改角色/门店', () => {
  it('opens from the action bar preset to the current role and store; closing sends nothing', async () => {
    const callFunction = cloud();
    const page = await open();
    expect(page.instance.data.popup.visible).toBe(false);
    await openAssign(page);
    expect(page.instance.data.popup).toEqual({ visible: true, mode: 'assign' });
    const text = textOf(node(page, '.change-popup'));
    expect(text).toContain('修改角色和门店');
    expect(text).toContain('角色推广员 ▾');
    expect(text).toContain('门店上海徐汇店 ▾');
    // no name, phone or parameter fields in this one
    expect(page.querySelector('.change-popup >>> .edit-name')).toBeFalsy();
    await tap(page, '.change-popup >>> .sheet__close');
    expect(page.instance.data.popup.visible).toBe(false);
    expect(callFunction).toHaveBeenCalledTimes(OPEN_CALLS);
  });

  it('offers a manager only their stores, and nobody 不分配门店 (the cloud refuses an empty store)', async () => {
    cloud();
    const asAdmin = await open();
    await openAssign(asAdmin);
    expect(popup(asAdmin).storeOptions.map((o: any) => o.label)).toEqual(STORES.map((s) => s.name));
    asCaller(MANAGER);
    cloud({ 'admin/store.list': () => ok({ items: [STORES[0]] }) });
    const asManager = await open();
    await openAssign(asManager);
    expect(popup(asManager).storeOptions.map((o: any) => o.label)).toEqual([STORES[0]!.name]);
    expect(popup(asManager).storeIndex).toBe(0);
  }, 20_000); // two pages rendered in one test

  it('saves only what changed, once, with the button loading; the page shows it and the list refreshes', async () => {
    const held = deferred<unknown>();
    const callFunction = cloud({ 'promoter/promoter.update': () => held.promise });
    const page = await open();
    await openAssign(page);
    await pick(page, '.change-popup >>> .pick-role', 1);
    await pick(page, '.change-popup >>> .pick-store', 1);
    await save(page);
    expect(popup(page).saving).toBe(true);
    await save(page);
    expect(callsOf(callFunction, 'promoter.update')).toEqual([
      [call('promoter.update', { id: 'p1', roleId: 2, storeId: 'BJ-CHAOYANG' })],
    ]);
    held.resolve(ok({ ...P, roleId: 2, storeId: 'BJ-CHAOYANG' }));
    await tap(page, '.head');
    expect(page.instance.data.popup.visible).toBe(false);
    expect(toastText(page)).toBe('已保存');
    const facts = textOf(node(page, '.facts-card'));
    expect(facts).toContain('门店北京朝阳店');
    expect(facts).toContain('角色金牌推广员');
    expect(getApp<IAppOption>().globalData.promoterListDirty).toBe(true);
  });

  it('says so in the popup when nothing changed, and sends nothing', async () => {
    const callFunction = cloud();
    const page = await open();
    await openAssign(page);
    await save(page);
    expect(textOf(node(page, '.change-popup >>> .form-error'))).toBe('没有需要保存的修改');
    expect(callFunction).toHaveBeenCalledTimes(OPEN_CALLS);
  });

  it('puts the cloud’s store refusal next to the store, and keeps the popup open', async () => {
    const refusal = '门店 BJ-CHAOYANG 不属于你负责的门店，不能查看或修改其中的数据';
    cloud({ 'promoter/promoter.update': () => fail('FORBIDDEN', refusal, { field: 'storeId' }) });
    const page = await open();
    await openAssign(page);
    await pick(page, '.change-popup >>> .pick-store', 1);
    await save(page);
    expect(textOf(node(page, '.change-popup >>> .store-error'))).toBe(refusal);
    expect(page.querySelector('.change-popup >>> .role-error')).toBeFalsy();
    expect(page.instance.data.popup.visible).toBe(true);
    expect(getApp<IAppOption>().globalData.promoterListDirty).toBeUndefined();
    // picking again clears the message
    await pick(page, '.change-popup >>> .pick-store', 0);
    expect(page.querySelector('.change-popup >>> .store-error')).toBeFalsy();
  });

  it('a refusal without a field is said above 保存, in the popup', async () => {
    cloud({ 'promoter/promoter.update': () => fail('UPSTREAM_UNAVAILABLE', 'busy') });
    const page = await open();
    await openAssign(page);
    await pick(page, '.change-popup >>> .pick-role', 1);
    await save(page);
    expect(textOf(node(page, '.change-popup >>> .form-error'))).toBe('微信服务繁忙，请稍后重试');
    expect(popup(page).saving).toBe(false);
  });

  it('opening again starts from the promoter as it is, not from the last picks', async () => {
    cloud();
    const page = await open();
    await openAssign(page);
    await pick(page, '.change-popup >>> .pick-role', 1);
    await tap(page, '.change-popup >>> .sheet__close');
    await openAssign(page);
    expect(popup(page).roleIndex).toBe(0);
  });

  it('says why only the current role and store are offered when the lookups failed', async () => {
    cloud({ 'promoter/role.list': () => fail('INTERNAL', 'x') });
    const page = await open();
    await openAssign(page);
    expect(textOf(node(page, '.change-popup >>> .options-note'))).toContain('角色或门店列表没有读到');
    expect(popup(page).roleOptions.map((o: any) => o.label)).toEqual(['角色 1']);
  });
});

describe('编辑资料', () => {
  it('opens from the facts card with the name, phone and parameter, and saves only what changed', async () => {
    const callFunction = cloud({ 'promoter/promoter.update': () => ok({ ...P, name: '张伟伟' }) });
    const page = await open();
    await openProfile(page);
    expect(textOf(node(page, '.change-popup'))).toContain('编辑资料');
    expect(page.querySelector('.change-popup >>> .pick-role')).toBeFalsy();
    expect(node(page, '.change-popup >>> .edit-name >>> .byte-field__counter').dom.textContent).toBe(
      '还能输入 8 个字',
    );
    await type(page, 'edit-name', '张伟伟');
    await save(page);
    expect(callFunction).toHaveBeenLastCalledWith(call('promoter.update', { id: 'p1', name: '张伟伟' }));
    expect(textOf(node(page, '.head'))).toBe('张伟伟已绑定');
  });

  it('refuses a too-long or malformed field before calling the cloud, with the cloud words', async () => {
    const callFunction = cloud();
    const page = await open();
    await openProfile(page);
    await type(page, 'edit-extra', '参'.repeat(27));
    await type(page, 'edit-phone', '138-abc');
    await save(page);
    expect(callFunction).toHaveBeenCalledTimes(OPEN_CALLS);
    expect(popup(page).errors).toMatchObject({
      name: '',
      phone: '手机号格式不正确：只能是数字，可带 + 号、空格或连字符',
      extraInfo: '推广员参数太长了，最多 26 个汉字或 80 个字母数字',
    });
    expect(textOf(node(page, '.change-popup'))).toContain('手机号格式不正确');
  });

  it('an emptied phone number is sent as cleared, as the cloud allows', async () => {
    const callFunction = cloud({ 'promoter/promoter.update': () => ok({ ...P, phone: '' }) });
    const page = await open();
    await openProfile(page);
    await type(page, 'edit-phone', '');
    await save(page);
    expect(callFunction).toHaveBeenLastCalledWith(call('promoter.update', { id: 'p1', phone: '' }));
    // no number, no call button
    expect(page.querySelector('.action-bar >>> .call')).toBeFalsy();
  });

  it('puts a cloud field error on the field', async () => {
    const message = '手机号格式不正确：只能是数字，可带 + 号、空格或连字符';
    cloud({ 'promoter/promoter.update': () => fail('INVALID_ARGUMENT', message, { field: 'phone' }) });
    const page = await open();
    await openProfile(page);
    await type(page, 'edit-phone', '13900000000');
    await save(page);
    expect(popup(page).errors.phone).toBe(message);
    expect(getApp<IAppOption>().globalData.promoterListDirty).toBeUndefined();
  });
});

describe('updateOf: what the popup sends', () => {
  const draft = {
    roleId: P.roleId,
    storeId: P.storeId,
    name: P.name,
    phone: P.phone,
    extraInfo: P.extraInfo,
  };

  it('only what changed, for the fields of its mode', () => {
    expect(updateOf(P, 'assign', { ...draft, roleId: 2, name: 'x' })).toEqual({
      update: { id: 'p1', roleId: 2 },
    });
    expect(updateOf(P, 'profile', { ...draft, roleId: 2, name: 'x' })).toEqual({
      update: { id: 'p1', name: 'x' },
    });
    expect(updateOf(P, 'assign', draft)).toEqual({ update: { id: 'p1' } });
  });

  it('a role or store the cloud would refuse, in its words', () => {
    const outcome = updateOf(P, 'assign', { ...draft, roleId: 0, storeId: 'SH 3' });
    expect(outcome).toEqual({
      errors: expect.objectContaining({
        roleId: '角色不能小于 1',
        storeId: '门店编号格式不正确：只能包含字母、数字、_ 和 -',
      }),
    });
    expect(updateOf(P, 'assign', { ...draft, storeId: '' })).toEqual({
      errors: expect.objectContaining({ storeId: '门店编号不能为空' }),
    });
  });
});
