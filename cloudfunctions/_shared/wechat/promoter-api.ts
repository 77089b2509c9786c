/**
 * The Mini Program promoter (小程序推广员) API family, all 14 endpoints of docs/wechat-api.md#promoter-family, in one
 * module. WeChat's snake_case stays inside this file: callers pass and get camelCase.
 *
 * Every call says whether it is idempotent (the client retries only those on a timeout or a busy
 * answer):
 * - reads, getinvitationmaterial and getsharematerial: yes;
 * - addpromoter: yes, because a repeat answers 103003 per row, which the declare path treats as
 *   "already declared";
 * - updatepromoter / updaterole: yes, a repeat writes the same values;
 * - addrole, sendmsg, singlesendmsg: NO (a repeat would create a second role or a second message).
 *
 * 103006 ("data not exist") on getpromoter / getrelation / getorder is an empty page, not an error
 * (docs/wechat-api.md#getpromoter; WxJava meant to accept it and wrote `errcode != 0 || errcode != 103006`,
 * which always throws: we accept it explicitly through `acceptErrcodes`).
 */
import { type WechatClient, getWechatClient } from './client';

/** What this module needs from the shared client (a test can pass another). */
export type WechatCaller = Pick<WechatClient, 'call'>;

/** WeChat's "data not exist": an empty result for the list endpoints. */
export const ERRCODE_EMPTY = 103006;
export const ERRCODE_DUPLICATE = 103003;
export const ERRCODE_UNAUTHORIZED_PROMOTER = 103014;
/** getpromoter returns at most this many rows a page (docs/wechat-api.md#getpromoter). */
export const PROMOTER_PAGE_SIZE = 2000;
/** getrelation / getorder answer at most 1000 rows a pull (docs/wechat-api.md#getrelation-and-getorder). */
export const DATA_PULL_SIZE = 1000;
/** 50 000 declared / 2 000 a page = 25 pages; anything far beyond means the cursor is not moving. */
const MAX_PROMOTER_PAGES = 60;

