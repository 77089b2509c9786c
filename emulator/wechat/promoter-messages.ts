/**
 * The promoter family's message endpoints (docs/wechat-api.md#sendmsg): sendmsg, singlesendmsg, getmsg,
 * getmsgclickdata. Messages go to bound promoters only (declared AND authorized). Nothing is delivered
 * anywhere: each recipient's outcome is recorded (103010 for a user flagged rejectsMessages).
 */
import { chinaDate } from './clock';
import type { WxBody } from './errors';
import { ok, WxError } from './errors';
import {
  optEnum,
  optIdString,
  optString,
  optStringArray,
  optUint,
  optUintArray,
  reqString,
  reqUint,
} from './params';
import type { MiniProgramState, Promoter, SentMessage } from './state';
import { OPENID_SHAPE, WECHAT_LIMITS } from './state';
import type { World, WxCall, WxRoute } from './world';

const BAD = 103001;

export function isBound(promoter: Promoter): boolean {
  return promoter.declStatus === 1 && promoter.authStatus === 1;
}

/** msg_type, content (a JSON *string*, D-msg), path and the optional jump appid. */
function readTemplate(
  world: World,
  body: WxBody,
): Pick<SentMessage, 'msgType' | 'content' | 'path' | 'appid'> {
  const msgType = reqUint(body, 'msg_type', BAD);
  const content = reqString(body, 'content', BAD);
  try {
    JSON.parse(content);
  } catch {
    throw new WxError(BAD, 'content must be a JSON string');
  }
  const path = reqString(body, 'path', BAD);
  const appid = optString(body, 'appid', BAD) || world.apps.miniProgram.appid;
  // The jump target must share the caller's Open Platform account; the stand-in knows only the caller.
  if (appid !== world.apps.miniProgram.appid) throw new WxError(103008, 'appid');
  return { msgType, content, path, appid };
}

function outcomeFor(mp: MiniProgramState, promoter: Promoter): number {
  return mp.users.get(promoter.openid)?.rejectsMessages ? 103010 : 0;
}

function record(world: World, message: Omit<SentMessage, 'msgId' | 'sendTime' | 'failures'>): SentMessage {
  const { mp } = world;
  const failures: SentMessage['failures'] = [];
  for (const id of message.recipientIds) {
    const promoter = mp.promotersById.get(id) as Promoter;
    const errcode = outcomeFor(mp, promoter);
    if (errcode !== 0) failures.push({ id: String(id), errcode });
  }
  const sent: SentMessage = {
    ...message,
    msgId: String(mp.nextMsgId++),
    sendTime: world.clock.now(),
    failures,
  };
  mp.messages.set(sent.msgId, sent);
  return sent;
}

const sendmsg: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle(world, { body }) {
    const template = readTemplate(world, body);
    const listType = optEnum(body, 'list_type', [0, 1, 2, 3], BAD) ?? 0;
    const roleIds = listType === 1 ? (optUintArray(body, 'role_id', BAD) ?? []) : [];
    const retailIds = listType === 2 ? (optStringArray(body, 'retail_id', BAD) ?? []) : [];
    const ids = listType === 3 ? (optStringArray(body, 'id', BAD) ?? []) : [];
    const selection = [roleIds, retailIds, ids][listType - 1];
    if (selection && selection.length === 0) throw new WxError(BAD, 'the list for list_type is empty');
    const wanted = (p: Promoter): boolean =>
      listType === 0 ||
      (listType === 1 && roleIds.includes(p.roleId)) ||
      (listType === 2 && retailIds.includes(p.retailId)) ||
      (listType === 3 && ids.includes(String(p.id)));
    const recipients = world.mp.promoters.filter((p) => isBound(p) && wanted(p));
    // The docs only advise singlesendmsg below 50; refusing is a reading a test can switch on
    // (docs/wechat-api.md, sendmsg).
    if (world.readings.sendmsgBelow50 === 'refuse' && recipients.length < WECHAT_LIMITS.groupSendMinimum) {
      throw new WxError(BAD, `${recipients.length} recipients; sendmsg needs at least 50`);
    }
    const sent = record(world, {
      kind: 'group',
      ...template,
      listType,
      roleIds,
      retailIds,
      ids,
      recipientIds: recipients.map((p) => p.id),
    });
    return ok({ msg_id: sent.msgId });
  },
};

