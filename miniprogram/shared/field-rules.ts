/**
 * The one place for field rules (lengths, patterns, batch sizes). The mini program's forms and the
 * cloud functions' schemas both read these; cloud functions get this file bundled by esbuild.
 * Keep it dependency-free: it runs in the mini program too.
 *
 * Each rule keeps its number (LIMITS, PATTERNS) and its wording (RULES, the messages below) together:
 * a form and a cloud function say the same sentence for the same rule.
 *
 * WeChat counts string lengths in UTF-8 bytes ("a Chinese character counts as 3", docs/wechat-api.md,
 * "Conventions"), so every `bytes` limit below is a UTF-8 byte count: an ASCII letter is 1, a Chinese
 * character 3, an emoji 4.
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
     * UNCONFIRMED (docs/wechat-api.md, "Quotas"): the doc gives 50 000 declared and 100 000 bound.
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
   * customizeInfo: length and charset are UNCONFIRMED (docs/wechat-api.md, "Union custom user
   * parameters"). Safest reading: at most
   * 80 bytes (as promoter extra_info) of visible ASCII only, so nothing WeChat could reject for charset.
   */
  customParam: { valueBytes: 80 },
  openAccount: { rebindsPerYear: 2 },
  message: {
    /** sendmsg for 50+ recipients, singlesendmsg below (docs/wechat-api.md, "sendmsg"). */
    groupThreshold: 50,
    contentBytes: 1000,
    pathBytes: 200,
    /** Our own cap on the promoter ids one send carries (sendmsg list_type 3). */
    maxAudienceIds: 2000,
  },
  /** getrelation / getorder answer at most 1000 rows a pull. */
  promotion: { pullSize: 1000 },
  invite: { validDays: 30 },
  /** Our own rule: a staff invite is for one person, so it is single-use and short-lived. */
  staffInvite: { validDays: 7, maxOpen: 100 },
  page: { defaultLimit: 20, maxLimit: 100, cursorBytes: 200 },
  batch: { maxIds: 50 },
  /** Our ids (promoter, request, message, invite code), WeChat's msg_id and trade numbers. */
  id: { maxBytes: 64 },
  /** openids and unionids are 28 characters. */
  openid: { length: 28 },
  /** WeChat's uint32 fields (role_id, msg_type, scene, unix times). */
  uint32: { max: 4_294_967_295 },
  /**
   * 提醒授权: chosen people per call (a screenful of ticks), people per "waiting N days" call, and the
   * window in which a second reminder of the same person is the same reminder (a double tap, two managers).
   */
  remind: { idsPerCall: 50, waitingPerCall: 200, maxWaitingDays: 365, sameReminderSeconds: 60 },
} as const;

export const PATTERNS = {
  /**
   * A message template's field name (title, topic, thing1…): a letter, then letters, digits or `_`.
   * Never `$…` or a dotted path, since the content is also stored as a database document.
   */
  templateKey: /^[A-Za-z][A-Za-z0-9_]{0,31}$/,
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

/**
 * What each pattern allows, in the reader's words: the forms and the cloud both say
 * `${label}格式不正确：${RULES.x}` (patternMessage).
 */
export const RULES = {
  openid: '应为 28 位字母、数字、- 或 _',
  storeId: '只能包含字母、数字、_ 和 -',
  phone: '只能是数字，可带 + 号、空格或连字符',
  customParam: '只能是可见的英文字符（字母、数字和符号），不能有空格或汉字',
  appid: '应为 wx 加 16 位十六进制字符',
  date: '应为 yyyy-MM-dd',
  templateKey: '应以字母开头，只含字母、数字和 _（最多 32 个）',
} as const;

/** The one sentence for a value that does not match its pattern. */
export function patternMessage(label: string, rule: string): string {
  return `${spaced(label)}格式不正确：${rule}`;
}

/**
 * The one sentence for the declared cap (LIMITS.promoter.maxDeclared); `row`: said of one row that was
 * not sent for it (promoter.declare, import jobs).
 */
export function declaredCapMessage(row = false): string {
  return `已声明的推广员已达 ${LIMITS.promoter.maxDeclared} 人的上限${row ? '，本行未提交' : ''}`;
}

/** A Latin label (openid) is followed by a space before Chinese text. */
function spaced(label: string): string {
  return /[A-Za-z0-9]$/.test(label) ? `${label} ` : label;
}

/**
 * Free text (names, descriptions, reasons, message content): no control characters (NUL, the C0 and
 * C1 ranges, DEL; a line break only where `multiline`) and no unpaired surrogate (half an emoji, which
 * no font shows and WeChat may count or store differently). Answers what is wrong, or null.
 */
export function textProblem(value: string, options: { multiline?: boolean } = {}): string | null {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return '含有残缺的字符（半个表情符号）';
    }
    if (code >= 0xdc00 && code <= 0xdfff) return '含有残缺的字符（半个表情符号）';
    if (options.multiline && (code === 0x0a || code === 0x0d)) continue;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      return code === 0
        ? '含有空字符（NUL）'
        : `含有不可见的控制字符（U+${code.toString(16).toUpperCase().padStart(4, '0')}）`;
    }
  }
  return null;
}

/** The one sentence for free text that breaks textProblem's rule. */
export function textMessage(label: string, problem: string): string {
  return `${spaced(label)}${problem}，请删除后重试`;
}

/** The sentences for a whole number out of its range (role ids, counts): the forms and the cloud say these. */
export const NUMBER_MESSAGES = {
  notInteger: (label: string) => `${label}应为整数`,
  tooSmall: (label: string, min: number) => `${label}不能小于 ${min}`,
  tooLarge: (label: string, max: number) => `${label}不能大于 ${max}`,
} as const;

