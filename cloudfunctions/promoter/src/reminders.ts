/**
 * Reminders to authorize and the subscription messages behind them.
 *
 * - `promoter_reminders` (_id = promoter id): how often staff reminded the person and when last.
 *   A reminder is claimed in a transaction: one within the last minute (two managers tapping 提醒授权
 *   at once, or a double tap) is the same reminder, so the person gets one message.
 * - Approving a join request sends the same message (审核通过), once per request.
 * - `subscriptions` (_id = openid): how many messages of the authorize template the person still
 *   accepts. Each 允许 in wx.requestSubscribeMessage allows one message (43101 after), so a credit is
 *   taken before WeChat is called and given back only when WeChat refused the message outright.
 *   WeChat is the judge: a 43101 sets the credits to 0.
 */
import type {
  JoinRequest,
  Promoter,
  ReminderDelivery,
  ReminderState,
} from '../../../typings/contract/promoter';
import { mapLimit } from '../../_shared/concurrency';
import type { ActionContext } from '../../_shared/handler';
import { LIMITS } from '../../../miniprogram/shared/field-rules';
import { authorizeTemplateId, miniprogramState } from '../../_shared/config';
import type { Transaction } from '../../_shared/db';
import { WechatApiError } from '../../_shared/errors';
import { log } from '../../_shared/log';
import { ERR_NOT_SUBSCRIBED, sendSubscribeMessage } from '../../_shared/wechat/subscribe-message-api';
import { knownStores } from './lookups';
import { COLLECTIONS } from '../../_shared/collections';
import { type Stored, cmd, findSome, getDoc } from '../../_shared/db';
import { db } from '../../_shared/db';

/** Reminders sent to WeChat at once. */
export const REMIND_CONCURRENCY = 5;
/** The page a reminder opens: the person's own status, where the next step is. */
export const REMIND_PAGE = 'pages/join/index?from=remind';
/** WeChat's limit for a thing keyword (characters). */
const THING_MAX = 20;

export interface ReminderDoc {
  count: number;
  lastRemindedAt: number;
  lastBy: string;
}

interface SubscriptionDoc {
  templateId: string;
  credits: number;
  updatedAt: number;
}

export function reminderState(doc: ReminderDoc): ReminderState {
  return { count: doc.count, lastRemindedAt: doc.lastRemindedAt };
}

/** The promoters with their reminder state, where staff reminded them (one read for the page). */
export async function withReminders(promoters: Promoter[]): Promise<Promoter[]> {
  if (promoters.length === 0) return promoters;
  const ids = promoters.map((p) => p.id);
  const docs = await findSome<ReminderDoc>(
    COLLECTIONS.reminders,
    { _id: cmd().in(ids) },
    { limit: ids.length },
  );
  const byId = new Map(docs.map((d) => [d._id, d]));
  return promoters.map((p) => {
    const doc = byId.get(p.id);
    return doc ? { ...p, reminder: reminderState(doc) } : p;
  });
}

/**
 * Claims a reminder of promoter `id` by `by` at `now`, in `tx`: the new state, or null when someone
 * reminded them within the last minute (that reminder stands).
 */
export async function claimReminder(
  tx: Transaction,
  id: string,
  by: string,
  now: number,
): Promise<{ state: ReminderDoc; claimed: boolean }> {
  const ref = tx.collection<Stored<ReminderDoc>>(COLLECTIONS.reminders).doc(id);
  const { data: current } = await ref.get();
  if (current && now - current.lastRemindedAt < LIMITS.remind.sameReminderSeconds) {
    return { state: current, claimed: false };
  }
  const state = { count: (current?.count ?? 0) + 1, lastRemindedAt: now, lastBy: by };
  await ref.set({ data: state });
  return { state, claimed: true };
}

/** Records that `openid` accepted these templates once each; answers how many were ours. */
export async function recordAcceptances(openid: string, templateIds: string[], now: number): Promise<number> {
  const template = authorizeTemplateId();
  const accepted = template ? templateIds.filter((t) => t === template).length : 0;
  if (accepted === 0) return 0;
  const ref = db().collection<Stored<SubscriptionDoc>>(COLLECTIONS.subscriptions).doc(openid);
  const { stats } = await ref.update({ data: { credits: cmd().inc(accepted), updatedAt: now } });
  if (stats.updated === 0) {
    // First acceptance; a concurrent first one may have created it meanwhile, so set only if still absent.
    const existing = await getDoc<SubscriptionDoc>(COLLECTIONS.subscriptions, openid);
    if (existing) await ref.update({ data: { credits: cmd().inc(accepted), updatedAt: now } });
    else await ref.set({ data: { templateId: template!, credits: accepted, updatedAt: now } });
  }
  return accepted;
}

