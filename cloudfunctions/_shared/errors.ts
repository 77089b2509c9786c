/**
 * Typed errors of the cloud functions and their mapping to the contract's CloudError.
 * Messages are Chinese and never hold a secret or token (they pass through `redact`).
 */
import type { CloudError, ErrorCode } from '../../typings/contract/common';
import { log, redact } from './log';

export interface AppErrorOptions {
  /** Dotted path of the offending param, e.g. `promoters[3].name`. */
  field?: string;
  /** WeChat's errcode when the error came from WeChat. */
  errcode?: number;
}

/** An error we raise on purpose: it reaches the caller as is. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly errcode?: number;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
    if (options.errcode !== undefined) this.errcode = options.errcode;
  }
}

/** WeChat answered with a non-zero errcode. `api` is the path only (never the URL: it holds the token). */
export class WechatApiError extends Error {
  readonly errcode: number;
  readonly errmsg: string;
  readonly api: string;

  constructor(api: string, errcode: number, errmsg: string) {
    super(`WeChat ${api} failed: errcode ${errcode} ${redact(errmsg)}`);
    this.name = 'WechatApiError';
    this.api = api;
    this.errcode = errcode;
    this.errmsg = redact(errmsg);
  }
}

export type WechatUnavailableReason = 'timeout' | 'network' | 'http-status' | 'bad-body';

/**
 * WeChat could not be reached or answered something that is not its JSON envelope (timeout, connection
 * error, HTTP 5xx, HTML error page). Raised after the retries the call allowed.
 */
export class WechatUnavailableError extends Error {
  readonly api: string;
  readonly reason: WechatUnavailableReason;
  readonly httpStatus?: number;

  constructor(api: string, reason: WechatUnavailableReason, detail: string, httpStatus?: number) {
    super(`WeChat ${api} unavailable (${reason}): ${redact(detail)}`);
    this.name = 'WechatUnavailableError';
    this.api = api;
    this.reason = reason;
    if (httpStatus !== undefined) this.httpStatus = httpStatus;
  }
}

/** errcodes that mean "WeChat is busy": retried with backoff, then UPSTREAM_UNAVAILABLE. */
export const TRANSIENT_ERRCODES: readonly number[] = [-1, 45011];
/** errcodes that mean the access_token is bad: compare-and-expire, refetch, retry once. */
export const TOKEN_ERRCODES: readonly number[] = [40001, 40014, 42001];

const REASON_TEXT: Record<WechatUnavailableReason, string> = {
  timeout: '请求超时',
  network: '网络连接失败',
  'http-status': 'HTTP 错误',
  'bad-body': '应答格式异常',
};

function wechatErrorToCloud(err: WechatApiError): CloudError {
  const where = `${err.api}，errcode ${err.errcode}`;
  const base = { errcode: err.errcode };
  switch (err.errcode) {
    case 45009:
    case 103005:
      return {
        ...base,
        code: 'QUOTA_EXCEEDED',
        message:
          err.errcode === 45009
            ? `微信接口今日调用次数已达上限（${where}），请明天再试或由管理员在微信后台清零`
            : `已达到微信的数量上限（${where}）`,
      };
    case -1:
    case 45011:
      return { ...base, code: 'UPSTREAM_UNAVAILABLE', message: `微信系统繁忙，请稍后重试（${where}）` };
    case 48001:
      return {
        ...base,
        code: 'UPSTREAM_ERROR',
        message: `当前账号没有该微信接口的权限（${where}），请在微信公众平台开通后再试`,
      };
    case 103001:
    case 103002:
    case 200002:
    case 25510:
      return { ...base, code: 'INVALID_ARGUMENT', message: `微信认为参数不合法（${where}：${err.errmsg}）` };
    case 103006:
      return { ...base, code: 'NOT_FOUND', message: `微信中没有对应的数据（${where}）` };
    case 103003:
      return { ...base, code: 'CONFLICT', message: `微信中已存在该数据（${where}）` };
    case 103014:
      return {
        ...base,
        code: 'FAILED_PRECONDITION',
        message: `推广员尚未授权或未被声明（${where}）`,
      };
    default:
      return { ...base, code: 'UPSTREAM_ERROR', message: `微信接口返回错误（${where}：${err.errmsg}）` };
  }
}

/** Any thrown value → the CloudError a function answers with. Unknown errors are logged and hidden. */
export function toCloudError(err: unknown): CloudError {
  if (err instanceof AppError) {
    const out: CloudError = { code: err.code, message: redact(err.message) };
    if (err.field !== undefined) out.field = err.field;
    if (err.errcode !== undefined) out.errcode = err.errcode;
    return out;
  }
  if (err instanceof WechatApiError) return wechatErrorToCloud(err);
  if (err instanceof WechatUnavailableError) {
    const status = err.httpStatus !== undefined ? ` ${err.httpStatus}` : '';
    const transient = err.reason !== 'http-status' || (err.httpStatus ?? 500) >= 500;
    return transient
      ? {
          code: 'UPSTREAM_UNAVAILABLE',
          message: `微信接口暂时不可用（${err.api}：${REASON_TEXT[err.reason]}${status}），请稍后重试`,
        }
      : {
          code: 'UPSTREAM_ERROR',
          message: `微信接口返回异常（${err.api}：${REASON_TEXT[err.reason]}${status}）`,
        };
  }
  log.error('unexpected_error', { error: err });
  return { code: 'INTERNAL', message: '服务内部错误，请稍后重试；如持续出现请联系管理员' };
}
