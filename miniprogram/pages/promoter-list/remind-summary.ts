import type { RemindResult, RemindRow } from '../../../typings/contract/index';

/** A remind call's outcome in a manager's words, short enough for one dialog. */
export function remindSummary(result: RemindResult): string {
  const count = (outcome: RemindRow['outcome']) => result.rows.filter((r) => r.outcome === outcome).length;
  const parts: string[] = [];
  if (result.remindedCount > 0) {
    const quiet = result.remindedCount - result.deliveredCount;
    parts.push(
      `已提醒 ${result.remindedCount} 人` +
        (result.deliveredCount > 0 ? `，${result.deliveredCount} 人会在微信里收到提醒` : '') +
        (quiet > 0 ? `；${quiet} 人没有订阅提醒，请在 TA 的详情页点「发给 TA」` : '') +
        '。',
    );
  } else {
    parts.push(result.rows.length === 0 ? '没有需要提醒的人。' : '这次没有提醒任何人。');
  }
  const just = count('justReminded');
  if (just > 0) parts.push(`${just} 人刚刚已提醒过。`);
  const bound = count('alreadyBound');
  if (bound > 0) parts.push(`${bound} 人已完成授权。`);
  if (result.more) parts.push('还有人在等，可以再点一次。');
  return parts.join('');
}
