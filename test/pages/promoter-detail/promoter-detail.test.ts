import type { Promoter, PromoterStatusChange } from '../../../typings/contract/index';
import { fail, flush, ok, openPage, resetApp, textOf } from '../helpers';
import { ADMIN, AS_OF, MANAGER, ROLES, STORES, UNIONID, promoter } from '../fixtures';
import {
  callOf,
  cloudWith,
  firstThen,
  deferred,
  node,
  renderLoading,
  stubWx,
  tap,
  toastText,
  typeInto,
  type ActionHandlers,
} from '../kit';

const P = promoter(1, {
  name: '张伟',
  phone: '13800000001',
  extraInfo: 'src=poster',
  updateTime: 1_763_700_000,
});
const WITH_UNIONID = { ...P, unionid: UNIONID };
/** declared → cancelled by the store → declared again by the store → authorized in WeChat */
const HISTORY: PromoterStatusChange[] = [
  { at: 1_763_700_000, status: 'bound', authStatus: 1, declStatus: 1, source: 'wechat' },
  { at: 1_763_600_000, status: 'awaiting', authStatus: 0, declStatus: 1, source: 'us', by: ADMIN.openid },
  { at: 1_763_500_000, status: 'cancelled', authStatus: 0, declStatus: 2, source: 'us', by: ADMIN.openid },
  { at: 1_763_400_000, status: 'awaiting', authStatus: 0, declStatus: 1, source: 'wechat' },
];
/** What promoter.get answers: the promoter and its history. */
const detail = (p: Promoter, history: PromoterStatusChange[] = HISTORY) => ({ ...p, history });
const historyRows = (page: any): string[] =>
  page.querySelectorAll('.history__row').map((row: any) => textOf(row));

const call = (action: string, params: Record<string, unknown> = {}) => callOf('promoter', action, params);
const customCall = (action: string, params: Record<string, unknown>) => callOf('customparam', action, params);

/** The results card's two reads (reach and orders), answered empty unless a test says otherwise. */
const RESULTS_CALLS = 2;
const DEFAULTS: ActionHandlers = {
  'promoter/stats.relations': () => ok({ items: [], total: 0 }),
  'promoter/stats.orders': () => ok({ items: [], total: 0 }),
  'promoter/promoter.get': () => ok(detail(P)),
  'promoter/role.list': () => ok({ items: ROLES }),
  'admin/store.list': () => ok({ items: STORES }),
};
const cloud = (handlers: ActionHandlers = {}) => cloudWith(handlers, DEFAULTS);

const open = () => openPage('pages/promoter-detail/index', { id: 'p1' });
/** t-dialog renders cancel then confirm; the external classes are not selectable in simulate. */
async function dialogButton(page: any, which: 'cancel' | 'confirm') {
  const buttons = page.querySelectorAll('.cancel-dialog >>> .t-dialog__footer >>> .t-button');
  buttons[which === 'cancel' ? 0 : 1].dispatchEvent('tap');
  await flush();
}
const type = (page: any, field: string, value: string) =>
  typeInto(page, `.${field} >>> .t-input__control`, value);

beforeEach(() => {
  resetApp({ whoami: Promise.resolve(ADMIN) });
  stubWx('showModal', 'setClipboardData', 'saveImageToPhotosAlbum', 'openSetting');
});

