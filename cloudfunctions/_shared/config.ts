/**
 * Settings from the function's environment variables, read lazily and per family: a function asks
 * only for what it uses (userinfo needs only the OA pair). A missing or empty setting throws
 * AppError CONFIG_ERROR naming the variable, so nothing is ever called with `undefined`.
 */
import { PATTERNS } from '../../miniprogram/shared/field-rules';
import { AppError } from './errors';

export interface AppCredentials {
  appid: string;
  secret: string;
}

export const DEFAULT_API_BASE_URL = 'https://api.weixin.qq.com';

function requiredSetting(name: string, purpose: string): string {
  const value = process.env[name]?.trim();
  if (!value) {
    throw new AppError('CONFIG_ERROR', `缺少环境变量 ${name}（${purpose}），请在云函数的环境变量中设置`);
  }
  return value;
}

function appSetting(appidName: string, secretName: string, purpose: string): AppCredentials {
  return {
    appid: requiredSetting(appidName, `${purpose}的 AppID`),
    secret: requiredSetting(secretName, `${purpose}的 AppSecret`),
  };
}

/** The mini program (promoter and union APIs): WX_APPID / WX_APPSECRET. */
export function miniProgramApp(): AppCredentials {
  return appSetting('WX_APPID', 'WX_APPSECRET', '小程序');
}

/** The Official Account (user info with UnionID): WX_OA_APPID / WX_OA_APPSECRET. */
export function officialAccountApp(): AppCredentials {
  return appSetting('WX_OA_APPID', 'WX_OA_APPSECRET', '公众号');
}

/** WX_API_BASE_URL, default https://api.weixin.qq.com, without a trailing slash. */
export function apiBaseUrl(): string {
  const raw = process.env.WX_API_BASE_URL?.trim();
  if (!raw) return DEFAULT_API_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('CONFIG_ERROR', '环境变量 WX_API_BASE_URL 不是有效的网址');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('CONFIG_ERROR', '环境变量 WX_API_BASE_URL 必须以 http:// 或 https:// 开头');
  }
  return raw.replace(/\/+$/, '');
}

/** ADMIN_OPENIDS: comma list of the first HQ admins (always admins, cannot be removed). */
export function adminOpenids(): string[] {
  const raw = requiredSetting('ADMIN_OPENIDS', '总部管理员 openid，逗号分隔');
  const openids = [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (openids.length === 0) {
    throw new AppError(
      'CONFIG_ERROR',
      '缺少环境变量 ADMIN_OPENIDS（总部管理员 openid，逗号分隔），请在云函数的环境变量中设置',
    );
  }
  const bad = openids.find((id) => !PATTERNS.openid.test(id));
  if (bad !== undefined) {
    throw new AppError(
      'CONFIG_ERROR',
      `环境变量 ADMIN_OPENIDS 中有无效的 openid（第 ${openids.indexOf(bad) + 1} 个）`,
    );
  }
  return openids;
}

/**
 * An optional duration setting in milliseconds (e.g. SYNC_SLICE_MS): the default when unset; a value
 * that is not a whole number within [min, max] is CONFIG_ERROR naming the variable.
 */
export function durationMs(name: string, fallback: number, min = 0, max = 55_000): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AppError('CONFIG_ERROR', `环境变量 ${name} 应为 ${min}–${max} 之间的毫秒数`);
  }
  return value;
}

/**
 * WX_TEMPLATE_AUTHORIZE: the subscription message template for "approved / please authorize" (keywords
 * phrase1, thing2, thing3: docs/wechat-api.md). Unset: no subscription messages; reminders go by share card.
 */
export function authorizeTemplateId(): string | undefined {
  return process.env.WX_TEMPLATE_AUTHORIZE?.trim() || undefined;
}

/** WX_MINIPROGRAM_STATE: which version a subscription message opens (developer, trial, formal; default formal). */
export function miniprogramState(): 'developer' | 'trial' | 'formal' {
  const raw = process.env.WX_MINIPROGRAM_STATE?.trim() || 'formal';
  if (raw === 'developer' || raw === 'trial' || raw === 'formal') return raw;
  throw new AppError('CONFIG_ERROR', '环境变量 WX_MINIPROGRAM_STATE 只能是 developer、trial 或 formal');
}
