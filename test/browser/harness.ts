/**
 * The browser suite's harness: one file = one seeded stack (the built functions), one simulator and
 * one headless Chromium, started in beforeAll and closed in afterAll, so each file's async work stays
 * inside it. Every page a test opens fails the test on a console error, a page error, a failed request
 * or an HTTP error answer. Waits are on window.__sim (ready, idle) and the DOM, never on sleeps.
 *
 * Chromium: CHROMIUM_PATH (default /usr/bin/chromium, Debian's `chromium`). jest.config.js leaves this
 * project out, saying so, when it is missing; with CI=true it stays in and the first test fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Stack } from '../../emulator/stack';
import type { Simulator } from '../../emulator/simulator';
import { type BrowserSession, startBrowserSession, waitIdle, waitReady } from '../../scripts/browser-session';

export { CHROMIUM_PATH } from '../../scripts/browser-session';
export const RESULTS_DIR = path.resolve(__dirname, '../../test-results/browser');

/** The busy 2-core machine: generous limits, but every wait has a reason to end. */
export const TIMEOUT_MS = 60_000;
/** For a test that walks every page (a dozen loads) on a busy 2-core machine. */
export const LOOP_TIMEOUT_MS = 300_000;

declare global {
  interface Window {
    __sim: {
      ready: Promise<void>;
      idle(): Promise<void>;
      stack(): Array<{ route: string; query: Record<string, string> }>;
      identity(): string;
      errors: Array<{ where: string; message: string }>;
      theme(): string;
    };
  }
}

export interface BrowserEnv {
  stack: Stack;
  sim: Simulator;
  browser: Browser;
  /** Problems seen on pages of the current test (console errors, page errors, failed requests). */
  problems: string[];
  /** A new phone-sized page (its own context: storage, identity) watched for problems. */
  newPage(): Promise<Page>;
  /** The simulator's deep link: as `openid`, at `route` with `query`, the phone alone. */
  link(openid: string, route: string, query?: Record<string, string>, theme?: 'light' | 'dark'): string;
  /** Opens a deep link in a new page and waits for the first page's onReady and for idle. */
  open(
    openid: string,
    route: string,
    query?: Record<string, string>,
    theme?: 'light' | 'dark',
  ): Promise<Page>;
  /** A cloud function's data as `openid` (in-process, as wx.cloud.callFunction would); throws on ok:false. */
  callAs<T = unknown>(openid: string, fn: string, data: Record<string, unknown>): Promise<T>;
  /** The WeChat stand-in's control API. */
  control(method: 'GET' | 'POST' | 'DELETE', op: string, body?: unknown): Promise<unknown>;
}

export interface BrowserEnvOptions {
  /** Made-up promoters on top of the named demo ones (default 60: enough to page, quick to sync). */
  crowd?: number;
}

