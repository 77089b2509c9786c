/**
 * `npm run bench simulator`: the browser simulator's figures in headless Chromium against the seeded
 * local stack — cold build, the bytes the browser loads, first render of each page, tap → re-render,
 * navigate, and the promoter list's setData bytes and render time per load-more at 20, 200 and 2,000
 * rows (1,980 → 2,000; the stand-in seeded with 2,000 made-up promoters). Prints figures; asserts nothing.
 */
import type { Page } from 'playwright-core';
import { DEMO_GUEST, DEMO_STAFF } from '../../emulator/demo-data';
import { buildFunctions } from '../build-functions';
import { startBrowserSession, waitIdle, waitReady } from '../browser-session';

const ADMIN = DEMO_STAFF.admin.openid;
const MGR_SH = DEMO_STAFF.managers[0]!.openid;
const CROWD = 2000;

const ms = (n: number): string => `${n.toFixed(0)} ms`;
const kb = (n: number): string => `${(n / 1024).toFixed(0)} KB`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// In-page snippets are strings: the scripts' tsconfig has no DOM types.
const TOP_SCROLLER = `[...document.querySelectorAll('.sim-page[data-route]')].filter((p) => p.offsetParent).pop().querySelector('.sim-page-scroll')`;
/** Wraps the top page's setData: bytes of each call's data and the time until layout is done. */
const RECORD_SET_DATA = `(() => {
  const page = getCurrentPages().slice(-1)[0];
  window.__bench = [];
  const original = page.setData;
  page.setData = function (data, cb) {
    const t = performance.now();
    const out = original.call(this, data, cb);
    void document.body.offsetHeight;
    window.__bench.push({ bytes: JSON.stringify(data).length, ms: performance.now() - t, keys: Object.keys(data).length });
    return out;
  };
})()`;

/** Marks the mouse-down (the tap itself fires on mouse-up, in the simulator's own listener) and the first change of elements or text in the phone after it. */
const WATCH_TAPS = `(() => {
  if (window.__tapWatch) return;
  window.__tapWatch = true;
  document.addEventListener('mousedown', () => { window.__tapUp = performance.now(); window.__tapDom = null; }, true);
  new MutationObserver(() => {
    if (window.__tapUp != null && window.__tapDom == null) window.__tapDom = performance.now();
  }).observe(document.getElementById('sim-phone'), { subtree: true, childList: true, characterData: true });
})()`;

/** Taps each label on the top page: medians of mouse-down → first DOM change, and of click → idle. */
async function tapFigures(page: Page, labels: Array<string | RegExp>): Promise<string> {
  await page.evaluate(WATCH_TAPS);
  const render: number[] = [];
  const settled: number[] = [];
  for (const label of labels) {
    const target = page
      .locator('.sim-page[data-route]:visible')
      .last()
      .getByText(label, { exact: typeof label === 'string' })
      .first();
    settled.push(
      await timed(async () => {
        await target.click();
        await waitIdle(page);
      }),
    );
    const changed = (await page.evaluate(
      'window.__tapDom == null ? null : window.__tapDom - window.__tapUp',
    )) as number | null;
    if (changed !== null) render.push(changed); // a tap that only changed attributes (classes) is not counted
  }
  const list = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');
  const first = render.length
    ? `median ${ms(median(render))} to the first DOM change (${list(render)})`
    : 'no DOM change';
  return `${first}, ${ms(median(settled))} to idle (${list(settled)})`;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await work();
  return performance.now() - t;
}

