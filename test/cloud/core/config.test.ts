/**
 * Settings: read lazily and per family; a missing or empty one answers CONFIG_ERROR naming the
 * variable, before anything is sent to WeChat.
 */
import { demoId } from '../../../emulator/demo-data';
import {
  adminOpenids,
  apiBaseUrl,
  miniProgramApp,
  officialAccountApp,
} from '../../../cloudfunctions/_shared/config';
import { AppError } from '../../../cloudfunctions/_shared/errors';
import { callFresh, loadFreshFunction, useEnvOverrides, useTestStack, wechatControl } from '../harness';
import { ADMIN, errorOf, okData } from './helpers';

const env = useTestStack();

const FAN = demoId('Config-fan');
const setEnv = useEnvOverrides();

beforeEach(async () => {
  await wechatControl(env.stack).users([{ openid: FAN, subscribed: true }]);
});

describe('config module', () => {
  test.each([
    ['WX_APPID', miniProgramApp],
    ['WX_APPSECRET', miniProgramApp],
    ['WX_OA_APPID', officialAccountApp],
    ['WX_OA_APPSECRET', officialAccountApp],
    ['ADMIN_OPENIDS', adminOpenids],
  ])('missing or blank %s throws CONFIG_ERROR naming it', (name, read) => {
    for (const value of [undefined, '', '   ']) {
      setEnv(name, value);
      let thrown: unknown;
      try {
        read();
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(AppError);
      expect(thrown).toMatchObject({ code: 'CONFIG_ERROR', message: expect.stringContaining(name) });
    }
  });

  test('ADMIN_OPENIDS is a comma list, trimmed; a malformed openid is CONFIG_ERROR; commas alone count as empty', () => {
    setEnv('ADMIN_OPENIDS', ` ${ADMIN} , ${FAN},,`);
    expect(adminOpenids()).toEqual([ADMIN, FAN]);
    setEnv('ADMIN_OPENIDS', `${ADMIN},not-an-openid`);
    expect(() => adminOpenids()).toThrow(/ADMIN_OPENIDS/);
    setEnv('ADMIN_OPENIDS', ' , ,');
    expect(() => adminOpenids()).toThrow(/ADMIN_OPENIDS/);
  });

  test('WX_API_BASE_URL defaults to api.weixin.qq.com and must be an http(s) URL', () => {
    setEnv('WX_API_BASE_URL', undefined);
    expect(apiBaseUrl()).toBe('https://api.weixin.qq.com');
    setEnv('WX_API_BASE_URL', 'http://127.0.0.1:9/');
    expect(apiBaseUrl()).toBe('http://127.0.0.1:9');
    setEnv('WX_API_BASE_URL', 'not a url');
    expect(() => apiBaseUrl()).toThrow(/WX_API_BASE_URL/);
    setEnv('WX_API_BASE_URL', 'ftp://example.test');
    expect(() => apiBaseUrl()).toThrow(/WX_API_BASE_URL/);
  });
});

describe('through a function', () => {
  test('userinfo without WX_OA_APPSECRET answers CONFIG_ERROR naming it, and calls nothing', async () => {
    setEnv('WX_OA_APPSECRET', '');
    const answer = await callFresh(loadFreshFunction('userinfo'), { action: 'user.get', openid: FAN }, ADMIN);
    const error = errorOf(answer);
    expect(error.code).toBe('CONFIG_ERROR');
    expect(error.message).toContain('WX_OA_APPSECRET');
    expect(await wechatControl(env.stack).calls()).toHaveLength(0);
  });

  test('userinfo needs only the OA pair: it works with the mini program settings unset', async () => {
    setEnv('WX_APPID', undefined);
    setEnv('WX_APPSECRET', undefined);
    const answer = await callFresh(loadFreshFunction('userinfo'), { action: 'user.get', openid: FAN }, ADMIN);
    expect(okData(answer)).toMatchObject({ openid: FAN, state: 'subscribed' });
  });

  test('customparam without WX_APPSECRET answers CONFIG_ERROR naming it', async () => {
    setEnv('WX_APPSECRET', '  ');
    const error = errorOf(
      await callFresh(loadFreshFunction('customparam'), { action: 'openAccount.get' }, ADMIN),
    );
    expect(error).toMatchObject({ code: 'CONFIG_ERROR', message: expect.stringContaining('WX_APPSECRET') });
  });

  test('without ADMIN_OPENIDS every action answers CONFIG_ERROR naming it', async () => {
    setEnv('ADMIN_OPENIDS', undefined);
    const error = errorOf(await callFresh(loadFreshFunction('admin'), { action: 'store.list' }, ADMIN));
    expect(error).toMatchObject({ code: 'CONFIG_ERROR', message: expect.stringContaining('ADMIN_OPENIDS') });
  });

  test('a secret WeChat refuses is CONFIG_ERROR naming the pair, without the secret', async () => {
    setEnv('WX_OA_APPSECRET', 'wrong-secret-0123456789');
    const error = errorOf(
      await callFresh(loadFreshFunction('userinfo'), { action: 'user.get', openid: FAN }, ADMIN),
    );
    expect(error.code).toBe('CONFIG_ERROR');
    expect(error.message).toContain('WX_OA_APPSECRET');
    expect(JSON.stringify(error)).not.toContain('wrong-secret-0123456789');
  });
});
