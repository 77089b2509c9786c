/**
 * Structured logger (one JSON line per event) that redacts secrets and tokens.
 * Redaction works three ways, so a secret cannot slip through by a new field name or a URL:
 * - object keys that name a secret (secret, token, password, authorization) are replaced whole;
 * - every string is scrubbed of `access_token=…`, `"secret":"…"` and the like;
 * - the known secret values (the app secrets from the environment, and every access_token this
 *   instance has seen, registered by the token module) are replaced wherever they appear.
 */

const REDACTED = '[REDACTED]';
const SECRET_KEY = /secret|token|password|authorization|credential/i;
const SECRET_ENV = ['WX_APPSECRET', 'WX_OA_APPSECRET'];
/** `access_token=abc`, `secret=abc` in URLs and query strings; `"access_token":"abc"` in JSON text. */
const INLINE_PATTERNS: RegExp[] = [
  /((?:access_token|secret|appsecret)=)[^&\s"'#]+/gi,
  /("(?:access_token|secret|appsecret)"\s*:\s*")[^"]*/gi,
];

const TYPED_ERRORS = ['AppError', 'WechatApiError', 'WechatUnavailableError'];

const knownSecrets = new Set<string>();

/** Makes `value` redacted wherever it appears from now on (tokens, secrets). Short values are ignored. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) knownSecrets.add(value);
}

function secretValues(): string[] {
  const values = [...knownSecrets];
  for (const name of SECRET_ENV) {
    const value = process.env[name];
    if (value && value.trim().length >= 8) values.push(value.trim());
  }
  return values;
}

function redactString(text: string, secrets: string[]): string {
  let out = text;
  for (const pattern of INLINE_PATTERNS) out = out.replace(pattern, `$1${REDACTED}`);
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

function redactValue(value: unknown, secrets: string[], depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: redactString(value.message, secrets) };
    for (const key of ['code', 'errcode', 'api', 'reason', 'httpStatus', 'field'] as const) {
      const v = (value as unknown as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = redactValue(v, secrets, depth + 1, seen);
    }
    // Our typed errors say all there is in their fields; a stack helps only for the unexpected ones.
    if (value.stack && !TYPED_ERRORS.includes(value.name)) out.stack = redactString(value.stack, secrets);
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      SECRET_KEY.test(key) && v !== undefined && v !== null
        ? REDACTED
        : redactValue(v, secrets, depth + 1, seen);
  }
  return out;
}

/** A copy of `value` with every secret and token replaced by `[REDACTED]`. */
export function redact<T>(value: T): T {
  return redactValue(value, secretValues(), 0, new WeakSet()) as T;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** LOG_LEVEL (debug, info, warn, error, silent) sets the threshold; default info. */
function threshold(): number {
  const wanted = (process.env.LOG_LEVEL ?? '').trim().toLowerCase() as Level | 'silent';
  return LEVELS[wanted] ?? LEVELS.info;
}

function write(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  if (LEVELS[level] < threshold()) return;
  const line = JSON.stringify(redact({ level, event, at: new Date().toISOString(), ...fields }));
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

export const log = {
  debug: (event: string, fields?: Record<string, unknown>) => write('debug', event, fields),
  info: (event: string, fields?: Record<string, unknown>) => write('info', event, fields),
  warn: (event: string, fields?: Record<string, unknown>) => write('warn', event, fields),
  error: (event: string, fields?: Record<string, unknown>) => write('error', event, fields),
};