async function main(): Promise<void> {
  await buildFunctions();
  const startedStack = performance.now();
  const session = await startBrowserSession({ crowd: CROWD });
  console.log(
    `stack (seeded with ${CROWD + 6} promoters) + simulator + Chromium up in ${ms(performance.now() - startedStack)}`,
  );
  try {
    const build = session.sim.build();
    const t = build.times;
    console.log(
      `cold build              ${ms(t.total)} (wcc ${t.wcc}, file map ${t.filemap}, esbuild ${t.esbuild}, runtime ${t.runtime})`,
    );
    const rebuild = await timed(() => session.sim.rebuild());
    console.log(`rebuild                 ${ms(rebuild)}`);

    const context = await session.browser.newContext({ viewport: { width: 375, height: 812 } });
    const open = async (
      openid: string,
      route: string,
      query?: Record<string, string>,
    ): Promise<{ page: Page; ms: number; boot: number }> => {
      const page = await context.newPage();
      const took = await timed(async () => {
        await page.goto(session.link(openid, route, query));
        await waitReady(page);
      });
      return { page, ms: took, boot: (await page.evaluate('window.__sim.bootMs')) as number };
    };

    // what the browser loads: every response body of a first visit (cold cache: a new context)
    const fresh = await session.browser.newContext({ viewport: { width: 375, height: 812 } });
    const probe = await fresh.newPage();
    let bytes = 0;
    let requests = 0;
    probe.on('response', (res) => {
      requests++;
      void res.body().then(
        (body) => (bytes += body.length),
        () => undefined,
      );
    });
    await probe.goto(session.link(MGR_SH, 'pages/home/index'));
    await waitReady(probe);
    await fresh.close();
    console.log(
      `browser loads           ${kb(bytes)} in ${requests} requests (scripts ${kb(build.payloadBytes)}; cloud answers and icons the rest)`,
    );

    // first render of each page: navigation start → first onReady → idle (its cloud calls answered)
    const invite = session.stack.cloudbase.collections().invites![0] as { _id: string };
    const pages: Array<[string, string, Record<string, string>?]> = [
      [MGR_SH, 'pages/home/index'],
      [MGR_SH, 'pages/promoter-list/index'],
      [MGR_SH, 'pages/promoter-detail/index', { id: '1' }],
      [MGR_SH, 'pages/invite/index'],
      [MGR_SH, 'pages/join-requests/index'],
      [ADMIN, 'pages/declare/index'],
      [ADMIN, 'pages/roles/index'],
      [ADMIN, 'pages/messages/index'],
      [ADMIN, 'pages/settings/index'],
      [DEMO_GUEST.openid, 'pages/join/index', { invite: invite._id }],
    ];
    console.log('first render            (load → onReady → idle; boot = runtime start → first onReady)');
    for (const [openid, route, query] of pages) {
      const { page, ms: took, boot } = await open(openid, route, query);
      console.log(`  ${route.padEnd(30)} ${ms(took).padStart(7)}   boot ${ms(boot)}`);
      await page.close();
    }

    // tap → re-render: a status tab on the list (cloud call + setData), then the declare page's two tabs
    // (setData only); first DOM change after the mouse-down, and until idle (answers, CSS transitions)
    const { page: list } = await open(MGR_SH, 'pages/promoter-list/index');
    const withCall = await tapFigures(
      list,
      ['已绑定', '待授权', '全部', '已绑定', '全部'].map((t) => new RegExp(`^${t}`)),
    );
    console.log(`tap → re-render         ${withCall} (a status tab: cloud call + setData)`);
    const { page: declare } = await open(ADMIN, 'pages/declare/index');
    const local = await tapFigures(declare, ['粘贴 CSV', '逐行填写', '粘贴 CSV', '逐行填写', '粘贴 CSV']);
    console.log(`tap → re-render (local) ${local} (declare's tabs: setData only)`);
    await declare.close();

    // navigate: tap a row → the detail page ready; back
    const navs: number[] = [];
    const backs: number[] = [];
    for (let i = 0; i < 3; i++) {
      navs.push(
        await timed(async () => {
          await list.locator('.sim-page[data-route]:visible').last().locator('.main--row').nth(i).click();
          await list.waitForFunction(`window.__sim.stack().length === 2`);
          await waitIdle(list);
        }),
      );
      backs.push(
        await timed(async () => {
          await list.locator('#sim-nav-back').click();
          await list.waitForFunction(`window.__sim.stack().length === 1`);
          await waitIdle(list);
        }),
      );
    }
    console.log(
      `navigate                list → detail median ${ms(median(navs))}, back median ${ms(median(backs))}`,
    );
    await list.close();

    // load-more on the promoter list as HQ (all 2,006): setData bytes and render time by rows shown
    const { page: all } = await open(ADMIN, 'pages/promoter-list/index');
    await all.evaluate(RECORD_SET_DATA);
    const marks = new Set([20, 200, 1980]);
    console.log('load-more (HQ, 20 per page)   rows before → setData bytes, setData + layout, tap-to-idle');
    for (let rows = 20; rows <= 2000; rows += 20) {
      await all.evaluate('window.__bench = []');
      const took = await timed(async () => {
        await all.evaluate(
          `(() => { const s = ${TOP_SCROLLER}; s.scrollTop = s.scrollHeight - s.clientHeight - 400; })()`,
        );
        await all.evaluate('new Promise((r) => requestAnimationFrame(() => r()))');
        await all.evaluate(`(() => { const s = ${TOP_SCROLLER}; s.scrollTop = s.scrollHeight; })()`);
        await all.waitForFunction('window.__bench.length > 0');
        await waitIdle(all);
      });
      if (marks.has(rows)) {
        const calls = (await all.evaluate('window.__bench')) as Array<{ bytes: number; ms: number }>;
        const sent = calls.reduce((sum, c) => sum + c.bytes, 0);
        const render = calls.reduce((sum, c) => sum + c.ms, 0);
        console.log(
          `  ${String(rows).padStart(5)} rows   ${kb(sent).padStart(6)} in ${calls.length} setData   ${ms(render).padStart(6)}   ${ms(took)}`,
        );
      }
      if (rows === 2000) break;
    }
    const shown = (await all.evaluate('getCurrentPages().slice(-1)[0].data.items.length')) as number;
    console.log(`  (list now holds ${shown} rows)`);
    await context.close();
  } finally {
    await session.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
