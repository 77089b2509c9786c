/**
 * The browser simulator: a stand-in for the WeChat client, serving the real mini program in a
 * phone-sized frame on loopback. See README.md.
 *
 *   const sim = await startSimulator({ port: 0, gatewayUrl, wechatControlUrl });
 *   sim.url  // http://127.0.0.1:<port>/
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DEMO_APPS, DEMO_STAFF } from '../demo-data';
import { type BuildResult, buildSimulator, createBuildCache, DEFAULT_OUT_DIR, DEFAULT_ROOT } from './build';
import { demoIdentities, type Identity } from './identities';
import { createSimServer } from './server';
import { type TreeWatcher, watchTree } from './watch';

export interface SimulatorOptions {
  /** 0 = any free port. Default 9000. */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** The functions gateway, e.g. http://127.0.0.1:9100 (POST <gatewayUrl>/functions/<name>). */
  gatewayUrl: string;
  /** The WeChat stand-in's base URL, for the control panel. Unset: the panel's platform side is off. */
  wechatControlUrl?: string;
  /** The mini program root. Default <repo>/miniprogram. */
  root?: string;
  /** Rebuild and reload open pages when a file under root changes. Default false. */
  watch?: boolean;
  /** Build output. Default <repo>/.sim-build. */
  outDir?: string;
  /** getAccountInfoSync().miniProgram.appId. Default WX_APPID or the demo appid. */
  appid?: string;
  /** The identities of the control panel. Default the demo ones. */
  identities?: Identity[];
  /** The openid used when the URL names none. Default the demo HQ admin. */
  defaultOpenid?: string;
  /** Log lines (build times, rebuilds). Default console.log. */
  log?: (line: string) => void;
}

export interface Simulator {
  /** http://host:port/ */
  url: string;
  port: number;
  /** The last good build (times, payload size, config). */
  build(): BuildResult;
  /** Builds again and tells open pages to reload; rejects (keeping the last good build) on an error. */
  rebuild(): Promise<BuildResult>;
  close(): Promise<void>;
}

const RUNTIME_DIR = path.join(__dirname, 'runtime');
/** Editors write a file in several steps; one rebuild after the last. */
const WATCH_DEBOUNCE_MS = 100;

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;

export function describeBuild(result: BuildResult, what: string): string {
  const t = result.times;
  return (
    `simulator  ${what} in ${t.total} ms (wcc ${t.wcc}, file map ${t.filemap}, esbuild ${t.esbuild}); ` +
    `page payload ${kb(result.payloadBytes)} (${[
      'simulate.js',
      'app.js',
      'filemap.js',
      'wcc.js',
      'runtime.js',
    ]
      .map((n) => `${n.replace('.js', '')} ${kb(result.files.get(n)?.body.length ?? 0)}`)
      .join(', ')})`
  );
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const root = path.resolve(opts.root ?? DEFAULT_ROOT);
  const buildOptions = {
    root,
    outDir: opts.outDir ?? DEFAULT_OUT_DIR,
    appid: opts.appid ?? (process.env.WX_APPID?.trim() || DEMO_APPS.miniProgram.appid),
  };
  const cache = createBuildCache();
  let current = await buildSimulator(buildOptions, cache);
  log(describeBuild(current, 'cold build'));

  const identities = opts.identities ?? demoIdentities();
  const { server, broadcast } = createSimServer({
    current: () => current,
    gatewayUrl: opts.gatewayUrl.replace(/\/$/, ''),
    wechatControlUrl: opts.wechatControlUrl?.replace(/\/$/, ''),
    root,
    identities,
    defaultOpenid: opts.defaultOpenid ?? DEMO_STAFF.admin.openid,
  });

  // One build at a time; changes during a build cause one more build after it.
  let running: Promise<BuildResult> | null = null;
  let again = false;
  const rebuild = async (): Promise<BuildResult> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        for (;;) {
          again = false;
          try {
            current = await buildSimulator(buildOptions, cache);
            log(describeBuild(current, 'rebuilt'));
            broadcast('rebuilt', String(current.config.builtAt));
          } catch (err) {
            log(`simulator  rebuild failed: ${(err as Error).message}`);
            broadcast('build-error', (err as Error).message);
            if (!again) throw err;
          }
          if (!again) return current;
        }
      } finally {
        running = null;
      }
    })();
    return running;
  };

  // The mini program, and the simulator's own browser runtime (so working on a built-in reloads too).
  const watchers: TreeWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  if (opts.watch) {
    for (const dir of [root, RUNTIME_DIR]) {
      watchers.push(
        watchTree(dir, () => {
          clearTimeout(timer);
          timer = setTimeout(() => rebuild().catch(() => undefined), WATCH_DEBOUNCE_MS);
        }),
      );
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 9000, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host && !['0.0.0.0', '::'].includes(opts.host) ? opts.host : '127.0.0.1';
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/`,
    port,
    build: () => current,
    rebuild,
    close: () =>
      (closed ??= (async () => {
        clearTimeout(timer);
        for (const w of watchers) w.close();
        await running?.catch(() => undefined); // no build left running after close
        await new Promise<void>((resolve, reject) => {
          server.close((err) => (err ? reject(err) : resolve()));
          server.closeAllConnections();
        });
      })()),
  };
}
