/**
 * Why a message did not reach one promoter, in a store manager's words: the sentence shown next to the
 * person's name for a failed single send (singlesendmsg's errcode) and for getmsg's `fail_info` rows.
 * Codes and meanings: the promoter error-code table, docs/wechat-api.md#promoter-error-codes.
 */
import { TRANSIENT_ERRCODES } from '../../_shared/errors';

const REASONS: Readonly<Record<number, string>> = {
  103007: '微信找不到这位推广员，可能已不是本小程序的推广员',
  103009: '同时发送的消息太多，请稍后再发',
  103010: 'TA 设置了不接收推广消息',
  103011: '给 TA 发得太频繁了，微信暂时不再送达，请过段时间再发',
  103012: '微信这次没有送达，可以再发一次',
  103014: 'TA 还没有完成授权，或已解除授权',
};

/** The reason for one failed delivery; `fallback` (a non-WeChat failure's own sentence) when there is no errcode. */
export function deliveryFailureReason(errcode: number | undefined, fallback = '发送失败'): string {
  if (errcode === undefined) return fallback;
  if (TRANSIENT_ERRCODES.includes(errcode)) return '微信系统繁忙，没有送达，可以再发一次';
  return REASONS[errcode] ?? `微信没有送达（错误码 ${errcode}）`;
}
