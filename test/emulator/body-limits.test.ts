/**
 * Every request body limit of the three local servers: the gateway, the WeChat stand-in and the
 * CloudBase stand-in each answer a 30 KB body of 5,000 nested arrays, malformed JSON and an oversize
 * body with a clear error, and go on serving. (Before: one such request killed the whole stack with
 * a stack overflow in JSON.stringify outside any try.)
 */
import type { AddressInfo } from 'node:net';
import { Database } from '../../emulator/cloudbase';
import { createCloudbaseServer } from '../../emulator/cloudbase/server';
import { jsonDepth, MAX_JSON_DEPTH, parseJsonText } from '../../emulator/json-body';
import { DEMO_STAFF } from '../../emulator/demo-data';
import { startTestStack, type Stack } from '../cloud/harness';

const DEPTH = 5000;
const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
const admin = DEMO_STAFF.admin.openid;

async function post(url: string, body: string): Promise<{ status: number; text: string; json: any }> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

describe('jsonDepth', () => {
  it('counts nesting without recursion and ignores brackets inside strings', () => {
    expect(jsonDepth('{}')).toBe(1);
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonDepth('{"a":"[[[[{{{{\\"[["}')).toBe(1);
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth(deepArray)).toBe(DEPTH);
    expect(jsonDepth(deepArray, 10)).toBe(11); // stops counting past the limit
  });

  it('parseJsonText takes 64 levels and refuses 65 naming the rule', () => {
    const at = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    expect(() => parseJsonText(at(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => parseJsonText(at(MAX_JSON_DEPTH + 1))).toThrow(
      'body must not nest arrays or objects more than 64 levels deep',
    );
    expect(() => parseJsonText('{oops')).toThrow('body must be JSON');
  });
});

