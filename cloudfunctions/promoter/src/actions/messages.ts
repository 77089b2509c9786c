/**
 * Messages to promoters (collection `messages`).
 *
 * Recipients are the declared AND authorized promoters of the audience, counted in the read model
 * (made fresh first). Fewer than LIMITS.message.groupThreshold (50) → singlesendmsg per promoter id
 * (5 at a time, a result per id); 50 or more → one sendmsg (docs/wechat-api.md#sendmsg).
 *
 * Managers reach only their own stores: 'all' becomes their stores (sendmsg list_type 2), a role
 * audience becomes the matching promoter ids in their stores (list_type 3), a store or promoter
 * outside their stores is FORBIDDEN. Only an admin's 'all' is list_type 0 (every promoter).
 * Managers list and inspect the messages they sent; admins all messages.
 */
import * as v from 'valibot';
import type { MessageAudience, MessageRecord, MessageStatus } from '../../../../typings/contract/promoter';
import {
  FIELD_LABELS,
  LIMITS,
  PATTERNS,
  RULES,
  utf8ByteLength,
  byteLimitMessage,
} from '../../../../miniprogram/shared/field-rules';
import { assertStoreAccess, isAdmin, visibleStoreIds } from '../../../_shared/access';
import { statusFilter } from '../../../../miniprogram/shared/promoter-status';
import { mapLimit } from '../../../_shared/concurrency';
import { AppError, WechatApiError, toCloudError } from '../../../_shared/errors';
import { type ActionContext, defineAction } from '../../../_shared/handler';
import {
  appid,
  bytes,
  date,
  idString,
  list,
  pageParams,
  params,
  patterned,
  roleId,
  storeId,
  uint32,
  unixTime,
} from '../../../_shared/validation';
import {
  type GroupAudience,
  type MessageBody,
  type MessageClickRow,
  type PromoterApi,
  promoterApi,
} from '../../../_shared/wechat/promoter-api';
import { pagedQuery } from '../paging';
import { type PromoterDoc, ensureFresh } from '../read-model';
import { COLLECTIONS } from '../../../_shared/collections';
import { type Stored, cmd, countWhere, findAll, getDoc, randomId } from '../../../_shared/db';
import { promoterId } from '../params';
import { deliveryFailureReason } from '../message-failures';

const SINGLE_SEND_CONCURRENCY = 5;

type MessageDoc = Omit<MessageRecord, 'id'>;

const audienceSchema = v.variant(
  'kind',
  [
    params({ kind: v.literal('all') }),
    params({ kind: v.literal('role'), roleIds: list(roleId, '角色列表', 1, LIMITS.role.maxRoles) }),
    params({ kind: v.literal('store'), storeIds: list(storeId, '门店列表', 1, 200) }),
    params({
      kind: v.literal('promoters'),
      ids: list(promoterId, '推广员列表', 1, LIMITS.message.maxAudienceIds),
    }),
  ],
  '发送对象只能是 all、role、store、promoters 之一',
);

const contentSchema = v.pipe(
  v.record(
    patterned(32, '消息内容的字段名', PATTERNS.templateKey, RULES.templateKey),
    bytes(LIMITS.message.contentBytes, '消息内容的每一项', { allowEmpty: true, multiline: true }),
    '消息内容应为对象',
  ),
  v.check((c) => Object.keys(c).length > 0, '消息内容不能为空'),
  v.check(
    (c) => utf8ByteLength(JSON.stringify(c)) <= LIMITS.message.contentBytes,
    byteLimitMessage('消息内容', LIMITS.message.contentBytes),
  ),
);

interface Recipients {
  where: unknown;
  /** Set when the send carries every recipient's id (sendmsg list_type 3): at most this many. */
  idCap?: { max: number; field: string };
  /** The sendmsg audience that reaches the same people. */
  group: (ids: () => Promise<string[]>) => Promise<GroupAudience>;
}

