import { APPS, useEmulator } from './helpers';

const wx = useEmulator();

/** Calls getrole with a given token; the errcode. */
async function probe(token: string | undefined): Promise<number> {
  const query: Record<string, string> = token === undefined ? {} : { access_token: token };
  return (await wx.raw('POST', '/promoter/getrole', { query, body: '{}' })).json.errcode;
}

describe('GET /cgi-bin/token', () => {
  test('issues a token valid 7200 s that the other endpoints accept', async () => {
    const answer = await wx.plainToken('mp');
    expect(answer).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    expect(answer.access_token.length).toBeGreaterThan(100);
    expect(answer.errcode).toBeUndefined();
    expect(await probe(answer.access_token)).toBe(0);
  });

  test('each fetch supersedes the previous token after a 5-minute overlap', async () => {
    const first = (await wx.plainToken('mp')).access_token;
    const second = (await wx.plainToken('mp')).access_token;
    expect(second).not.toBe(first);
    await wx.advance(299);
    expect(await probe(first)).toBe(0);
    expect(await probe(second)).toBe(0);
    await wx.advance(1);
    expect(await probe(first)).toBe(40001);
    expect(await probe(second)).toBe(0);
  });

  test('credential errors: 40002 grant_type, 40013 appid, 40001 secret, 41002/41004 missing', async () => {
    const { appid, secret } = APPS.miniProgram;
    const call = async (query: Record<string, string>) =>
      (await wx.raw('GET', '/cgi-bin/token', { query })).json.errcode;
    expect(await call({ grant_type: 'password', appid, secret })).toBe(40002);
    expect(await call({ grant_type: 'client_credential', appid: 'wx0000000000000000', secret })).toBe(40013);
    expect(await call({ grant_type: 'client_credential', appid, secret: 'wrong' })).toBe(40001);
    expect(await call({ grant_type: 'client_credential', appid, secret: APPS.officialAccount.secret })).toBe(
      40001,
    );
    expect(await call({ grant_type: 'client_credential', secret })).toBe(41002);
    expect(await call({ grant_type: 'client_credential', appid })).toBe(41004);
  });
});

