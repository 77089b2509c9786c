/**
 * The promoter detail page as a whole: the name and status, its cards in order, the status history,
 * loading and error, cancelling behind the red confirm and declaring again, how fresh the data is.
 * Each card has its own test file next to this one.
 */
import type { PromoterStatusChange } from '../../../typings/contract/index';
import { fail, flush, ok, textOf } from '../helpers';
import { ADMIN, AS_OF } from '../fixtures';
import { deferred, firstThen, node, renderLoading, tap, toastText } from '../kit';
import { OPEN_CALLS, P, asCaller, call, callsOf, cloud, detail, open } from './fixtures';

/** declared → cancelled by the store → declared again by the store → authorized in WeChat */
const HISTORY: PromoterStatusChange[] = [
  { at: 1_763_700_000, status: 'bound', authStatus: 1, declStatus: 1, source: 'wechat' },
  { at: 1_763_600_000, status: 'awaiting', authStatus: 0, declStatus: 1, source: 'us', by: ADMIN.openid },
  { at: 1_763_500_000, status: 'cancelled', authStatus: 0, declStatus: 2, source: 'us', by: ADMIN.openid },
  { at: 1_763_400_000, status: 'awaiting', authStatus: 0, declStatus: 1, source: 'wechat' },
];
const historyRows = (page: any): string[] =>
  page.querySelectorAll('.history__row').map((row: any) => textOf(row));

/** t-dialog renders cancel then confirm; the external classes are not selectable in simulate. */
async function dialogButton(page: any, which: 'cancel' | 'confirm') {
  const buttons = page.querySelectorAll('.cancel-dialog >>> .t-dialog__footer >>> .t-button');
  buttons[which === 'cancel' ? 0 : 1].dispatchEvent('tap');
  await flush();
}
const withHistory = (handlers = {}) =>
  cloud({ 'promoter/promoter.get': () => ok(detail(P, HISTORY)), ...handlers });

beforeEach(() => asCaller());

describe('promoter detail page', () => {
  it('first render: the name and status, the actions on top, then each card once, destructive last', async () => {
    const callFunction = withHistory();
    const page = await open();
    expect(callFunction).toHaveBeenCalledTimes(OPEN_CALLS);
    expect(callFunction).toHaveBeenCalledWith(call('promoter.get', { id: 'p1' }));
    expect(callFunction).toHaveBeenCalledWith(call('role.list'));
    expect(callFunction).toHaveBeenCalledWith({ name: 'admin', data: { action: 'store.list' } });
    expect(textOf(node(page, '.head'))).toBe('张伟已绑定');
    const text = textOf(page);
    const order = ['拨打电话', '资料', '推广效果', '推广素材', '联盟自定义参数', '状态记录', '取消声明'];
    const at = order.map((part) => text.indexOf(part));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // bound: nothing to remind
    expect(page.querySelector('.remind-card')).toBeFalsy();
    // the phone number is on the page once (facts), the edit form is not on the page
    expect(text.split('13800000001')).toHaveLength(2);
    expect(page.querySelector('.edit-name')).toBeFalsy();
  });

  it('shows the status history newest first, with who made each change', async () => {
    withHistory();
    const page = await open();
    expect(historyRows(page)).toEqual([
      '已绑定2025-11-21 12:40推广员在微信中操作',
      '待授权2025-11-20 08:53门店操作',
      '已取消声明2025-11-19 05:06门店操作',
      '待授权2025-11-18 01:20同步自微信',
    ]);
    expect(page.querySelector('.history-empty')).toBeFalsy();
  });

  it('says so when there is no status change recorded yet', async () => {
    cloud();
    const page = await open();
    expect(historyRows(page)).toEqual([]);
    expect(node(page, '.history-empty').dom.textContent).toBe('暂无状态变化记录');
  });

  it("puts a cancel done here on top of the history as the store's change", async () => {
    jest.spyOn(Date, 'now').mockReturnValue(1_763_800_000_000);
    withHistory({ 'promoter/promoter.cancel': () => ok({ ...P, declStatus: 2, status: 'cancelled' }) });
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
    const callFunction = cloud({
      'promoter/promoter.get': firstThen(get.promise, () => ok(detail(P))),
    });
    const { page, loaded: loading } = await renderLoading('pages/promoter-detail/index', { id: 'p1' });
    expect(page.querySelector('.detail-state >>> .state-view__loading')).toBeTruthy();
    get.resolve(fail('NOT_FOUND', '推广员 p1 不存在'));
    await loading;
    expect(page.instance.data.state).toBe('error');
    expect(textOf(page)).toContain('推广员 p1 不存在');
    await tap(page, '.detail-state >>> .state-view__retry >>> .t-button');
    expect(page.instance.data.state).toBe('ready');
    expect(callsOf(callFunction, 'promoter.get')).toHaveLength(2);
  });

  it('cancels the declaration only after the red dialog naming the person is confirmed', async () => {
    const callFunction = cloud({
      'promoter/promoter.cancel': () => ok({ ...P, declStatus: 2, status: 'cancelled' }),
    });
    const page = await open();
    await tap(page, '.cancel >>> .t-button');
    expect(page.instance.data.cancelDialogVisible).toBe(true);
    expect(textOf(page)).toContain('取消 张伟 的推广员声明？取消后，TA 将不能再为门店推广');
    expect(page.querySelector('.cancel-dialog >>> .t-dialog__footer >>> .t-button--danger')).toBeTruthy();
    await dialogButton(page, 'cancel');
    expect(page.instance.data.cancelDialogVisible).toBe(false);
    expect(callFunction).toHaveBeenCalledTimes(OPEN_CALLS);
    await tap(page, '.cancel >>> .t-button');
    await dialogButton(page, 'confirm');
    expect(callFunction).toHaveBeenLastCalledWith(call('promoter.cancel', { id: 'p1' }));
    expect(textOf(node(page, '.head'))).toBe('张伟已取消声明');
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

  it('still opens, naming store and role by id, when the role and store lookups fail', async () => {
    cloud({
      'promoter/role.list': () => fail('INTERNAL', 'x'),
      'admin/store.list': () => fail('FORBIDDEN', 'x'),
    });
    const page = await open();
    expect(page.instance.data.state).toBe('ready');
    const text = textOf(node(page, '.facts-card'));
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
