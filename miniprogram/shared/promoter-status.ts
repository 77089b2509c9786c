/**
 * The one place that turns WeChat's two status fields into what a store manager sees.
 * Shared by the mini program and the cloud functions (bundled by esbuild).
 */
import type { AuthStatus, DeclStatus, PromoterStatus } from '../../typings/contract/common';

/**
 * cancelled: we cancelled the declaration (decl_status 2), whatever the promoter did;
 * bound: declared and authorized (both 1: "bound in both directions": docs/wechat-api.md#promoter-family);
 * revoked: declared, the promoter cancelled authorization (auth_status 2);
 * awaiting: declared, waiting for the promoter to authorize (auth_status 0).
 */
export function promoterStatus(authStatus: AuthStatus, declStatus: DeclStatus): PromoterStatus {
  if (declStatus === 2) return 'cancelled';
  if (authStatus === 1) return 'bound';
  if (authStatus === 2) return 'revoked';
  return 'awaiting';
}

/** Declared and authorized: the only promoters WeChat sends messages and share material for. */
export function isBound(p: { authStatus: AuthStatus; declStatus: DeclStatus }): boolean {
  return promoterStatus(p.authStatus, p.declStatus) === 'bound';
}

export const PROMOTER_STATUSES: readonly PromoterStatus[] = ['bound', 'awaiting', 'revoked', 'cancelled'];

export const PROMOTER_STATUS_LABELS: Record<PromoterStatus, string> = {
  bound: '已绑定',
  awaiting: '待授权',
  revoked: '已解除授权',
  cancelled: '已取消声明',
};

/** The WeChat filters that select one derived status (for getpromoter / the read model). */
export function statusFilter(status: PromoterStatus): { authStatus?: AuthStatus; declStatus: DeclStatus } {
  switch (status) {
    case 'cancelled':
      return { declStatus: 2 };
    case 'bound':
      return { authStatus: 1, declStatus: 1 };
    case 'revoked':
      return { authStatus: 2, declStatus: 1 };
    default:
      return { authStatus: 0, declStatus: 1 };
  }
}

/**
 * Declared but not (or no longer) authorized: the people 提醒授权 reaches and the list can sort by how
 * long they have waited. How long = since `updateTime` (the declare, or the last auth-status change).
 */
export const WAITING_STATUSES: readonly PromoterStatus[] = ['awaiting', 'revoked'];

export const isWaitingStatus = (status: string | undefined): status is PromoterStatus =>
  !!status && (WAITING_STATUSES as readonly string[]).includes(status);

/** Seconds in the days someone has waited ("已等待 3 天" = at least 3 × 86 400 s since updateTime). */
export const DAY_SECONDS = 86_400;
