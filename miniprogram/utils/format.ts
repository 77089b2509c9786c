/** Dates as a store manager reads them (local time of the phone). */
import { DAY_SECONDS } from '../shared/promoter-status';

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Unix seconds → `2026-11-21 08:05`; '' for 0 or missing. */
export function formatTime(seconds: number | undefined): string {
  if (!seconds) return '';
  const d = new Date(seconds * 1000);
  return `${formatDateOf(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Unix seconds → `2026-11-21`; '' for 0 or missing. */
export function formatDate(seconds: number | undefined): string {
  if (!seconds) return '';
  return formatDateOf(new Date(seconds * 1000));
}

function formatDateOf(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** How long since `seconds`, in whole days as a person says it: 今天 / 1 天 / 12 天. */
export function daysSince(seconds: number | undefined, nowSeconds: number = Date.now() / 1000): string {
  if (!seconds) return '';
  const days = Math.floor((nowSeconds - seconds) / DAY_SECONDS);
  return days <= 0 ? '今天' : `${days} 天`;
}

/** fen → `¥1,234.50` (money as WeChat Pay counts it, in fen). */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const [whole, cents] = (Math.abs(fen) / 100).toFixed(2).split('.');
  return `${sign}¥${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}
