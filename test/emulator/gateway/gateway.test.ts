/** invokeFunction (identity as CloudBase sets it) and the HTTP gateway, with a tiny function module. */
import path from 'node:path';
import {
  functionEntry,
  type Gateway,
  invokeFunction,
  loadFunction,
  startGateway,
} from '../../../emulator/gateway';
import * as fixture from './fixture-function';

const MP_APPID = 'wx5f3a1c2b4d6e8f01';
type Seen = { context: Record<string, unknown>; event: Record<string, unknown>; at: unknown };

beforeAll(() => {
  process.env.WX_APPID = MP_APPID;
  process.env.TCB_ENV = 'local';
});

describe('invokeFunction', () => {
  it('gives the function the caller as getWXContext() reports it in the cloud', async () => {
    const seen = (await invokeFunction(
      fixture,
      { action: 'x', n: 1 },
      { openid: 'oCaller', unionid: 'uCaller' },
    )) as Seen;
    expect(seen.context).toEqual({
      OPENID: 'oCaller',
      APPID: MP_APPID,
      UNIONID: 'uCaller',
      CLIENTIP: '127.0.0.1',
      ENV: 'local',
    });
    expect(process.env.WX_CONTEXT_KEYS).toBe('WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP');
  });

  it('removes identity keys the caller does not have', async () => {
    await invokeFunction(fixture, {}, { openid: 'oFirst', unionid: 'uFirst' });
    const seen = (await invokeFunction(fixture, {}, { openid: 'oSecond' })) as Seen;
    expect(seen.context).not.toHaveProperty('UNIONID');
    const anonymous = (await invokeFunction(fixture, {}, {})) as Seen;
    expect(anonymous.context).not.toHaveProperty('OPENID');
  });

  it('puts a claimed appid back to the configured one after the synchronous entry', async () => {
    const seen = (await invokeFunction(fixture, {}, { openid: 'o1', appid: 'wxOther' })) as Seen;
    expect(seen.context.APPID).toBe('wxOther');
    expect(process.env.WX_APPID).toBe(MP_APPID);
  });

  it('keeps two concurrent callers apart (identity is read before the first await)', async () => {
    const [slow, fast] = (await Promise.all([
      invokeFunction(fixture, { waitMs: 50 }, { openid: 'oSlow' }),
      invokeFunction(fixture, { waitMs: 0 }, { openid: 'oFast' }),
    ])) as Seen[];
    expect(slow!.context.OPENID).toBe('oSlow');
    expect(fast!.context.OPENID).toBe('oFast');
  });

  it('sends the event and the result over "the wire": JSON, plus the userInfo CloudBase adds', async () => {
    const data = { nested: { a: [1, 2] }, when: new Date(0), skip: undefined };
    const seen = (await invokeFunction(fixture, data, { openid: 'oCaller' })) as Seen;
    expect(seen.event).toEqual({
      nested: { a: [1, 2] },
      when: '1970-01-01T00:00:00.000Z',
      userInfo: { appId: MP_APPID, openId: 'oCaller' },
    });
    expect(seen.at).toBe('1970-01-01T00:00:00.000Z');
    expect(data.nested.a).toEqual([1, 2]); // the caller's object is not shared
  });

  it('passes a thrown error through as a rejection', async () => {
    await expect(invokeFunction(fixture, { action: 'throw' }, {})).rejects.toThrow('故意失败');
  });
});

describe('loadFunction', () => {
  it('names where each form lives and refuses what is not there', () => {
    expect(functionEntry('promoter', 'built')).toBe(
      path.resolve(__dirname, '../../../cloudfunctions/promoter/index.js'),
    );
    expect(functionEntry('promoter', 'source')).toBe(
      path.resolve(__dirname, '../../../cloudfunctions/promoter/src/index.ts'),
    );
    expect(() => loadFunction('nope', { from: 'source' })).toThrow(
      'cloudfunctions/nope/src/index.ts does not exist',
    );
    expect(() => loadFunction('nope', { from: 'built' })).toThrow(
      'cloudfunctions/nope/index.js does not exist: run npm run build:functions',
    );
    expect(() => loadFunction('../etc', { from: 'source' })).toThrow('function name must match');
  });
});

describe('the HTTP gateway', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway({
      load: (name) => {
        if (name === 'broken') throw new Error('syntax error in bundle');
        return fixture;
      },
      names: () => ['broken', 'echo'],
    });
  });
  afterAll(() => gateway.close());

  const post = async (
    name: string,
    body: unknown,
  ): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> => {
    const res = await fetch(`${gateway.url}/functions/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
  };

  it('answers as wx.cloud.callFunction does: { result, errMsg }, with CORS headers', async () => {
    const { status, json, headers } = await post('echo', { openid: 'oHttp', data: { action: 'x' } });
    expect(status).toBe(200);
    expect(json.errMsg).toBe('cloud.callFunction:ok');
    expect((json.result as Seen).context).toMatchObject({ OPENID: 'oHttp', APPID: MP_APPID });
    expect((json.result as Seen).event).toMatchObject({ action: 'x' });
    expect(headers.get('access-control-allow-origin')).toBe('*');
  });

  it('keeps two concurrent HTTP callers apart', async () => {
    const [a, b] = await Promise.all([
      post('echo', { openid: 'oA', data: { waitMs: 40 } }),
      post('echo', { openid: 'oB', data: {} }),
    ]);
    expect((a.json.result as Seen).context.OPENID).toBe('oA');
    expect((b.json.result as Seen).context.OPENID).toBe('oB');
  });

  it('answers a CORS preflight', async () => {
    const res = await fetch(`${gateway.url}/functions/echo`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toContain('content-type');
  });

  it('lists the functions', async () => {
    const res = await fetch(`${gateway.url}/functions`);
    expect(await res.json()).toEqual({ functions: ['broken', 'echo'] });
  });

  it('404 for an unknown function, 400 naming the field for a malformed body', async () => {
    expect(await post('nope', { data: {} })).toMatchObject({
      status: 404,
      json: { errMsg: expect.stringContaining('nope') },
    });
    expect(await post('echo', '{not json')).toMatchObject({
      status: 400,
      json: { errMsg: expect.stringContaining('body must be JSON') },
    });
    expect(await post('echo', [1])).toMatchObject({
      status: 400,
      json: { errMsg: expect.stringContaining('body must be a JSON object') },
    });
    expect(await post('echo', { openid: 5 })).toMatchObject({
      status: 400,
      json: { errMsg: 'cloud.callFunction:fail openid must be a non-empty string when given' },
    });
    expect(await post('echo', { openid: 'o', data: 'x' })).toMatchObject({
      status: 400,
      json: { errMsg: 'cloud.callFunction:fail data must be a JSON object' },
    });
  });

  it('500 with CloudBase’s -504002 when the function throws or cannot load', async () => {
    expect(await post('echo', { data: { action: 'throw' } })).toMatchObject({
      status: 500,
      json: { errCode: -504002, errMsg: 'cloud.callFunction:fail -504002 functions execute fail. 故意失败' },
    });
    expect(await post('broken', {})).toMatchObject({
      status: 500,
      json: { errMsg: expect.stringContaining('cannot load broken: syntax error in bundle') },
    });
  });

  it('404 for other routes, 405 for other methods', async () => {
    expect((await fetch(`${gateway.url}/other`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/functions/echo`)).status).toBe(405);
    expect((await fetch(`${gateway.url}/functions`, { method: 'POST' })).status).toBe(405);
  });
});
