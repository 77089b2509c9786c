/**
 * The one transport from pages to cloud functions: `wx.cloud.callFunction` with `{ action, ...params }`,
 * typed by the contract in typings/. An `{ ok: false }` answer becomes a CloudCallError whose
 * `userMessage` is what a store manager reads.
 */
import type {
  ActionName,
  ActionParams,
  ActionResult,
  CloudError,
  CloudResponse,
  ErrorCode,
  FunctionName,
} from '../../typings/contract/index';

/** Codes a page may see: the cloud's, plus NETWORK when the call itself failed. */
export type ClientErrorCode = ErrorCode | 'NETWORK';

const USER_MESSAGES: Record<ClientErrorCode, string> = {
  INVALID_ARGUMENT: '填写的内容有误',
  FORBIDDEN: '没有权限进行此操作',
  NOT_FOUND: '找不到该记录，可能已被删除',
  CONFLICT: '操作冲突：记录已存在或状态已变化',
  QUOTA_EXCEEDED: '已达到微信的次数或数量上限',
  FAILED_PRECONDITION: '当前状态下无法进行此操作',
  UPSTREAM_UNAVAILABLE: '微信服务繁忙，请稍后重试',
  UPSTREAM_ERROR: '微信接口返回错误',
  CONFIG_ERROR: '服务配置不完整，请联系管理员',
  INTERNAL: '服务出错了，请稍后重试',
  NETWORK: '网络异常，请检查网络后重试',
};

export class CloudCallError extends Error {
  readonly code: ClientErrorCode;
  readonly field?: string;
  readonly errcode?: number;
  /** Chinese, shown as is. */
  readonly userMessage: string;

  constructor(error: CloudError | { code: 'NETWORK'; message: string }) {
    super(error.message);
    this.name = 'CloudCallError';
    this.code = error.code;
    if ('field' in error && error.field) this.field = error.field;
    if ('errcode' in error && error.errcode !== undefined) this.errcode = error.errcode;
    this.userMessage = userMessageOf(this.code, error.message);
  }
}

/**
 * The cloud's own message is already a whole Chinese sentence (it names the field, the store, the rule),
 * so it is shown alone: a lead-in before it only stacks colons and pushes the reason out of a toast.
 * For upstream and internal faults a generic sentence is kinder than WeChat's errmsg.
 */
function userMessageOf(code: ClientErrorCode, message: string): string {
  const generic = USER_MESSAGES[code] ?? USER_MESSAGES.INTERNAL;
  if (
    code === 'UPSTREAM_UNAVAILABLE' ||
    code === 'INTERNAL' ||
    code === 'NETWORK' ||
    code === 'CONFIG_ERROR'
  ) {
    return generic;
  }
  return message || generic;
}

/** A dialog title per kind of refusal: short, for when the sentence itself goes in the dialog's body. */
export const ERROR_TITLES: Record<ClientErrorCode, string> = {
  INVALID_ARGUMENT: '填写的内容有误',
  FORBIDDEN: '没有权限',
  NOT_FOUND: '找不到记录',
  CONFLICT: '操作冲突',
  QUOTA_EXCEEDED: '已达到上限',
  FAILED_PRECONDITION: '暂时不能这样操作',
  UPSTREAM_UNAVAILABLE: '微信服务繁忙',
  UPSTREAM_ERROR: '微信没有办成',
  CONFIG_ERROR: '服务配置不完整',
  INTERNAL: '服务出错了',
  NETWORK: '网络异常',
};

/** Any error to the sentence a page shows. */
export function errorText(err: unknown): string {
  if (err instanceof CloudCallError) return err.userMessage;
  return USER_MESSAGES.INTERNAL;
}

/**
 * The sentence to put under a field: the cloud's own words (they name the field and the rule), without
 * the general lead-in a toast needs.
 */
export function fieldErrorText(err: unknown): string {
  if (err instanceof CloudCallError && err.field && err.message) return err.message;
  return errorText(err);
}

export async function callCloud<F extends FunctionName, A extends ActionName<F>>(
  name: F,
  action: A,
  params: ActionParams<F, A>,
): Promise<ActionResult<F, A>> {
  let response: CloudResponse<ActionResult<F, A>> | undefined;
  try {
    const res = await wx.cloud.callFunction({ name, data: { action, ...(params as object) } });
    response = res.result as CloudResponse<ActionResult<F, A>> | undefined;
  } catch (err) {
    throw new CloudCallError({
      code: 'NETWORK',
      message: (err as { errMsg?: string })?.errMsg ?? String(err),
    });
  }
  if (!response || typeof response !== 'object' || !('ok' in response)) {
    throw new CloudCallError({ code: 'INTERNAL', message: '云函数返回格式错误' });
  }
  if (!response.ok) throw new CloudCallError(response.error);
  return response.data;
}

/** `callCloud` bound to one cloud function, for the per-function service modules. */
export function cloudFunction<F extends FunctionName>(name: F) {
  return <A extends ActionName<F>>(action: A, params: ActionParams<F, A>): Promise<ActionResult<F, A>> =>
    callCloud(name, action, params);
}
