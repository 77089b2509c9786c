/**
 * Running a cloud function locally the way CloudBase runs it: the caller's identity in the
 * environment (what `cloud.getWXContext()` reads), the event as JSON, and the result as JSON.
 *
 * THE CONTRACT that makes concurrent invocations in one process correct: the identity lives in
 * process.env, which every invocation shares. invokeFunction sets it and calls `fn.main()` in the
 * same synchronous step, so a handler that reads `cloud.getWXContext()` synchronously at entry
 * (before its first `await`) always sees its own caller. Our handlers do exactly that; a handler
 * that reads the context after an await could see the next caller's identity.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface CloudFunctionModule {
  main(event: unknown, context: unknown): unknown;
}

export interface Caller {
  openid?: string;
  /** Defaults to the mini program's appid (env WX_APPID). */
  appid?: string;
  unionid?: string;
}

const ROOT = path.resolve(__dirname, '..', '..');
export const FUNCTIONS_DIR = path.join(ROOT, 'cloudfunctions');
const CONTEXT_KEYS = 'WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP';

const setOrUnset = (key: string, value: string | undefined): void => {
  if (value === undefined || value === '') delete process.env[key];
  else process.env[key] = value;
};

/** A JSON round trip, as the event and the result make over the wire in the real cloud. */
const overTheWire = (value: unknown): unknown =>
  value === undefined ? null : JSON.parse(JSON.stringify(value));

export interface InvokeOptions {
  /** An event from the platform (a timer trigger): no caller and no `userInfo` in the event. */
  platformEvent?: boolean;
}

export function invokeFunction(
  fn: CloudFunctionModule,
  data: object,
  caller: Caller = {},
  options: InvokeOptions = {},
): Promise<unknown> {
  // WX_APPID doubles as the functions' own setting (the mini program appid). When a caller claims
  // another appid it is set only for the synchronous entry and then put back.
  const configuredAppid = process.env.WX_APPID;
  const appid = caller.appid ?? configuredAppid;
  let event: Record<string, unknown>;
  try {
    event = overTheWire(data) as Record<string, unknown>; // a value too deep to serialise rejects, as the cloud refuses it
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  // The cloud adds the (deprecated) userInfo to every event sent by wx.cloud.callFunction.
  if (!options.platformEvent) event.userInfo = { appId: appid, openId: caller.openid };
  const context = {
    request_id: crypto.randomUUID(),
    function_name: 'local',
    namespace: process.env.SCF_NAMESPACE ?? 'local',
    memory_limit_in_mb: 256,
    time_limit_in_ms: 20_000,
    callbackWaitsForEmptyEventLoop: false,
  };

  process.env.WX_CONTEXT_KEYS = CONTEXT_KEYS;
  setOrUnset('WX_OPENID', caller.openid);
  setOrUnset('WX_APPID', appid);
  setOrUnset('WX_UNIONID', caller.unionid);
  process.env.WX_CLIENTIP = '127.0.0.1';
  let pending: unknown;
  try {
    pending = fn.main(event, context); // synchronously after setting the identity: see the contract above
  } catch (err) {
    return Promise.reject(err);
  } finally {
    if (appid !== configuredAppid) setOrUnset('WX_APPID', configuredAppid);
  }
  return Promise.resolve(pending).then(overTheWire);
}

const FUNCTION_NAME = /^[a-z][a-z0-9_-]{0,59}$/;

/** Where a function's code lives: the deployed bundle, or its TypeScript entry (ts-jest / tsx only). */
export function functionEntry(name: string, from: 'built' | 'source'): string {
  if (!FUNCTION_NAME.test(name)) throw new Error(`function name must match ${FUNCTION_NAME}: ${name}`);
  return from === 'built'
    ? path.join(FUNCTIONS_DIR, name, 'index.js')
    : path.join(FUNCTIONS_DIR, name, 'src', 'index.ts');
}

/** Functions that have the requested form on disk, sorted. */
export function listFunctions(from: 'built' | 'source'): string[] {
  if (!fs.existsSync(FUNCTIONS_DIR)) return [];
  return fs
    .readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && FUNCTION_NAME.test(d.name))
    .filter((d) => fs.existsSync(functionEntry(d.name, from)))
    .map((d) => d.name)
    .sort();
}

export function loadFunction(name: string, { from }: { from: 'built' | 'source' }): CloudFunctionModule {
  const entry = functionEntry(name, from);
  if (!fs.existsSync(entry)) {
    throw new Error(
      from === 'built'
        ? `cloudfunctions/${name}/index.js does not exist: run npm run build:functions`
        : `cloudfunctions/${name}/src/index.ts does not exist`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- functions are CommonJS, loaded by path
  const mod = require(entry) as Partial<CloudFunctionModule>;
  if (typeof mod.main !== 'function') throw new Error(`cloudfunctions/${name} does not export main`);
  return mod as CloudFunctionModule;
}