/** null when `value` is a whole number in [min, max], otherwise the message. */
export function integerProblem(label: string, value: number, min: number, max: number): string | null {
  if (!Number.isInteger(value)) return NUMBER_MESSAGES.notInteger(label);
  if (value < min) return NUMBER_MESSAGES.tooSmall(label, min);
  if (value > max) return NUMBER_MESSAGES.tooLarge(label, max);
  return null;
}

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

/**
 * The length rule of free text in a reader's words, the same on the form and from the cloud. The limit
 * is WeChat's UTF-8 bytes (`maxBytes`), said as the two things people count: Chinese characters (3 bytes
 * each) and letters or digits (1 each), e.g. 角色名称太长了，最多 16 个汉字或 50 个字母数字.
 */
export function byteLimitMessage(label: string, maxBytes: number): string {
  return `${label}太长了，${limitHint(maxBytes)}`;
}

/** The limit of free text as a hint: 最多 26 个汉字或 80 个字母数字 (`short`: 最多 26 个汉字, for a placeholder). */
export function limitHint(maxBytes: number, short = false): string {
  const chars = `最多 ${Math.floor(maxBytes / 3)} 个汉字`;
  return short ? chars : `${chars}或 ${maxBytes} 个字母数字`;
}

/** A number typed digit by digit (a phone number), or an id of letters and digits (a store id): N 位. */
export function digitLimitMessage(label: string, maxDigits: number): string {
  return `${label}最多 ${maxDigits} 位`;
}

/** What is left of `maxBytes` after `value`, in Chinese characters (never below 0). */
export function charsLeft(value: string, maxBytes: number): number {
  return Math.max(0, Math.floor((maxBytes - utf8ByteLength(value)) / 3));
}

/** The live counter under a text field, in characters: 还能输入 12 个字. */
export function charsLeftText(value: string, maxBytes: number): string {
  return `还能输入 ${charsLeft(value, maxBytes)} 个字`;
}

/** A form's counter under a free-text field: its words and whether the value is already too long. */
export function textCounter(value: string, maxBytes: number): { text: string; over: boolean } {
  return { text: charsLeftText(value, maxBytes), over: utf8ByteLength(value) > maxBytes };
}

const ASCII_ONLY = /^[ -~]*$/;

/**
 * An id of letters and digits (store id, openid) longer than `max` 位; null otherwise, and also when it
 * holds other characters: those break the id's pattern, whose sentence says what is allowed.
 */
export function checkIdLength(label: string, value: string, max: number): string | null {
  return ASCII_ONLY.test(value) && value.length > max ? digitLimitMessage(label, max) : null;
}

/** null when `value` fits, otherwise the message. */
export function checkBytes(label: string, value: string, max: number): string | null {
  return utf8ByteLength(value) > max ? byteLimitMessage(label, max) : null;
}

/**
 * Field labels in Chinese, keyed by param name, so errors read the same everywhere (a param without
 * one here is named by its schema's own label).
 */
export const FIELD_LABELS: Record<string, string> = {
  openid: 'openid',
  unionid: 'unionid',
  openids: 'openid 列表',
  roleId: '角色',
  roleIds: '角色列表',
  roleName: '角色名称',
  storeId: '门店编号',
  storeIds: '门店列表',
  extraInfo: '推广员参数',
  name: '姓名',
  phone: '手机号',
  desc: '角色说明',
  title: '标题',
  value: '自定义参数',
  openAccount: '开放平台账号',
  path: '页面路径',
  reason: '原因',
  id: '编号',
  ids: '编号列表',
  promoters: '推广员列表',
  audience: '发送对象',
  kind: '发送对象类型',
  content: '消息内容',
  msgType: '模板编号',
  msgId: '消息编号',
  sendDate: '发送日期',
  dimension: '统计维度',
  cursor: '分页游标',
  limit: '每页条数',
  status: '状态',
  keyword: '关键词',
  beginTime: '开始时间',
  endTime: '结束时间',
  lang: '语言',
  role: '身份',
  shareType: '素材类型',
  envVersion: '版本',
  token: '邀请码',
  action: '操作',
};

/** `promoters[26].storeId` / `rows[3].phone` / `storeId` → `storeId`; '' for a whole row (`promoters[26]`). */
export function rowFieldOf(path: string | undefined): string {
  const last = (path ?? '').split('.').pop() ?? '';
  return /\[\d+\]$/.test(last) ? '' : last;
}

/**
 * A row's error from the cloud as a person reads it next to the row: the cloud names the param path
 * for programs (`门店 S9 不存在（promoters[26].storeId）`, field `promoters[26].storeId`); the person
 * gets the field's label instead: `门店编号：门店 S9 不存在`. The path and a "第 N 行：" the cloud put
 * in (counted in its own call, not on the person's screen) are dropped; a message that already starts
 * with the label is not labelled twice. `detail` is the message alone, for under the field itself.
 */
export function rowError(field: string | undefined, message: string): { text: string; detail: string } {
  const detail = message
    .replace(/（[A-Za-z]+(\[\d+\])?(\.[A-Za-z]+)*）$/, '')
    .replace(/^第 \d+ 行：/, '')
    .trim();
  const key = rowFieldOf(field);
  const label = key ? (FIELD_LABELS[key] ?? key) : '';
  const text = !label || detail.startsWith(label) ? detail : `${label}：${detail}`;
  return { text, detail };
}

/** The same with the row as the person counts it (1 = the first row): 第 27 行 门店编号：门店 S9 不存在. */
export function rowProblem(rowNumber: number, field: string | undefined, message: string): string {
  return `第 ${rowNumber} 行 ${rowError(field, message).text}`;
}
