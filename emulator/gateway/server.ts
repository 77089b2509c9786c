/**
 * The local functions gateway: what `wx.cloud.callFunction` reaches, over plain HTTP.
 *   POST /functions/<name>  { "openid": "...", "data": { ... } }  ->  { "result": ..., "errMsg": "cloud.callFunction:ok" }
 *   GET  /functions         ->  { "functions": ["admin", ...] }
 * Permissive CORS so a browser page can call it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJsonText, readBody } from '../json-body';
import { type Caller, type CloudFunctionModule, invokeFunction } from './invoke';
import { type Timers, startTimers } from './timers';

export interface GatewayOptions {
  port?: number;
  host?: string;
  load: (name: string) => CloudFunctionModule;
  /** The functions there are; a name outside it answers 404 without loading anything. */
  names: () => string[];
  /** Fire the functions' timer triggers (config.json) on the clock, as CloudBase does. Default false. */
  timers?: boolean;
}

export interface Gateway {
  url: string;
  port: number;
  /** The timer triggers, when started with `timers: true`. */
  timers?: Timers;
  close(): Promise<void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
};
const MAX_BODY_BYTES = 1024 * 1024; // wx.cloud.callFunction's own cap on data is far below this

class BadRequest extends Error {}

function parseCall(text: string): { caller: Caller; data: object } {
  let body: unknown;
  try {
    body = parseJsonText(text || '{}');
  } catch (err) {
    const message = (err as Error).message;
    throw new BadRequest(
      message.endsWith('must be JSON') ? 'body must be JSON: { "openid": "...", "data": { ... } }' : message,
    );
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new BadRequest('body must be a JSON object');
  const { openid, unionid, appid, data } = body as Record<string, unknown>;
  for (const [field, value] of Object.entries({ openid, unionid, appid })) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new BadRequest(`${field} must be a non-empty string when given`);
    }
  }
  if (data !== undefined && (!data || typeof data !== 'object' || Array.isArray(data))) {
    throw new BadRequest('data must be a JSON object');
  }
  return {
    caller: {
      openid: openid as string | undefined,
      unionid: unionid as string | undefined,
      appid: appid as string | undefined,
    },
    data: (data as object | undefined) ?? {},
  };
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      const text = JSON.stringify(body); // before the head, so a failure here can still be answered
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...CORS });
      res.end(text);
    };
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end();
      return;
    }
    if (url.pathname === '/functions' || url.pathname === '/functions/') {
      if (req.method !== 'GET') return send(405, { errMsg: 'GET /functions lists the functions' });
      return send(200, { functions: options.names() });
    }
    const match = /^\/functions\/([^/]+)$/.exec(url.pathname);
    if (!match)
      return send(404, { errMsg: `no route ${req.method} ${url.pathname}; POST /functions/<name>` });
    if (req.method !== 'POST') return send(405, { errMsg: `POST /functions/${match[1]}` });
    const name = decodeURIComponent(match[1]!);

    readBody(req, MAX_BODY_BYTES)
      .then(async (read) => {
        if (!read.ok)
          return send(413, { errMsg: `cloud.callFunction:fail body larger than ${MAX_BODY_BYTES} bytes` });
        if (!options.names().includes(name)) {
          return send(404, {
            errMsg: `cloud.callFunction:fail -501000 FunctionName parameter could not be found: ${name}`,
          });
        }
        let call: { caller: Caller; data: object };
        try {
          call = parseCall(read.text);
        } catch (err) {
          return send(400, { errMsg: `cloud.callFunction:fail ${(err as Error).message}` });
        }
        let fn: CloudFunctionModule;
        try {
          fn = options.load(name);
        } catch (err) {
          return send(500, {
            errMsg: `cloud.callFunction:fail cannot load ${name}: ${(err as Error).message}`,
          });
        }
        try {
          const result = await invokeFunction(fn, call.data, call.caller);
          send(200, { result, errMsg: 'cloud.callFunction:ok' });
        } catch (err) {
          // What the mini program sees when a function throws (CloudBase's -504002).
          send(500, {
            errCode: -504002,
            errMsg: `cloud.callFunction:fail -504002 functions execute fail. ${err instanceof Error ? err.message : String(err)}`,
          });
        }
      })
      // Last resort (e.g. an answer that cannot be serialised): answer 500, never crash the gateway.
      .catch((err: unknown) => {
        if (!res.headersSent) send(500, { errMsg: `cloud.callFunction:fail ${String(err)}` });
        else res.destroy();
      });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const timers = options.timers
    ? startTimers({
        names: options.names,
        load: options.load,
        onError: (fn, trigger, err) => console.error(`timer ${fn}/${trigger} failed: ${String(err)}`),
      })
    : undefined;
  const host = options.host && !['0.0.0.0', '::'].includes(options.host) ? options.host : '127.0.0.1';
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    timers,
    close: () =>
      (closed ??= (timers?.close() ?? Promise.resolve()).then(
        () =>
          new Promise<void>((resolve, reject) => {
            server.close((err) => (err ? reject(err) : resolve()));
            server.closeAllConnections();
          }),
      )),
  };
}