/** Takes one credit if there is one (atomically: a conditional update). */
async function takeCredit(openid: string, now: number): Promise<boolean> {
  const { stats } = await db()
    .collection<Stored<SubscriptionDoc>>(COLLECTIONS.subscriptions)
    .where({ _id: openid, credits: cmd().gt(0) })
    .update({ data: { credits: cmd().inc(-1), updatedAt: now } });
  return stats.updated === 1;
}

async function setCredits(
  openid: string,
  credits: number,
  now: number,
  change: 'inc' | 'set',
): Promise<void> {
  await db()
    .collection<Stored<SubscriptionDoc>>(COLLECTIONS.subscriptions)
    .doc(openid)
    .update({ data: { credits: change === 'inc' ? cmd().inc(credits) : credits, updatedAt: now } });
}

const clip = (text: string): string =>
  [...text].length <= THING_MAX ? text : `${[...text].slice(0, THING_MAX - 1).join('')}…`;

export interface AuthorizeNotice {
  openid: string;
  /** phrase1: where they are (5 characters at most). */
  progress: '审核通过' | '待授权';
  storeName: string;
}

/**
 * Sends the "please authorize" subscription message when the person has a credit. Never throws: the
 * reminder itself is recorded whatever the message does.
 */
export async function notifyAuthorize(
  notice: AuthorizeNotice,
  now: number,
): Promise<{ delivery: ReminderDelivery; message?: string }> {
  const templateId = authorizeTemplateId();
  if (!templateId) return { delivery: 'notConfigured', message: '未设置订阅消息模板，请把分享卡片发给 TA' };
  try {
    if (!(await takeCredit(notice.openid, now))) {
      return { delivery: 'notSubscribed', message: 'TA 未订阅授权提醒，请把分享卡片发给 TA' };
    }
  } catch (err) {
    log.warn('subscription_credit_unreadable', { error: err });
    return { delivery: 'failed', message: '订阅记录暂时读不到，请把分享卡片发给 TA' };
  }
  try {
    await sendSubscribeMessage({
      toOpenid: notice.openid,
      templateId,
      page: REMIND_PAGE,
      state: miniprogramState(),
      data: {
        phrase1: notice.progress,
        thing2: '请打开小程序完成推广员授权',
        thing3: clip(notice.storeName || '推广员计划'),
      },
    });
    return { delivery: 'sent' };
  } catch (err) {
    const errcode = err instanceof WechatApiError ? err.errcode : undefined;
    try {
      if (errcode === ERR_NOT_SUBSCRIBED) await setCredits(notice.openid, 0, now, 'set');
      // Refused outright (bad template, data or page): nothing was sent, the acceptance is still theirs.
      else if (errcode !== undefined && errcode !== -1) await setCredits(notice.openid, 1, now, 'inc');
    } catch (writeErr) {
      log.warn('subscription_credit_unwritten', { error: writeErr });
    }
    log.warn('subscribe_message_failed', { errcode, error: err });
    if (errcode === ERR_NOT_SUBSCRIBED) {
      return { delivery: 'notSubscribed', message: 'TA 已不再接收提醒，请把分享卡片发给 TA' };
    }
    return { delivery: 'failed', message: '微信暂时没有发出提醒消息，请把分享卡片发给 TA' };
  }
}

/**
 * After join.approve: "审核通过, please authorize" to each approved person, once per request (the
 * request's `notifiedAt` is claimed by a conditional update, so repeated approves send nothing more).
 */
export async function notifyApproved(ctx: ActionContext, requestIds: string[]): Promise<void> {
  if (requestIds.length === 0) return;
  const now = ctx.now();
  const requests = await findSome<JoinRequest & { notifiedAt?: number }>(
    COLLECTIONS.joinRequests,
    { _id: cmd().in(requestIds), status: 'approved' },
    { limit: requestIds.length },
  );
  const stores = await knownStores([...new Set(requests.map((r) => r.storeId))]);
  await mapLimit(requests, REMIND_CONCURRENCY, async (request): Promise<ReminderDelivery | undefined> => {
    try {
      const { stats } = await db()
        .collection(COLLECTIONS.joinRequests)
        .where({ _id: request._id, notifiedAt: cmd().exists(false) })
        .update({ data: { notifiedAt: now } });
      if (stats.updated !== 1) return undefined;
      const storeName = stores.get(request.storeId)?.name ?? '';
      return (await notifyAuthorize({ openid: request.openid, progress: '审核通过', storeName }, now))
        .delivery;
    } catch (err) {
      // The approval stands; the person still sees 审核通过 on their join page.
      log.warn('approve_notice_failed', { error: err });
      return undefined;
    }
  });
}