async function resolveAudience(ctx: ActionContext, audience: MessageAudience): Promise<Recipients> {
  const _ = cmd();
  const bound = statusFilter('bound');
  const mine = visibleStoreIds(ctx.caller); // undefined = admin, every store
  switch (audience.kind) {
    case 'all':
      if (mine === undefined) return { where: bound, group: async () => ({ listType: 0 }) };
      return {
        where: { ...bound, storeId: _.in(mine) },
        group: async () => ({ listType: 2, storeIds: [...mine] }),
      };
    case 'role': {
      const roleIds = [...new Set(audience.roleIds)];
      if (mine === undefined) {
        return { where: { ...bound, roleId: _.in(roleIds) }, group: async () => ({ listType: 1, roleIds }) };
      }
      // A manager's role audience goes out as the promoter ids of their stores (list_type 3), so it is
      // held to the same cap as an explicit id list.
      return {
        where: { ...bound, roleId: _.in(roleIds), storeId: _.in(mine) },
        group: async (ids) => ({ listType: 3, ids: await ids() }),
        idCap: { max: LIMITS.message.maxAudienceIds, field: 'audience.roleIds' },
      };
    }
    case 'store': {
      const storeIds = [...new Set(audience.storeIds)];
      storeIds.forEach((s, i) => assertStoreAccess(ctx.caller, s, `audience.storeIds[${i}]`));
      return { where: { ...bound, storeId: _.in(storeIds) }, group: async () => ({ listType: 2, storeIds }) };
    }
    case 'promoters': {
      const ids = [...new Set(audience.ids)];
      const docs = await findAll<PromoterDoc>(COLLECTIONS.promoters, { _id: _.in(ids) }, { storeId: true });
      const known = new Map(docs.map((d) => [d._id, d]));
      ids.forEach((id, i) => {
        const doc = known.get(id);
        if (!doc) throw new AppError('NOT_FOUND', `推广员 ${id} 不存在`, { field: `audience.ids[${i}]` });
        assertStoreAccess(ctx.caller, doc.storeId, `audience.ids[${i}]`);
      });
      return {
        where: { ...bound, _id: _.in(ids) },
        group: async (list) => ({ listType: 3, ids: await list() }),
      };
    }
  }
}

async function sendSingles(api: PromoterApi, body: MessageBody, recipients: Stored<PromoterDoc>[]) {
  const ids = recipients.map((r) => r._id);
  const names = new Map(recipients.map((r) => [r._id, r.name]));
  const failed: MessageRecord['failed'] = [];
  let sent = 0;
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        await api.sendSingleMessage(body, { id });
        sent++;
      } catch (err) {
        const e = toCloudError(err);
        failed.push({
          id,
          ...(names.get(id) ? { name: names.get(id) } : {}),
          code: e.code,
          message: deliveryFailureReason(e.errcode, e.message),
          ...(e.errcode !== undefined ? { errcode: e.errcode } : {}),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SINGLE_SEND_CONCURRENCY, ids.length) }, worker));
  failed.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
  return { sent, failed };
}