const singlesendmsg: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle(world, { body }) {
    const { mp } = world;
    const template = readTemplate(world, body);
    const id = optIdString(body, 'id', BAD);
    const ident = optString(body, 'openid', BAD);
    if (id === undefined && !ident) throw new WxError(BAD, 'openid or id is required');
    if (id === undefined && ident && !OPENID_SHAPE.test(ident)) throw new WxError(103007, 'openid');
    const promoter = id !== undefined ? mp.promotersById.get(Number(id)) : mp.findPromoter(ident as string);
    if (!promoter || !isBound(promoter)) throw new WxError(103014);
    const errcode = outcomeFor(mp, promoter);
    if (errcode !== 0) throw new WxError(errcode);
    record(world, {
      kind: 'single',
      ...template,
      listType: 3,
      roleIds: [],
      retailIds: [],
      ids: [String(promoter.id)],
      recipientIds: [promoter.id],
    });
    return ok();
  },
};

function messageOrThrow(mp: MiniProgramState, body: WxBody): SentMessage {
  const msgId = optIdString(body, 'msg_id', BAD);
  if (msgId === undefined) throw new WxError(BAD, 'msg_id is required');
  const message = mp.messages.get(msgId);
  if (!message) throw new WxError(103006, 'msg_id');
  return message;
}

const getmsg: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle({ mp }, { body, baseUrl }: WxCall) {
    const message = messageOrThrow(mp, body);
    const inline = message.failures.length <= WECHAT_LIMITS.getFailInfoInline;
    return ok({
      msg_type: message.msgType,
      content: message.content,
      appid: message.appid,
      path: message.path,
      list_type: message.listType,
      role_id: message.roleIds,
      retail_id: message.retailIds,
      id: message.ids,
      send_cnt: message.recipientIds.length,
      // Sending completes at once in the stand-in.
      percent: 100,
      fail_cnt: message.failures.length,
      // Over 1000 failures WeChat gives a file instead of the list (WxJ).
      ...(inline
        ? { fail_info: message.failures }
        : { fail_info_url: `${baseUrl}/__control/messages/${message.msgId}/failures` }),
    });
  },
};

const getmsgclickdata: WxRoute = {
  method: 'POST',
  auth: 'mp',
  handle(world, { body }) {
    const { mp } = world;
    const sendDate = reqString(body, 'send_date', BAD);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(sendDate)) throw new WxError(BAD, 'send_date must be yyyy-MM-dd');
    const dimension = optEnum(body, 'dimonsion', [0, 1], BAD);
    if (dimension === undefined) throw new WxError(BAD, 'dimonsion is required');
    const beginTime = optUint(body, 'begin_send_time', BAD);
    const endTime = optUint(body, 'end_send_time', BAD);
    const onDay = [...mp.clicks.values()].filter((row) => chinaDate(row.sendTime) === sendDate);
    if (dimension === 0) {
      const msgId = optIdString(body, 'msg_id', BAD);
      // The official sample asks by msg_type without msg_id (every message of that type on the day);
      // WxJava marks msg_id required. A reading (docs/wechat-api.md, getmsgclickdata).
      const msgType = optUint(body, 'msg_type', BAD);
      if (msgId === undefined && (world.readings.clickDataMsgId === 'required' || msgType === undefined)) {
        throw new WxError(BAD, 'msg_id is required for dimonsion 0');
      }
      for (const time of [beginTime, endTime]) {
        if (time !== undefined && chinaDate(time) !== sendDate) {
          throw new WxError(BAD, 'begin_send_time/end_send_time must fall on send_date');
        }
      }
      const rows = onDay.filter(
        (row) =>
          (msgId === undefined ? row.msgType === msgType : row.msgId === msgId) &&
          (beginTime === undefined || row.sendTime >= beginTime) &&
          (endTime === undefined || row.sendTime <= endTime),
      );
      return ok({ data_list: rows.map(clickView) });
    }
    const msgType = reqUint(body, 'msg_type', BAD);
    const ofType = onDay.filter((row) => row.msgType === msgType);
    // UNCONFIRMED: "by msg_type" is read as one summed row per type for the day (msg_id empty).
    const dataList =
      ofType.length === 0
        ? []
        : [
            {
              msg_type: msgType,
              msg_id: '',
              send_time: Math.min(...ofType.map((row) => row.sendTime)),
              click_uv: ofType.reduce((sum, row) => sum + row.clickUv, 0),
              click_pv: ofType.reduce((sum, row) => sum + row.clickPv, 0),
            },
          ];
    return ok({ data_list: dataList });
  },
};

function clickView(row: {
  msgType: number;
  msgId: string;
  sendTime: number;
  clickUv: number;
  clickPv: number;
}): WxBody {
  return {
    msg_type: row.msgType,
    msg_id: row.msgId,
    send_time: row.sendTime,
    click_uv: row.clickUv,
    click_pv: row.clickPv,
  };
}

export const messageRoutes: Record<string, WxRoute> = {
  '/promoter/sendmsg': sendmsg,
  '/promoter/singlesendmsg': singlesendmsg,
  '/promoter/getmsg': getmsg,
  '/promoter/getmsgclickdata': getmsgclickdata,
};
