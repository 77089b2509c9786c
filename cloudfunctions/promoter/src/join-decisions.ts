/**
 * Deciding join requests: join.approve declares the person in WeChat (the promoter.declare path),
 * join.reject does not. Two managers tapping at once, a double tap, a crash half-way: each gives one
 * result, and every declaration WeChat accepted is recorded.
 *
 * The claim protocol:
 * 1. Each request's decision is claimed BEFORE WeChat is called: the lease `join:<id>`
 *    (_shared/lease.ts; who, which action, when), taken in a transaction, ids in sorted order so two
 *    overlapping batches cannot wait on each other. Whoever finds it taken waits for it.
 * 2. Holding the lease, the request is read again. Decided already: the same decision answers `done`
 *    (a repeat is the success it is), the other one CONFLICT. Still pending: decide.
 * 3. approve: addpromoter (10 a call); for every row WeChat accepted, one transaction marks the request
 *    approved, releases the person's pending claim and writes the audit record. The promoter id is
 *    learnt with getpromoter; if that call fails the request is approved all the same (the mirror is
 *    marked stale and learns the id on its next sync). If even the record cannot be saved, an audit
 *    record of the declaration is written on its own and the lease is NOT released: it goes stale and
 *    the next decision takes it over (4).
 * 4. A lease older than LEASE_STALE_S (70 s, past the function's 60 s timeout) is taken over. A reject
 *    that takes over a crashed approve first asks WeChat whether the person was declared: if so the
 *    request is completed as approved (with its audit record) and the reject answers CONFLICT. An
 *    approve that takes one over simply declares again: WeChat answers 103003 for a row it holds, which
 *    counts as declared.
 */
import type { BatchResult } from '../../../typings/contract/promoter';
import { storeAccessFailure } from '../../_shared/access';
import { toCloudError } from '../../_shared/errors';
import type { ActionContext } from '../../_shared/handler';
import { type Lease, acquireLease, releaseLease } from '../../_shared/lease';
import { log } from '../../_shared/log';
import { type PromoterApi, promoterApi } from '../../_shared/wechat/promoter-api';
import { type RowOutcome, type ValidRow, sendRows, validateRows } from './declare';
import { type JoinDoc, releasePendingClaim, toJoinRequest } from './join-records';
import { markStale, storeWechatRow } from './read-model';
import { COLLECTIONS } from '../../_shared/collections';
import { type Stored, getDoc } from '../../_shared/db';
import { JOIN_STATUS_LABELS } from '../../../miniprogram/shared/labels';

type Failed = BatchResult['failed'][number];
type Decision = 'approved' | 'rejected';

interface Held {
  request: Stored<JoinDoc>;
  lease: Lease;
}

/** Answers for requests already decided: the same decision is done, another is CONFLICT. */
function settledAnswer(doc: Stored<JoinDoc>, wanted: Decision, done: string[], failed: Failed[]): void {
  if (doc.status === wanted) done.push(doc._id);
  else {
    failed.push({
      id: doc._id,
      code: 'CONFLICT',
      message: `申请 ${doc._id} 已被他人处理（${JOIN_STATUS_LABELS[doc.status]}），请刷新后查看`,
    });
  }
}

/**
 * Claims each request the caller may decide (steps 1–2). Returns the ones still pending, with their
 * leases; answers the rest in `done`/`failed`.
 */
async function claimRequests(
  ctx: ActionContext,
  ids: string[],
  wanted: Decision,
  done: string[],
  failed: Failed[],
): Promise<Held[]> {
  const held: Held[] = [];
  for (const id of [...new Set(ids)].sort()) {
    const doc = await getDoc<JoinDoc>(COLLECTIONS.joinRequests, id);
    if (!doc) {
      failed.push({ id, code: 'NOT_FOUND', message: `申请 ${id} 不存在` });
      continue;
    }
    const denied = storeAccessFailure(ctx.caller, doc.storeId);
    if (denied) {
      failed.push({ id, code: 'FORBIDDEN', message: denied });
      continue;
    }
    if (doc.status !== 'pending') {
      settledAnswer(doc, wanted, done, failed);
      continue;
    }
    let lease: Lease;
    try {
      lease = await acquireLease(`join:${id}`, {
        action: ctx.action,
        by: ctx.caller.openid,
        busyMessage: `申请 ${id} 正在由他人处理，请稍后刷新查看结果`,
      });
    } catch (err) {
      const e = toCloudError(err);
      failed.push({ id, code: e.code, message: e.message });
      continue;
    }
    const current = await getDoc<JoinDoc>(COLLECTIONS.joinRequests, id);
    if (!current || current.status !== 'pending') {
      await releaseLease(lease);
      if (current) settledAnswer(current, wanted, done, failed);
      else failed.push({ id, code: 'NOT_FOUND', message: `申请 ${id} 不存在` });
      continue;
    }
    held.push({ request: current, lease });
  }
  return held;
}

