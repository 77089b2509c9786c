/**
 * Shapes shared by every cloud function. Compiled by both the mini program and the cloud
 * functions; type-only, so nothing here exists at run time.
 */

/** Error codes a cloud function answers with. Pages map each to words a store manager understands. */
export type ErrorCode =
  | 'INVALID_ARGUMENT' // a param breaks a rule; `field` names it
  | 'FORBIDDEN' // the caller may not do this (role, or another store's data)
  | 'NOT_FOUND'
  | 'CONFLICT' // already exists / state does not allow it
  | 'QUOTA_EXCEEDED' // a WeChat limit (45009, 103005, rebinds a year) or our own cap
  | 'FAILED_PRECONDITION' // e.g. share material for a promoter who has not authorized
  | 'UPSTREAM_UNAVAILABLE' // WeChat busy, timed out, 5xx, after retries
  | 'UPSTREAM_ERROR' // WeChat answered with an error we do not map more precisely
  | 'CONFIG_ERROR' // a required environment variable is missing
  | 'INTERNAL';

export interface CloudError {
  code: ErrorCode;
  /** Chinese, names the field and the rule when it is about input. Never holds a secret or token. */
  message: string;
  /** Dotted path of the offending param, e.g. `promoters[3].name`. */
  field?: string;
  /** WeChat's errcode when the error came from WeChat. */
  errcode?: number;
}

export type CloudResponse<T> = { ok: true; data: T } | { ok: false; error: CloudError };

/** Set by the promoter in WeChat's bind mini program: 0 not yet, 1 authorized, 2 revoked. */
export type AuthStatus = 0 | 1 | 2;
/** Set by us: 1 declared, 2 declaration cancelled. */
export type DeclStatus = 1 | 2;

/** Derived from AuthStatus + DeclStatus by `promoterStatus()` in miniprogram/shared/promoter-status.ts. */
export type PromoterStatus = 'bound' | 'awaiting' | 'revoked' | 'cancelled';

export type StaffRole = 'admin' | 'manager';
/** Who the caller is, for picking pages. `promoter` = has a join request or a promoter record. */
export type CallerRole = StaffRole | 'promoter' | 'guest';

/** Unix time in seconds (WeChat's unit). */
export type UnixSeconds = number;

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  nextCursor?: string;
  total: number;
}

export interface PageParams {
  cursor?: string;
  /** 1..100, default 20. */
  limit?: number;
}
