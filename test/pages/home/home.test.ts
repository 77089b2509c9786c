import { fail, flush, ok, openPage, resetApp, textOf } from '../helpers';
import { ADMIN, AS_OF, GUEST, MANAGER, STORES, SUMMARY } from '../fixtures';
import { cloudWith as kitCloudWith, deferred, renderPage, stubWx, tap, type ActionHandlers } from '../kit';
import { EMPTY_RESULTS } from './results-fixtures';

/** The page's calls with the results card (components/results-card) answering empty, as in its own tests. */
const cloudWith = (handlers: ActionHandlers) =>
  kitCloudWith(handlers, { 'promoter/stats.results': () => ok(EMPTY_RESULTS) });
/** The page's own calls, without the results card's. */
const pageCalls = (fn: jest.Mock) => fn.mock.calls.filter((c) => c[0].data.action !== 'stats.results');

const summaryCall = { name: 'promoter', data: { action: 'stats.summary' } };
const storesCall = { name: 'admin', data: { action: 'store.list' } };
const whoamiCall = { name: 'promoter', data: { action: 'me.whoami' } };

beforeEach(() => {
  resetApp({ whoami: Promise.resolve(ADMIN) });
  stubWx('navigateTo', 'redirectTo', 'stopPullDownRefresh');
});