describe('POST /cgi-bin/stable_token', () => {
  // The stand-in runs in this process and reads Date.now: held still, so only the control clock moves
  // time and "7 100 s left" does not become 7 099 when a second ticks between two calls.
  beforeEach(() => {
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now);
  });
  afterEach(() => jest.restoreAllMocks());

  test('normal mode returns the same token while valid, with the time left', async () => {
    const first = await wx.stableToken('mp');
    expect(first.expires_in).toBe(7200);
    await wx.advance(100);
    const again = await wx.stableToken('mp');
    expect(again.access_token).toBe(first.access_token);
    expect(again.expires_in).toBe(7100);
  });

  test('rotates 5 minutes early; the old token works until its own expiry', async () => {
    const first = (await wx.stableToken('mp')).access_token;
    await wx.advance(6900); // exactly 300 s left: still the same
    expect((await wx.stableToken('mp')).access_token).toBe(first);
    await wx.advance(1); // 299 s left: a new one
    const rotated = await wx.stableToken('mp');
    expect(rotated.access_token).not.toBe(first);
    expect(rotated.expires_in).toBe(7200);
    await wx.advance(298);
    expect(await probe(first)).toBe(0);
    await wx.advance(1);
    expect(await probe(first)).toBe(42001);
    expect(await probe(rotated.access_token)).toBe(0);
  });

  test('force_refresh issues a new token; the old one works 5 more minutes', async () => {
    const first = (await wx.stableToken('mp')).access_token;
    const forced = (await wx.stableToken('mp', true)).access_token;
    expect(forced).not.toBe(first);
    await wx.advance(299);
    expect(await probe(first)).toBe(0);
    await wx.advance(1);
    expect(await probe(first)).toBe(40001);
    expect(await probe(forced)).toBe(0);
  });

  test('force_refresh inside 30 s gives the same token back; 20 a day, then 45009', async () => {
    const forced = (await wx.stableToken('mp', true)).access_token;
    await wx.advance(29);
    expect((await wx.stableToken('mp', true)).access_token).toBe(forced);
    await wx.advance(1);
    const refreshed = (await wx.stableToken('mp', true)).access_token;
    expect(refreshed).not.toBe(forced);
    // Count 20 inside one China day: move to the start of the next one first.
    const now = await wx.now();
    const toNextDay = 86400 - ((now + 8 * 3600) % 86400);
    await wx.advance(toNextDay);
    for (let i = 0; i < 20; i++) {
      const answer = await wx.stableToken('mp', true);
      expect(answer.access_token).toEqual(expect.any(String));
      await wx.advance(30);
    }
    expect((await wx.stableToken('mp', true)).errcode).toBe(45009);
    // normal mode still answers
    expect((await wx.stableToken('mp')).access_token).toEqual(expect.any(String));
    await wx.advance(86400);
    expect((await wx.stableToken('mp', true)).access_token).toEqual(expect.any(String));
  });

  test('tokens of the two endpoints are isolated', async () => {
    const stable = (await wx.stableToken('mp')).access_token;
    const plain = (await wx.plainToken('mp')).access_token;
    await wx.plainToken('mp');
    await wx.stableToken('mp', true);
    await wx.advance(300);
    // The stable force refresh superseded only the stable token; the plain fetch only the plain one.
    expect(await probe(stable)).toBe(40001);
    expect(await probe(plain)).toBe(40001);
    const plainAgain = (await wx.plainToken('mp')).access_token;
    const stableNow = (await wx.stableToken('mp')).access_token;
    await wx.plainToken('mp');
    await wx.advance(300);
    expect(await probe(stableNow)).toBe(0);
    expect(await probe(plainAgain)).toBe(40001);
  });

  test('errors: 40125 secret, 40013 appid, 40002 grant_type, 44002 empty, 47001 not JSON, 43002 GET', async () => {
    const { appid } = APPS.miniProgram;
    const post = async (body: string) => (await wx.raw('POST', '/cgi-bin/stable_token', { body })).json;
    expect(
      (await post(JSON.stringify({ grant_type: 'client_credential', appid, secret: 'nope' }))).errcode,
    ).toBe(40125);
    const unknown = { grant_type: 'client_credential', appid: 'wx0000000000000000', secret: 'x' };
    expect((await post(JSON.stringify(unknown))).errcode).toBe(40013);
    const grant = { grant_type: 'authorization_code', appid, secret: APPS.miniProgram.secret };
    expect((await post(JSON.stringify(grant))).errcode).toBe(40002);
    expect((await post('')).errcode).toBe(44002);
    expect((await post('grant_type=client_credential')).errcode).toBe(47001);
    expect((await wx.raw('GET', '/cgi-bin/stable_token')).json.errcode).toBe(43002);
  });
});

describe('access_token check on the other endpoints', () => {
  test('missing 41001, malformed 40014, unknown 40001, expired 42001', async () => {
    expect(await probe(undefined)).toBe(41001);
    expect(await probe('not-a-token')).toBe(40014);
    expect(await probe(`EMU_S_${'A'.repeat(128)}`)).toBe(40001);
    const token = (await wx.stableToken('mp')).access_token;
    await wx.advance(7199);
    expect(await probe(token)).toBe(0);
    await wx.advance(1);
    expect(await probe(token)).toBe(42001);
  });

  test("the wrong app's token: promoter and union need the mini program's, user info the OA's (48001)", async () => {
    const oa = (await wx.stableToken('oa')).access_token;
    const mp = (await wx.stableToken('mp')).access_token;
    expect(await probe(oa)).toBe(48001);
    const union = await wx.raw('GET', '/union/promoter/open_account/get', { query: { access_token: oa } });
    expect(union.json.errcode).toBe(48001);
    const info = await wx.raw('GET', '/cgi-bin/user/info', {
      query: { access_token: mp, openid: 'o'.repeat(28) },
    });
    expect(info.json.errcode).toBe(48001);
  });

  test('reset forgets tokens (40001) unless keepTokens', async () => {
    const token = (await wx.stableToken('mp')).access_token;
    await wx.ctl('POST', '/reset', { keepTokens: true });
    expect(await probe(token)).toBe(0);
    await wx.ctl('POST', '/reset');
    expect(await probe(token)).toBe(40001);
  });
});
