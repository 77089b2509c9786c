/**
 * The promoter family's data: the camelCase types callers see and WeChat's snake_case wire shapes, with
 * the mapping between them. WeChat's field names stay in this file and promoter-api.ts (the calls).
 * Fields: docs/wechat-api.md#promoter-family.
 */

/** Every answer's envelope. */
export interface Envelope {
  errcode?: number;
  errmsg?: string;
}

export interface WechatRole {
  roleId: number;
  name: string;
  desc: string;
}

export interface WechatPromoter {
  id: string;
  /** openid, or unionid when fetched with needUnionid. */
  openid: string;
  roleId: number;
  storeId: string;
  extraInfo: string;
  name: string;
  phone: string;
  authStatus: 0 | 1 | 2;
  declStatus: 1 | 2;
  /** Last auth-status change, seconds. */
  updateTime: number;
}

export interface AddPromoterRow {
  /** openid or unionid */
  openid: string;
  roleId: number;
  storeId?: string;
  extraInfo?: string;
  name?: string;
  phone?: string;
}

export interface AddPromoterFailure extends AddPromoterRow {
  /** Absent when WeChat lists the row without a code (the official sample does so). */
  errcode?: number;
  errmsg?: string;
}

export interface PromoterFilter {
  openid?: string;
  roleId?: number;
  storeId?: string;
  beginTime?: number;
  endTime?: number;
  authStatus?: 0 | 1 | 2;
  declStatus?: 1 | 2;
  needUnionid?: boolean;
}

export interface PromoterChange {
  roleId?: number;
  storeId?: string;
  extraInfo?: string;
  name?: string;
  phone?: string;
  declStatus?: 1 | 2;
}

export interface InvitationMaterial {
  poster?: string;
  qrcode?: string;
  tag?: string;
}

export interface MessageBody {
  msgType: number;
  /** Sent as a JSON string (docs/wechat-api.md#sendmsg: `content` is a string, not an object). */
  content: Record<string, string>;
  path: string;
  appid?: string;
}

export type GroupAudience =
  | { listType: 0 }
  | { listType: 1; roleIds: number[] }
  | { listType: 2; storeIds: string[] }
  | { listType: 3; ids: string[] };

export interface MessageDelivery {
  sendCount: number;
  percent: number;
  failCount: number;
  failures: { id: string; errcode: number }[];
  failInfoUrl?: string;
}

export interface MessageClickRow {
  msgType: number;
  msgId: string;
  sendTime: number;
  clickUv: number;
  clickPv: number;
}

export interface ShareMaterialRequest {
  openid: string;
  path: string;
  title?: string;
  extraInfo?: string;
  shareType?: 0 | 1 | 2 | 3;
  envVersion?: 'release' | 'trial' | 'develop';
}

export interface RelationRow {
  promoterOpenid: string;
  roleId: number;
  storeId: string;
  extraInfo: string;
  openid: string;
  createTime: number;
  path: string;
  scene: number;
  shareExtraInfo: string;
}

export interface OrderRow extends RelationRow {
  mchId: string;
  tradeNo: string;
  outTradeNo: string;
  status: 1 | 2;
  paidAmount: number;
  paidTime: number;
  refundedTime?: number;
}

export interface DataPage<T> {
  rows: T[];
  totalCount: number;
  /** WeChat's start_id for the next pull; absent when WeChat gave none. */
  nextStartId?: string;
}

// ---- wire shapes (snake_case, only here and in promoter-api.ts) ----

export interface WireRole {
  role_id: number;
  name?: string;
  desc?: string;
}

/** The declared fields, as addpromoter takes them and getpromoter / fail_list answer them. */
export interface WireDeclaration {
  openid: string;
  role_id: number;
  retail_id?: string;
  extra_info?: string;
  name?: string;
  phone?: string;
}

export interface WirePromoter extends WireDeclaration {
  id: string | number;
  auth_status?: number | string;
  decl_status?: number | string;
  update_time?: number;
}

export interface WireAddRow extends WireDeclaration {
  errcode?: number;
  errmsg?: string;
}

export interface WireRelation {
  promoter_openid?: string;
  role_id?: number;
  retail_id?: string;
  extra_info?: string;
  openid?: string;
  create_time?: number;
  path?: string;
  scene?: number;
  share_extra_info?: string;
}

export interface WireOrder extends WireRelation {
  mch_id?: string;
  trade_no?: string;
  out_trade_no?: string;
  status?: number;
  paid_amount?: number;
  paid_time?: number;
  refunded_time?: number;
}

/** Drops undefined so WeChat never sees `"field": null`. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out;
}

export function toPromoter(wire: WirePromoter): WechatPromoter {
  const auth = Number(wire.auth_status ?? 0);
  return {
    id: String(wire.id),
    openid: wire.openid,
    roleId: Number(wire.role_id),
    storeId: wire.retail_id ?? '',
    extraInfo: wire.extra_info ?? '',
    name: wire.name ?? '',
    phone: wire.phone ?? '',
    authStatus: auth === 1 ? 1 : auth === 2 ? 2 : 0,
    // decl_status is typed string in the doc and int in the sample: read either.
    declStatus: Number(wire.decl_status ?? 1) === 2 ? 2 : 1,
    updateTime: Number(wire.update_time ?? 0),
  };
}

export function toRelation(wire: WireRelation): RelationRow {
  return {
    promoterOpenid: wire.promoter_openid ?? '',
    roleId: Number(wire.role_id ?? 0),
    storeId: wire.retail_id ?? '',
    extraInfo: wire.extra_info ?? '',
    openid: wire.openid ?? '',
    createTime: Number(wire.create_time ?? 0),
    path: wire.path ?? '',
    scene: Number(wire.scene ?? 0),
    shareExtraInfo: wire.share_extra_info ?? '',
  };
}

export function promoterRowToWire(row: AddPromoterRow): WireAddRow {
  return compact({
    openid: row.openid,
    role_id: row.roleId,
    retail_id: row.storeId,
    extra_info: row.extraInfo,
    name: row.name,
    phone: row.phone,
  }) as WireAddRow;
}