/** Marks a held request decided and writes its audit record, in one transaction. */
async function recordDecision(
  ctx: ActionContext,
  request: Stored<JoinDoc>,
  status: Decision,
  extra: { promoterId?: string; reason?: string; decidedBy?: string },
): Promise<void> {
  const now = ctx.now();
  const decision = { status, decidedAt: now, decidedBy: ctx.caller.openid, updatedAt: now, ...extra };
  await ctx.transaction(async (tx) => {
    const requests = tx.collection<Stored<JoinDoc>>(COLLECTIONS.joinRequests);
    await requests.doc(request._id).update({ data: decision });
    await releasePendingClaim(tx, request, now);
    const after = toJoinRequest({ ...request, ...decision });
    await ctx.audit(
      {
        action: `join.${status === 'approved' ? 'approve' : 'reject'}`,
        target: `join:${request._id}`,
        before: toJoinRequest(request),
        after,
      },
      tx,
    );
  });
}

/** The promoter id WeChat gave the person, or undefined when getpromoter fails (logged). */
async function learnPromoterId(api: PromoterApi, openid: string, now: number): Promise<string | undefined> {
  try {
    const { promoters } = await api.getPromoterPage({ openid });
    const row = promoters[0];
    if (row) {
      await storeWechatRow(row, now);
      return row.id;
    }
  } catch (err) {
    log.warn('join_promoter_lookup_failed', { openid, error: err });
  }
  // The mirror cannot learn the new promoter from this lookup: the next read walks everything once.
  await markStale();
  return undefined;
}

/** Step 3 for one accepted row: the record, or (if that fails) a lone audit record and a stale lease. */
async function completeApproval(
  ctx: ActionContext,
  api: PromoterApi,
  item: Held,
  done: string[],
  failed: Failed[],
): Promise<void> {
  const promoterId = await learnPromoterId(api, item.request.openid, ctx.now());
  try {
    await recordDecision(ctx, item.request, 'approved', promoterId ? { promoterId } : {});
    done.push(item.request._id);
    await releaseLease(item.lease).catch((err: unknown) => log.warn('lease_release_failed', { error: err }));
  } catch (err) {
    const e = toCloudError(err);
    await ctx
      .audit({
        target: `join:${item.request._id}`,
        before: toJoinRequest(item.request),
        after: { declared: true, openid: item.request.openid, saved: false },
      })
      .catch((auditErr: unknown) => log.error('join_declared_audit_failed', { error: auditErr }));
    failed.push({
      id: item.request._id,
      code: e.code,
      message: `已在微信声明为推广员，审核结果稍后自动补记，请稍后刷新：${e.message}`,
    });
  }
}

export async function approveRequests(ctx: ActionContext, ids: string[]): Promise<BatchResult> {
  const done: string[] = [];
  const failed: Failed[] = [];
  const held = await claimRequests(ctx, ids, 'approved', done, failed);
  if (held.length > 0) {
    const api = promoterApi();
    const released = new Set<Held>();
    const release = async (item: Held) => {
      released.add(item);
      await releaseLease(item.lease);
    };
    try {
      // Same path as promoter.declare: role and store come from the invite the person used.
      const rows = held.map(({ request }) => ({
        openid: request.openid,
        roleId: request.roleId,
        storeId: request.storeId,
        name: request.name,
        phone: request.phone,
      }));
      const checked = await validateRows(api, ctx.caller, rows, 'ids');
      for (const f of checked.failed) {
        failed.push({ id: held[f.index].request._id, code: f.code, message: f.message });
        await release(held[f.index]);
      }
      const settle = async (batch: RowOutcome[]) => {
        for (const outcome of batch) {
          const item = held[outcome.index];
          released.add(item);
          if (outcome.declared) await completeApproval(ctx, api, item, done, failed);
          else {
            const f = outcome.failure;
            failed.push({
              id: item.request._id,
              code: f.code,
              message: f.message,
              ...(f.errcode ? { errcode: f.errcode } : {}),
            });
            await releaseLease(item.lease);
          }
        }
      };
      await sendRows(api, checked.valid as ValidRow[], {
        holder: { action: ctx.action, by: ctx.caller.openid },
        fieldPrefix: 'ids',
        onBatch: settle,
      });
    } finally {
      // Leases of requests never sent (an error before addpromoter) go back; completeApproval keeps its
      // own when the record could not be saved.
      for (const item of held) if (!released.has(item)) await releaseLease(item.lease).catch(() => undefined);
    }
  }
  return { done, failed };
}

export async function rejectRequests(
  ctx: ActionContext,
  ids: string[],
  reason: string | undefined,
): Promise<BatchResult> {
  const done: string[] = [];
  const failed: Failed[] = [];
  const held = await claimRequests(ctx, ids, 'rejected', done, failed);
  for (const item of held) {
    try {
      const crashed = item.lease.takenOver;
      if (crashed?.action === 'join.approve') {
        // An approve crashed holding this request: WeChat may hold the person as declared.
        const { promoters } = await promoterApi().getPromoterPage({ openid: item.request.openid });
        const row = promoters.find((p) => p.declStatus === 1);
        if (row) {
          await storeWechatRow(row, ctx.now());
          await recordDecision(ctx, item.request, 'approved', { promoterId: row.id, decidedBy: crashed.by });
          settledAnswer({ ...item.request, status: 'approved' }, 'rejected', done, failed);
          continue;
        }
      }
      await recordDecision(ctx, item.request, 'rejected', reason !== undefined ? { reason } : {});
      done.push(item.request._id);
    } catch (err) {
      const e = toCloudError(err);
      failed.push({ id: item.request._id, code: e.code, message: e.message });
    } finally {
      await releaseLease(item.lease).catch((err: unknown) =>
        log.warn('lease_release_failed', { error: err }),
      );
    }
  }
  return { done, failed };
}
