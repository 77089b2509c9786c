import { fail, flush, ok, openPage, resetApp, textOf } from '../helpers';
import { ADMIN, AS_OF, ROLES, STORES, SUMMARY, promoter } from '../fixtures';
import {
  callOf,
  cloudWith,
  deferred,
  node,
  reachBottom,
  renderLoading,
  stubWx,
  tap,
  type ActionHandlers,
} from '../kit';

/** The tab counts promoter.list answers with its first page. */
const COUNTS = { total: SUMMARY.total, byStatus: SUMMARY.byStatus };
const PAGE_1 = Array.from({ length: 20 }, (_, i) => promoter(i + 1));
const PAGE_2 = [promoter(21, { status: 'awaiting', authStatus: 0, roleId: 2, storeId: 'BJ-CHAOYANG' })];

const call = (action: string, params: Record<string, unknown> = {}) => callOf('promoter', action, params);

/** Roles, stores and a two-page list (the tab counts with its first page), unless `handlers` say otherwise. */
const DEFAULTS: ActionHandlers = {
  'promoter/role.list': () => ok({ items: ROLES }),
  'admin/store.list': () => ok({ items: STORES }),
  'promoter/promoter.list': (d) =>
    d.cursor === 'c2'
      ? ok({ items: PAGE_2, total: 21 })
      : ok({ items: PAGE_1, total: 21, nextCursor: 'c2', ...(d.counts ? { counts: COUNTS } : {}) }),
};
const cloud = (handlers: ActionHandlers = {}) => cloudWith(handlers, DEFAULTS);

const listCalls = (callFunction: jest.Mock) =>
  callFunction.mock.calls.map((c) => c[0].data).filter((d) => d.action === 'promoter.list');
const actionsOf = (callFunction: jest.Mock) => callFunction.mock.calls.map((c) => c[0].data.action);

beforeEach(() => {
  resetApp({ whoami: Promise.resolve(ADMIN) });
  stubWx('navigateTo', 'stopPullDownRefresh', 'showToast');
});

