/**
 * The Open Platform account bound to our union 推客 account.
 *
 * WeChat allows two changes of the bound account a year ("每年开放平台账号可换绑2次"), and a wasted
 * change cannot be undone, so we keep our own history (collection `open_account_binds`, one document
 * per bind) and refuse a third change within 365 days BEFORE calling WeChat. The first bind is not a
 * change; binding the account that is already bound is a no-op (no WeChat call, no history, no audit).
 * WeChat's own answer (`open_account/get`) is the truth for what is bound now.
 *
 * Binds are serialized by the lease `open-account` (cloudfunctions/_shared/lease.ts): parallel binds
 * would all read "one change left" and all call WeChat. Whoever holds the lease first reconciles our
 * history with what WeChat holds (a crashed holder may have changed it without recording).
 */
import type { OpenAccountInfo } from '../../../typings/contract/customparam';
import { LIMITS } from '../../../miniprogram/shared/field-rules';
import { auditId } from '../../_shared/audit';
import { type StoredDoc, collection, db } from '../../_shared/db';
import { AppError, WechatApiError } from '../../_shared/errors';
import { defineAction } from '../../_shared/handler';
import { withLease } from '../../_shared/lease';
import { appid, noParams, params } from '../../_shared/validation';
import { bindOpenAccount, getOpenAccount } from '../../_shared/wechat/union-api';
import { COLLECTIONS } from '../../_shared/collections';

export const BINDS_COLLECTION = COLLECTIONS.openAccountBinds;
export const YEAR_SECONDS = 365 * 86_400;

export interface BindDoc extends StoredDoc {
  /** Unix seconds. */
  at: number;
  from: string | null;
  to: string;
  /** false for the first bind (nothing was bound before): it does not count against the yearly two. */
  change: boolean;
  by: string;
  /** Recorded after the fact: WeChat held a bind we had not recorded (see recordMissedBind). */
  inferred?: boolean;
}

/** Changes within the last 365 days, oldest first. */
async function recentChanges(now: number): Promise<BindDoc[]> {
  const { data } = await collection<BindDoc>(BINDS_COLLECTION)
    .where({ change: true, at: db().command.gt(now - YEAR_SECONDS) })
    .orderBy('at', 'asc')
    .limit(100)
    .get();
  return data;
}

function info(openAccount: string | null, changes: BindDoc[]): OpenAccountInfo {
  const allowed = LIMITS.openAccount.rebindsPerYear;
  const out: OpenAccountInfo = {
    openAccount,
    rebindsInLastYear: changes.length,
    rebindsLeft: Math.max(0, allowed - changes.length),
  };
  if (changes.length > 0) out.nextRebindFreeAt = changes[0].at + YEAR_SECONDS;
  return out;
}

function formatDate(unixSeconds: number): string {
  // Dates for people in China: UTC+8, yyyy-MM-dd.
  return new Date((unixSeconds + 8 * 3600) * 1000).toISOString().slice(0, 10);
}

function warningFor(current: OpenAccountInfo): string {
  return (
    `微信每年只允许更换 ${LIMITS.openAccount.rebindsPerYear} 次绑定的开放平台账号，且换绑后原账号下的自定义参数会失效；` +
    `当前 365 天内已更换 ${current.rebindsInLastYear} 次，还可更换 ${current.rebindsLeft} 次。`
  );
}

/** WeChat's bind errors in our words (25504/25505 are about the account given). */
function bindError(err: unknown, isChange: boolean): unknown {
  if (!(err instanceof WechatApiError)) return err;
  const field = { field: 'openAccount', errcode: err.errcode };
  switch (err.errcode) {
    case 25505:
      return new AppError('INVALID_ARGUMENT', '开放平台账号不存在，请检查 AppID（openAccount）', field);
    case 25504:
    case 25503:
      return new AppError(
        'INVALID_ARGUMENT',
        '开放平台账号与本小程序的主体不一致，无法绑定（openAccount）',
        field,
      );
    case 25506:
    case 25507:
      return new AppError(
        'FAILED_PRECONDITION',
        '开放平台账号状态异常，请在微信开放平台检查该账号（openAccount）',
        field,
      );
    case 25508:
      return isChange
        ? new AppError('QUOTA_EXCEEDED', '微信拒绝换绑：本年度的换绑次数可能已经用完（errcode 25508）', field)
        : new AppError('FAILED_PRECONDITION', '微信验证开放平台账号失败（errcode 25508）', field);
    default:
      return err;
  }
}

