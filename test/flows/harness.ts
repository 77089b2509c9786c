/**
 * Flow tests drive the real pages (miniprogram-simulate) while `wx.cloud.callFunction` goes over HTTP
 * to the real, built cloud functions running on the local stack in a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface StackProcess {
  gatewayUrl: string;
  wechatUrl: string;
  stop(): Promise<void>;
}

export function startStackProcess(timeoutMs = 60_000): Promise<StackProcess> {
  const env = { ...process.env };
  delete env.WX_API_BASE_URL; // always the stand-in the stack starts
  const child: ChildProcess = spawn(
    path.join(ROOT, 'node_modules/.bin/tsx'),
    [path.join(__dirname, 'stack-server.ts')],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`stack did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('STACK '));
      if (!line) return;
      clearTimeout(timer);
      const urls = JSON.parse(line.slice('STACK '.length)) as { gatewayUrl: string; wechatUrl: string };
      resolve({
        ...urls,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stack exited with ${code}:\n${output}`));
    });
  });
}

/** JSON over node:http (jsdom's environment has no fetch). */
export function httpJson<T = any>(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      url,
      {
        method,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          try {
            resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
          } catch (err) {
            reject(new Error(`not JSON from ${method} ${url}: ${text.slice(0, 200)} (${String(err)})`));
          }
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** The caller the next wx.cloud.callFunction speaks as (who is holding the phone). */
export interface Session {
  openid: string;
}

/** wx.cloud.callFunction → POST <gateway>/functions/<name> as `session.openid`. Returns the jest.fn. */
export function routeCloudToGateway(gatewayUrl: string, session: Session): jest.Mock {
  const callFunction = jest.fn(async ({ name, data }: { name: string; data: Record<string, unknown> }) => {
    const { status, json } = await httpJson('POST', `${gatewayUrl}/functions/${name}`, {
      openid: session.openid,
      data,
    });
    if (status !== 200) throw { errMsg: `cloud.callFunction:fail ${status}` };
    return { result: json.result, errMsg: 'cloud.callFunction:ok' };
  });
  (wx as any).cloud = { init: jest.fn(), callFunction };
  return callFunction;
}

/** Calls a cloud function directly (set-up steps that are not what the test is about). */
export async function callAs<T = any>(
  gatewayUrl: string,
  openid: string,
  name: string,
  data: object,
): Promise<T> {
  const { json } = await httpJson('POST', `${gatewayUrl}/functions/${name}`, { openid, data });
  if (!json?.result?.ok) throw new Error(`${name} ${JSON.stringify(data)} failed: ${JSON.stringify(json)}`);
  return json.result.data as T;
}

/** Plays WeChat's bind mini program: the promoter authorizes (or revokes) in WeChat. */
export async function bindInWechat(
  wechatUrl: string,
  openid: string,
  action: 'authorize' | 'revoke',
): Promise<void> {
  const { status, json } = await httpJson('POST', `${wechatUrl}/__control/bind`, { openid, action });
  if (status !== 200) throw new Error(`bind control failed: ${status} ${JSON.stringify(json)}`);
}

/**
 * Waits until `check` passes (it throws or returns false until then): the pages' calls now cross
 * real HTTP, so microtask flushes are not enough. Fails with the last error after `timeoutMs`.
 */
export async function waitFor(check: () => unknown, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if ((await check()) !== false) return;
      last = new Error('condition stayed false');
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
