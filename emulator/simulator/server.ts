/**
 * The simulator's HTTP server (node:http, loopback): the frame page, the build's scripts, icons, the
 * mini program's own images, the cloud proxy to the functions gateway (as the chosen identity), the
 * control panel's proxy to the WeChat stand-in's control API, and a server-sent event stream that tells
 * the page to reload after a rebuild.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseJsonText, readBody } from '../json-body';
import { type BuildResult, readIcon, SCRIPTS } from './build';
import type { Identity } from './identities';

export interface ServerContext {
  current(): BuildResult;
  gatewayUrl: string;
  wechatControlUrl?: string;
  root: string;
  identities: Identity[];
  defaultOpenid: string;
}

const OPENID_SHAPE = /^[A-Za-z0-9_-]{28}$/;
const MAX_BODY_BYTES = 1024 * 1024;
const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
};

function escapeScript(json: string): string {
  return json.replace(/</g, '\\u003c');
}

export function pageHtml(ctx: ServerContext): string {
  const build = ctx.current();
  const config = { ...build.config, identities: ctx.identities, defaultOpenid: ctx.defaultOpenid };
  const version = (name: string): string => build.files.get(name)?.etag.replace(/"/g, '') ?? '';
  const scripts = SCRIPTS.map((name) => `<script src="/__sim/${name}?v=${version(name)}"></script>`).join(
    '\n',
  );
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Promoter Desk · 小程序模拟器</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="sim-root"></div>
<script>window.__SIM_CONFIG__=${escapeScript(JSON.stringify(config))};</script>
${scripts}
<script>window.__simBoot();</script>
</body>
</html>`;
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type':
      typeof body === 'string' || Buffer.isBuffer(body)
        ? 'text/plain; charset=utf-8'
        : 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

async function forward(
  res: http.ServerResponse,
  url: string,
  init: { method: string; body?: string },
  transform?: (body: unknown) => unknown,
  statusMap: Record<number, number> = {},
): Promise<void> {
  let answer: Response;
  try {
    answer = await fetch(url, {
      method: init.method,
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body,
    });
  } catch (err) {
    return send(res, 502, { error: `cannot reach ${new URL(url).origin}: ${(err as Error).message}` });
  }
  const text = await answer.text();
  const mapped = statusMap[answer.status];
  if (mapped === 204) {
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
    return;
  }
  if (!transform || !answer.ok) {
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(text);
    return;
  }
  send(res, answer.status, transform(JSON.parse(text)));
}

interface CallRow {
  seq: number;
  at: number;
  method: string;
  path: string;
  status: number;
  answer: unknown;
  fault?: string;
}

/** The newest calls after `since` (the panel polls); at most 200, without bodies. */
export function callsSince(all: CallRow[], since: number): { calls: CallRow[]; last: number } {
  const last = all.length ? all[all.length - 1]!.seq : 0;
  const from = since > last ? 0 : since; // the stand-in was reset (seq restarted): start over
  const fresh = all.filter((c) => c.seq > from).slice(-200);
  return {
    calls: fresh.map(({ seq, at, method, path: p, status, answer, fault }) => ({
      seq,
      at,
      method,
      path: p,
      status,
      answer:
        typeof answer === 'object' && answer !== null && 'errcode' in answer
          ? { errcode: (answer as { errcode: unknown }).errcode }
          : {},
      fault,
    })),
    last,
  };
}

async function wechatRoute(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  sub: string,
  query: URLSearchParams,
): Promise<void> {
  if (!ctx.wechatControlUrl)
    return send(res, 503, { error: 'no WeChat stand-in: the stack uses an outside WeChat API' });
  const base = `${ctx.wechatControlUrl}/__control`;
  const method = req.method ?? 'GET';
  const body = method === 'POST' ? await readText(req) : undefined;
  switch (`${method} ${sub}`) {
    case 'GET promoters':
      return forward(res, `${base}/state`, { method: 'GET' }, (state) => ({
        promoters: (
          (state as { miniProgram: { promoters: Array<Record<string, unknown>> } }).miniProgram.promoters ??
          []
        ).map((p) => ({
          openid: p.openid,
          name: p.name,
          authStatus: p.authStatus,
          declStatus: p.declStatus,
          retailId: p.retailId,
        })),
      }));
    case 'POST bind':
    case 'GET clock':
    case 'POST clock':
    case 'GET faults':
    case 'POST faults':
    case 'DELETE faults':
    case 'POST calls/clear':
      return forward(res, `${base}/${sub}`, { method, body });
    case 'POST subscriptions':
    case 'POST phone-codes':
      // newer stand-in endpoints: an older stand-in's 404 becomes 204 (the page falls back quietly,
      // without a failed request in the browser console)
      return forward(res, `${base}/${sub}`, { method, body }, undefined, { 404: 204 });
    case 'GET calls':
      return forward(res, `${base}/calls`, { method: 'GET' }, (all) =>
        callsSince(all as CallRow[], Number(query.get('since')) || 0),
      );
    default:
      return send(res, 404, { error: `no route ${method} /__sim/wechat/${sub}` });
  }
}

