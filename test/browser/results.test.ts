/**
 * Home → 推广效果 in Chromium: the demo crowd's reach and orders, read into the results aggregate by
 * the seed's refresh, show as numbers for HQ (all stores) and for a manager (their store only, the
 * same figures stats.results gives them), with a bar per day and the top promoters opening their page.
 */
import type { PromotionResults } from '../../typings/contract/index';
import { DEMO_STAFF } from '../../emulator/demo-data';
import { LEAKS, idle, shot, tap, topPage, topRoute, useBrowserEnv } from './harness';

const env = useBrowserEnv();
const ADMIN = DEMO_STAFF.admin.openid;
const MGR_SH = DEMO_STAFF.managers[0]!;

const card = (page: Parameters<typeof topPage>[0]) => topPage(page).locator('results-card');
const tile = (page: Parameters<typeof topPage>[0], label: string) =>
  card(page).locator('[class*="tile__label"]', { hasText: label }).locator('xpath=..');

test('HQ sees the week’s visits, orders and money of every store, a bar a day, the month on a tap', async () => {
  const all = await env.callAs<PromotionResults>(ADMIN, 'promoter', { action: 'stats.results', days: 7 });
  expect(all.totals.visits).toBeGreaterThan(0);
  const page = await env.open(ADMIN, 'pages/home/index');
  await card(page).getByText('推广效果').waitFor();
  const text = await card(page).innerText();
  expect(text).not.toMatch(LEAKS);
  expect(text).toContain('数据更新于');
  await expect(tile(page, '访问').innerText()).resolves.toContain(String(all.totals.visits));
  await expect(tile(page, '订单').innerText()).resolves.toContain(String(all.totals.orders));
  await expect(tile(page, '金额').innerText()).resolves.toMatch(/¥[\d,]+\.\d\d/);
  expect(await card(page).locator('[class*="chart__slot"]').count()).toBe(7);
  await tap(card(page).getByText('近 30 天'));
  expect(await card(page).locator('[class*="chart__slot"]').count()).toBe(30);
  const month = await env.callAs<PromotionResults>(ADMIN, 'promoter', { action: 'stats.results', days: 30 });
  await expect(tile(page, '访问').innerText()).resolves.toContain(String(month.totals.visits));
  await card(page).getByText('推广员排行（按金额）').scrollIntoViewIfNeeded();
  await shot(page, 'home-results-admin');
});

test('a manager sees only their store’s results; a top promoter opens their detail', async () => {
  const mine = await env.callAs<PromotionResults>(MGR_SH.openid, 'promoter', {
    action: 'stats.results',
    days: 30,
  });
  const all = await env.callAs<PromotionResults>(ADMIN, 'promoter', { action: 'stats.results', days: 30 });
  expect(mine.totals.visits).toBeGreaterThan(0);
  expect(mine.totals.visits).toBeLessThan(all.totals.visits);
  expect(mine.top.every((t) => t.storeId === 'SH-XUHUI')).toBe(true);
  const page = await env.open(MGR_SH.openid, 'pages/home/index');
  await tap(card(page).getByText('近 30 天'));
  await expect(tile(page, '访问').innerText()).resolves.toContain(String(mine.totals.visits));
  const rows = card(page).locator('[class*="top-row"]');
  expect(await rows.count()).toBe(mine.top.length);
  for (const row of await rows.all()) await expect(row.innerText()).resolves.toContain('上海徐汇店');
  await tap(rows.first());
  await idle(page);
  expect(await topRoute(page)).toBe('pages/promoter-detail/index');
  await expect(topPage(page).innerText()).resolves.toContain(mine.top[0]!.name);
});
