import type { UnixSeconds } from './common';

/** Cloud function `customparam`: union 推客 custom user parameters (/union/promoter/open_account/*). */

export interface OpenAccountInfo {
  /** Open Platform appid bound to us, null when none. */
  openAccount: string | null;
  /** Binds and rebinds in the last 365 days (WeChat allows 2 rebinds a year). */
  rebindsInLastYear: number;
  rebindsLeft: number;
  /** When the oldest counted rebind falls out of the window. */
  nextRebindFreeAt?: UnixSeconds;
}

export interface CustomParamActions {
  'openAccount.get': { params: Record<string, never>; result: OpenAccountInfo };
  'openAccount.bind': { params: { openAccount: string }; result: OpenAccountInfo & { warning: string } };
  'customParam.get': { params: { unionid: string }; result: { unionid: string; value: string | null } };
  /** Overwrites any previous value (one per unionid). */
  'customParam.set': {
    params: { unionid: string; value: string };
    result: { unionid: string; value: string };
  };
  'customParam.remove': { params: { unionid: string }; result: { unionid: string; removed: boolean } };
}
