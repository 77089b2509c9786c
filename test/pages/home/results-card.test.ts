/**
 * Home → 推广效果 (components/results-card): the caller's stores' visits, orders and money over 7 or 30
 * days from stats.results, a bar per day, the top promoters, how fresh it is; its own loading, empty
 * and error states, none of which hide the counts or the quick actions.
 */
import { fail, flush, ok, openPage, resetApp, textOf } from '../helpers';
import { ADMIN, AS_OF, MANAGER, STORES, SUMMARY } from '../fixtures';
import { type ActionHandlers, cloudWith, deferred, stubWx, tap } from '../kit';
import { barsOf, emptyText, topOf } from '../../../miniprogram/pages/home/components/results-card/figures';
import { EMPTY_RESULTS, MONTH, WEEK, resultsOf } from './results-fixtures';

const card = '#results >>> ';
const cardText = (page: { querySelector: (s: string) => unknown }) =>
  textOf(page.querySelector('#results') as { dom?: Element | null });
const results = (fn: jest.Mock) =>
  fn.mock.calls.map((c) => c[0].data).filter((d) => d.action === 'stats.results');

function cloud(handlers: ActionHandlers) {
  return cloudWith(handlers, {
    'promoter/stats.summary': () => ok(SUMMARY),
    'admin/store.list': () => ok({ items: [STORES[0]] }),
  });
}

beforeEach(() => {
  resetApp({ whoami: Promise.resolve(ADMIN) });
  stubWx('navigateTo', 'redirectTo', 'stopPullDownRefresh');
  // the phone's clock 5 minutes after the last refresh (17:26 in Beijing)
  jest.spyOn(Date, 'now').mockReturnValue(AS_OF + 5 * 60_000);
});
afterEach(() => jest.restoreAllMocks());

describe('figures', () => {
  it('bars scale to the highest day; a small day stays visible, an empty one is flat', () => {
    const { bars, max } = barsOf(WEEK, 'visits');
    expect(max).toBe('12');
    expect(bars.map((b) => b.height)).toEqual([8, 17, 25, 33, 42, 50, 100]);
    expect(bars[0]!.date).toBe('10-03');
    const amount = barsOf(WEEK, 'amount');
    expect(amount.max).toBe('¥12,830.00');
    expect(amount.bars.map((b) => b.height)).toEqual([0, 0, 0, 0, 0, 0, 100]);
    const tiny = barsOf(
      resultsOf(7, (i) => ({ visits: i === 0 ? 1 : i === 6 ? 1000 : 0 })),
      'visits',
    );
    expect(tiny.bars[0]!.height).toBe(4);
  });

  it('top rows: rank, store name (the id when the store is unknown), money and orders', () => {
    expect(topOf(WEEK)).toEqual([
      {
        id: 'p7',
        rank: 1,
        name: '陈静',
        store: '上海徐汇店',
        amount: '¥12,830.00',
        detail: '1 单 · 9 次访问',
      },
      { id: 'p8', rank: 2, name: '刘洋', store: 'SH-XUHUI', amount: '¥0.00', detail: '1 单 · 3 次访问' },
    ]);
  });

  it('the empty card says whether results are still being read', () => {
    expect(emptyText({ ...EMPTY_RESULTS, asOf: 0 })).toContain('正在从微信读取推广效果');
    expect(emptyText(EMPTY_RESULTS)).toBe('近 7 天还没有顾客通过推广员的分享访问或下单');
  });
});

