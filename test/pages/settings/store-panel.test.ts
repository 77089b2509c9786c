/** settings → 门店 (components/store-panel) */
import { fail, ok, openPage, textOf } from '../helpers';
import { tap, typeInto } from '../kit';
import { asAdmin, cloud, data, openTab } from './fixtures';

beforeEach(asAdmin);

describe('settings → 门店', () => {
  it('stores tab: lists, adds with the storeId rule, renames', async () => {
    const callFunction = cloud({
      'store.add': (d) => ok({ storeId: d.storeId, name: d.name, createdAt: 3, updatedAt: 3 }),
      'store.update': (d) => ok({ storeId: d.storeId, name: d.name, createdAt: 1, updatedAt: 3 }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 2);
    expect(callFunction).toHaveBeenLastCalledWith({ name: 'admin', data: { action: 'store.list' } });
    expect(textOf(page)).toContain('北京店');
    await typeInto(page, '#stores >>> .s-id >>> .t-input__control', '上海静安寺旗舰店');
    await tap(page, '#stores >>> .s-save >>> .t-button');
    // Chinese in an id of letters and digits: the pattern says what is allowed
    expect(data(page, 'stores').storeErrors.storeId).toBe('门店编号格式不正确：只能包含字母、数字、_ 和 -');
    await typeInto(page, '#stores >>> .s-id >>> .t-input__control', 'SH-'.repeat(7));
    await tap(page, '#stores >>> .s-save >>> .t-button');
    expect(data(page, 'stores').storeErrors.storeId).toBe('门店编号最多 20 位');
    await typeInto(page, '#stores >>> .s-id >>> .t-input__control', 'SH 3');
    await tap(page, '#stores >>> .s-save >>> .t-button');
    expect(data(page, 'stores').storeErrors).toMatchObject({
      storeId: '门店编号格式不正确：只能包含字母、数字、_ 和 -',
      name: '请填写门店名称',
    });
    await typeInto(page, '#stores >>> .s-id >>> .t-input__control', 'SH-03');
    await typeInto(page, '#stores >>> .s-name >>> .t-input__control', '上海三店');
    await tap(page, '#stores >>> .s-save >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'store.add', storeId: 'SH-03', name: '上海三店' },
    });
    expect(data(page, 'stores').stores).toHaveLength(3);
    await tap(page, '#stores >>> .s-edit >>> .t-button', 0);
    expect(textOf(page)).toContain('修改门店 SH-01');
    await typeInto(page, '#stores >>> .s-name >>> .t-input__control', '上海旗舰店');
    await tap(page, '#stores >>> .s-save >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'store.update', storeId: 'SH-01', name: '上海旗舰店' },
    });
    expect(data(page, 'stores').stores[0].name).toBe('上海旗舰店');
  });

  it('stores tab: empty state, and a duplicate id comes back next to the field', async () => {
    cloud({
      'store.list': () => ok({ items: [] }),
      'store.add': () => fail('CONFLICT', '门店编号 SH-01 已存在', { field: 'storeId' }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 2);
    expect(textOf(page)).toContain('还没有门店');
    await typeInto(page, '#stores >>> .s-id >>> .t-input__control', 'SH-01');
    await typeInto(page, '#stores >>> .s-name >>> .t-input__control', '上海店');
    await tap(page, '#stores >>> .s-save >>> .t-button');
    expect(data(page, 'stores').storeErrors.storeId).toBe('门店编号 SH-01 已存在');
    expect(data(page, 'stores').storeForm).toMatchObject({ storeId: 'SH-01', name: '上海店' });
  });
});