async function readText(req: http.IncomingMessage): Promise<string> {
  const read = await readBody(req, MAX_BODY_BYTES);
  if (!read.ok) throw new Error(`body larger than ${MAX_BODY_BYTES} bytes`);
  return read.text;
}

async function cloudRoute(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  name: string,
): Promise<void> {
  if (req.method !== 'POST') return send(res, 405, { errMsg: 'cloud.callFunction:fail POST only' });
  let input: { openid?: unknown; data?: unknown };
  try {
    input = parseJsonText((await readText(req)) || '{}') as typeof input;
  } catch {
    return send(res, 400, { errMsg: 'cloud.callFunction:fail body must be JSON { openid, data }' });
  }
  if (typeof input.openid !== 'string' || !OPENID_SHAPE.test(input.openid)) {
    return send(res, 400, {
      errMsg: 'cloud.callFunction:fail openid must be 28 characters of A-Z a-z 0-9 _ -',
    });
  }
  let answer: Response;
  try {
    answer = await fetch(`${ctx.gatewayUrl}/functions/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ openid: input.openid, data: input.data ?? {} }),
    });
  } catch (err) {
    return send(res, 502, { errMsg: `cloud.callFunction:fail request:fail ${(err as Error).message}` });
  }
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(await answer.text());
}

export interface SimServer {
  server: http.Server;
  /** Tells every open page to reload (after a rebuild), or that the rebuild failed. */
  broadcast(event: 'rebuilt' | 'build-error', data: string): void;
}

export function createSimServer(ctx: ServerContext): SimServer {
  const streams = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const p = url.pathname;
    const fail = (err: unknown): void => {
      if (!res.headersSent) send(res, 500, { error: (err as Error).message ?? String(err) });
      else res.destroy();
    };
    try {
      if (p === '/' || p === '/index.html') {
        return send(res, 200, pageHtml(ctx), { 'content-type': 'text/html; charset=utf-8' });
      }
      if (p === '/__sim/events') {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      if (p === '/__sim/status') {
        const build = ctx.current();
        return send(res, 200, {
          builtAt: build.config.builtAt,
          times: build.times,
          payloadBytes: build.payloadBytes,
          pages: build.config.pages,
        });
      }
      if (p.startsWith('/__sim/cloud/')) {
        return void cloudRoute(ctx, req, res, decodeURIComponent(p.slice('/__sim/cloud/'.length))).catch(
          fail,
        );
      }
      if (p.startsWith('/__sim/wechat/')) {
        return void wechatRoute(ctx, req, res, p.slice('/__sim/wechat/'.length), url.searchParams).catch(
          fail,
        );
      }
      if (p.startsWith('/__sim/mp/')) {
        const rel = path.normalize(decodeURIComponent(p.slice('/__sim/mp/'.length)));
        const type = IMAGE_TYPES[path.extname(rel).toLowerCase()];
        const abs = path.join(ctx.root, rel);
        if (!type || rel.startsWith('..') || !abs.startsWith(ctx.root) || !fs.existsSync(abs))
          return send(res, 404, 'not found');
        return send(res, 200, fs.readFileSync(abs), { 'content-type': type });
      }
      if (p.startsWith('/__sim/')) {
        const file = ctx.current().files.get(p.slice('/__sim/'.length));
        if (!file) return send(res, 404, 'not found');
        if (req.headers['if-none-match'] === file.etag) {
          res.writeHead(304, { etag: file.etag });
          return void res.end();
        }
        res.writeHead(200, {
          'content-type': file.type,
          etag: file.etag,
          'cache-control': 'no-cache',
          'content-length': file.body.length,
        });
        return void res.end(file.body);
      }
      if (p.startsWith('/__icons/') && p.endsWith('.svg')) {
        const svg = readIcon(path.basename(p, '.svg'));
        if (!svg) return send(res, 404, 'no such icon');
        return send(res, 200, svg, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' });
      }
      if (p === '/favicon.ico') {
        res.writeHead(204);
        return void res.end();
      }
      send(res, 404, `not found: ${p}`);
    } catch (err) {
      fail(err);
    }
  });
  server.keepAliveTimeout = 1000;
  return {
    server,
    broadcast(event, data) {
      const payload = `event: ${event}\ndata: ${data.split('\n').join('\ndata: ')}\n\n`;
      for (const stream of streams) stream.write(payload);
    },
  };
}