function toRecord(doc: Stored<MessageDoc>): MessageRecord {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

const send = defineAction({
  access: 'staff',
  schema: params({
    msgType: uint32(FIELD_LABELS.msgType, 1),
    content: contentSchema,
    path: bytes(LIMITS.message.pathBytes, FIELD_LABELS.path),
    appid: v.optional(appid),
    audience: audienceSchema,
  }),
  async run(p, ctx): Promise<MessageRecord> {
    const api = promoterApi();
    const audience = p.audience as MessageAudience;
    await ensureFresh(api, ctx.now());
    const recipients = await resolveAudience(ctx, audience);
    const recipientCount = await countWhere(COLLECTIONS.promoters, recipients.where);
    const cap = recipients.idCap;
    if (cap && recipientCount > cap.max) {
      throw new AppError(
        'INVALID_ARGUMENT',
        `所选角色在你的门店中有 ${recipientCount} 名已授权的推广员，一次最多发给 ${cap.max} 人；请按门店发送，或分批选择推广员`,
        { field: cap.field },
      );
    }
    if (recipientCount === 0) {
      throw new AppError(
        'FAILED_PRECONDITION',
        '发送对象中没有已授权绑定的推广员，消息只能发给已声明且已授权的推广员',
        { field: 'audience' },
      );
    }
    const recipientDocs = () =>
      findAll<PromoterDoc>(COLLECTIONS.promoters, recipients.where, { _id: true, name: true });
    const recipientIds = async () => (await recipientDocs()).map((d) => d._id);
    const body: MessageBody = {
      msgType: p.msgType,
      content: p.content,
      path: p.path,
      ...(p.appid ? { appid: p.appid } : {}),
    };
    const record: MessageDoc = {
      mode: recipientCount >= LIMITS.message.groupThreshold ? 'group' : 'single',
      msgType: p.msgType,
      content: p.content,
      path: p.path,
      audience,
      recipientCount,
      sentCount: 0,
      failed: [],
      sentBy: ctx.caller.openid,
      sentAt: ctx.now(),
    };
    if (record.mode === 'group') {
      const { msgId } = await api.sendMessage(body, await recipients.group(recipientIds));
      record.msgId = msgId;
      record.sentCount = recipientCount;
    } else {
      const { sent, failed } = await sendSingles(api, body, await recipientDocs());
      record.sentCount = sent;
      record.failed = failed;
    }
    const id = randomId(12);
    const out = toRecord({ ...record, _id: id });
    await ctx.transaction(async (tx) => {
      await tx.collection<Stored<MessageDoc>>(COLLECTIONS.messages).doc(id).set({ data: record });
      await ctx.audit({ target: `message:${id}`, before: null, after: out }, tx);
    });
    return out;
  },
});

function senderScope(ctx: ActionContext): Record<string, unknown> {
  return isAdmin(ctx.caller) ? {} : { sentBy: ctx.caller.openid };
}

const listMessages = defineAction({
  access: 'staff',
  schema: params({ ...pageParams }),
  async run(p, ctx) {
    return pagedQuery<MessageDoc, MessageRecord>({
      collection: COLLECTIONS.messages,
      where: senderScope(ctx),
      keyField: 'sentAt',
      cursor: p.cursor,
      limit: p.limit,
      toItem: toRecord,
    });
  },
});

const messageStatus = defineAction({
  access: 'staff',
  schema: params({ id: idString('消息 id') }),
  async run({ id }, ctx): Promise<MessageStatus> {
    const doc = await getDoc<MessageDoc>(COLLECTIONS.messages, id);
    if (!doc) throw new AppError('NOT_FOUND', `消息 ${id} 不存在（id）`, { field: 'id' });
    if (!isAdmin(ctx.caller) && doc.sentBy !== ctx.caller.openid) {
      throw new AppError('FORBIDDEN', '只能查看自己发送的消息', { field: 'id' });
    }
    if (doc.mode === 'single' || !doc.msgId) {
      return {
        id,
        mode: doc.mode,
        sendCount: doc.recipientCount,
        percent: 100,
        failCount: doc.failed.length,
        failures: doc.failed.map((f) => ({
          id: f.id,
          errcode: f.errcode ?? 0,
          ...(f.name ? { name: f.name } : {}),
          reason: deliveryFailureReason(f.errcode, f.message),
        })),
      };
    }
    const delivery = await promoterApi().getMessageDelivery(doc.msgId);
    return { id, mode: 'group', ...delivery, failures: await namedFailures(delivery.failures) };
  },
});

/** getmsg's failed promoter ids with the names the read model has and why, in a manager's words. */
async function namedFailures(
  failures: { id: string; errcode: number }[],
): Promise<MessageStatus['failures']> {
  if (!failures.length) return [];
  const ids = [...new Set(failures.map((f) => f.id))];
  const docs = await findAll<PromoterDoc>(COLLECTIONS.promoters, { _id: cmd().in(ids) }, { name: true });
  const names = new Map(docs.map((d) => [d._id, d.name]));
  return failures.map((f) => ({
    ...f,
    ...(names.get(f.id) ? { name: names.get(f.id) } : {}),
    reason: deliveryFailureReason(f.errcode),
  }));
}

/**
 * Click figures are scoped like message.status and message.list: an admin sees every message's, a
 * manager only those of the messages they sent. By message (dimension msg) a manager's answer keeps
 * their own msg_ids and a msgId of someone else's message is FORBIDDEN; by type (dimension type) WeChat
 * sums every sender's messages of the day, so only an admin may ask. Answers the msg_ids a manager may
 * see (undefined: all).
 */
async function ownMessageIds(
  ctx: ActionContext,
  dimension: 'msg' | 'type',
  msgId: string | undefined,
): Promise<Set<string> | undefined> {
  if (isAdmin(ctx.caller)) return undefined;
  if (dimension === 'type') {
    throw new AppError('FORBIDDEN', '按消息模板统计的点击数据包含其他人发送的消息，只有总部管理员可以查看', {
      field: 'dimension',
    });
  }
  const where = msgId === undefined ? { sentBy: ctx.caller.openid } : { sentBy: ctx.caller.openid, msgId };
  const mine = await findAll<MessageDoc>(COLLECTIONS.messages, where, { msgId: true });
  if (msgId !== undefined && mine.length === 0) {
    throw new AppError('FORBIDDEN', '只能查看自己发送的消息', { field: 'msgId' });
  }
  return new Set(mine.flatMap((m) => (m.msgId ? [m.msgId] : [])));
}

const clicks = defineAction({
  access: 'staff',
  schema: params({
    sendDate: date('发送日期'),
    dimension: v.picklist(['msg', 'type'], '统计维度只能是 msg、type 之一'),
    msgType: v.optional(uint32(FIELD_LABELS.msgType, 1)),
    msgId: v.optional(idString('消息编号')),
    beginSendTime: v.optional(unixTime('开始时间')),
    endSendTime: v.optional(unixTime('结束时间')),
  }),
  async run(p, ctx) {
    checkClickQuery(p);
    const own = await ownMessageIds(ctx, p.dimension, p.msgId);
    const api = promoterApi();
    const query = {
      sendDate: p.sendDate,
      dimension: p.dimension === 'msg' ? (0 as const) : (1 as const),
      msgType: p.msgType,
      msgId: p.msgId,
      beginSendTime: p.beginSendTime,
      endSendTime: p.endSendTime,
    };
    try {
      let all: MessageClickRow[];
      try {
        all = await api.getMessageClicks(query);
      } catch (err) {
        // By message without msg_id is the official sample; WxJava marks msg_id required
        // (docs/wechat-api.md, getmsgclickdata). If WeChat refuses it, ask per message we sent that day.
        if (!(err instanceof WechatApiError && err.errcode === 103001 && p.dimension === 'msg' && !p.msgId))
          throw err;
        const ids = await groupMessagesOfDay(p.sendDate, p.msgType, own);
        const rows = await mapLimit(ids, SINGLE_SEND_CONCURRENCY, (msgId) =>
          api.getMessageClicks({ ...query, msgId }),
        );
        all = rows.flat();
      }
      return { items: own ? all.filter((item) => own.has(item.msgId)) : all };
    } catch (err) {
      if (err instanceof WechatApiError && err.errcode === 103013) {
        throw new AppError('FAILED_PRECONDITION', '点击数据正在统计中，请稍后再查询', {
          errcode: err.errcode,
        });
      }
      throw err;
    }
  },
});

/** What WeChat would refuse with 103001 and no field, checked first (docs/wechat-api.md, getmsgclickdata). */
function checkClickQuery(p: {
  sendDate: string;
  dimension: 'msg' | 'type';
  msgType?: number;
  msgId?: string;
  beginSendTime?: number;
  endSendTime?: number;
}): void {
  if (p.dimension === 'type' && p.msgType === undefined) {
    throw new AppError('INVALID_ARGUMENT', '按消息模板统计时必须填写模板编号', {
      field: 'msgType',
    });
  }
  if (p.dimension === 'msg' && p.msgId === undefined && p.msgType === undefined) {
    throw new AppError('INVALID_ARGUMENT', '按消息统计时请填写消息编号或模板编号', {
      field: 'msgId',
    });
  }
  for (const field of ['beginSendTime', 'endSendTime'] as const) {
    const at = p[field];
    if (at === undefined) continue;
    if (p.dimension !== 'msg') {
      throw new AppError('INVALID_ARGUMENT', `只有按消息统计时才能限定发送时间（${field}）`, { field });
    }
    if (chinaDay(at) !== p.sendDate) {
      throw new AppError('INVALID_ARGUMENT', `发送时间必须在 ${p.sendDate} 当天（北京时间）（${field}）`, {
        field,
      });
    }
  }
}

/** yyyy-MM-dd of a unix time in China (UTC+8): WeChat's send_date is a China day. */
function chinaDay(at: number): string {
  return new Date((at + 8 * 3600) * 1000).toISOString().slice(0, 10);
}

/** The msg_ids of the group messages we sent on `sendDate` (China day), of one type, of `own` if given. */
async function groupMessagesOfDay(
  sendDate: string,
  msgType: number | undefined,
  own: Set<string> | undefined,
): Promise<string[]> {
  const start = Date.parse(`${sendDate}T00:00:00+08:00`) / 1000;
  const _ = cmd();
  const docs = await findAll<MessageDoc>(
    COLLECTIONS.messages,
    {
      mode: 'group',
      sentAt: _.and(_.gte(start), _.lt(start + 86_400)),
      ...(msgType === undefined ? {} : { msgType }),
    },
    { msgId: true },
  );
  return docs.flatMap((d) => (d.msgId && (!own || own.has(d.msgId)) ? [d.msgId] : []));
}

export const messageActions = {
  'message.send': send,
  'message.list': listMessages,
  'message.status': messageStatus,
  'message.clicks': clicks,
};