describe('promoter list page', () => {
  it('first render: lookups and the first page with the tab counts, with names and status tags', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/promoter-list/index');
    expect(callFunction).toHaveBeenCalledTimes(3);
    expect(callFunction).toHaveBeenCalledWith(call('role.list'));
    expect(callFunction).toHaveBeenCalledWith({ name: 'admin', data: { action: 'store.list' } });
    expect(callFunction).toHaveBeenCalledWith(call('promoter.list', { limit: 20, counts: true }));
    expect(page.instance.data.tabs.map((t: any) => t.label)).toEqual([
      '全部 6',
      '已绑定 2',
      '待授权 2',
      '已解除授权 1',
      '已取消声明 1',
    ]);
    expect(page.querySelectorAll('.row').length).toBe(20);
    const text = textOf(page);
    expect(text).toContain('共 21 人');
    expect(text).toContain('推广员1');
    expect(text).toContain('上海徐汇店 · 推广员');
    expect(text).toContain('已绑定');
    // phone and how long since they authorized (the fixture's date is fixed, the clock is not)
    expect(text).toMatch(/13800000001 · 已授权 \d+ 天/);
    expect(page.instance.data.moreStatus).toBe('idle');
  });

  it('opens on the status the home page asked for', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/promoter-list/index', { status: 'awaiting' });
    expect(callFunction).toHaveBeenCalledWith(
      call('promoter.list', { limit: 20, status: 'awaiting', counts: true }),
    );
    expect(page.instance.data.activeTab).toBe('awaiting');
  });

  it('shows the skeleton while the first page loads', async () => {
    const list = deferred();
    cloud({ 'promoter/promoter.list': () => list.promise });
    const { page, loaded: loading } = await renderLoading('pages/promoter-list/index');
    expect(page.instance.data.state).toBe('loading');
    expect(page.querySelectorAll('.list-state >>> .state-view__skeleton').length).toBe(5);
    list.resolve(ok({ items: PAGE_1, total: 21, nextCursor: 'c2' }));
    await loading;
    expect(page.instance.data.state).toBe('ready');
  });

  it('appends the next page on reach-bottom through path setData only', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/promoter-list/index');
    const setData = await reachBottom(page);
    expect(callFunction).toHaveBeenLastCalledWith(call('promoter.list', { limit: 20, cursor: 'c2' }));
    const keys = setData.mock.calls.flatMap((c) => Object.keys(c[0] as object));
    expect(keys).toContain('items[20]');
    expect(keys).not.toContain('items');
    expect(page.querySelectorAll('.row').length).toBe(21);
    expect(page.instance.data.items[20]).toEqual({
      id: 'p21',
      name: '推广员21',
      phone: '13800000021',
      storeId: 'BJ-CHAOYANG',
      storeName: '北京朝阳店',
      roleId: 2,
      roleName: '金牌推广员',
      status: 'awaiting',
      // still to authorize: how long since declared (the fixture's date is fixed, the clock is not)
      waitText: expect.stringMatching(/^已等待 \d+ 天$/),
    });
    expect(page.instance.data.moreStatus).toBe('no-more');
    expect(textOf(page)).toContain('没有更多了');
    // the last page: no further call
    await page.instance.onReachBottom();
    expect(listCalls(callFunction)).toHaveLength(2);
  });

  it('orders 待授权 by who waited longest, pages in that order, and drops the order on other tabs', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/promoter-list/index', { status: 'awaiting' });
    expect(textOf(page)).toContain('最近变动 ▾');
    node(page, '.filter-sort').dispatchEvent('change', { detail: { value: 1 } });
    await flush();
    const waitingLongest = { limit: 20, status: 'awaiting', sort: 'waitingLongest' };
    expect(callFunction).toHaveBeenLastCalledWith(call('promoter.list', { ...waitingLongest, counts: true }));
    expect(textOf(page)).toContain('等待最久 ▾');
    await reachBottom(page);
    expect(callFunction).toHaveBeenLastCalledWith(call('promoter.list', { ...waitingLongest, cursor: 'c2' }));
    // 已解除授权 keeps the order; 已绑定 has nobody waiting: the chip goes and the order is the default
    await page.instance.onTabChange({ detail: { value: 'revoked' } });
    expect(callFunction).toHaveBeenLastCalledWith(
      call('promoter.list', { limit: 20, status: 'revoked', sort: 'waitingLongest', counts: true }),
    );
    await page.instance.onTabChange({ detail: { value: 'bound' } });
    expect(callFunction).toHaveBeenLastCalledWith(
      call('promoter.list', { limit: 20, status: 'bound', counts: true }),
    );
    expect(page.querySelectorAll('.filter-sort')).toHaveLength(0);
    expect(page.instance.data.sortIndex).toBe(0);
  });

  it('opens on 待授权, longest waiting first, when a link asks for it (only where people wait)', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/promoter-list/index', { status: 'awaiting', sort: 'waitingLongest' });
    expect(callFunction).toHaveBeenCalledWith(
      call('promoter.list', { limit: 20, status: 'awaiting', sort: 'waitingLongest', counts: true }),
    );
    expect(textOf(page)).toContain('等待最久 ▾');
    await openPage('pages/promoter-list/index', { status: 'bound', sort: 'waitingLongest' });
    expect(callFunction).toHaveBeenLastCalledWith(
      call('promoter.list', { limit: 20, status: 'bound', counts: true }),
    );
  });

  it('a row that changed and comes round again on the next page is not shown twice', async () => {
    cloud({
      'promoter/promoter.list': (d) =>
        d.cursor === 'c2'
          ? ok({ items: [promoter(20), ...PAGE_2], total: 21 })
          : ok({ items: PAGE_1, total: 21, nextCursor: 'c2' }),
    });
    const page = await openPage('pages/promoter-list/index');
    await reachBottom(page);
    expect(page.instance.data.items.map((r: any) => r.id)).toEqual([...PAGE_1, ...PAGE_2].map((p) => p.id));
    expect(page.querySelectorAll('.row').length).toBe(21);
  });

  it('keeps the list when a next page fails, and retries from the footer', async () => {
    let failMore = true;
    const callFunction = cloud({
      'promoter/promoter.list': (d) => {
        if (!d.cursor) return ok({ items: PAGE_1, total: 21, nextCursor: 'c2' });
        return failMore ? fail('UPSTREAM_UNAVAILABLE', 'busy') : ok({ items: PAGE_2, total: 21 });
      },
    });
    const page = await openPage('pages/promoter-list/index');
    await page.instance.onReachBottom();
    await flush();
    expect(page.instance.data.moreStatus).toBe('error');
    expect(page.querySelectorAll('.row').length).toBe(20);
    expect(textOf(page)).toContain('加载失败，点击重试');
    failMore = false;
    await tap(page, '.more >>> .load-more');
    expect(listCalls(callFunction)).toHaveLength(3);
    expect(page.querySelectorAll('.row').length).toBe(21);
  });

  it('changes the status tab', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/promoter-list/index');
    page.querySelectorAll('.tabs >>> .t-tabs__item')[2].dispatchEvent('tap');
    await flush();
    expect(page.instance.data.activeTab).toBe('awaiting');
    expect(callFunction).toHaveBeenLastCalledWith(
      call('promoter.list', { limit: 20, status: 'awaiting', counts: true }),
    );
  });

  it('filters by role and by store; the tab counts are those of the filtered list', async () => {
    const callFunction = cloud({
      'promoter/promoter.list': (d) =>
        ok({
          items: PAGE_1.slice(0, 2),
          total: 2,
          counts: d.roleId
            ? { total: 2, byStatus: { bound: 1, awaiting: 1, revoked: 0, cancelled: 0 } }
            : COUNTS,
        }),
    });
    const page = await openPage('pages/promoter-list/index');
    node(page, '.filter-role').dispatchEvent('change', { detail: { value: 2 } });
    await flush();
    expect(callFunction).toHaveBeenLastCalledWith(
      call('promoter.list', { limit: 20, roleId: 2, counts: true }),
    );
    expect(textOf(page)).toContain('金牌推广员 ▾');
    expect(page.instance.data.tabs.map((t: any) => t.label)).toEqual([
      '全部 2',
      '已绑定 1',
      '待授权 1',
      '已解除授权 0',
      '已取消声明 0',
    ]);
    node(page, '.filter-store').dispatchEvent('change', { detail: { value: 1 } });
    await flush();
    expect(callFunction).toHaveBeenLastCalledWith(
      call('promoter.list', { limit: 20, roleId: 2, storeId: 'SH-XUHUI', counts: true }),
    );
    expect(actionsOf(callFunction)).not.toContain('stats.summary');
  });

  it('searches by name or phone on submit and clears the search', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/promoter-list/index');
    const input = node(page, '.search >>> .t-input__keyword');
    input.dispatchEvent('input', { detail: { value: ' 1380000 ' } });
    await flush();
    input.dispatchEvent('confirm', { detail: { value: ' 1380000 ' } });
    await flush();
    expect(callFunction).toHaveBeenLastCalledWith(
      call('promoter.list', { limit: 20, keyword: '1380000', counts: true }),
    );
    await page.instance.onSearchClear();
    expect(callFunction).toHaveBeenLastCalledWith(call('promoter.list', { limit: 20, counts: true }));
  });

  it('says when nothing matches the filters, and when there is nobody yet', async () => {
    const callFunction = cloud({ 'promoter/promoter.list': () => ok({ items: [], total: 0 }) });
    const page = await openPage('pages/promoter-list/index');
    expect(page.instance.data.state).toBe('empty');
    expect(textOf(page)).toContain('还没有推广员');
    expect(page.querySelectorAll('.clear-filters')).toHaveLength(0);
    node(page, '.filter-role').dispatchEvent('change', { detail: { value: 1 } });
    await flush();
    expect(textOf(page)).toContain('没有符合条件的推广员');
    // 清除筛选 puts every filter back and asks again
    await tap(page, '.list-state >>> .clear-filters-btn >>> .t-button');
    expect(page.instance.data).toMatchObject({ roleIndex: 0, storeIndex: 0, keyword: '', activeTab: 'all' });
    expect(callFunction).toHaveBeenLastCalledWith(call('promoter.list', { limit: 20, counts: true }));
  });

  it('shows the error state with a retry', async () => {
    let answer: unknown = fail('FORBIDDEN', '只能查看自己门店的推广员');
    const callFunction = cloud({ 'promoter/promoter.list': () => answer });
    const page = await openPage('pages/promoter-list/index');
    expect(page.instance.data.state).toBe('error');
    expect(textOf(page)).toContain('只能查看自己门店的推广员');
    answer = ok({ items: PAGE_1, total: 20 });
    await tap(page, '.list-state >>> .state-view__retry >>> .t-button');
    expect(listCalls(callFunction)).toHaveLength(2);
    expect(page.instance.data.state).toBe('ready');
    expect(page.instance.data.moreStatus).toBe('no-more');
  });

  it('still lists with ids when the role and store lookups fail (partial failure)', async () => {
    cloud({
      'promoter/role.list': () => fail('INTERNAL', 'x'),
      'admin/store.list': () => {
        throw new Error('offline');
      },
      // an answer without counts: the tabs unnumbered
      'promoter/promoter.list': () => ok({ items: PAGE_1, total: 20 }),
    });
    const page = await openPage('pages/promoter-list/index');
    expect(page.instance.data.state).toBe('ready');
    const text = textOf(page);
    expect(text).toContain('角色或门店名称暂时没取到，先显示编号');
    expect(text).toContain('SH-XUHUI · 角色 1');
    expect(page.instance.data.tabs.map((t: any) => t.label)).toEqual([
      '全部',
      '已绑定',
      '待授权',
      '已解除授权',
      '已取消声明',
    ]);
  });

  it('refreshes on pull-down and stops the indicator', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/promoter-list/index');
    await page.instance.onPullDownRefresh();
    expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
    expect(callFunction).toHaveBeenCalledTimes(4); // + the first page; lookups are kept
    // one call: a fresh read from WeChat, and the rows and counts from the refreshed mirror
    expect(listCalls(callFunction)[1]).toEqual({
      action: 'promoter.list',
      limit: 20,
      refresh: true,
      counts: true,
    });
  });

  it('keeps the rows and toasts when a refresh fails', async () => {
    let answer: unknown = ok({ items: PAGE_1, total: 20 });
    cloud({ 'promoter/promoter.list': () => answer });
    const page = await openPage('pages/promoter-list/index');
    answer = fail('UPSTREAM_UNAVAILABLE', 'busy');
    await page.instance.onPullDownRefresh();
    expect(page.instance.data.state).toBe('ready');
    expect(page.querySelectorAll('.row').length).toBe(20);
    expect(wx.showToast).toHaveBeenCalledWith({ title: '微信服务繁忙，请稍后重试', icon: 'none' });
  });

  it('opens the detail page of a row', async () => {
    cloud();
    const page = await openPage('pages/promoter-list/index');
    page.querySelectorAll('.row >>> .t-cell')[1].dispatchEvent('tap');
    await flush();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/promoter-detail/index?id=p2' });
  });

  it('does not load twice when opened with the list already marked dirty', async () => {
    resetApp({ whoami: Promise.resolve(ADMIN), promoterListDirty: true });
    const callFunction = cloud();
    await openPage('pages/promoter-list/index');
    expect(callFunction).toHaveBeenCalledTimes(3);
  });

  it('refreshes when it comes back after a change on the detail page, only then', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/promoter-list/index');
    await page.instance.onShow();
    expect(callFunction).toHaveBeenCalledTimes(3);
    getApp<IAppOption>().globalData.promoterListDirty = true;
    await page.instance.onShow();
    expect(callFunction).toHaveBeenCalledTimes(4);
    expect(getApp<IAppOption>().globalData.promoterListDirty).toBe(false);
  });

  it('drops an answer that a newer filter overtook', async () => {
    const slow = deferred();
    let first = true;
    cloud({
      'promoter/promoter.list': (d) => {
        if (d.status === 'bound' && first) {
          first = false;
          return slow.promise;
        }
        return ok({
          items: d.status === 'revoked' ? [promoter(9, { status: 'revoked' })] : PAGE_1,
          total: 1,
        });
      },
    });
    const page = await openPage('pages/promoter-list/index');
    const bound = page.instance.onTabChange({ detail: { value: 'bound' } });
    const revoked = page.instance.onTabChange({ detail: { value: 'revoked' } });
    await revoked;
    slow.resolve(ok({ items: PAGE_1, total: 20 }));
    await bound;
    await flush();
    expect(page.instance.data.items.map((r: any) => r.id)).toEqual(['p9']);
  });

  describe('how fresh the list is', () => {
    beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(AS_OF + 60_000));
    afterEach(() => jest.restoreAllMocks());

    it('says when the list was last matched with WeChat', async () => {
      cloud({ 'promoter/promoter.list': () => ok({ items: PAGE_1, total: 20, asOf: AS_OF, stale: false }) });
      const page = await openPage('pages/promoter-list/index');
      expect(textOf(page)).toContain('数据更新于 17:26');
      expect(page.querySelector('.list-freshness >>> .freshness--notice')).toBeFalsy();
    });

    it('WeChat unreachable: the rows from the mirror, with a notice of their time', async () => {
      cloud({
        'promoter/promoter.list': () =>
          ok({ items: PAGE_1, total: 20, asOf: AS_OF, stale: true, staleReason: 'unreachable' }),
      });
      const page = await openPage('pages/promoter-list/index');
      expect(page.querySelectorAll('.row').length).toBe(20);
      expect(textOf(page)).toContain('微信暂时无法连接，显示的是 17:26 的数据');
      expect(page.querySelector('.list-freshness >>> .freshness--notice')).toBeTruthy();
    });

    it('a sync still running elsewhere: says so, and a pull-down that finds it done clears the notice', async () => {
      let stale = true;
      cloud({
        'promoter/promoter.list': () =>
          ok({ items: PAGE_1, total: 20, asOf: AS_OF, stale, ...(stale ? { staleReason: 'syncing' } : {}) }),
      });
      const page = await openPage('pages/promoter-list/index');
      expect(textOf(page)).toContain('正在与微信同步，显示的是 17:26 的数据');
      stale = false;
      await page.instance.onPullDownRefresh();
      await flush();
      expect(textOf(page)).not.toContain('正在与微信同步');
      expect(textOf(page)).toContain('数据更新于 17:26');
    });
  });
});
