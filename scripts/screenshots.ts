/**
 * `npm run screenshots`: the README's and docs/ui.md's pictures. Starts the seeded stack (the demo
 * crowd, as `npm start`), the simulator and headless Chromium, opens each main page by deep link as
 * the person who uses it, light and dark, and writes the phone frame (375 × 812) to
 * docs/screenshots/<page>-<theme>.png at device scale 1 (15–45 KB each: flat UI compresses well).
 *
 * `npm run screenshots -- promoter-list roles`: only the shots of those pages (a name, or the start of
 * one before a dash: `promoter-list` takes promoter-list and promoter-list-awaiting).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CROWD } from '../emulator/demo-crowd';
import { DEMO_GUEST, DEMO_PROMOTERS, DEMO_STAFF } from '../emulator/demo-data';
import { buildFunctions } from './build-functions';
import type { Page } from 'playwright-core';
import { startBrowserSession, type Theme, waitIdle, waitReady } from './browser-session';

const OUT = path.resolve(__dirname, '..', 'docs', 'screenshots');
const ADMIN = DEMO_STAFF.admin.openid;
const MGR_SH = DEMO_STAFF.managers[0]!.openid;

interface Shot {
  name: string;
  openid: string;
  route: string;
  query?: Record<string, string>;
  /** Steps after the page is ready (a tab, a dialog), as a person would take them. */
  then?: (page: Page) => Promise<void>;
}

/** The visible page of the simulator's stack. */
const top = (page: Page) => page.locator('.sim-page[data-route]:visible').last();

/** Clicks the first element of the visible page showing exactly `text`, then waits for idle. */
async function tapText(page: Page, text: string): Promise<void> {
  await top(page).getByText(text, { exact: true }).first().click();
  await waitIdle(page);
}

/** Brings the element of the visible page showing `text` to the top of the screen. */
async function scrollTo(page: Page, text: string): Promise<void> {
  await top(page)
    .getByText(text, { exact: true })
    .first()
    .evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await waitIdle(page);
}

/** Taps 近 30 天 on the home page's results card and scrolls the card to the top of the screen. */
async function homeResultsMonth(page: Page): Promise<void> {
  const card = page.locator('.sim-page[data-route]:visible results-card').last();
  await card.getByText('近 30 天').click();
  await waitIdle(page);
  await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await waitIdle(page);
}

/**
 * Sends a message to every bound promoter (all stores: HQ), then opens its delivery and clicks in 已发送.
 * Last in the list: the sent message stays in the stack for the shots after it.
 */
async function messagesSent(page: Page): Promise<void> {
  for (const [field, words] of [
    ['title', '周末活动'],
    ['topic', '满减'],
    ['desc', '到店满 200 减 30'],
  ] as const) {
    await top(page).locator(`.main--f-${field} input`).fill(words);
  }
  await waitIdle(page);
  await top(page).locator('wx-button').getByText('发送', { exact: true }).click();
  await waitIdle(page);
  await top(page).locator('wx-button').getByText('确认发送', { exact: true }).click();
  await waitIdle(page);
  await top(page).locator('wx-button').getByText('查看送达和点击').first().click();
  await waitIdle(page);
  await scrollTo(page, '已发送');
}