interface Envelope {
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

// ---- wire shapes (snake_case, only here) ----

interface WireRole {
  role_id: number;
  name?: string;
  desc?: string;
}

/** The declared fields, as addpromoter takes them and getpromoter / fail_list answer them. */
interface WireDeclaration {
  openid: string;
  role_id: number;
  retail_id?: string;
  extra_info?: string;
  name?: string;
  phone?: string;
}

interface WirePromoter extends WireDeclaration {
  id: string | number;
  auth_status?: number | string;
  decl_status?: number | string;
  update_time?: number;
}

interface WireAddRow extends WireDeclaration {
  errcode?: number;
  errmsg?: string;
}

interface WireRelation {
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

interface WireOrder extends WireRelation {
  mch_id?: string;
  trade_no?: string;
  out_trade_no?: string;
  status?: number;
  paid_amount?: number;
  paid_time?: number;
  refunded_time?: number;
}

/** Drops undefined so WeChat never sees `"field": null`. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out;
}

function toPromoter(wire: WirePromoter): WechatPromoter {
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

function toRelation(wire: WireRelation): RelationRow {
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

function promoterRowToWire(row: AddPromoterRow): WireAddRow {
  return compact({
    openid: row.openid,
    role_id: row.roleId,
    retail_id: row.storeId,
    extra_info: row.extraInfo,
    name: row.name,
    phone: row.phone,
  }) as WireAddRow;
}

/**
 * Compares WeChat promoter ids. They are documented as strings sorted "from small to large"; the
 * samples are digit strings, so compare those as numbers ("100" > "99") and anything else as text.
 */
export function comparePromoterIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const diff = BigInt(a) - BigInt(b);
    return diff === 0n ? 0 : diff < 0n ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export function createPromoterApi(client: WechatCaller) {
  const post = <T>(path: string, body: unknown, idempotent: boolean, acceptErrcodes?: number[]) =>
    client.call<T & Envelope>({ method: 'POST', path, body, idempotent, acceptErrcodes });

  async function getPromoterPage(
    filter: PromoterFilter,
    startId?: string,
  ): Promise<{ promoters: WechatPromoter[]; totalCount: number }> {
    const res = await post<{ promoter_list?: WirePromoter[]; total_cnt?: number }>(
      '/promoter/getpromoter',
      compact({
        openid: filter.openid,
        role_id: filter.roleId,
        retail_id: filter.storeId,
        begin_time: filter.beginTime,
        end_time: filter.endTime,
        auth_status: filter.authStatus,
        decl_status: filter.declStatus,
        start_id: startId,
        // the docs say "填1": the integer 1, not a boolean (docs/wechat-api.md#conventions)
        need_unionid: filter.needUnionid ? 1 : undefined,
      }),
      true,
      [ERRCODE_EMPTY],
    );
    if (res.errcode === ERRCODE_EMPTY) return { promoters: [], totalCount: 0 };
    return { promoters: (res.promoter_list ?? []).map(toPromoter), totalCount: Number(res.total_cnt ?? 0) };
  }

  return {
    // ---- roles ----

    /** Not idempotent: a retry after a lost answer would create a second role. */
    async addRole(input: { name: string; desc?: string }): Promise<WechatRole> {
      const res = await post<WireRole>(
        '/promoter/addrole',
        compact({ name: input.name, desc: input.desc }),
        false,
      );
      return {
        roleId: Number(res.role_id),
        name: res.name ?? input.name,
        desc: res.desc ?? input.desc ?? '',
      };
    },

    async getRoles(roleId?: number): Promise<{ roles: WechatRole[]; totalCount: number }> {
      const res = await post<{ role_list?: WireRole[]; total_cnt?: number }>(
        '/promoter/getrole',
        compact({ role_id: roleId }),
        true,
        [ERRCODE_EMPTY],
      );
      if (res.errcode === ERRCODE_EMPTY) return { roles: [], totalCount: 0 };
      const roles = (res.role_list ?? []).map((r) => ({
        roleId: Number(r.role_id),
        name: r.name ?? '',
        desc: r.desc ?? '',
      }));
      return { roles, totalCount: Number(res.total_cnt ?? roles.length) };
    },

    /** Idempotent: repeating it writes the same values. */
    async updateRole(input: { roleId: number; name?: string; desc?: string }): Promise<void> {
      await post(
        '/promoter/updaterole',
        compact({ role_id: input.roleId, name: input.name, desc: input.desc }),
        true,
      );
    },

    // ---- promoters ----

    /**
     * 1..10 rows. The top-level errcode is 0 even when rows fail: the failures are in the result.
     * Idempotent: a repeat answers 103003 per row, which the caller treats as already declared.
     */
    async addPromoters(
      rows: AddPromoterRow[],
    ): Promise<{ totalCount: number; failCount: number; failures: AddPromoterFailure[] }> {
      if (rows.length < 1 || rows.length > 10)
        throw new RangeError(`addpromoter takes 1..10 rows, got ${rows.length}`);
      const res = await post<{ total_cnt?: number; fail_cnt?: number; fail_list?: WireAddRow[] }>(
        '/promoter/addpromoter',
        { promoter_list: rows.map(promoterRowToWire) },
        true,
      );
      const failures = (res.fail_list ?? []).map(
        (f) =>
          compact({
            openid: f.openid,
            roleId: Number(f.role_id),
            storeId: f.retail_id,
            extraInfo: f.extra_info,
            name: f.name,
            phone: f.phone,
            errcode: f.errcode === undefined ? undefined : Number(f.errcode),
            errmsg: f.errmsg,
          }) as AddPromoterFailure,
      );
      return {
        totalCount: Number(res.total_cnt ?? rows.length),
        failCount: Number(res.fail_cnt ?? failures.length),
        failures,
      };
    },

    /** One page (≤ 2000 rows); 103006 is an empty page. */
    getPromoterPage,

    /**
     * Every promoter matching the filter, page by page. Rows come ordered by id ascending; the next
     * page starts after the largest id of this one (docs/wechat-api.md#getpromoter). Whether start_id is exclusive is
     * UNCONFIRMED, so rows are also de-duplicated by id. Stops on a page of fewer than 2000 rows,
     * on 103006, or when a page brings nothing new (a cursor that does not move).
     */
    async getAllPromoters(filter: PromoterFilter): Promise<{ promoters: WechatPromoter[]; pages: number }> {
      const byId = new Map<string, WechatPromoter>();
      let startId: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await getPromoterPage(filter, startId);
        pages++;
        let added = 0;
        let largest = startId;
        for (const p of page.promoters) {
          if (!byId.has(p.id)) added++;
          byId.set(p.id, p);
          if (largest === undefined || comparePromoterIds(p.id, largest) > 0) largest = p.id;
        }
        if (page.promoters.length < PROMOTER_PAGE_SIZE || added === 0 || largest === startId) break;
        if (pages >= MAX_PROMOTER_PAGES)
          throw new Error(`getpromoter paging did not end after ${pages} pages`);
        startId = largest;
      }
      return { promoters: [...byId.values()], pages };
    },

    /** Idempotent: the same values again change nothing. decl_status 2 cancels, 1 declares again. */
    async updatePromoter(id: string, change: PromoterChange): Promise<void> {
      await post(
        '/promoter/updatepromoter',
        compact({
          id,
          role_id: change.roleId,
          retail_id: change.storeId,
          extra_info: change.extraInfo,
          name: change.name,
          phone: change.phone,
          decl_status: change.declStatus,
        }),
        true,
      );
    },

    // ---- invitation ----

    async getInvitationMaterial(roleId: number, invitationType: 0 | 1 | 2 = 0): Promise<InvitationMaterial> {
      const res = await post<{ poster?: string; qrcode?: string; tag?: string }>(
        '/promoter/getinvitationmaterial',
        { role_id: roleId, invitation_type: invitationType },
        true,
      );
      return compact({ poster: res.poster, qrcode: res.qrcode, tag: res.tag });
    },

    // ---- messages ----

    /** Group send (≥ 50 recipients). Not idempotent: a retry could send the message twice. */
    async sendMessage(message: MessageBody, audience: GroupAudience): Promise<{ msgId: string }> {
      const res = await post<{ msg_id?: string | number }>(
        '/promoter/sendmsg',
        compact({
          msg_type: message.msgType,
          content: JSON.stringify(message.content),
          appid: message.appid,
          path: message.path,
          list_type: audience.listType,
          role_id: audience.listType === 1 ? audience.roleIds : undefined,
          retail_id: audience.listType === 2 ? audience.storeIds : undefined,
          id: audience.listType === 3 ? audience.ids : undefined,
        }),
        false,
      );
      return { msgId: String(res.msg_id ?? '') };
    },

    /** One promoter, by promoter id or openid. Not idempotent. */
    async sendSingleMessage(message: MessageBody, to: { id: string } | { openid: string }): Promise<void> {
      await post(
        '/promoter/singlesendmsg',
        compact({
          msg_type: message.msgType,
          content: JSON.stringify(message.content),
          appid: message.appid,
          path: message.path,
          ...('id' in to ? { id: to.id } : { openid: to.openid }),
        }),
        false,
      );
    },

    async getMessageDelivery(msgId: string): Promise<MessageDelivery> {
      const res = await post<{
        send_cnt?: number;
        percent?: number;
        fail_cnt?: number;
        fail_info?: { id: string | number; errcode?: number; errorcode?: number }[];
        fail_info_url?: string;
      }>('/promoter/getmsg', { msg_id: msgId }, true);
      return {
        sendCount: Number(res.send_cnt ?? 0),
        percent: Number(res.percent ?? 0),
        failCount: Number(res.fail_cnt ?? 0),
        // The official sample says `errcode`, WxJava maps `errorcode` (docs/wechat-api.md#getmsg): accept both.
        failures: (res.fail_info ?? []).map((f) => ({
          id: String(f.id),
          errcode: Number(f.errcode ?? f.errorcode ?? 0),
        })),
        ...(res.fail_info_url ? { failInfoUrl: res.fail_info_url } : {}),
      };
    },

    async getMessageClicks(query: {
      sendDate: string;
      /** WeChat's `dimonsion` (sic): 0 by msg_id, 1 by msg_type. */
      dimension: 0 | 1;
      msgType?: number;
      msgId?: string;
      beginSendTime?: number;
      endSendTime?: number;
    }): Promise<MessageClickRow[]> {
      const res = await post<{
        data_list?: {
          msg_type?: number;
          msg_id?: string | number;
          send_time?: number;
          click_uv?: number;
          click_pv?: number;
        }[];
      }>(
        '/promoter/getmsgclickdata',
        compact({
          send_date: query.sendDate,
          dimonsion: query.dimension,
          msg_type: query.msgType,
          msg_id: query.msgId,
          begin_send_time: query.beginSendTime,
          end_send_time: query.endSendTime,
        }),
        true,
      );
      return (res.data_list ?? []).map((d) => ({
        msgType: Number(d.msg_type ?? 0),
        msgId: String(d.msg_id ?? ''),
        sendTime: Number(d.send_time ?? 0),
        clickUv: Number(d.click_uv ?? 0),
        clickPv: Number(d.click_pv ?? 0),
      }));
    },

    // ---- promotion data ----

    /** Idempotent: material for the same promoter and path can be fetched again. */
    async getShareMaterial(
      request: ShareMaterialRequest,
    ): Promise<{ tag?: string; sharePath?: string; qrcode?: string }> {
      const res = await post<{ tag?: string; share_path?: string; qrcode?: string }>(
        '/promoter/getsharematerial',
        compact({
          openid: request.openid,
          path: request.path,
          title: request.title,
          extra_info: request.extraInfo,
          share_type: request.shareType,
          env_version: request.envVersion,
        }),
        true,
      );
      return compact({ tag: res.tag, sharePath: res.share_path, qrcode: res.qrcode });
    },

    async getRelations(query: {
      openid: string;
      beginTime?: number;
      endTime?: number;
      scene?: number;
      path?: string;
      startId?: string;
    }): Promise<DataPage<RelationRow>> {
      const res = await post<{
        relation_list?: WireRelation[];
        total_cnt?: number;
        start_id?: string | number;
      }>(
        '/promoter/getrelation',
        compact({
          openid: query.openid,
          begin_time: query.beginTime,
          end_time: query.endTime,
          scene: query.scene,
          path: query.path,
          start_id: query.startId,
        }),
        true,
        [ERRCODE_EMPTY],
      );
      if (res.errcode === ERRCODE_EMPTY) return { rows: [], totalCount: 0 };
      return compact({
        rows: (res.relation_list ?? []).map(toRelation),
        totalCount: Number(res.total_cnt ?? 0),
        nextStartId: res.start_id === undefined || res.start_id === '' ? undefined : String(res.start_id),
      }) as DataPage<RelationRow>;
    },

    async getOrders(query: {
      openid: string;
      status?: 1 | 2;
      /** yyyyMMdd (WeChat's format; the caller converts from yyyy-MM-dd). */
      date?: string;
      mchId?: string;
      tradeNo?: string;
      outTradeNo?: string;
      startId?: string;
    }): Promise<DataPage<OrderRow>> {
      const res = await post<{ order_list?: WireOrder[]; total_cnt?: number; start_id?: string | number }>(
        '/promoter/getorder',
        compact({
          openid: query.openid,
          status: query.status,
          date: query.date,
          mch_id: query.mchId,
          trade_no: query.tradeNo,
          out_trade_no: query.outTradeNo,
          start_id: query.startId,
        }),
        true,
        [ERRCODE_EMPTY],
      );
      if (res.errcode === ERRCODE_EMPTY) return { rows: [], totalCount: 0 };
      const rows = (res.order_list ?? []).map((o): OrderRow => ({
        ...toRelation(o),
        mchId: o.mch_id ?? '',
        tradeNo: o.trade_no ?? '',
        outTradeNo: o.out_trade_no ?? '',
        status: Number(o.status) === 2 ? 2 : 1,
        paidAmount: Number(o.paid_amount ?? 0),
        paidTime: Number(o.paid_time ?? 0),
        ...(o.refunded_time ? { refundedTime: Number(o.refunded_time) } : {}),
      }));
      return compact({
        rows,
        totalCount: Number(res.total_cnt ?? 0),
        nextStartId: res.start_id === undefined || res.start_id === '' ? undefined : String(res.start_id),
      }) as DataPage<OrderRow>;
    },
  };
}

export type PromoterApi = ReturnType<typeof createPromoterApi>;

/** The family on the mini program's own client (its own access_token, docs/wechat-api.md#conventions). */
export function promoterApi(): PromoterApi {
  return createPromoterApi(getWechatClient('miniProgram'));
}
