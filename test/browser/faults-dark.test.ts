/**
 * When WeChat fails (the stand-in's fault injection), people see a clear sentence and a retry works;
 * dark mode renders every page legibly (text against its background, measured in the browser).
 */
import type { Page } from 'playwright-core';
import { DEMO_PROMOTERS, DEMO_STAFF } from '../../emulator/demo-data';
import { LEAKS, RETRY, shot, tap, topPage, topRoute, LOOP_TIMEOUT_MS, useBrowserEnv } from './harness';
import { pageVisits } from './visits';

const env = useBrowserEnv();
const MGR_SH = DEMO_STAFF.managers[0].openid;
const RAW_ERROR = /errcode|errmsg|-1\b|rid:|Error|undefined/;

afterEach(() => env.control('DELETE', 'faults'));

/** Taps the error state's retry until the page is ready (each WeChat call fails with `rate`); at most `tries`. */
async function retryUntilReady(page: Page, ready: () => Promise<boolean>, tries: number): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (await ready()) return;
    const text = await topPage(page).innerText();
    expect(text).toMatch(/微信服务繁忙|网络异常|请稍后重试/);
    expect(text).not.toMatch(RAW_ERROR);
    await tap(topPage(page).locator(RETRY).getByText('重新加载'));
  }
  throw new Error(`still failing after ${tries} retries`);
}

test('WeChat failing: the promoter sees a clear error, and 重新加载 succeeds', async () => {
  const li = DEMO_PROMOTERS.find((p) => p.name === '李娜')!;
  // every attempt the function makes (it retries -1 itself) fails once, so the page must show the error
  await env.control('POST', 'faults', {
    rules: [{ kind: 'errcode', errcode: -1, next: 3, path: '/promoter/getpromoter' }],
  });
  const page = await env.open(li.openid, 'pages/join/index');
  const text = await topPage(page).innerText();
  expect(text).toContain('微信服务繁忙');
  expect(text).not.toMatch(RAW_ERROR);
  await tap(topPage(page).locator(RETRY).getByText('重新加载'));
  await topPage(page).getByText('去授权绑定').waitFor();
  await shot(page, 'flow-fault-retry');
});

test(
  '30 % of WeChat calls failing: each detail page a manager opens ends readable, after retries if needed',
  async () => {
    await env.control('POST', 'faults', { rules: [{ kind: 'errcode', errcode: -1, rate: 0.3 }] });
    const promoters = DEMO_PROMOTERS.filter((p) => p.storeId === 'SH-XUHUI');
    for (const [index, promoter] of promoters.entries()) {
      const page = await env.open(MGR_SH, 'pages/promoter-detail/index', {
        id: String(DEMO_PROMOTERS.indexOf(promoter) + 1),
      });
      await retryUntilReady(page, async () => (await topPage(page).innerText()).includes(promoter.phone), 10);
      expect(await topPage(page).innerText()).not.toMatch(LEAKS);
      if (index === promoters.length - 1) await shot(page, 'flow-fault-30');
      await page.context().close();
    }
  },
  LOOP_TIMEOUT_MS,
);

/** WCAG contrast of each visible text element against the background it is painted on. */
async function contrasts(
  page: Page,
): Promise<{ background: number; worst: Array<{ text: string; ratio: number }> }> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (value: string): Rgba => {
      const m = value.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const [r, g, b, a] = m[1]!
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [r!, g!, b!, a === undefined ? 1 : a];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3];
      return [
        top[0] * a + under[0] * (1 - a),
        top[1] * a + under[1] * (1 - a),
        top[2] * a + under[2] * (1 - a),
        1,
      ];
    };
    const lum = ([r, g, b]: Rgba): number => {
      const f = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const backgroundOf = (el: Element | null): Rgba => {
      const layers: Rgba[] = [];
      for (let node = el; node; node = node.parentElement) {
        const bg = parse(getComputedStyle(node).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      let color: Rgba = [255, 255, 255, 1];
      for (const layer of layers.reverse()) color = over(layer, color);
      return color;
    };
    const pageEl = Array.from(document.querySelectorAll('.sim-page[data-route]'))
      .filter((p) => (p as HTMLElement).offsetParent !== null)
      .pop()!;
    const results: Array<{ text: string; ratio: number }> = [];
    const walker = document.createTreeWalker(pageEl, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node.textContent ?? '').trim();
      const el = node.parentElement;
      if (!text || !el) continue;
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!box.width || !box.height || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
      // disabled controls are faint on purpose (WCAG 1.4.3 exempts them)
      if (el.closest('[disabled], [class*="--disabled"], [aria-disabled="true"]')) continue;
      const bg = backgroundOf(el);
      const fg = over(parse(style.color), bg);
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      results.push({ text: text.slice(0, 20), ratio: Math.round(((hi! + 0.05) / (lo! + 0.05)) * 10) / 10 });
    }
    results.sort((a, b) => a.ratio - b.ratio);
    return { background: lum(backgroundOf(pageEl)), worst: results.slice(0, 5) };
  });
}

test(
  'dark mode: every page is dark and its text readable on it',
  async () => {
    for (const visit of await pageVisits(env)) {
      const page = await env.open(visit.openid, visit.route, visit.query, 'dark');
      const route = await topRoute(page);
      const { background, worst } = await contrasts(page);
      // a dark page (luminance well below mid grey), and no text fainter than 3:1 (WCAG's floor for large text)
      expect({ route, dark: background < 0.1 }).toEqual({ route, dark: true });
      expect({ route, faint: worst.filter((w) => w.ratio < 3) }).toEqual({ route, faint: [] });
      await shot(
        page,
        `dark-${visit.route.split('/')[1]}${visit.openid === DEMO_PROMOTERS[0].openid ? '-promoter' : ''}`,
      );
      await page.context().close();
    }
  },
  LOOP_TIMEOUT_MS,
);
