/**
 * One HTTP exchange with WeChat (fetch + AbortSignal.timeout), and the retry policy around it.
 * The access_token is added to the query here and never leaves this module in a message: errors
 * name the API path only.
 */
import { TRANSIENT_ERRCODES, WechatApiError, WechatUnavailableError } from '../errors';
import { log } from '../log';

export type HttpMethod = 'GET' | 'POST';

export const DEFAULT_TIMEOUT_MS = 5_000;
/** Backoff: base 100 ms, doubled per attempt, capped at 2 s, "equal jitter" (half fixed, half random). */
export const RETRY_BASE_MS = 100;
export const RETRY_CAP_MS = 2_000;
/** At most 3 attempts (1 + 2 retries) for a call that is safe to repeat. */
export const MAX_ATTEMPTS = 3;

export interface HttpExchange {
  method: HttpMethod;
  baseUrl: string;
  /** e.g. `/cgi-bin/user/info`: what errors and logs name. */
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  accessToken?: string;
  timeoutMs?: number;
}

/** The JSON envelope every WeChat API answers with. */
export interface WechatEnvelope {
  errcode?: number;
  errmsg?: string;
  [key: string]: unknown;
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    const causeCode = cause && typeof cause === 'object' ? (cause as { code?: unknown }).code : undefined;
    return typeof causeCode === 'string' ? `${err.message} (${causeCode})` : err.message;
  }
  return String(err);
}

/** Sends one request; resolves WeChat's parsed JSON (any errcode), or throws WechatUnavailableError. */
export async function sendOnce(exchange: HttpExchange): Promise<WechatEnvelope> {
  const url = new URL(exchange.baseUrl + exchange.path);
  if (exchange.accessToken !== undefined) url.searchParams.set('access_token', exchange.accessToken);
  for (const [key, value] of Object.entries(exchange.query ?? {})) url.searchParams.set(key, String(value));
  const timeoutMs = exchange.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: exchange.method,
      headers: exchange.method === 'POST' ? { 'content-type': 'application/json' } : undefined,
      body: exchange.method === 'POST' ? JSON.stringify(exchange.body ?? {}) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new WechatUnavailableError(exchange.path, 'timeout', `no answer within ${timeoutMs} ms`);
    }
    throw new WechatUnavailableError(exchange.path, 'network', errorText(err));
  }
  if (!response.ok) {
    throw new WechatUnavailableError(
      exchange.path,
      'http-status',
      `HTTP ${response.status}`,
      response.status,
    );
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as WechatEnvelope;
  } catch {
    // fall through: not JSON
  }
  throw new WechatUnavailableError(exchange.path, 'bad-body', 'the answer is not a JSON object');
}

/** Whether a failure is worth another attempt (only ever for calls that are safe to repeat). */
export function isTransient(err: unknown): boolean {
  if (err instanceof WechatApiError) return TRANSIENT_ERRCODES.includes(err.errcode);
  if (err instanceof WechatUnavailableError) {
    return err.reason === 'timeout' || err.reason === 'network' || (err.httpStatus ?? 0) >= 500;
  }
  return false;
}

/** Delay before retry number `retry` (1-based). */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` up to MAX_ATTEMPTS times when `idempotent`, with backoff between tries, on transient
 * failures only (-1, 45011, HTTP 5xx, timeouts, connection errors). Anything else is thrown at once.
 */
export async function withRetry<T>(api: string, idempotent: boolean, attempt: () => Promise<T>): Promise<T> {
  const attempts = idempotent ? MAX_ATTEMPTS : 1;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= attempts || !isTransient(err)) throw err;
      const delay = backoffMs(n);
      log.warn('wechat_retry', { api, attempt: n, delayMs: delay, error: err });
      await sleep(delay);
    }
  }
}
