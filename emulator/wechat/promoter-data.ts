/**
 * The promoter family's promotion-data endpoints (docs/wechat-api.md#getsharematerial, #getrelation-and-getorder): getsharematerial, getrelation,
 * getorder. Reach and order rows come only from `POST /__control/relations` and `/__control/orders`.
 */
import { randomBytes } from 'node:crypto';
import { chinaCompactDate } from './clock';
import type { WxBody } from './errors';
import { ok, WxError } from './errors';
import { checkByteLimit, optCursor, optEnum, optFlag, optString, optUint, reqString } from './params';
import { isBound } from './promoter-messages';
import { shortLink, TINY_PNG_BASE64 } from './promoter';
import type { MiniProgramState, OrderRow, Promoter, RelationRow, ShareMaterial } from './state';
import { OPENID_SHAPE, WECHAT_LIMITS } from './state';
import type { WxRoute } from './world';

const BAD = 103001;

function readPromoterOpenid(body: WxBody): string {
  const ident = reqString(body, 'openid', BAD);
  if (!OPENID_SHAPE.test(ident)) throw new WxError(103007, 'openid');
  return ident;
}

const ENV_VERSIONS = ['release', 'develop', 'trial'];

const getsharematerial: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle(world, { body }) {
    const { mp } = world;
    const path = reqString(body, 'path', BAD);
    const ident = readPromoterOpenid(body);
    const title = optString(body, 'title', BAD) || '推广活动页';
    const extraInfo = optString(body, 'extra_info', BAD) ?? '';
    checkByteLimit('title', title, WECHAT_LIMITS.shareTitleBytes, 103002);
    checkByteLimit('extra_info', extraInfo, WECHAT_LIMITS.extraInfoBytes, 103002);
    const shareType = optEnum(body, 'share_type', [0, 1, 2, 3], BAD) ?? 0;
    const envVersion = optString(body, 'env_version', BAD) || 'release';
    if (!ENV_VERSIONS.includes(envVersion)) throw new WxError(BAD, 'env_version');
    // Only the short link can open develop / trial; whether other types are refused is a reading
    // (docs/wechat-api.md, getsharematerial): the official sample sends share_type 0 with trial.
    if (world.readings.shareEnvVersion === 'refuse' && envVersion !== 'release' && shareType !== 1) {
      throw new WxError(BAD, 'env_version needs share_type 1');
    }
    const promoter = mp.findPromoter(ident);
    // Not declared or not authorized: 103006 in the Chinese doc, 103014 in the error table (a reading).
    if (!promoter || !isBound(promoter)) throw new WxError(world.readings.shareMaterialUnbound);

    const now = world.clock.now();
    const materialId = randomBytes(8).toString('hex');
    const material: ShareMaterial = {
      materialId,
      promoterId: promoter.id,
      path,
      title,
      extraInfo,
      shareType,
      envVersion,
      createdAt: now,
      expiresAt: now + WECHAT_LIMITS.shareValidSeconds,
    };
    const answer: WxBody = {};
    if (shareType === 0 || shareType === 1) answer.tag = material.tag = shortLink('推广活动');
    if (shareType === 0 || shareType === 2) {
      answer.share_path =
        material.sharePath = `${path}${path.includes('?') ? '&' : '?'}promoter_share=${materialId}`;
    }
    if (shareType === 0 || shareType === 3) answer.qrcode = TINY_PNG_BASE64;
    mp.shareMaterials.push(material);
    return ok(answer);
  },
};

function relationView(
  mp: MiniProgramState,
  row: RelationRow,
  promoter: Promoter,
  needUnionid: boolean,
): WxBody {
  return {
    promoter_openid: needUnionid ? mp.unionidOf(promoter.openid) : promoter.openid,
    role_id: promoter.roleId,
    retail_id: promoter.retailId,
    extra_info: promoter.extraInfo,
    openid: needUnionid ? mp.unionidOf(row.visitorOpenid) : row.visitorOpenid,
    create_time: row.createTime,
    path: row.path,
    scene: row.scene,
    share_extra_info: row.shareExtraInfo,
  };
}

/** Rows of one promoter after the cursor, ≤ 1000 a page; 103006 when nothing is left. */
function pageOf<T extends RelationRow>(
  mp: MiniProgramState,
  body: WxBody,
  rows: T[],
  matches: (row: T) => boolean,
): { promoter: Promoter; page: T[]; totalCnt: number; needUnionid: boolean; nextStartId: string } {
  const ident = readPromoterOpenid(body);
  const startId = optCursor(body, 'start_id', BAD);
  const needUnionid = optFlag(body, 'need_unionid', BAD);
  const promoter = mp.findPromoter(ident);
  if (!promoter) throw new WxError(103006);
  const page: T[] = [];
  let totalCnt = 0;
  for (const row of rows) {
    if (row.promoterId !== promoter.id || !matches(row)) continue;
    totalCnt++;
    if (row.seq > startId && page.length < WECHAT_LIMITS.dataPageSize) page.push(row);
  }
  if (page.length === 0) throw new WxError(103006);
  return { promoter, page, totalCnt, needUnionid, nextStartId: String(page[page.length - 1].seq) };
}

const getrelation: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle({ mp }, { body }) {
    const beginTime = optUint(body, 'begin_time', BAD);
    const endTime = optUint(body, 'end_time', BAD);
    const scene = optUint(body, 'scene', BAD);
    const path = optString(body, 'path', BAD);
    const { promoter, page, totalCnt, needUnionid, nextStartId } = pageOf(
      mp,
      body,
      mp.relations,
      (row) =>
        (beginTime === undefined || row.createTime >= beginTime) &&
        (endTime === undefined || row.createTime <= endTime) &&
        (scene === undefined || row.scene === scene) &&
        (!path || row.path === path),
    );
    return ok({
      relation_list: page.map((row) => relationView(mp, row, promoter, needUnionid)),
      total_cnt: totalCnt,
      start_id: nextStartId,
    });
  },
};

const getorder: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle({ mp }, { body }) {
    const mchId = optString(body, 'mch_id', BAD);
    const tradeNo = optString(body, 'trade_no', BAD);
    const outTradeNo = optString(body, 'out_trade_no', BAD);
    const status = optEnum(body, 'status', [1, 2], BAD);
    const date = optUint(body, 'date', BAD);
    if (date !== undefined && !/^\d{8}$/.test(String(date))) throw new WxError(BAD, 'date must be yyyyMMdd');
    const { promoter, page, totalCnt, needUnionid, nextStartId } = pageOf<OrderRow>(
      mp,
      body,
      mp.orders,
      (row) =>
        (!mchId || row.mchId === mchId) &&
        (!tradeNo || row.tradeNo === tradeNo) &&
        (!outTradeNo || row.outTradeNo === outTradeNo) &&
        (status === undefined || row.status === status) &&
        (date === undefined || chinaCompactDate(row.paidTime) === String(date)),
    );
    return ok({
      order_list: page.map((row) => ({
        ...relationView(mp, row, promoter, needUnionid),
        mch_id: row.mchId,
        trade_no: row.tradeNo,
        out_trade_no: row.outTradeNo,
        status: row.status,
        paid_amount: row.paidAmount,
        paid_time: row.paidTime,
        refunded_time: row.refundedTime,
      })),
      total_cnt: totalCnt,
      start_id: nextStartId,
    });
  },
};

export const dataRoutes: Record<string, WxRoute> = {
  '/promoter/getsharematerial': getsharematerial,
  '/promoter/getrelation': getrelation,
  '/promoter/getorder': getorder,
};
