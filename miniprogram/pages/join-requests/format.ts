/**
 * Dates as a store manager in China reads them. Fixed to China time (UTC+8, no daylight saving) rather
 * than the phone's zone, so a record shows the same day HQ and WeChat's statistics use.
 */
import type { UnixSeconds } from '../../../typings/contract/index';

const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

function chinaParts(at: UnixSeconds): Date {
  return new Date(at * 1000 + CHINA_OFFSET_MS);
}

/** yyyy-MM-dd in China time (WeChat's `send_date`). */
export function chinaDate(at: UnixSeconds): string {
  const d = chinaParts(at);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** yyyy-MM-dd HH:mm in China time. */
export function chinaDateTime(at: UnixSeconds): string {
  const d = chinaParts(at);
  return `${chinaDate(at)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
