/**
 * The detail page's results card (推广效果): visits and paid orders of the last 7 and 30 days from the
 * promoter's reach rows and orders, a lower bound past 5 pages, and its own empty and error states.
 */
import type { PromotionOrder, Relation } from '../../../typings/contract/index';
import { figuresOf, yuan } from '../../../miniprogram/pages/promoter-detail/components/results-card/figures';
import { fail, ok, openPage, resetApp, textOf } from '../helpers';
import { ADMIN, ROLES, STORES, promoter } from '../fixtures';
import { type ActionHandlers, callOf, cloudWith, node, stubWx, tap } from '../kit';

const NOW = 1_800_000_000;
const DAY = 86_400;
const relation = (daysAgo: number, now = NOW): Relation => ({
  promoterOpenid: 'o',
  roleId: 1,
  storeId: 'SH-XUHUI',
  extraInfo: '',
  openid: `v${daysAgo}`,
  createTime: now - daysAgo * DAY,
  path: 'pages/index/index',
  scene: 1007,
  shareExtraInfo: '',
});
const order = (daysAgo: number, paidAmount: number, status: 1 | 2 = 1, now = NOW): PromotionOrder => ({
  ...relation(daysAgo, now),
  mchId: '1',
  tradeNo: `t${daysAgo}`,
  outTradeNo: `o${daysAgo}`,
  status,
  paidAmount,
  paidTime: now - daysAgo * DAY,
});

describe('figuresOf', () => {
  it('counts visits and paid orders per window; refunds and older rows do not count', () => {
    const f = figuresOf(
      [relation(1), relation(3), relation(10), relation(40)],
      [order(2, 1990), order(20, 100000), order(5, 500, 2), order(45, 777)],
      NOW,
      false,
    );
    expect(f.week).toEqual({ visits: 2, orders: 1, amount: 1990 });
    expect(f.month).toEqual({ visits: 3, orders: 2, amount: 101990 });
    expect(f.empty).toBe(false);
    expect(figuresOf([relation(31)], [], NOW, false).empty).toBe(true);
  });

  it('money reads as yuan with separators', () => {
    expect(yuan(101990)).toBe('¥1,019.90');
    expect(yuan(0)).toBe('¥0.00');
  });
});

describe('results card on promoter detail', () => {
  const now = () => Math.floor(Date.now() / 1000);
  function cloud(handlers: ActionHandlers) {
    return cloudWith(handlers, {
      'promoter/promoter.get': () => ok({ ...promoter(1), history: [] }),
      'promoter/role.list': () => ok({ items: ROLES }),
      'admin/store.list': () => ok({ items: STORES }),
    });
  }
  const open = () => openPage('pages/promoter-detail/index', { id: 'p1' });

  beforeEach(() => {
    resetApp({ whoami: Promise.resolve(ADMIN) });
    stubWx('showModal', 'setClipboardData', 'saveImageToPhotosAlbum', 'openSetting');
  });

  it('asks for the last 30 days of reach and the orders, and shows both windows', async () => {
    const callFunction = cloud({
      'promoter/stats.relations': () => ok({ items: [relation(1, now()), relation(12, now())], total: 2 }),
      'promoter/stats.orders': () => ok({ items: [order(2, 2500, 1, now())], total: 1 }),
    });
    const page = await open();
    const relationsCall = callFunction.mock.calls.find(([c]) => c.data.action === 'stats.relations')![0];
    expect(relationsCall.data).toMatchObject({ id: 'p1', limit: 100 });
    expect(now() - relationsCall.data.beginTime).toBeGreaterThanOrEqual(30 * DAY);
    expect(callFunction).toHaveBeenCalledWith(callOf('promoter', 'stats.orders', { id: 'p1', limit: 100 }));
    const text = textOf(node(page, '.results-card'));
    expect(text).toContain('近 7 天11¥25.00');
    expect(text).toContain('近 30 天21¥25.00');
  });

  it('says so when nothing came in, and shows a failure with its own retry', async () => {
    let relations: unknown = fail('UPSTREAM_UNAVAILABLE', 'system error');
    cloud({
      'promoter/stats.relations': () => relations,
      'promoter/stats.orders': () => ok({ items: [], total: 0 }),
    });
    const page = await open();
    expect(page.instance.data.state).toBe('ready'); // the page itself is fine
    expect(textOf(node(page, '.results-card'))).toContain('微信服务繁忙，请稍后重试');
    relations = ok({ items: [], total: 0 });
    await tap(page, '.results-card >>> .results-retry >>> .t-button');
    expect(textOf(node(page, '.results-card'))).toContain('近 30 天还没有通过 TA 的分享带来的访问或订单');
  });

  it('reads at most 5 pages and marks the 30-day figures as a lower bound', async () => {
    const callFunction = cloud({
      'promoter/stats.relations': (d) =>
        ok({
          items: [relation(1, now())],
          total: 9,
          nextCursor: `c${Number(String(d.cursor ?? 'c0').slice(1)) + 1}`,
        }),
      'promoter/stats.orders': () => ok({ items: [], total: 0 }),
    });
    const page = await open();
    expect(callFunction.mock.calls.filter(([c]) => c.data.action === 'stats.relations')).toHaveLength(5);
    expect(textOf(node(page, '.results-card'))).toContain('近 30 天5+0+');
  });
});
