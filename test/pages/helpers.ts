/**
 * Loading and driving pages in miniprogram-simulate with the official wcc compiler and the real
 * tdesign components from miniprogram/miniprogram_npm (run `npm run build:npm` first).
 */
import fs from 'node:fs';
import path from 'node:path';
import simulate from 'miniprogram-simulate';

export const MP_ROOT = path.resolve(__dirname, '../../miniprogram');

/**
 * Tag -> /miniprogram_npm/... for every npm-style usingComponents entry in our jsons. simulate merges
 * this map into every component's usingComponents, keyed by tag name, so a tag must mean one
 * component across the project (checked here).
 */
function npmOverrides(): Record<string, string> {
  const overrides: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'miniprogram_npm' || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) {
        const json = JSON.parse(fs.readFileSync(full, 'utf8'));
        for (const [tag, value] of Object.entries<string>(json.usingComponents ?? {})) {
          if (value.startsWith('.') || value.startsWith('/')) continue;
          const target = `/miniprogram_npm/${value}`;
          if (overrides[tag] && overrides[tag] !== target) {
            throw new Error(
              `<${tag}> means both ${overrides[tag]} and ${target} (${full}); use one tag per component`,
            );
          }
          overrides[tag] = target;
        }
      }
    }
  };
  walk(MP_ROOT);
  return overrides;
}

const loaded = new Map<string, string>();
let overrides: Record<string, string> | undefined;

/**
 * Load a page or component (path relative to miniprogram/, without extension) once per test file:
 * a second simulate.load of the same path renders `undefined` under jest (miniprogram-simulate 1.6 keys its cache by path).
 */
export function load(rel: string): string {
  const hit = loaded.get(rel);
  if (hit) return hit;
  overrides ??= npmOverrides();
  // Each load registers every tdesign tag again, and under jest a second require() of the same
  // tdesign file does not re-run Component() (G1): a fresh module registry per root lets a file
  // open several pages (the flow tests do).
  let id = '';
  jest.isolateModules(() => {
    id = simulate.load(path.join(MP_ROOT, rel), {
      rootPath: MP_ROOT,
      usingComponents: overrides,
    } as any);
  });
  loaded.set(rel, id);
  return id;
}

export type RenderedPage<T = any> = simulate.RootComponent<any, any, any> & {
  instance: T & Record<string, any>;
};

/** Render a page, attach it, and run onLoad(query) then onShow like the framework does. */
export async function openPage<T = any>(
  rel: string,
  query: Record<string, string> = {},
): Promise<RenderedPage<T>> {
  const page = simulate.render(load(rel)) as RenderedPage<T>;
  page.attach(document.createElement('parent-wrapper'));
  (global as any).__testPages = [page.instance];
  if (typeof page.instance.onLoad === 'function') await page.instance.onLoad(query);
  if (typeof page.instance.onShow === 'function') await page.instance.onShow();
  await flush();
  return page;
}

/** Let pending promises and setData settle. */
export async function flush(times = 3): Promise<void> {
  for (let i = 0; i < times; i++) await simulate.sleep(0);
}

/** Resets the app object getApp() returns. */
export function resetApp(globalData: Record<string, unknown> = {}): void {
  (global as any).__testApp = { globalData };
}

export type CloudHandler = (name: string, data: Record<string, any>) => unknown | Promise<unknown>;

/**
 * Replace wx.cloud (absent in simulate's wx mock). The handler returns the cloud function's answer
 * (`{ ok, data | error }`); throwing makes callFunction reject like a network failure.
 * Returns the jest.fn so tests can assert the exact calls.
 */
export function mockCloud(handler: CloudHandler): jest.Mock {
  const callFunction = jest.fn(async ({ name, data }: { name: string; data: Record<string, any> }) => ({
    result: await handler(name, data),
    errMsg: 'cloud.callFunction:ok',
  }));
  (wx as any).cloud = { init: jest.fn(), callFunction };
  return callFunction;
}

/** `{ ok: true, data }` */
export const ok = <T>(data: T) => ({ ok: true as const, data });
/** `{ ok: false, error }` */
export const fail = (code: string, message: string, extra: Record<string, unknown> = {}) => ({
  ok: false as const,
  error: { code, message, ...extra },
});

/** The inner node to dispatch on for a virtualHost tdesign component (G: virtualHost). */
export function inner(page: { querySelector: (s: string) => any }, outer: string, innerSel: string): any {
  const host = page.querySelector(outer);
  if (!host) throw new Error(`no element ${outer}`);
  const node = host.querySelector(innerSel);
  if (!node) throw new Error(`no element ${innerSel} inside ${outer}`);
  return node;
}

/** Text of the rendered page (for asserting what a user reads). */
export function textOf(page: { dom?: Element | null }): string {
  return (page.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
}
