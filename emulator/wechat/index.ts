/**
 * A stand-in for api.weixin.qq.com: access tokens, the 14 promoter endpoints, OA user info and the
 * union custom parameters, stateful in memory, plus a control API under /__control/. See README.md.
 */
import type { AppCredentials } from '../demo-data';
import { appsFromEnv } from '../demo-data';
import { applySeed } from './seed';
import { createEmulatorServer } from './server';

export interface WechatEmulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default appsFromEnv() from emulator/demo-data.ts. */
  apps?: { miniProgram: AppCredentials; officialAccount: AppCredentials };
  /** Default 'empty'. */
  seed?: 'demo' | 'empty';
}

export interface WechatEmulator {
  /** Base URL, no trailing slash. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startWechatEmulator(opts: WechatEmulatorOptions = {}): Promise<WechatEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const { server, runtime } = createEmulatorServer(opts.apps ?? appsFromEnv());
  if (opts.seed === 'demo') applySeed(runtime.world);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the WeChat stand-in has no TCP address');
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Hanging calls (the `hang` fault) and keep-alive sockets would hold close() open.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
