/**
 * The local stack (seeded, the built functions), the browser simulator and a headless Chromium in one
 * call: what the browser tests, `npm run screenshots` and the simulator benchmark start. Chromium is
 * CHROMIUM_PATH (default Debian's /usr/bin/chromium; `apt-get install chromium fonts-wqy-microhei`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type Stack, startStack } from '../emulator/stack';
import { type Simulator, startSimulator } from '../emulator/simulator';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';
export const INSTALL_HINT = 'apt-get install chromium fonts-wqy-microhei (or set CHROMIUM_PATH)';

export type Theme = 'light' | 'dark';

export interface BrowserSession {
  stack: Stack;
  sim: Simulator;
  browser: Browser;
  /** The simulator's deep link: as `openid`, at `route` with `query`, the phone alone (panel=0). */
  link(openid: string, route: string, query?: Record<string, string>, theme?: Theme): string;
  close(): Promise<void>;
}

export interface BrowserSessionOptions {
  /** Made-up promoters on top of the named demo ones. */
  crowd: number;
}

export async function startBrowserSession(opts: BrowserSessionOptions): Promise<BrowserSession> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`No Chromium at ${CHROMIUM_PATH}: ${INSTALL_HINT}`);
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-build-'));
  const closers: Array<() => Promise<unknown>> = [
    async () => fs.rmSync(outDir, { recursive: true, force: true }),
  ];
  const close = async (): Promise<void> => {
    for (const step of closers.splice(0).reverse()) await step();
  };
  try {
    const stack = await startStack({ seed: true, crowd: opts.crowd, functions: 'built', quiet: true });
    closers.push(() => stack.close());
    const sim = await startSimulator({
      port: 0,
      host: '127.0.0.1',
      gatewayUrl: stack.gatewayUrl,
      wechatControlUrl: stack.wechatUrl,
      outDir,
      log: () => undefined,
    });
    closers.push(() => sim.close());
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
    closers.push(() => browser.close());
    return {
      stack,
      sim,
      browser,
      link: (openid, route, query = {}, theme = 'light') => {
        const q = new URLSearchParams(query).toString();
        return `${sim.url}?openid=${encodeURIComponent(openid)}&panel=0&theme=${theme}#/${route}${q ? `?${q}` : ''}`;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The first page's onReady (window.__sim.ready), then idle: no cloud call, setData or toast in flight. */
export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction('window.__sim !== undefined');
  await page.evaluate('window.__sim.ready');
  await waitIdle(page);
}

export async function waitIdle(page: Page): Promise<void> {
  await page.evaluate('window.__sim.idle()');
}