describe('promoter detail page', () => {
  it('offers 不分配门店 to HQ only: a manager chooses among their stores', async () => {
    cloud();
    const asAdmin = await open();
    expect(asAdmin.instance.data.storeOptions.map((o: any) => o.label)).toContain('不分配门店');
    resetApp({ whoami: Promise.resolve(MANAGER) });
    cloud({ 'admin/store.list': () => ok({ items: [STORES[0]] }) });
    const asManager = await open();
    expect(asManager.instance.data.storeOptions.map((o: any) => o.label)).toEqual([STORES[0].name]);
    expect(asManager.instance.data.form.storeIndex).toBe(0);
  }, 20_000); // two pages rendered in one test

  it('first render: every field, the status and when it last changed', async () => {
    const callFunction = cloud();
    const page = await open();
    expect(callFunction).toHaveBeenCalledTimes(3 + RESULTS_CALLS);
    expect(callFunction).toHaveBeenCalledWith(call('promoter.get', { id: 'p1' }));
    expect(callFunction).toHaveBeenCalledWith(call('role.list'));
    expect(callFunction).toHaveBeenCalledWith({ name: 'admin', data: { action: 'store.list' } });
    const text = textOf(page);
    for (const part of [
      '张伟',
      '已绑定',
      '手机号13800000001',
      '门店上海徐汇店',
      '角色推广员',
      '推广员参数src=poster',
      '声明状态（门店）已声明',
      '授权状态（推广员）已授权',
      '最近一次状态变更2025-11-21 12:40',
    ]) {
      expect(text).toContain(part);
    }
    // technical ids are folded under 更多: a manager never needs an openid
    expect(text).not.toContain(P.openid);
    await tap(page, '.ids-toggle >>> .t-cell');
    for (const part of ['推广员编号p1', `openid${P.openid}`, 'unionid未获取']) {
      expect(textOf(page)).toContain(part);
    }
    expect(node(page, '.edit-name >>> .byte-field__counter').dom.textContent).toBe('还能输入 8 个字');
    expect(text).toContain('还没有这位推广员的 unionid');
  });

  it('shows the status history newest first, with who made each change', async () => {
    const page = await open();
    expect(textOf(page)).toContain('状态记录');
    expect(historyRows(page)).toEqual([
      '已绑定2025-11-21 12:40推广员在微信中操作',
      '待授权2025-11-20 08:53门店操作',
      '已取消声明2025-11-19 05:06门店操作',
      '待授权2025-11-18 01:20同步自微信',
    ]);
    expect(page.querySelector('.history-empty')).toBeFalsy();
    expect(textOf(page)).not.toContain('暂无状态变化记录');
  });

  it('says so when there is no status change recorded yet', async () => {
    cloud({ 'promoter/promoter.get': () => ok(detail(P, [])) });
    const page = await open();
    expect(historyRows(page)).toEqual([]);
    expect(node(page, '.history-empty').dom.textContent).toBe('暂无状态变化记录');
  });

  it("puts a cancel done here on top of the history as the store's change", async () => {
    jest.spyOn(Date, 'now').mockReturnValue(1_763_800_000_000);
    cloud({ 'promoter/promoter.cancel': () => ok({ ...P, declStatus: 2, status: 'cancelled' }) });
    const page = await open();
    await tap(page, '.cancel >>> .t-button');
    await dialogButton(page, 'confirm');
    const rows = historyRows(page);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toBe('已取消声明2025-11-22 16:26门店操作');
    expect(rows[1]).toBe('已绑定2025-11-21 12:40推广员在微信中操作');
  });

  it('shows the skeleton while loading, then the error with a retry', async () => {
    const get = deferred();
    let second: unknown = ok(detail(P));
    const callFunction = cloud({ 'promoter/promoter.get': firstThen(get.promise, () => second) });
    const { page, loaded: loading } = await renderLoading('pages/promoter-detail/index', { id: 'p1' });
    expect(page.querySelector('.detail-state >>> .state-view__loading')).toBeTruthy();
    get.resolve(fail('NOT_FOUND', '推广员 p1 不存在'));
    await loading;
    expect(page.instance.data.state).toBe('error');
    expect(textOf(page)).toContain('推广员 p1 不存在');
    second = ok(detail(P));
    await tap(page, '.detail-state >>> .state-view__retry >>> .t-button');
    expect(page.instance.data.state).toBe('ready');
    expect(callFunction.mock.calls.filter((c) => c[0].data.action === 'promoter.get')).toHaveLength(2);
  });

  it('saves only the changed fields and marks the list dirty', async () => {
    const saved = { ...P, name: '张伟伟', roleId: 2, storeId: 'BJ-CHAOYANG' };
    const callFunction = cloud({ 'promoter/promoter.update': () => ok(saved) });
    const page = await open();
    await type(page, 'edit-name', '张伟伟');
    expect(node(page, '.edit-name >>> .byte-field__counter').dom.textContent).toBe('还能输入 7 个字');
    node(page, '.pick-role').dispatchEvent('change', { detail: { value: 1 } });
    node(page, '.pick-store').dispatchEvent('change', { detail: { value: 2 } });
    await flush();
    await tap(page, '.save >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith(
      call('promoter.update', { id: 'p1', name: '张伟伟', roleId: 2, storeId: 'BJ-CHAOYANG' }),
    );
    expect(getApp<IAppOption>().globalData.promoterListDirty).toBe(true);
    expect(toastText(page)).toBe('已保存');
    expect(textOf(page)).toContain('门店北京朝阳店');
  });

  it('refuses a too-long or malformed field before calling the cloud, with the cloud words', async () => {
    const callFunction = cloud();
    const page = await open();
    await type(page, 'edit-extra', '参'.repeat(27));
    expect(node(page, '.edit-extra >>> .byte-field__counter').dom.textContent).toBe('还能输入 0 个字');
    await type(page, 'edit-phone', '138-abc');
    await tap(page, '.save >>> .t-button');
    expect(callFunction).toHaveBeenCalledTimes(3 + RESULTS_CALLS);
    expect(page.instance.data.errors).toEqual({
      name: '',
      phone: '手机号格式不正确：只能是数字，可带 + 号、空格或连字符',
      extraInfo: '推广员参数太长了，最多 26 个汉字或 80 个字母数字',
    });
    expect(textOf(page)).toContain('手机号格式不正确');
  });

  it('says when there is nothing to save', async () => {
    const callFunction = cloud();
    const page = await open();
    await tap(page, '.save >>> .t-button');
    expect(callFunction).toHaveBeenCalledTimes(3 + RESULTS_CALLS);
    expect(toastText(page)).toBe('没有需要保存的修改');
  });

  it('puts a cloud field error on the field', async () => {
    cloud({
      'promoter/promoter.update': () =>
        fail('INVALID_ARGUMENT', '手机号格式不正确：只能是数字，可带 + 号、空格或连字符（phone）', {
          field: 'phone',
        }),
    });
    const page = await open();
    await type(page, 'edit-phone', '13900000000');
    await tap(page, '.save >>> .t-button');
    expect(page.instance.data.errors.phone).toBe(
      '手机号格式不正确：只能是数字，可带 + 号、空格或连字符（phone）',
    );
    expect(getApp<IAppOption>().globalData.promoterListDirty).toBeUndefined();
  });

  it('cancels the declaration only after the dialog is confirmed', async () => {
    const callFunction = cloud({
      'promoter/promoter.cancel': () => ok({ ...P, declStatus: 2, status: 'cancelled' }),
    });
    const page = await open();
    await tap(page, '.cancel >>> .t-button');
    expect(page.instance.data.cancelDialogVisible).toBe(true);
    expect(textOf(page)).toContain('取消 张伟 的推广员声明？取消后，TA 将不能再为门店推广');
    // red like every destructive confirm in the app
    expect(page.querySelector('.cancel-dialog >>> .t-dialog__footer >>> .t-button--danger')).toBeTruthy();
    await dialogButton(page, 'cancel');
    expect(page.instance.data.cancelDialogVisible).toBe(false);
    expect(callFunction).toHaveBeenCalledTimes(3 + RESULTS_CALLS);
    await tap(page, '.cancel >>> .t-button');
    await dialogButton(page, 'confirm');
    expect(callFunction).toHaveBeenLastCalledWith(call('promoter.cancel', { id: 'p1' }));
    expect(page.instance.data.p.status).toBe('cancelled');
    expect(textOf(page)).toContain('已取消声明');
    expect(getApp<IAppOption>().globalData.promoterListDirty).toBe(true);
    expect(page.querySelector('.redeclare')).toBeTruthy();
  });

  it('declares a cancelled promoter again', async () => {
    const cancelled = { ...P, declStatus: 2 as const, status: 'cancelled' as const };
    const callFunction = cloud({
      'promoter/promoter.get': () => ok(detail(cancelled, HISTORY.slice(2))),
      'promoter/promoter.redeclare': () => ok(P),
    });
    const page = await open();
    expect(textOf(page)).toContain('推广员已声明并完成授权（已绑定）后，才能生成推广素材');
    await tap(page, '.redeclare >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith(call('promoter.redeclare', { id: 'p1' }));
    expect(toastText(page)).toBe('已重新声明');
    expect(page.querySelector('.cancel')).toBeTruthy();
  });

  it('toasts a failed cancel and keeps the promoter as it was', async () => {
    cloud({ 'promoter/promoter.cancel': () => fail('UPSTREAM_UNAVAILABLE', 'busy') });
    const page = await open();
    await tap(page, '.cancel >>> .t-button');
    await dialogButton(page, 'confirm');
    expect(toastText(page)).toBe('微信服务繁忙，请稍后重试');
    expect(page.instance.data.p.status).toBe('bound');
    expect(getApp<IAppOption>().globalData.promoterListDirty).toBeUndefined();
  });

  it('generates share material, copies the link and saves the QR code', async () => {
    const callFunction = cloud({
      'promoter/share.material': () =>
        ok({
          tag: '#小程序://门店/abc',
          sharePath: 'pages/index/index?promoter=p1',
          qrcode: 'iVBORw0KGgo=',
          expiresAt: 1_766_292_000,
        }),
    });
    const writeFile = jest.fn((o: any) => o.success());
    jest.spyOn(wx, 'getFileSystemManager').mockReturnValue({ writeFile } as any);
    (wx.saveImageToPhotosAlbum as jest.Mock).mockImplementation((o: any) => o.success());
    (wx.setClipboardData as jest.Mock).mockImplementation((o: any) => o.success());
    const page = await open();
    await tap(page, '.share >>> .t-button');
    expect(page.instance.data.shareErrors.path).toBe('页面路径不能为空');
    await type(page, 'share-path', 'pages/index/index');
    await type(page, 'share-title', '双十一');
    await tap(page, '.share >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith(
      call('share.material', { id: 'p1', path: 'pages/index/index', title: '双十一' }),
    );
    const text = textOf(page);
    expect(text).toContain('有效期至 2025-12-21（30 天，过期后请重新生成）');
    expect(text).toContain('#小程序://门店/abc');
    await tap(page, '.copy-tag >>> .t-button');
    expect((wx.setClipboardData as jest.Mock).mock.calls[0][0].data).toBe('#小程序://门店/abc');
    await tap(page, '.save-qr >>> .t-button');
    expect(writeFile.mock.calls[0][0]).toMatchObject({ data: 'iVBORw0KGgo=', encoding: 'base64' });
    expect(writeFile.mock.calls[0][0].filePath).toMatch(/^.+\/promoter-p1-\d+\.png$/);
    expect((wx.saveImageToPhotosAlbum as jest.Mock).mock.calls[0][0].filePath).toBe(
      writeFile.mock.calls[0][0].filePath,
    );
    expect(toastText(page)).toBe('已保存到相册');
  });

  it('offers the settings page when album access was refused', async () => {
    cloud({ 'promoter/share.material': () => ok({ qrcode: 'iVBORw0KGgo=', expiresAt: 1_766_292_000 }) });
    jest.spyOn(wx, 'getFileSystemManager').mockReturnValue({ writeFile: (o: any) => o.success() } as any);
    (wx.saveImageToPhotosAlbum as jest.Mock).mockImplementation((o: any) =>
      o.fail({ errMsg: 'saveImageToPhotosAlbum:fail auth deny' }),
    );
    (wx.showModal as jest.Mock).mockResolvedValue({ confirm: true, cancel: false });
    const page = await open();
    await type(page, 'share-path', 'pages/index/index');
    await tap(page, '.share >>> .t-button');
    await tap(page, '.save-qr >>> .t-button');
    expect((wx.showModal as jest.Mock).mock.calls[0][0]).toMatchObject({
      title: '需要相册权限',
      confirmText: '去设置',
    });
    expect(wx.openSetting).toHaveBeenCalled();
  });

  it('shows, sets and removes the union custom parameter of the unionid', async () => {
    let value: string | null = 'store-sh';
    const callFunction = cloud({
      'promoter/promoter.get': () => ok(detail(WITH_UNIONID)),
      'customparam/customParam.get': () => ok({ unionid: UNIONID, value }),
      'customparam/customParam.set': (d) => {
        value = d.value;
        return ok({ unionid: UNIONID, value: d.value });
      },
      'customparam/customParam.remove': () => ok({ unionid: UNIONID, removed: true }),
    });
    const page = await open();
    expect(callFunction).toHaveBeenCalledWith(customCall('customParam.get', { unionid: UNIONID }));
    expect(textOf(page)).toContain('当前：store-sh');
    await type(page, 'custom-input', '门店 A');
    await tap(page, '.custom-save >>> .t-button');
    expect(page.instance.data.custom.error).toBe(
      '自定义参数格式不正确：只能是可见的英文字符（字母、数字和符号），不能有空格或汉字',
    );
    await type(page, 'custom-input', 'store-bj');
    await tap(page, '.custom-save >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith(
      customCall('customParam.set', { unionid: UNIONID, value: 'store-bj' }),
    );
    expect(textOf(page)).toContain('当前：store-bj');
    (wx.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true });
    await tap(page, '.custom-remove >>> .t-button');
    expect(callFunction).toHaveBeenCalledTimes(5 + RESULTS_CALLS);
    (wx.showModal as jest.Mock).mockResolvedValueOnce({ confirm: true, cancel: false });
    await tap(page, '.custom-remove >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith(customCall('customParam.remove', { unionid: UNIONID }));
    expect(textOf(page)).toContain('当前：未设置');
  });

  it('keeps the page when only the custom parameter fails, with its own retry', async () => {
    let answer: unknown = fail('UPSTREAM_ERROR', '开放平台账号未绑定');
    const callFunction = cloud({
      'promoter/promoter.get': () => ok(detail(WITH_UNIONID)),
      'customparam/customParam.get': () => answer,
    });
    const page = await open();
    expect(page.instance.data.state).toBe('ready');
    expect(textOf(page)).toContain('开放平台账号未绑定');
    answer = ok({ unionid: UNIONID, value: null });
    await tap(page, '.custom-retry >>> .t-button');
    expect(callFunction).toHaveBeenCalledTimes(5 + RESULTS_CALLS);
    expect(textOf(page)).toContain('当前：未设置');
  });

  it('still opens with ids when the role and store lookups fail', async () => {
    cloud({
      'promoter/role.list': () => fail('INTERNAL', 'x'),
      'admin/store.list': () => fail('FORBIDDEN', 'x'),
    });
    const page = await open();
    expect(page.instance.data.state).toBe('ready');
    const text = textOf(page);
    expect(text).toContain('门店SH-XUHUI');
    expect(text).toContain('角色角色 1');
  });

  describe('how fresh the detail is', () => {
    beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(AS_OF + 60_000));
    afterEach(() => jest.restoreAllMocks());

    it('read from WeChat just now: the time it was read', async () => {
      cloud({ 'promoter/promoter.get': () => ok({ ...detail(P), asOf: AS_OF, stale: false }) });
      const page = await open();
      expect(textOf(page)).toContain('数据更新于 17:26');
    });

    it('WeChat unreachable: the promoter from the mirror, with a notice of its time', async () => {
      cloud({
        'promoter/promoter.get': () =>
          ok({ ...detail(P), asOf: AS_OF, stale: true, staleReason: 'unreachable' }),
      });
      const page = await open();
      expect(page.instance.data.state).toBe('ready');
      const text = textOf(page);
      expect(text).toContain('张伟');
      expect(text).toContain('微信暂时无法连接，显示的是 17:26 的数据');
      expect(page.querySelector('.detail-freshness >>> .freshness--notice')).toBeTruthy();
    });
  });
});