describe('results card on the home page', () => {
  it('shows the week: 访问 / 订单 / 金额, a bar a day, the top promoters and when it was updated', async () => {
    const callFunction = cloud({ 'promoter/stats.results': () => ok(WEEK) });
    const page = await openPage('pages/home/index');
    expect(results(callFunction)).toEqual([{ action: 'stats.results', days: 7 }]);
    const text = cardText(page);
    expect(text).toContain('推广效果');
    expect(text).toContain('33访问');
    expect(text).toContain('2订单');
    expect(text).toContain('¥12,830.00金额');
    expect(text).toContain('金额已扣除退款 ¥50.00');
    expect(text).toContain('陈静');
    expect(text).toContain('上海徐汇店 · 1 单 · 9 次访问');
    expect(text).toContain('数据更新于 17:26');
    expect(text).not.toMatch(/o[A-Za-z0-9_-]{27}/); // no openids
    expect(page.querySelectorAll(`${card}.chart__bar`)).toHaveLength(7);
    // the counts and quick actions are there as before
    expect(textOf(page)).toContain('推广员（共 6 人）');
    expect(page.querySelectorAll('.action-invite')).toHaveLength(1);
  });

  it('近 30 天 loads the month once; switching back uses what it has', async () => {
    const callFunction = cloud({
      'promoter/stats.results': (d) => ok((d as { days: number }).days === 30 ? MONTH : WEEK),
    });
    const page = await openPage('pages/home/index');
    await tap(page, `${card}.days-30`);
    expect(results(callFunction)).toEqual([
      { action: 'stats.results', days: 7 },
      { action: 'stats.results', days: 30 },
    ]);
    expect(page.querySelectorAll(`${card}.chart__bar`)).toHaveLength(30);
    expect(cardText(page)).toContain(`${MONTH.totals.visits}访问`);
    await tap(page, `${card}.days-7`);
    await tap(page, `${card}.days-30`);
    expect(results(callFunction)).toHaveLength(2);
  });

  it('tapping 金额 charts money; tapping a top promoter opens their detail', async () => {
    cloud({ 'promoter/stats.results': () => ok(WEEK) });
    const page = await openPage('pages/home/index');
    await tap(page, `${card}.tile-amount`);
    expect(cardText(page)).toContain('最高 ¥12,830.00');
    expect(page.querySelectorAll(`${card}.tile--on`)).toHaveLength(1);
    await tap(page, `${card}.top-row`, 1);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/promoter-detail/index?id=p8' });
  });

  it('a manager: loading skeleton first, then an empty week in their words', async () => {
    resetApp({ whoami: Promise.resolve(MANAGER) });
    const answer = deferred();
    cloud({ 'promoter/stats.results': () => answer.promise });
    const page = await openPage('pages/home/index');
    expect(page.querySelectorAll(`${card}.t-skeleton`).length).toBeGreaterThan(0);
    answer.resolve(ok(EMPTY_RESULTS));
    await flush();
    const text = cardText(page);
    expect(text).toContain('近 7 天还没有顾客通过推广员的分享访问或下单');
    expect(page.querySelectorAll(`${card}.chart`)).toHaveLength(0);
  });

  it('a failed results call says so with a retry, and hides neither the counts nor the quick actions', async () => {
    let answer: unknown = fail('UPSTREAM_UNAVAILABLE', '微信服务繁忙，请稍后重试');
    cloud({ 'promoter/stats.results': () => answer });
    const page = await openPage('pages/home/index');
    expect(cardText(page)).toContain('推广效果暂时没取到：微信服务繁忙，请稍后重试');
    expect(textOf(page)).toContain('推广员（共 6 人）');
    expect(page.querySelectorAll('.action-invite')).toHaveLength(1);
    answer = ok(WEEK);
    await tap(page, `${card}.results-retry >>> .t-button`);
    expect(cardText(page)).toContain('33访问');
  });

  it('never refreshed yet: says it is being read, no update time', async () => {
    cloud({
      'promoter/stats.results': () =>
        ok({ ...EMPTY_RESULTS, asOf: 0, stale: true, staleReason: 'syncing', refreshing: true }),
    });
    const page = await openPage('pages/home/index');
    const text = cardText(page);
    expect(text).toContain('正在从微信读取推广效果');
    expect(text).not.toContain('数据更新于');
  });

  it('a guest is sent to the join page without asking for results', async () => {
    resetApp({ whoami: Promise.resolve({ openid: 'o-guest', role: 'guest', storeIds: [] }) });
    const callFunction = cloud({});
    await openPage('pages/home/index');
    expect(results(callFunction)).toEqual([]);
  });
});