describe('the local stack under hostile bodies', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());

  const gatewayCall = (): string => `${stack.gatewayUrl}/functions/admin`;
  const stillServes = async (): Promise<void> => {
    const ok = await post(gatewayCall(), JSON.stringify({ openid: admin, data: { action: 'store.list' } }));
    expect(ok.status).toBe(200);
    expect(ok.json.result.ok).toBe(true);
  };

  it.each([
    ['5,000 nested arrays in data', `{"openid":"${admin}","data":{"action":"store.list","x":${deepArray}}}`],
    ['5,000 nested objects as data', `{"openid":"${admin}","data":${deepObject}}`],
    ['a deep array as the whole body', deepArray],
  ])('gateway: %s answers 400 naming the rule and keeps serving', async (_name, body) => {
    expect(body.length).toBeGreaterThanOrEqual(10_000);
    const reply = await post(gatewayCall(), body);
    expect(reply.status).toBe(400);
    expect(reply.json.errMsg).toBe(
      'cloud.callFunction:fail body must not nest arrays or objects more than 64 levels deep',
    );
    await stillServes();
  });

  it('gateway: malformed JSON 400, oversize 413, and still serving', async () => {
    const bad = await post(gatewayCall(), '{"openid":');
    expect(bad.status).toBe(400);
    expect(bad.json.errMsg).toMatch(/^cloud\.callFunction:fail body must be JSON/);
    const big = await post(
      gatewayCall(),
      JSON.stringify({ data: { action: 'x', pad: 'x'.repeat(1024 * 1024) } }),
    );
    expect(big.status).toBe(413);
    expect(big.json.errMsg).toBe('cloud.callFunction:fail body larger than 1048576 bytes');
    await stillServes();
  });

  it('in-process calls (stack.call) reject a value too deep to send instead of throwing synchronously', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const pending = stack.call('admin', { action: 'store.list', deep }, admin);
    await expect(pending).rejects.toThrow(RangeError);
  });

  it('WeChat stand-in: a deep body is 47001 naming the rule, logged as text, and the log still lists', async () => {
    const token = await post(
      `${stack.wechatUrl}/cgi-bin/stable_token`,
      JSON.stringify({
        grant_type: 'client_credential',
        appid: stack.env.WX_APPID,
        secret: stack.env.WX_APPSECRET,
      }),
    );
    const url = `${stack.wechatUrl}/promoter/getrole?access_token=${token.json.access_token as string}`;
    for (const body of [`{"x":${deepArray}}`, deepObject]) {
      const reply = await post(url, body);
      expect(reply.status).toBe(200);
      expect(reply.json.errcode).toBe(47001);
      expect(reply.json.errmsg).toContain('must not nest arrays or objects more than 64 levels deep');
    }
    const bad = await post(url, '{"x":');
    expect(bad.json.errcode).toBe(47001);
    const calls = await fetch(`${stack.wechatUrl}/__control/calls?path=/promoter/getrole`);
    expect(calls.status).toBe(200);
    const logged = (await calls.json()) as Array<{ body: unknown }>;
    expect(logged).toHaveLength(3);
    expect(typeof logged[0]!.body).toBe('string');
    expect((logged[0]!.body as string).length).toBeLessThanOrEqual(2001);
    // still serving a real call
    const ok = await post(url, '{}');
    expect(ok.json.errcode).toBe(0);
  });

  it('WeChat stand-in: the control API refuses deep and malformed bodies with 400 naming body', async () => {
    const deep = await post(`${stack.wechatUrl}/__control/users`, `{"users":${deepArray}}`);
    expect(deep.status).toBe(400);
    expect(deep.json.error).toBe('body: must not nest arrays or objects more than 64 levels deep');
    const bad = await post(`${stack.wechatUrl}/__control/users`, '{oops');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('body: must be JSON');
    const state = await fetch(`${stack.wechatUrl}/__control/state`);
    expect(state.status).toBe(200);
  });

  it('WeChat stand-in: an oversize body is 413 and the next call is served', async () => {
    const big = await post(`${stack.wechatUrl}/__control/users`, `{"pad":"${'x'.repeat(10 * 1024 * 1024)}"}`);
    expect(big.status).toBe(413);
    expect(big.json.error).toBe('body too large');
    expect((await fetch(`${stack.wechatUrl}/__control/state`)).status).toBe(200);
  });

  it('CloudBase stand-in: deep EJSON in a query or a document, a deep body and malformed JSON are INVALID_PARAM', async () => {
    const cases: Array<[string, string]> = [
      [
        JSON.stringify({ action: 'database.getDocument', collectionName: 'c', query: `{"a":${deepArray}}` }),
        'EJSON must not nest arrays or objects more than 64 levels deep',
      ],
      [
        JSON.stringify({
          action: 'database.insertDocument',
          collectionName: 'c',
          data: [`{"a":${deepObject}}`],
        }),
        'EJSON must not nest arrays or objects more than 64 levels deep',
      ],
      [
        `{"action":"database.insertDocument","collectionName":"c","data":[${deepObject}]}`,
        'request body must not nest arrays or objects more than 64 levels deep',
      ],
      ['{"action":', 'request body must be a JSON object'],
    ];
    for (const [body, message] of cases) {
      const reply = await post(stack.cloudbaseUrl, body);
      expect(reply.status).toBe(200);
      expect(reply.json).toMatchObject({ code: 'INVALID_PARAM', message });
    }
    expect(stack.cloudbase.collections()).toEqual({});
    await stillServes(); // the functions still reach the database
  });
});

describe('CloudBase stand-in: request size cap', () => {
  it('answers INVALID_PARAM naming the cap and keeps serving', async () => {
    const server = createCloudbaseServer(new Database(), { maxRequestBytes: 1024 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin`;
    try {
      const big = await post(url, JSON.stringify({ action: 'database.getDocument', pad: 'x'.repeat(2048) }));
      expect(big.json).toMatchObject({
        code: 'INVALID_PARAM',
        message: 'request body larger than 1024 bytes',
      });
      const ok = await post(url, JSON.stringify({ action: 'database.getDocument', collectionName: 'c' }));
      expect(ok.json.data.list).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