export const openAccountGet = defineAction({
  access: 'staff',
  schema: noParams,
  async run(_input, ctx) {
    const [bound, changes] = await Promise.all([getOpenAccount(), recentChanges(ctx.now())]);
    return info(bound, changes);
  },
});

/** The latest recorded bind (by time-ordered _id), or undefined. */
async function lastBind(): Promise<BindDoc | undefined> {
  const { data } = await collection<BindDoc>(BINDS_COLLECTION).orderBy('_id', 'desc').limit(1).get();
  return data[0];
}

/**
 * WeChat's bound account differs from the one we last recorded: a holder crashed between WeChat's yes
 * and our record, or someone changed it outside Promoter Desk. Record what WeChat did (flagged
 * `inferred`) so our count of changes stays WeChat's.
 */
async function recordMissedBind(bound: string, by: string, now: number): Promise<void> {
  const last = await lastBind();
  const recorded = last?.to ?? null;
  if (recorded === bound) return;
  const { _id, ...data }: BindDoc = {
    _id: auditId(),
    at: now,
    from: recorded,
    to: bound,
    change: recorded !== null,
    by,
    inferred: true,
  };
  await collection<BindDoc>(BINDS_COLLECTION).doc(_id).set({ data });
}

export const openAccountBind = defineAction({
  access: 'admin',
  schema: params({ openAccount: appid }),
  async run({ openAccount }, ctx) {
    // One bind at a time: each reads what the previous one left, so a repeat of the same account is a
    // no-op and our count of changes is WeChat's (parallel binds would all pass the guard at once).
    return withLease(
      'open-account',
      {
        action: ctx.action,
        by: ctx.caller.openid,
        busyMessage: '有人正在更换开放平台账号，请稍后刷新查看结果',
      },
      async (lease) => {
        const now = ctx.now();
        const bound = await getOpenAccount();
        if (bound !== null) await recordMissedBind(bound, lease.takenOver?.by ?? 'unknown', now);
        const changes = await recentChanges(now);
        const before = info(bound, changes);
        if (bound === openAccount) return { ...before, warning: warningFor(before) };
        const isChange = bound !== null;
        if (isChange && before.rebindsLeft === 0) {
          throw new AppError(
            'QUOTA_EXCEEDED',
            `365 天内已更换过 ${changes.length} 次开放平台账号，达到微信每年 ${LIMITS.openAccount.rebindsPerYear} 次的上限；` +
              `${formatDate(before.nextRebindFreeAt ?? now)} 之后才能再次更换`,
            { field: 'openAccount' },
          );
        }
        try {
          await bindOpenAccount(openAccount);
        } catch (err) {
          throw bindError(err, isChange);
        }
        // WeChat has changed: record the history and the audit record together.
        const bind: BindDoc = {
          _id: auditId(),
          at: now,
          from: bound,
          to: openAccount,
          change: isChange,
          by: ctx.caller.openid,
        };
        await ctx.transaction(async (tx) => {
          const { _id, ...data } = bind;
          await tx.collection<BindDoc>(BINDS_COLLECTION).doc(_id).set({ data });
          await ctx.audit(
            { target: openAccount, before: { openAccount: bound }, after: { openAccount } },
            tx,
          );
        });
        const after = info(openAccount, isChange ? [...changes, bind] : changes);
        return { ...after, warning: warningFor(after) };
      },
    );
  },
});
