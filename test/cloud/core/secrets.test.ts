/**
 * No secret or access_token in any response, error message or log line: the redacting logger on its
 * own, then whole flows (token fetches, rejected tokens, retries, failures) with the console captured.
 */
import { demoId } from '../../../emulator/demo-data';
import { redact, registerSecret } from '../../../cloudfunctions/_shared/log';
import { useEnvOverrides, useTestStack, wechatControl } from '../harness';
import { ADMIN, captureConsole } from './helpers';

const setEnv = useEnvOverrides();

describe('redact', () => {
  test('scrubs tokens and secrets in URLs, JSON text, secret-named keys, registered values and errors', () => {
    registerSecret('TOKEN-abcdefghijklmnop');
    const out = redact({
      url: 'https://api.weixin.qq.com/cgi-bin/user/info?access_token=ACCESS123&openid=o1',
      body: '{"appid":"wx1","secret":"s3cr3t-value","force_refresh":false}',
      accessToken: 'anything',
      nested: [{ appSecret: 'x' }, 'seen TOKEN-abcdefghijklmnop here'],
      error: new Error('failed with TOKEN-abcdefghijklmnop'),
      keep: 'openid o1',
    });
    const text = JSON.stringify(out);
    for (const secret of ['ACCESS123', 's3cr3t-value', 'anything', 'TOKEN-abcdefghijklmnop']) {
      expect(text).not.toContain(secret);
    }
    expect(out.keep).toBe('openid o1');
    expect(out.url).toBe('https://api.weixin.qq.com/cgi-bin/user/info?access_token=[REDACTED]&openid=o1');
    expect((out.nested[0] as Record<string, string>).appSecret).toBe('[REDACTED]');
  });

  test('the app secrets from the environment are redacted wherever they appear', () => {
    const secret = process.env.WX_OA_APPSECRET ?? 'demo-oa-secret-7b9d2e4f6a8c0e02';
    setEnv('WX_OA_APPSECRET', secret);
    expect(redact(`a message quoting ${secret}`)).toBe('a message quoting [REDACTED]');
  });
});

describe('whole flows', () => {
  const env = useTestStack();

  test('responses and every log line are free of secrets and tokens, through fetches, expiry, retries and failures', async () => {
    const fan = demoId('Secret-fan');
    const control = wechatControl(env.stack);
    await control.users([{ openid: fan, subscribed: true }]);
    const admin = env.as(ADMIN);
    setEnv('LOG_LEVEL', 'debug');
    const tokens = new Set<string>();
    const noteTokens = () => {
      for (const doc of env.stack.cloudbase.collections().wx_tokens ?? [])
        tokens.add(String(doc.accessToken));
    };
    const { result, output } = await captureConsole(async () => {
      const answers: unknown[] = [];
      answers.push(await admin('userinfo', { action: 'user.get', openid: fan }));
      noteTokens();
      await control.faults([{ kind: 'expire-tokens', path: '/cgi-bin/user/info', next: 1 }]);
      answers.push(await admin('userinfo', { action: 'user.get', openid: demoId('Secret-other') }));
      noteTokens();
      await control.faults([
        { kind: 'errcode', errcode: -1, path: '/union/promoter/open_account/get', next: 3 },
      ]);
      answers.push(await admin('customparam', { action: 'openAccount.get' }));
      noteTokens();
      await control.faults([
        { kind: 'http', status: 500, path: '/union/promoter/open_account/get', next: 3 },
      ]);
      answers.push(await admin('customparam', { action: 'openAccount.get' }));
      await control.faults([
        { kind: 'errcode', errcode: 48001, path: '/union/promoter/open_account/get', next: 1 },
      ]);
      answers.push(await admin('customparam', { action: 'openAccount.get' }));
      noteTokens();
      return answers;
    });

    expect(tokens.size).toBeGreaterThanOrEqual(3); // OA token, its replacement, the MP token
    expect(output).toContain('wx_token_fetched');
    expect(output).toContain('wechat_retry');
    expect(output).toContain('wx_token_rejected');
    const responses = JSON.stringify(result);
    expect(responses).toContain('UPSTREAM_UNAVAILABLE');
    expect(responses).toContain('48001');
    const secrets = [env.stack.env.WX_APPSECRET, env.stack.env.WX_OA_APPSECRET, ...tokens];
    for (const secret of secrets) {
      expect(output).not.toContain(secret);
      expect(responses).not.toContain(secret);
    }
    expect(output).not.toMatch(/access_token=(?!\[REDACTED\])/);
  });
});
