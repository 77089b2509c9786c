/**
 * The HTTP side: routing, the `{errcode, errmsg}` envelope, the access_token check, faults and the
 * call log. Plain node:http.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { JsonBodyError, MAX_JSON_DEPTH, jsonDepth, parseJsonText, readBody } from '../json-body';
import { CallLog } from './call-log';
import { ControlError } from './control-input';
import { handleControl } from './control';
import type { WxBody } from './errors';
import { errmsgOf, WxError } from './errors';
import { Faults } from './faults';
import type { FaultRule } from './faults';
import { dataRoutes } from './promoter-data';
import { messageRoutes } from './promoter-messages';
import { promoterRoutes } from './promoter';
import { subscribeMessageRoutes } from './subscribe-message';
import { tokenRoutes } from './tokens';
import { unionRoutes } from './union';
import { userInfoRoutes } from './user-info';
import type { EmulatorApps, WxRoute } from './world';
import { World } from './world';

const ROUTES: Record<string, WxRoute> = {
  ...tokenRoutes,
  ...promoterRoutes,
  ...messageRoutes,
  ...dataRoutes,
  ...userInfoRoutes,
  ...unionRoutes,
  ...subscribeMessageRoutes,
};

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const JSON_TYPE = 'application/json; encoding=utf-8';

export interface Runtime {
  world: World;
  faults: Faults;
  calls: CallLog;
}

function send(res: ServerResponse, status: number, body: unknown, contentType = JSON_TYPE): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** WeChat's error answer: errmsg carries a hint and a request id, so clients never match on its text. */
function errorBody(error: WxError): WxBody {
  const hint = error.hint ? ` hint: [${error.hint}]` : '';
  return {
    errcode: error.errcode,
    errmsg: `${errmsgOf(error.errcode)}${hint} rid: ${randomBytes(6).toString('hex')}`,
  };
}

function parseJsonObject(raw: string): WxBody {
  if (raw.trim() === '') throw new WxError(44002);
  let parsed: unknown;
  try {
    parsed = parseJsonText(raw);
  } catch (error) {
    const reason =
      error instanceof JsonBodyError && error.reason === 'too-deep' ? error.message : 'body is not JSON';
    throw new WxError(47001, reason);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WxError(47001, 'body must be a JSON object');
  }
  return parsed as WxBody;
}

/** Runs one WeChat call to its answer (status + JSON body). */
function answerWechat(
  runtime: Runtime,
  method: string,
  path: string,
  query: URLSearchParams,
  raw: string,
  baseUrl: string,
): { status: number; body: WxBody } {
  const route = ROUTES[path];
  try {
    if (!route) throw new WxError(40066, path);
    if (method !== route.method) throw new WxError(route.method === 'GET' ? 43001 : 43002);
    const { world } = runtime;
    if (route.auth !== 'none') {
      const appid = world.tokens.check(query.get('access_token'));
      // A valid token of the other app: WeChat checks the API permission separately (48001).
      if (world.appKind(appid) !== route.auth)
        throw new WxError(48001, "this api needs the other app's access_token");
    }
    const body = method === 'POST' ? parseJsonObject(raw) : {};
    return { status: 200, body: route.handle(world, { method, path, query, body, baseUrl }) };
  } catch (error) {
    if (error instanceof WxError) return { status: 200, body: errorBody(error) };
    console.error('[wechat-emulator] handler failed', path, error);
    return { status: 200, body: errorBody(new WxError(-1)) };
  }
}

function bodyForLog(raw: string): unknown {
  if (raw === '') return undefined;
  // Too deep to redact and list later: logged as (truncated) text, like a body that is not JSON.
  if (jsonDepth(raw, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
    return raw.length > 2000 ? `${raw.slice(0, 2000)}…` : raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw.length > 2000 ? `${raw.slice(0, 2000)}…` : raw;
  }
}

function applyFault(
  runtime: Runtime,
  rule: FaultRule,
  res: ServerResponse,
): { status: number; body: unknown } | 'continue' {
  switch (rule.kind) {
    case 'errcode':
      return { status: 200, body: errorBody(new WxError(rule.errcode as number, 'injected fault')) };
    case 'http': {
      const status = rule.status as number;
      return { status, body: `<html><body><h1>${status}</h1>injected fault</body></html>` };
    }
    case 'hang':
      return { status: 0, body: undefined }; // never answered; close() or the client's timeout ends it
    case 'drop':
      res.socket?.destroy();
      return { status: 0, body: undefined };
    case 'expire-tokens':
      runtime.world.tokens.expireAll();
      return 'continue';
  }
}

async function handle(runtime: Runtime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const method = req.method ?? 'GET';
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  const read = await readBody(req, MAX_BODY_BYTES);
  if (!read.ok) {
    send(res, 413, {
      errcode: -1,
      errmsg: `body larger than ${MAX_BODY_BYTES} bytes`,
      error: 'body too large',
    });
    return;
  }
  const raw = read.text;

  if (path === '/__control' || path.startsWith('/__control/')) {
    try {
      let body: unknown;
      if (raw.trim() !== '') {
        try {
          body = parseJsonText(raw);
        } catch (error) {
          throw new ControlError(400, `body: ${(error as Error).message.replace(/^body /, '')}`);
        }
      }
      send(res, 200, handleControl({ ...runtime, method, path, query: url.searchParams, body }));
    } catch (error) {
      if (error instanceof ControlError) send(res, error.status, { error: error.message, ...error.extra });
      else {
        console.error('[wechat-emulator] control failed', path, error);
        send(res, 500, { error: String(error) });
      }
    }
    return;
  }

  const { faults, calls, world } = runtime;
  if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
  const at = world.clock.nowMs();
  const logged = { at, method, path, query: url.searchParams, body: bodyForLog(raw) };
  const rule = faults.pick(path);
  if (rule) {
    const outcome = applyFault(runtime, rule, res);
    if (outcome !== 'continue') {
      calls.add({ ...logged, status: outcome.status, answer: outcome.body, fault: rule.kind });
      if (outcome.status !== 0) {
        send(res, outcome.status, outcome.body, typeof outcome.body === 'string' ? 'text/html' : JSON_TYPE);
      }
      return;
    }
  }
  const baseUrl = `http://${req.headers.host ?? 'localhost'}`;
  const answer = answerWechat(runtime, method, path, url.searchParams, raw, baseUrl);
  calls.add({ ...logged, status: answer.status, answer: answer.body, ...(rule ? { fault: rule.kind } : {}) });
  send(res, answer.status, answer.body);
}

export function createEmulatorServer(apps: EmulatorApps): {
  server: ReturnType<typeof createServer>;
  runtime: Runtime;
} {
  const runtime: Runtime = { world: new World(apps), faults: new Faults(), calls: new CallLog() };
  const server = createServer((req, res) => {
    handle(runtime, req, res).catch((error: unknown) => {
      console.error('[wechat-emulator] request failed', error);
      if (!res.headersSent) send(res, 500, { errcode: -1, errmsg: 'system error' });
    });
  });
  return { server, runtime };
}
