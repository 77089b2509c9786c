/**
 * What a page says about how fresh the promoter data is (the cloud's Freshness: asOf in ms, stale,
 * staleReason). Local time of the phone; the date is added when asOf is not today.
 */
import type { Freshness } from '../../typings/contract/index';

/** The page data of an answer's freshness (absent fields: fresh, time unknown). */
export function freshnessOf(answer: Partial<Freshness>): {
  asOf: number;
  stale: boolean;
  staleReason: string;
} {
  return { asOf: answer.asOf ?? 0, stale: answer.stale ?? false, staleReason: answer.staleReason ?? '' };
}

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `17:26`, or `10-08 17:26` when `ms` is not on the day of `nowMs`. */
export function clockText(ms: number, nowMs: number): string {
  const d = new Date(ms);
  const now = new Date(nowMs);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay =
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? time : `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

export function freshnessLook(
  asOf: number,
  stale: boolean,
  staleReason: string,
  nowMs: number,
): { text: string; notice: boolean } {
  if (!asOf)
    return stale
      ? { text: '正在与微信同步推广员数据，请稍后下拉刷新', notice: true }
      : { text: '', notice: false };
  const at = clockText(asOf, nowMs);
  if (!stale) return { text: `数据更新于 ${at}`, notice: false };
  if (staleReason === 'syncing') return { text: `正在与微信同步，显示的是 ${at} 的数据`, notice: true };
  return { text: `微信暂时无法连接，显示的是 ${at} 的数据`, notice: true };
}
