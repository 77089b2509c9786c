/**
 * Messages to promoters (collection `messages`).
 *
 * Recipients are the declared AND authorized promoters of the audience, counted in the read model
 * (made fresh first). Fewer than LIMITS.message.groupThreshold (50) → singlesendmsg per promoter id
 * (5 at a time, a result per id); 50 or more → one sendmsg (wechat-api.md §1.5).
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
  utf8ByteLength,
  byteLimitMessage,
} from '../../../../miniprogram/shared/field-rules';
import { canAccessStore, visibleStoreIds } from '../../../_shared/access';
import { AppError, WechatApiError, toCloudError } from '../../../_shared/errors';
import { type ActionContext, defineAction } from '../../../_shared/handler';
import {
  appid,
  bytes,
  integer,
  list,
  pageParams,
  params,
  roleId,
  storeId,
} from '../../../_shared/validation';
import {
  type GroupAudience,
  type MessageBody,
  type PromoterApi,
  promoterApi,
} from '../../../_shared/wechat/promoter-api';
import { pagedQuery } from '../paging';
import { type PromoterDoc, ensureFresh } from '../read-model';
import { COLLECTIONS } from '../../../_shared/collections';
import { type Stored, cmd, countWhere, findAll, getDoc, randomId } from '../../../_shared/db';
import { promoterId } from '../params';

const SINGLE_SEND_CONCURRENCY = 5;
/** Our own cap on an explicit id list (one sendmsg carries them all). */
const MAX_AUDIENCE_IDS = 2000;

type MessageDoc = Omit<MessageRecord, 'id'>;

const audienceSchema = v.variant(
  'kind',
  [
    params({ kind: v.literal('all') }),
    params({ kind: v.literal('role'), roleIds: list(roleId, '角色列表', 1, LIMITS.role.maxRoles) }),
    params({ kind: v.literal('store'), storeIds: list(storeId, '门店列表', 1, 200) }),
    params({ kind: v.literal('promoters'), ids: list(promoterId, '推广员列表', 1, MAX_AUDIENCE_IDS) }),
  ],
  '发送对象只能是 all、role、store、promoters 之一',
);

const contentSchema = v.pipe(
  v.record(v.string(), v.string('消息内容的每一项应为文本'), '消息内容应为对象'),
  v.check((c) => Object.keys(c).length > 0, '消息内容不能为空'),
  v.check(
    (c) => utf8ByteLength(JSON.stringify(c)) <= LIMITS.message.contentBytes,
    (issue) =>
      byteLimitMessage('消息内容', LIMITS.message.contentBytes, utf8ByteLength(JSON.stringify(issue.input))),
  ),
);

interface Recipients {
  where: unknown;
  /** The sendmsg audience that reaches the same people. */
  group: (ids: () => Promise<string[]>) => Promise<GroupAudience>;
}

function forbidden(message: string, field: string): AppError {
  return new AppError('FORBIDDEN', message, { field });
}

async function resolveAudience(ctx: ActionContext, audience: MessageAudience): Promise<Recipients> {
  const _ = cmd();
  const bound = { declStatus: 1, authStatus: 1 };
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
      return {
        where: { ...bound, roleId: _.in(roleIds), storeId: _.in(mine) },
        group: async (ids) => ({ listType: 3, ids: await ids() }),
      };
    }
    case 'store': {
      const storeIds = [...new Set(audience.storeIds)];
      storeIds.forEach((s, i) => {
        if (!canAccessStore(ctx.caller, s)) {
          throw forbidden(`你不是门店 ${s} 的店长，不能给该门店的推广员发消息`, `audience.storeIds[${i}]`);
        }
      });
      return { where: { ...bound, storeId: _.in(storeIds) }, group: async () => ({ listType: 2, storeIds }) };
    }
    case 'promoters': {
      const ids = [...new Set(audience.ids)];
      const docs = await findAll<PromoterDoc>(COLLECTIONS.promoters, { _id: _.in(ids) }, { storeId: true });
      const known = new Map(docs.map((d) => [d._id, d]));
      ids.forEach((id, i) => {
        const doc = known.get(id);
        if (!doc) throw new AppError('NOT_FOUND', `推广员 ${id} 不存在`, { field: `audience.ids[${i}]` });
        if (!canAccessStore(ctx.caller, doc.storeId)) {
          throw forbidden(`推广员 ${id} 不属于你负责的门店`, `audience.ids[${i}]`);
        }
      });
      return {
        where: { ...bound, _id: _.in(ids) },
        group: async (list) => ({ listType: 3, ids: await list() }),
      };
    }
  }
}

async function sendSingles(api: PromoterApi, body: MessageBody, ids: string[]) {
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
          code: e.code,
          message: e.message,
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
    msgType: integer('消息类型', 1, 4_294_967_295),
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
    if (recipientCount === 0) {
      throw new AppError(
        'FAILED_PRECONDITION',
        '发送对象中没有已授权绑定的推广员，消息只能发给已声明且已授权的推广员',
        { field: 'audience' },
      );
    }
    const recipientIds = async () =>
      (await findAll<PromoterDoc>(COLLECTIONS.promoters, recipients.where, { _id: true })).map((d) => d._id);
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
      const { sent, failed } = await sendSingles(api, body, await recipientIds());
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
  return ctx.caller.role === 'admin' ? {} : { sentBy: ctx.caller.openid };
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
  schema: params({ id: bytes(64, '消息 id') }),
  async run({ id }, ctx): Promise<MessageStatus> {
    const doc = await getDoc<MessageDoc>(COLLECTIONS.messages, id);
    if (!doc) throw new AppError('NOT_FOUND', `消息 ${id} 不存在（id）`, { field: 'id' });
    if (ctx.caller.role !== 'admin' && doc.sentBy !== ctx.caller.openid) {
      throw new AppError('FORBIDDEN', '只能查看自己发送的消息', { field: 'id' });
    }
    if (doc.mode === 'single' || !doc.msgId) {
      return {
        id,
        mode: doc.mode,
        sendCount: doc.recipientCount,
        percent: 100,
        failCount: doc.failed.length,
        failures: doc.failed.map((f) => ({ id: f.id, errcode: f.errcode ?? 0 })),
      };
    }
    const delivery = await promoterApi().getMessageDelivery(doc.msgId);
    return { id, mode: 'group', ...delivery };
  },
});

const clicks = defineAction({
  access: 'staff',
  schema: params({
    sendDate: v.pipe(
      v.string('发送日期应为文本'),
      v.regex(PATTERNS.date, '发送日期格式应为 yyyy-MM-dd（sendDate）'),
    ),
    dimension: v.picklist(['msg', 'type'], '统计维度只能是 msg、type 之一'),
    msgType: v.optional(integer('消息类型', 1, 4_294_967_295)),
    msgId: v.optional(bytes(64, '消息编号')),
    beginSendTime: v.optional(integer('开始时间', 0, 4_294_967_295)),
    endSendTime: v.optional(integer('结束时间', 0, 4_294_967_295)),
  }),
  async run(p) {
    try {
      const items = await promoterApi().getMessageClicks({
        sendDate: p.sendDate,
        dimension: p.dimension === 'msg' ? 0 : 1,
        msgType: p.msgType,
        msgId: p.msgId,
        beginSendTime: p.beginSendTime,
        endSendTime: p.endSendTime,
      });
      return { items };
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

export const messageActions = {
  'message.send': send,
  'message.list': listMessages,
  'message.status': messageStatus,
  'message.clicks': clicks,
};
