/** The retry policy's numbers: backoff base 100 ms, doubled, capped at 2 s, with jitter; 3 attempts. */
import {
  MAX_ATTEMPTS,
  RETRY_BASE_MS,
  RETRY_CAP_MS,
  backoffMs,
  isTransient,
  withRetry,
} from '../../../cloudfunctions/_shared/wechat/http';
import { AppError, WechatApiError, WechatUnavailableError } from '../../../cloudfunctions/_shared/errors';

test('backoff doubles from 100 ms up to the 2 s cap, jittered between half and all of it', () => {
  expect([RETRY_BASE_MS, RETRY_CAP_MS, MAX_ATTEMPTS]).toEqual([100, 2000, 3]);
  expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, () => 1))).toEqual([100, 200, 400, 800, 1600, 2000]);
  expect([1, 2, 3].map((n) => backoffMs(n, () => 0))).toEqual([50, 100, 200]);
  for (let i = 0; i < 100; i++) {
    const delay = backoffMs(3);
    expect(delay).toBeGreaterThanOrEqual(200);
    expect(delay).toBeLessThanOrEqual(400);
  }
});

test('what counts as transient', () => {
  expect(isTransient(new WechatApiError('/x', -1, 'busy'))).toBe(true);
  expect(isTransient(new WechatApiError('/x', 45011, 'freq'))).toBe(true);
  for (const errcode of [45009, 48001, 40003, 103001, 40001]) {
    expect(isTransient(new WechatApiError('/x', errcode, 'no'))).toBe(false);
  }
  expect(isTransient(new WechatUnavailableError('/x', 'timeout', 't'))).toBe(true);
  expect(isTransient(new WechatUnavailableError('/x', 'network', 'reset'))).toBe(true);
  expect(isTransient(new WechatUnavailableError('/x', 'http-status', '503', 503))).toBe(true);
  expect(isTransient(new WechatUnavailableError('/x', 'http-status', '404', 404))).toBe(false);
  expect(isTransient(new WechatUnavailableError('/x', 'bad-body', 'html'))).toBe(false);
  expect(isTransient(new AppError('INTERNAL', 'x'))).toBe(false);
});

test('withRetry: three attempts for idempotent work, one otherwise, none after a final error', async () => {
  const silence = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    let attempts = 0;
    const busy = async () => {
      attempts++;
      throw new WechatApiError('/x', -1, 'busy');
    };
    await expect(withRetry('/x', true, busy)).rejects.toMatchObject({ errcode: -1 });
    expect(attempts).toBe(3);
    attempts = 0;
    await expect(withRetry('/x', false, busy)).rejects.toMatchObject({ errcode: -1 });
    expect(attempts).toBe(1);
    attempts = 0;
    await expect(
      withRetry('/x', true, async () => {
        attempts++;
        throw new WechatApiError('/x', 45009, 'quota');
      }),
    ).rejects.toMatchObject({ errcode: 45009 });
    expect(attempts).toBe(1);
  } finally {
    silence.mockRestore();
  }
});
