/**
 * The stand-in's clock: real time plus an offset that `POST /__control/clock` moves forward. Token
 * expiry, share-material validity, daily force_refresh counts and the yearly open-account changes all
 * read it, so tests can jump hours or a year ahead without waiting.
 */
export class Clock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** Unix seconds, WeChat's unit. */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }
}

/** WeChat's calendar is China time (UTC+8, no DST): "per day" quotas and yyyy-MM-dd dates use it. */
const CHINA_OFFSET_SECONDS = 8 * 3600;

export function chinaDayNumber(unixSeconds: number): number {
  return Math.floor((unixSeconds + CHINA_OFFSET_SECONDS) / 86400);
}

/** `yyyy-MM-dd` of a unix time in China time. */
export function chinaDate(unixSeconds: number): string {
  return new Date((unixSeconds + CHINA_OFFSET_SECONDS) * 1000).toISOString().slice(0, 10);
}

/** `yyyyMMdd` of a unix time in China time (getorder's `date` filter). */
export function chinaCompactDate(unixSeconds: number): string {
  return chinaDate(unixSeconds).replace(/-/g, '');
}