describe('home page', () => {
  it('shows an admin the counts by status, pending requests and every quick action', async () => {
    const callFunction = cloudWith({ 'promoter/stats.summary': () => ok(SUMMARY) });
    const page = await openPage('pages/home/index');
    expect(pageCalls(callFunction)).toHaveLength(1);
    expect(callFunction).toHaveBeenCalledWith(summaryCall);
    const text = textOf(page);
    expect(text).toContain('总部管理员');
    expect(text).toContain('管理范围：全部门店');
    expect(text).toContain('推广员（共 6 人）');
    expect(page.instance.data.counts).toEqual([
      { status: 'bound', label: '已绑定', count: 2 },
      { status: 'awaiting', label: '待授权', count: 2 },
      { status: 'revoked', label: '已解除授权', count: 1 },
      { status: 'cancelled', label: '已取消声明', count: 1 },
    ]);
    expect(text).toContain('2已绑定2待授权1已解除授权1已取消声明');
    expect(text).toContain('有 3 个加入申请待审核');
    expect(text).not.toContain('还没有推广员');
    expect(page.instance.data.actions.map((a: any) => a.key)).toEqual([
      'invite',
      'promoters',
      'join-requests',
      'declare',
      'roles',
      'messages',
      'settings',
    ]);
    expect(page.querySelector('.action-join-requests >>> .t-badge')).toBeTruthy();
  });

  it('shows a manager their stores by name and no settings', async () => {
    resetApp({ whoami: Promise.resolve(MANAGER) });
    const callFunction = cloudWith({
      'promoter/stats.summary': () => ok({ ...SUMMARY, pendingJoinRequests: 0 }),
      'admin/store.list': () => ok({ items: [STORES[0]] }),
    });
    const page = await openPage('pages/home/index');
    expect(callFunction).toHaveBeenCalledWith(summaryCall);
    expect(callFunction).toHaveBeenCalledWith(storesCall);
    const text = textOf(page);
    expect(text).toContain('王店长店长');
    expect(text).toContain('管理范围：上海徐汇店');
    expect(text).not.toContain('待审核');
    // HQ's tools (declare by openid, settings) are not offered: a manager adds people by invite
    expect(page.instance.data.actions.map((a: any) => a.key)).not.toContain('settings');
    expect(page.instance.data.actions.map((a: any) => a.key)).not.toContain('declare');
    expect(page.querySelector('.action-settings')).toBeFalsy();
  });

  it('the remind and pending banners say how many and open where to act', async () => {
    cloudWith({ 'promoter/stats.summary': () => ok(SUMMARY) });
    const page = await openPage('pages/home/index');
    // 待授权 2 + 已解除授权 1
    expect(textOf(page)).toContain('3 人还没有完成授权去提醒 ›');
    await tap(page, '.remind-banner');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/promoter-list/index?status=awaiting' });
    await tap(page, '.pending');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/join-requests/index' });
  });

  it('no remind banner when everyone has authorized', async () => {
    cloudWith({
      'promoter/stats.summary': () =>
        ok({ ...SUMMARY, byStatus: { ...SUMMARY.byStatus, awaiting: 0, revoked: 0 } }),
    });
    const page = await openPage('pages/home/index');
    expect(page.querySelectorAll('.remind-banner')).toHaveLength(0);
  });

  it('falls back to store ids when store.list fails (partial failure)', async () => {
    resetApp({ whoami: Promise.resolve(MANAGER) });
    cloudWith({
      'promoter/stats.summary': () => ok(SUMMARY),
      'admin/store.list': () => fail('UPSTREAM_UNAVAILABLE', 'busy'),
    });
    const page = await openPage('pages/home/index');
    expect(page.instance.data.state).toBe('ready');
    const text = textOf(page);
    expect(text).toContain('管理范围：SH-XUHUI');
    expect(text).toContain('门店名称暂时没取到，先显示门店编号');
  });

  it('shows the first steps when there are no promoters yet (empty)', async () => {
    const none = {
      ...SUMMARY,
      total: 0,
      byStatus: { bound: 0, awaiting: 0, revoked: 0, cancelled: 0 },
      pendingJoinRequests: 0,
    };
    cloudWith({ 'promoter/stats.summary': () => ok(none) });
    const page = await openPage('pages/home/index');
    const text = textOf(page);
    expect(text).toContain('推广员（共 0 人）');
    expect(text).toContain('还没有推广员。先“邀请推广员”把邀请卡片发给店员');
  });

  it('sends promoters and guests to the join page', async () => {
    resetApp({ whoami: Promise.resolve(GUEST) });
    const callFunction = cloudWith({});
    await openPage('pages/home/index');
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/join/index' });
    expect(callFunction).not.toHaveBeenCalled();
  });

  it('asks whoami again when the launch call failed', async () => {
    const launch = Promise.reject(new Error('offline'));
    launch.catch(() => undefined);
    resetApp({ whoami: launch });
    const callFunction = cloudWith({
      'promoter/me.whoami': () => ok(ADMIN),
      'promoter/stats.summary': () => ok(SUMMARY),
    });
    const page = await openPage('pages/home/index');
    expect(callFunction).toHaveBeenNthCalledWith(1, whoamiCall);
    expect(callFunction).toHaveBeenNthCalledWith(2, summaryCall);
    expect(page.instance.data.state).toBe('ready');
  });

  it('shows the skeleton while loading', async () => {
    const summary = deferred();
    cloudWith({ 'promoter/stats.summary': () => summary.promise });
    const page = renderPage('pages/home/index');
    const shown = page.instance.onShow();
    await flush();
    expect(page.instance.data.state).toBe('loading');
    expect(page.querySelector('.home-state >>> .state-view__loading')).toBeTruthy();
    summary.resolve(ok(SUMMARY));
    await shown;
    await flush();
    expect(page.instance.data.state).toBe('ready');
  });

  it('failed counts: the quick actions stay, the counts say why and retry on their own', async () => {
    let answer: unknown = fail('UPSTREAM_UNAVAILABLE', 'system error');
    const callFunction = cloudWith({ 'promoter/stats.summary': () => answer });
    const page = await openPage('pages/home/index');
    expect(page.instance.data.state).toBe('ready');
    expect(textOf(page)).toContain('人数暂时没取到：微信服务繁忙，请稍后重试');
    expect(page.instance.data.actions.map((a: any) => a.key)).toContain('invite');
    expect(page.querySelectorAll('.action-invite')).toHaveLength(1);
    answer = ok(SUMMARY);
    await tap(page, '.counts-retry >>> .t-button');
    expect(pageCalls(callFunction)).toHaveLength(2);
    expect(textOf(page)).toContain('推广员（共 6 人）');
    expect(page.querySelectorAll('.counts-error')).toHaveLength(0);
  });

  it('shows a whoami failure as the error state and retries whoami', async () => {
    const launch = Promise.reject(new Error('offline'));
    launch.catch(() => undefined);
    resetApp({ whoami: launch });
    let whoami: unknown = Promise.reject(new Error('still offline'));
    const callFunction = cloudWith({
      'promoter/me.whoami': () => whoami,
      'promoter/stats.summary': () => ok(SUMMARY),
    });
    const page = await openPage('pages/home/index');
    expect(page.instance.data.state).toBe('error');
    expect(textOf(page)).toContain('网络异常，请检查网络后重试');
    whoami = ok(ADMIN);
    await page.instance.onRetry();
    await flush();
    expect(pageCalls(callFunction).map((c) => c[0].data.action)).toEqual([
      'me.whoami',
      'me.whoami',
      'stats.summary',
    ]);
    expect(page.instance.data.state).toBe('ready');
  });

  it('opens the list filtered by the tapped status', async () => {
    cloudWith({ 'promoter/stats.summary': () => ok(SUMMARY) });
    const page = await openPage('pages/home/index');
    page.querySelectorAll('.count')[2].dispatchEvent('tap');
    await flush();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/promoter-list/index?status=revoked' });
  });

  it('opens a quick action', async () => {
    cloudWith({ 'promoter/stats.summary': () => ok(SUMMARY) });
    const page = await openPage('pages/home/index');
    await tap(page, '.action-invite >>> .t-cell');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/invite/index' });
    await tap(page, '.action-settings >>> .t-cell');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/settings/index' });
  });

  it('refreshes quietly on pull-down and on the next show', async () => {
    const counts = [SUMMARY, { ...SUMMARY, total: 7, byStatus: { ...SUMMARY.byStatus, bound: 3 } }];
    let n = 0;
    const callFunction = cloudWith({ 'promoter/stats.summary': () => ok(counts[Math.min(n++, 1)]) });
    const page = await openPage('pages/home/index');
    const refreshing = page.instance.onPullDownRefresh();
    expect(page.instance.data.state).toBe('ready'); // no skeleton on a refresh
    await refreshing;
    await flush();
    expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
    expect(textOf(page)).toContain('推广员（共 7 人）');
    expect(callFunction).toHaveBeenCalledWith({
      name: 'promoter',
      data: { action: 'stats.summary', refresh: true },
    });
    // the results card is asked for a refresh too
    expect(callFunction).toHaveBeenCalledWith({
      name: 'promoter',
      data: { action: 'stats.results', days: 7, refresh: true },
    });
    await page.instance.onShow();
    expect(pageCalls(callFunction)).toHaveLength(3);
    expect(page.instance.data.state).toBe('ready');
  });

  describe('how fresh the numbers are', () => {
    // the phone's clock 5 minutes after the mirror last matched WeChat (17:26 in Beijing)
    beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(AS_OF + 5 * 60_000));
    afterEach(() => jest.restoreAllMocks());

    it('says when the numbers were last matched with WeChat', async () => {
      cloudWith({ 'promoter/stats.summary': () => ok(SUMMARY) });
      const page = await openPage('pages/home/index');
      expect(textOf(page)).toContain('数据更新于 17:26');
      expect(textOf(page)).not.toContain('微信暂时无法连接');
    });

    it('WeChat unreachable: the counts from the mirror with a notice of their time', async () => {
      cloudWith({
        'promoter/stats.summary': () => ok({ ...SUMMARY, stale: true, staleReason: 'unreachable' }),
      });
      const page = await openPage('pages/home/index');
      expect(page.instance.data.state).toBe('ready');
      const text = textOf(page);
      expect(text).toContain('微信暂时无法连接，显示的是 17:26 的数据');
      expect(text).toContain('推广员（共 6 人）');
      expect(page.querySelector('.home-freshness >>> .freshness--notice')).toBeTruthy();
    });

    it('data of an earlier day shows its date', async () => {
      cloudWith({ 'promoter/stats.summary': () => ok({ ...SUMMARY, asOf: AS_OF - 86_400_000 }) });
      const page = await openPage('pages/home/index');
      expect(textOf(page)).toContain('数据更新于 10-08 17:26');
    });
  });
});
