/**
 * WeChat's error envelope: every answer carries `errcode` and `errmsg`. Handlers throw WxError and the
 * server turns it into `{errcode, errmsg}` with HTTP 200, as api.weixin.qq.com does.
 */

/** errmsg texts as WeChat words them (clients must not match on them: docs/wechat-api.md#conventions). */
export const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  0: 'ok',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40032: 'invalid openid list size',
  40037: 'invalid template_id',
  40066: 'invalid url',
  40125: 'invalid appsecret',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41030: 'invalid page',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  43101: 'user refuse to accept the msg',
  44002: 'empty post data',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  47001: 'data format error',
  47003: 'argument invalid!',
  48001: 'api unauthorized',
  103001: 'parameter is invalid or missing',
  103002: 'parameter is too long',
  103003: 'data already exists',
  103004: 'parameter is risky',
  103005: 'data count reach limit',
  103006: 'data not exist',
  103007: 'openid is invaild or error',
  103008: 'msg appid is invaild or error',
  103009: 'sending msg number reach limit',
  103010: 'msg is rejected to receive',
  103011: 'msg freq limit reached',
  103012: 'msg send fail',
  103013: 'msg click data is calculating, please wait and query later',
  103014: 'promoter unauth or not declared',
  200002: 'invalid parameter',
  25505: 'open account not exist',
  25508: 'verify failed',
  25509: 'customize info count reach limit',
};

export function errmsgOf(errcode: number): string {
  return ERRMSG[errcode] ?? 'error';
}

export class WxError extends Error {
  readonly errcode: number;
  /** Extra detail appended to errmsg ("hint"), like WeChat's own "invalid appid hint: [...]". */
  readonly hint: string | undefined;

  constructor(errcode: number, hint?: string) {
    super(`${errcode} ${errmsgOf(errcode)}${hint ? `: ${hint}` : ''}`);
    this.errcode = errcode;
    this.hint = hint;
  }
}

export type WxBody = Record<string, unknown>;

/** Success envelope around a handler's fields. */
export function ok(fields: WxBody = {}): WxBody {
  return { errcode: 0, errmsg: 'ok', ...fields };
}