/** Registers beforeAll/afterAll/afterEach for a file; read the fields inside tests. */
export function useBrowserEnv(opts: BrowserEnvOptions = {}): BrowserEnv {
  jest.setTimeout(TIMEOUT_MS * 2);
  const contexts: BrowserContext[] = [];
  const env = {
    problems: [] as string[],
  } as BrowserEnv;

  let session: BrowserSession | undefined;
  beforeAll(async () => {
    session = await startBrowserSession({ crowd: opts.crowd ?? 60 });
    Object.assign(env, { stack: session.stack, sim: session.sim, browser: session.browser });
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
  }, TIMEOUT_MS * 2);

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    const seen = env.problems.splice(0);
    expect(seen).toEqual([]);
  });

  afterAll(() => session?.close(), TIMEOUT_MS);

  env.newPage = async () => {
    const context = await env.browser.newContext({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 1,
    });
    contexts.push(context);
    context.setDefaultTimeout(TIMEOUT_MS);
    const page = await context.newPage();
    watch(page, env.problems);
    return page;
  };
  env.link = (...args) => session!.link(...args);
  env.open = async (openid, route, query, theme) => {
    const page = await env.newPage();
    await page.goto(env.link(openid, route, query, theme));
    await ready(page);
    return page;
  };
  env.callAs = async <T>(openid: string, fn: string, data: Record<string, unknown>): Promise<T> => {
    const answer = (await env.stack.call(fn, data, openid)) as
      { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
    if (!answer.ok)
      throw new Error(`${fn} ${String(data.action)}: ${answer.error.code} ${answer.error.message}`);
    return answer.data;
  };
  env.control = async (method, op, body) => {
    const res = await fetch(`${env.stack.wechatUrl}/__control/${op}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`control ${method} ${op}: HTTP ${res.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  return env;
}

function watch(page: Page, problems: string[]): void {
  const where = (): string => {
    const hash = page.url().split('#')[1] ?? '';
    return hash ? ` (at #${hash})` : '';
  };
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error${where()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error${where()}: ${err.message}`));
  page.on('requestfailed', (req) => {
    // A page closing mid-request (the test is over) is not the app's failure.
    if (page.isClosed()) return;
    problems.push(`request failed${where()}: ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ''}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400)
      problems.push(`HTTP ${res.status()}${where()}: ${res.request().method()} ${res.url()}`);
  });
}

/** The first page's onReady, then no cloud call, setData or toast in flight. */
export const ready = waitReady;
export const idle = waitIdle;

/** The visible (top) page of the stack. */
export function topPage(page: Page) {
  return page.locator('.sim-page[data-route]:visible').last();
}

export async function topRoute(page: Page): Promise<string | null> {
  return topPage(page).getAttribute('data-route');
}

/** Clicks with the real mouse (the simulator turns it into touch), then waits for idle. */
export async function tap(locator: ReturnType<Page['locator']>): Promise<void> {
  await locator.scrollIntoViewIfNeeded();
  await locator.click();
  await idle(locator.page());
}

/** Saves the phone frame as test-results/browser/<name>.png. */
export async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.locator('#sim-phone').screenshot({ path: file });
  return file;
}

/** Words that mean a value leaked into the text unformatted. */
export const LEAKS = /undefined|null|NaN|\[object Object\]/;

/** Taps the element of the top page whose text is exactly `text`. */
export async function tapText(page: Page, text: string): Promise<void> {
  await tap(topPage(page).getByText(text, { exact: true }));
}

/** Types with the keyboard into a field (the simulator's real <input>), as a person would. */
export async function typeInto(field: ReturnType<Page['locator']>, text: string): Promise<void> {
  await field.click();
  await field.fill('');
  await field.page().keyboard.type(text);
  await idle(field.page());
}

/** Types into the list's search box and presses Enter (bindconfirm → search). */
export async function search(page: Page, words: string): Promise<void> {
  await typeInto(topPage(page).getByPlaceholder('搜索姓名或手机号'), words);
  await page.keyboard.press('Enter');
  await idle(page);
}

/** Opens a <picker> with the mouse and chooses the option shown as `label`. */
export async function pick(page: Page, picker: ReturnType<Page['locator']>, label: string): Promise<void> {
  await picker.click();
  const sheet = page.locator('#sim-picker');
  await sheet.locator('.sim-picker-item', { hasText: label }).first().click();
  await tap(sheet.locator('[data-sim-picker=confirm]'));
}

/**
 * A selector for a page's own class names: miniprogram-simulate prefixes them with the page's
 * component alias (`main--`), as it prefixes a component's with its name (`state-view--…`).
 */
export const pageClass = (...names: string[]): string => names.map((name) => `.main--${name}`).join('');

/** The state-view's 重新加载 button (the error state of every page). */
export const RETRY = '.state-view--state-view__retry';

/** Taps the button (a t-button or a built-in button) of the top page labelled `text`. */
export async function tapButton(page: Page, text: string | RegExp): Promise<void> {
  await tap(topPage(page).locator('wx-button').getByText(text, { exact: true }));
}