async function main(): Promise<void> {
  const started = Date.now();
  await buildFunctions();
  const session = await startBrowserSession({ crowd: DEFAULT_CROWD });
  try {
    const invite = session.stack.cloudbase.collections().invites![0] as { _id: string };
    const shots: Shot[] = [
      { name: 'home', openid: MGR_SH, route: 'pages/home/index' },
      { name: 'promoter-list', openid: MGR_SH, route: 'pages/promoter-list/index' },
      { name: 'promoter-detail', openid: MGR_SH, route: 'pages/promoter-detail/index', query: { id: '1' } },
      { name: 'join', openid: DEMO_GUEST.openid, route: 'pages/join/index', query: { invite: invite._id } },
      { name: 'declare', openid: ADMIN, route: 'pages/declare/index' },
      { name: 'settings', openid: ADMIN, route: 'pages/settings/index' },
      { name: 'home-admin', openid: ADMIN, route: 'pages/home/index' },
      { name: 'invite', openid: MGR_SH, route: 'pages/invite/index' },
      { name: 'join-requests', openid: MGR_SH, route: 'pages/join-requests/index' },
      { name: 'roles', openid: ADMIN, route: 'pages/roles/index' },
      { name: 'messages', openid: ADMIN, route: 'pages/messages/index' },
      { name: 'join-promoter', openid: DEMO_PROMOTERS[1]!.openid, route: 'pages/join/index' },
      // 提醒授权: someone still to authorize (李娜, id 2), and the 待授权 tab with its remind bar
      {
        name: 'promoter-detail-awaiting',
        openid: MGR_SH,
        route: 'pages/promoter-detail/index',
        query: { id: '2' },
      },
      {
        name: 'promoter-list-awaiting',
        openid: MGR_SH,
        route: 'pages/promoter-list/index',
        query: { status: 'awaiting' },
      },
      // the same tab, who has waited longest first
      {
        name: 'promoter-list-waiting-longest',
        openid: MGR_SH,
        route: 'pages/promoter-list/index',
        query: { status: 'awaiting', sort: 'waitingLongest' },
      },
      { name: 'import', openid: ADMIN, route: 'pages/import/index' },
      // the reject dialog with a reason typed: its counter in characters
      {
        name: 'join-requests-reject',
        openid: MGR_SH,
        route: 'pages/join-requests/index',
        then: async (page) => {
          await tapText(page, '拒绝');
          await page.getByPlaceholder('原因（选填）').click();
          await page.keyboard.type('资料不全，请补充手机号后重新申请');
          await waitIdle(page);
        },
      },
      // the detail page: HQ's page picker for share material, the change popup, the edit popup, the lower cards
      {
        name: 'promoter-detail-admin',
        openid: ADMIN,
        route: 'pages/promoter-detail/index',
        query: { id: '1' },
        then: async (page) => {
          await scrollTo(page, '推广素材');
          await tapText(page, '推广页面');
        },
      },
      {
        name: 'promoter-detail-change',
        openid: MGR_SH,
        route: 'pages/promoter-detail/index',
        query: { id: '1' },
        then: (page) => tapText(page, '修改角色/门店'),
      },
      {
        name: 'promoter-detail-edit',
        openid: MGR_SH,
        route: 'pages/promoter-detail/index',
        query: { id: '1' },
        then: (page) => tapText(page, '编辑姓名、手机号或参数'),
      },
      {
        name: 'promoter-detail-more',
        openid: MGR_SH,
        route: 'pages/promoter-detail/index',
        query: { id: '1' },
        then: (page) => scrollTo(page, '推广素材'),
      },
      // the home page's 推广效果 card over 30 days, scrolled into view: chart and top promoters
      { name: 'home-results', openid: MGR_SH, route: 'pages/home/index', then: homeResultsMonth },
      // settings → 门店: the store id's rule in 位
      {
        name: 'settings-stores',
        openid: ADMIN,
        route: 'pages/settings/index',
        then: (page) => tapText(page, '门店'),
      },
      // last: it sends a message (light, then dark: two messages in 已发送)
      { name: 'messages-sent', openid: ADMIN, route: 'pages/messages/index', then: messagesSent },
    ];
    const only = process.argv.slice(2);
    const wanted = shots.filter(
      (shot) => only.length === 0 || only.some((o) => shot.name === o || shot.name.startsWith(`${o}-`)),
    );
    if (wanted.length === 0) throw new Error(`no shot is named ${only.join(', ')}`);
    fs.mkdirSync(OUT, { recursive: true });
    const context = await session.browser.newContext({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 1,
    });
    for (const shot of wanted) {
      for (const theme of ['light', 'dark'] as Theme[]) {
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
        page.on('pageerror', (err) => problems.push(err.message));
        await page.goto(session.link(shot.openid, shot.route, shot.query, theme));
        await waitReady(page);
        await shot.then?.(page);
        const file = path.join(OUT, `${shot.name}-${theme}.png`);
        await page.locator('#sim-phone').screenshot({ path: file, animations: 'disabled' });
        const kb = (fs.statSync(file).size / 1024).toFixed(0);
        console.log(
          `${path.relative(process.cwd(), file)}  ${kb} KB${problems.length ? `  ! ${problems.join(' | ')}` : ''}`,
        );
        await page.close();
      }
    }
  } finally {
    await session.close();
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(`screenshots failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
