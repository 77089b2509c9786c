/**
 * The whole local backend in one call: the WeChat API stand-in, the CloudBase database stand-in
 * and the functions gateway, with process.env set the way CloudBase sets it for our functions.
 * Used by `npm start`, the cloud function tests (test/cloud/harness.ts) and the flow tests.
 */
import { appsFromEnv, DEMO_AUTHORIZE_TEMPLATE, DEMO_STAFF } from './demo-data';
import { type CloudbaseEmulator, sdkEnv, startCloudbaseEmulator } from './cloudbase';
import {
  type CloudFunctionModule,
  type Gateway,
  invokeFunction,
  listFunctions,
  loadFunction,
  startGateway,
} from './gateway';
import { seedDemoData } from './seed';
import { startWechatEmulator, type WechatEmulator } from './wechat';

/** The first line of `npm start`'s banner once everything listens: scripts that start it wait for it. */
export const STACK_UP_LINE = 'Promoter Desk is up';

export interface StackOptions {
  /** Demo data in the WeChat stand-in and, through the real functions, in the database. */
  seed?: boolean;
  /** With seed: this many made-up promoters (emulator/demo-crowd.ts) on top of the named ones; default 0. */
  crowd?: number;
  /** 0 or unset: a free port each. */
  ports?: { gateway?: number; wechat?: number; cloudbase?: number };
  /** built = cloudfunctions/<name>/index.js (what CloudBase runs); source = src/index.ts (ts-jest/tsx). */
  functions?: 'built' | 'source';
  /** Use this WeChat API (or env WX_API_BASE_URL) instead of starting the stand-in. */
  wechatBaseUrl?: string;
  /** HQ admins (ADMIN_OPENIDS). Default: env ADMIN_OPENIDS, else the demo admin. */
  adminOpenids?: string[];
  /** JSON file the database is loaded from and saved to. Default: in memory only. */
  dataFile?: string;
  host?: string;
  quiet?: boolean;
  /** Fire the functions' timer triggers on the clock (npm start). Default false. */
  timers?: boolean;
}

export interface Stack {
  gatewayUrl: string;
  /** The WeChat API the functions use (the stand-in's, or the one given). */
  wechatUrl: string;
  /** The CloudBase stand-in's /admin URL. */
  cloudbaseUrl: string;
  /** The settings the functions see (also set in process.env while the stack runs). */
  env: Record<string, string>;
  /** Calls a function in-process as wx.cloud.callFunction would; `openid` is the caller. */
  call(name: string, data: object, openid?: string): Promise<unknown>;
  /** The database stand-in (reset, inspect). */
  cloudbase: CloudbaseEmulator;
  /** The WeChat stand-in, unless an outside WeChat API was given. */
  wechat?: WechatEmulator;
  close(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const started = Date.now();
  const host = opts.host ?? '127.0.0.1';
  const log = (line: string): void => {
    if (!opts.quiet) console.log(line);
  };
  const from = opts.functions ?? 'built';
  const closers: Array<() => Promise<void>> = [];
  const savedEnv = new Map<string, string | undefined>();
  const setEnv = (values: Record<string, string>): void => {
    for (const [key, value] of Object.entries(values)) {
      if (!savedEnv.has(key)) savedEnv.set(key, process.env[key]);
      process.env[key] = value;
    }
  };
  const restoreEnv = (): void => {
    for (const [key, value] of savedEnv) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    savedEnv.clear();
  };
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close();
    restoreEnv();
  };

  try {
    const apps = appsFromEnv();
    const outsideWechat = (opts.wechatBaseUrl ?? process.env.WX_API_BASE_URL)?.trim() || undefined; // empty = unset
    const adminOpenids =
      opts.adminOpenids?.join(',') ?? (process.env.ADMIN_OPENIDS?.trim() || DEMO_STAFF.admin.openid);

    const cloudbase = await startCloudbaseEmulator({
      port: opts.ports?.cloudbase ?? 0,
      host,
      file: opts.dataFile,
    });
    closers.push(() => cloudbase.close());
    log(`cloudbase  ${cloudbase.url}${opts.dataFile ? ` (data file ${opts.dataFile})` : ''}`);

    let wechat: WechatEmulator | undefined;
    if (!outsideWechat) {
      wechat = await startWechatEmulator({
        port: opts.ports?.wechat ?? 0,
        host,
        apps,
        seed: opts.seed ? 'demo' : 'empty',
      });
      closers.push(() => wechat!.close());
      log(`wechat     ${wechat.url}`);
    } else {
      log(`wechat     ${outsideWechat} (outside; stand-in not started)`);
    }
    const wechatUrl = outsideWechat ?? wechat!.url;

    const env: Record<string, string> = {
      ...sdkEnv(cloudbase.url),
      WX_API_BASE_URL: wechatUrl,
      WX_APPID: apps.miniProgram.appid,
      WX_APPSECRET: apps.miniProgram.secret,
      WX_OA_APPID: apps.officialAccount.appid,
      WX_OA_APPSECRET: apps.officialAccount.secret,
      ADMIN_OPENIDS: adminOpenids,
      // The demo merchant's subscription template (outside WeChat: WX_TEMPLATE_AUTHORIZE, else none).
      ...((process.env.WX_TEMPLATE_AUTHORIZE?.trim() || !outsideWechat) && {
        WX_TEMPLATE_AUTHORIZE: process.env.WX_TEMPLATE_AUTHORIZE?.trim() || DEMO_AUTHORIZE_TEMPLATE.id,
      }),
      WX_MINIPROGRAM_STATE: process.env.WX_MINIPROGRAM_STATE?.trim() || 'developer',
    };
    setEnv(env);

    const load = (name: string): CloudFunctionModule => loadFunction(name, { from });
    const gateway: Gateway = await startGateway({
      port: opts.ports?.gateway ?? 0,
      host,
      load,
      names: () => listFunctions(from),
      timers: opts.timers,
    });
    closers.push(() => gateway.close());
    log(`gateway    ${gateway.url}/functions (${listFunctions(from).join(', ') || 'no functions found'})`);
    if (gateway.timers?.triggers.length) {
      log(`timers     ${gateway.timers.triggers.map((t) => `${t.fn}/${t.name} "${t.config}"`).join(', ')}`);
    }

    let closing: Promise<void> | undefined;
    const stack: Stack = {
      gatewayUrl: gateway.url,
      wechatUrl,
      cloudbaseUrl: cloudbase.url,
      env,
      call: (name, data, openid) => invokeFunction(load(name), data, { openid }),
      cloudbase,
      wechat,
      close: () => (closing ??= closeAll()),
    };
    if (opts.seed) {
      const summary = await seedDemoData(
        { call: stack.call, wechatControlUrl: wechat?.url },
        { crowd: opts.crowd },
      );
      log(`seed       ${summary}`);
    }
    log(`stack up in ${Date.now() - started} ms`);
    return stack;
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }
}
