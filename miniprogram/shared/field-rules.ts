/**
 * The one place for field rules (lengths, patterns, batch sizes). The mini program's forms and the
 * cloud functions' schemas both read these; cloud functions get this file bundled by esbuild.
 * Keep it dependency-free: it runs in the mini program too.
 *
 * WeChat counts string lengths in UTF-8 bytes ("a Chinese character counts as 3", wechat-api.md §1.1),
 * so every `bytes` limit below is a UTF-8 byte count: an ASCII letter is 1, a Chinese character 3,
 * an emoji 4.
 */

export const LIMITS = {
  role: { nameBytes: 50, descBytes: 200, maxRoles: 100 },
  promoter: {
    storeIdBytes: 20,
    extraInfoBytes: 80,
    nameBytes: 30,
    phoneBytes: 20,
    /** addpromoter takes 1..10 rows a call. */
    perAddCall: 10,
    /**
     * UNCONFIRMED (wechat-api.md §1.3): the doc gives 50 000 declared and 100 000 bound.
     * Safest reading: enforce the lower figure.
     */
    maxDeclared: 50_000,
    /** getpromoter returns at most 2000 rows a page. */
    pageSize: 2000,
  },
  /** Rows one promoter.declare call accepts (our own cap, to keep a call well inside a function's timeout). */
  declare: { maxRows: 200 },
  /**
   * Import jobs: at most 50 000 rows a job (no more can be declared), CSV text up to 8 MiB, rows
   * stored 100 to a chunk document (one batchget, ten addpromoter calls). A CSV larger than one call
   * carries goes up first in parts of at most 256 KiB (import.upload).
   */
  import: { maxRows: 50_000, csvBytes: 8 * 1024 * 1024, chunkRows: 100, uploadPartBytes: 256 * 1024 },
  share: { titleBytes: 20, extraInfoBytes: 80, validDays: 30 },
  /** Our own rule for store display names. */
  store: { nameBytes: 60 },
  staff: { nameBytes: 60, maxStores: 50 },
  join: { nameBytes: 30, phoneBytes: 20, rejectReasonBytes: 200 },
  userInfo: { perBatchCall: 100, maxOpenids: 1000 },
  /**
   * customizeInfo: length and charset are UNCONFIRMED (wechat-api.md §3). Safest reading: at most
   * 80 bytes (as promoter extra_info) of visible ASCII only, so nothing WeChat could reject for charset.
   */
  customParam: { valueBytes: 80 },
  openAccount: { rebindsPerYear: 2 },
  message: {
    /** sendmsg for 50+ recipients, singlesendmsg below (wechat-api.md §1.5). */
    groupThreshold: 50,
    contentBytes: 1000,
    pathBytes: 200,
  },
  invite: { validDays: 30 },
  /** Our own rule: a staff invite is for one person, so it is single-use and short-lived. */
  staffInvite: { validDays: 7, maxOpen: 100 },
  page: { defaultLimit: 20, maxLimit: 100 },
  batch: { maxIds: 50 },
  /**
   * 提醒授权: chosen people per call (a screenful of ticks), people per "waiting N days" call, and the
   * window in which a second reminder of the same person is the same reminder (a double tap, two managers).
   */
  remind: { idsPerCall: 50, waitingPerCall: 200, maxWaitingDays: 365, sameReminderSeconds: 60 },
} as const;

export const PATTERNS = {
  /** 28 characters of letters, digits, `-` and `_` (the shape of WeChat openids and unionids). */
  openid: /^[A-Za-z0-9_-]{28}$/,
  unionid: /^[A-Za-z0-9_-]{28}$/,
  /** Store id = WeChat retail_id. Charset is ours (WeChat gives only the byte limit): safe in paths and CSV. */
  storeId: /^[A-Za-z0-9_-]{1,20}$/,
  /** Digits with an optional leading +, spaces or dashes between. */
  phone: /^\+?[0-9][0-9 -]*[0-9]$/,
  /** Visible ASCII, see LIMITS.customParam. */
  customParam: /^[\x21-\x7e]+$/,
  /** Open Platform account appid. */
  appid: /^wx[0-9a-f]{16}$/,
  /** yyyy-MM-dd */
  date: /^\d{4}-\d{2}-\d{2}$/,
} as const;

/** UTF-8 byte length without TextEncoder (not available in every mini program base library). */
export function utf8ByteLength(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4; // a surrogate pair is one code point of 4 bytes (emoji)
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Chinese message for a byte-limit breach, the same words on the form and from the cloud. */
export function byteLimitMessage(label: string, max: number, actual: number): string {
  return `${label}最多 ${max} 字节（一个汉字算 3 字节），当前 ${actual} 字节`;
}

/**
 * The same byte rule in words for someone who has never heard of bytes (the promoter's join form):
 * counted in Chinese characters, the longest thing a name is made of.
 */
export function charLimitMessage(label: string, maxBytes: number): string {
  return `${label}太长了，最多 ${Math.floor(maxBytes / 3)} 个汉字`;
}

/** A number typed digit by digit (a phone number), in the words of someone typing it. */
export function digitLimitMessage(label: string, maxDigits: number): string {
  return `${label}最多 ${maxDigits} 位`;
}

/** What is left of `maxBytes` after `value`, in Chinese characters (never below 0). */
export function charsLeft(value: string, maxBytes: number): number {
  return Math.max(0, Math.floor((maxBytes - utf8ByteLength(value)) / 3));
}

/** null when `value` fits, otherwise the message. */
export function checkBytes(label: string, value: string, max: number): string | null {
  const actual = utf8ByteLength(value);
  return actual > max ? byteLimitMessage(label, max, actual) : null;
}

/** Field labels in Chinese, keyed by param name, so errors read the same everywhere. */
export const FIELD_LABELS: Record<string, string> = {
  openid: 'openid',
  unionid: 'unionid',
  roleId: '角色',
  storeId: '门店编号',
  extraInfo: '推广员参数',
  name: '姓名',
  phone: '手机号',
  desc: '角色说明',
  title: '标题',
  value: '自定义参数',
  openAccount: '开放平台账号',
  path: '页面路径',
  reason: '原因',
};
