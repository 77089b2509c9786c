/**
 * The Mini Program promoter (小程序推广员) API family: the calls to all 14 endpoints of
 * docs/wechat-api.md#promoter-family. The types and WeChat's wire shapes are in promoter-wire.ts, the
 * getpromoter walk in promoter-paging.ts; this module re-exports them, so callers import from here.
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
import { walkPromoters } from './promoter-paging';
import {
  type AddPromoterFailure,
  type AddPromoterRow,
  type DataPage,
  type Envelope,
  type GroupAudience,
  type InvitationMaterial,
  type MessageBody,
  type MessageClickRow,
  type MessageDelivery,
  type OrderRow,
  type PromoterChange,
  type PromoterFilter,
  type RelationRow,
  type ShareMaterialRequest,
  type WechatPromoter,
  type WechatRole,
  type WireAddRow,
  type WireOrder,
  type WirePromoter,
  type WireRelation,
  type WireRole,
  compact,
  promoterRowToWire,
  toPromoter,
  toRelation,
} from './promoter-wire';

export type {
  AddPromoterFailure,
  AddPromoterRow,
  DataPage,
  GroupAudience,
  InvitationMaterial,
  MessageBody,
  MessageClickRow,
  MessageDelivery,
  OrderRow,
  PromoterChange,
  PromoterFilter,
  RelationRow,
  ShareMaterialRequest,
  WechatPromoter,
  WechatRole,
} from './promoter-wire';
export { comparePromoterIds } from './promoter-paging';

/** What this module needs from the shared client (a test can pass another). */
export type WechatCaller = Pick<WechatClient, 'call'>;

/** WeChat's "data not exist": an empty result for the list endpoints. */
export const ERRCODE_EMPTY = 103006;
export const ERRCODE_DUPLICATE = 103003;
export const ERRCODE_UNAUTHORIZED_PROMOTER = 103014;

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
    getAllPromoters(filter: PromoterFilter): Promise<{ promoters: WechatPromoter[]; pages: number }> {
      return walkPromoters(getPromoterPage, filter);
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
