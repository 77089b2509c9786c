/**
 * Invites (collection `invites`, doc _id = the share token) and join requests (collection
 * `join_requests`): a store manager shares an invite card; the person opening it asks to join; a
 * manager approves (which declares them through the same path as promoter.declare) or rejects.
 */
import * as v from 'valibot';
import type { BatchResult, Invite, JoinRequest, JoinStatus } from '../../../../typings/contract/promoter';
import { FIELD_LABELS, LIMITS } from '../../../../miniprogram/shared/field-rules';
import { canAccessStore, visibleStoreIds } from '../../../_shared/access';
import { AppError, toCloudError } from '../../../_shared/errors';
import { type ActionContext, defineAction } from '../../../_shared/handler';
import { bytes, list, oneOf, pageParams, params, roleId, storeId } from '../../../_shared/validation';
import { promoterApi } from '../../../_shared/wechat/promoter-api';
import { type ValidRow, phone, sendRows, validateRows } from '../declare';
import { requireRole, requireStore } from '../lookups';
import { pagedQuery } from '../paging';
import { ensureFresh, findPromoterByOpenid, markStale, storeWechatRow } from '../read-model';
import { COLLECTIONS, type Stored, cmd, findSome, getDoc, randomId } from '../store';

export const JOIN_PATH = '/pages/join/index';
const DAY_S = 86_400;

type InviteDoc = Omit<Invite, 'token'>;
/**
 * `seq` numbers one person's requests 1, 2, 3… (from their claim document, in the request's own
 * transaction), so "their latest request" never depends on two requests' createdAt seconds.
 */
type JoinDoc = Omit<JoinRequest, 'id'> & { updatedAt: number; seq?: number };

const inviteToken = v.pipe(
  bytes(64, '邀请码'),
  v.regex(/^[A-Za-z0-9_-]{24,64}$/, '邀请码格式不正确（inviteToken）'),
);

function toInvite(doc: Stored<InviteDoc>): Invite {
  return {
    token: doc._id,
    storeId: doc.storeId,
    storeName: doc.storeName,
    roleId: doc.roleId,
    roleName: doc.roleName,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    sharePath: doc.sharePath,
  };
}

export function toJoinRequest(doc: Stored<JoinDoc>): JoinRequest {
  const out: JoinRequest = {
    id: doc._id,
    openid: doc.openid,
    name: doc.name,
    phone: doc.phone,
    storeId: doc.storeId,
    roleId: doc.roleId,
    inviteToken: doc.inviteToken,
    status: doc.status,
    createdAt: doc.createdAt,
  };
  if (doc.decidedAt !== undefined) out.decidedAt = doc.decidedAt;
  if (doc.decidedBy !== undefined) out.decidedBy = doc.decidedBy;
  if (doc.reason !== undefined) out.reason = doc.reason;
  if (doc.promoterId !== undefined) out.promoterId = doc.promoterId;
  return out;
}

const createInvite = defineAction({
  access: 'staff',
  schema: params({
    storeId,
    roleId,
    invitationType: v.optional(v.picklist([0, 1, 2], '邀请素材类型只能是 0、1、2 之一')),
  }),
  async run(p, ctx) {
    if (!canAccessStore(ctx.caller, p.storeId)) {
      throw new AppError('FORBIDDEN', `你不是门店 ${p.storeId} 的店长，不能为该门店创建邀请`, {
        field: 'storeId',
      });
    }
    const api = promoterApi();
    const store = await requireStore(p.storeId);
    const role = await requireRole(api, p.roleId);
    const material = await api.getInvitationMaterial(p.roleId, p.invitationType ?? 0);
    const token = randomId(18);
    const now = ctx.now();
    const doc: InviteDoc = {
      storeId: p.storeId,
      storeName: store.name,
      roleId: role.roleId,
      roleName: role.name,
      createdBy: ctx.caller.openid,
      createdAt: now,
      expiresAt: now + LIMITS.invite.validDays * DAY_S,
      sharePath: `${JOIN_PATH}?invite=${token}`,
    };
    const invite = toInvite({ ...doc, _id: token });
    await ctx.transaction(async (tx) => {
      await tx.collection<Stored<InviteDoc>>(COLLECTIONS.invites).doc(token).set({ data: doc });
      await ctx.audit({ target: `invite:${token}`, before: null, after: invite }, tx);
    });
    return { invite, material };
  },
});

async function requireInvite(token: string): Promise<Stored<InviteDoc>> {
  const doc = await getDoc<InviteDoc>(COLLECTIONS.invites, token);
  if (!doc)
    throw new AppError('NOT_FOUND', '邀请不存在，请向店长索取新的邀请（inviteToken）', {
      field: 'inviteToken',
    });
  return doc;
}

const getInvite = defineAction({
  access: 'anyone',
  schema: params({ token: inviteToken }),
  async run({ token }, ctx) {
    const doc = await getDoc<InviteDoc>(COLLECTIONS.invites, token);
    if (!doc)
      throw new AppError('NOT_FOUND', '邀请不存在，请向店长索取新的邀请（token）', { field: 'token' });
    return { ...toInvite(doc), expired: ctx.now() >= doc.expiresAt };
  },
});

const requestJoin = defineAction({
  access: 'anyone',
  schema: params({
    inviteToken,
    name: bytes(LIMITS.join.nameBytes, FIELD_LABELS.name),
    phone,
  }),
  async run(p, ctx) {
    // The person asking is always the caller: an openid in params would let anyone sign up someone else.
    const openid = ctx.caller.openid;
    const invite = await requireInvite(p.inviteToken);
    const now = ctx.now();
    if (now >= invite.expiresAt) {
      throw new AppError('FAILED_PRECONDITION', '邀请已过期，请向店长索取新的邀请（inviteToken）', {
        field: 'inviteToken',
      });
    }
    await ensureFresh(promoterApi(), now);
    const promoter = await findPromoterByOpenid(openid);
    if (promoter && promoter.declStatus === 1) {
      throw new AppError('CONFLICT', '你已经是推广员，无需再次申请');
    }
    const fields = {
      name: p.name.trim(),
      phone: p.phone,
      storeId: invite.storeId,
      roleId: invite.roleId,
      inviteToken: p.inviteToken,
      updatedAt: now,
    };
    // Requests stored before claims existed have none: the pending one found here is adopted (checked
    // again inside the transaction). Requests written since always have their claim.
    const [unclaimed] = await findSome<JoinDoc>(
      COLLECTIONS.joinRequests,
      { openid, status: 'pending' },
      { limit: 1 },
    );
    return savePendingRequest(ctx, openid, fields, now, unclaimed?._id);
  },
});

/**
 * The claim on a person's one pending request (collection `join_request_claims`, _id = openid).
 * `pendingId` is null once that request is decided; `seq` is the number of their newest request.
 */
interface ClaimDoc {
  pendingId: string | null;
  seq?: number;
  updatedAt: number;
}

/** What runTransaction rejects with once a commit conflict outlasts its own retries. */
function isTransactionConflict(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { code?: unknown }).code === 'DATABASE_TRANSACTION_CONFLICT'
  );
}

/**
 * One pending request per person, also when two requests arrive at the same moment. A transaction in
 * the cloud database reads and writes single documents by _id only (no where()), so "this person's
 * pending request" is a claim document whose _id is the openid, read and written in the same
 * transaction as the request it points to. Two first requests both write the claim: one commits, the
 * other fails with DATABASE_TRANSACTION_CONFLICT and runTransaction runs it again (up to 3 times), now
 * finding the claim and updating that request. Decisions remove the claim in their own transactions; a
 * claim pointing at a request that is no longer pending is stale and simply replaced.
 */
async function savePendingRequest(
  ctx: ActionContext,
  openid: string,
  fields: Omit<JoinDoc, 'openid' | 'status' | 'createdAt'>,
  now: number,
  unclaimedId: string | undefined,
): Promise<JoinRequest> {
  try {
    return await ctx.transaction(async (tx) => {
      const requests = tx.collection<Stored<JoinDoc>>(COLLECTIONS.joinRequests);
      const claims = tx.collection<Stored<ClaimDoc>>(COLLECTIONS.joinRequestClaims);
      const claim = (await claims.doc(openid).get()).data;
      for (const id of new Set([claim?.pendingId, unclaimedId])) {
        if (!id) continue;
        const pending = (await requests.doc(id).get()).data;
        if (!pending || pending.status !== 'pending' || pending.openid !== openid) continue;
        await requests.doc(id).update({ data: fields });
        if (claim?.pendingId !== id) {
          const seq = Math.max(claim?.seq ?? 0, pending.seq ?? 0);
          await claims.doc(openid).set({ data: { pendingId: id, seq, updatedAt: now } });
        }
        return toJoinRequest({ ...pending, ...fields });
      }
      const id = randomId(12);
      const seq = (claim?.seq ?? 0) + 1;
      const doc: JoinDoc = { openid, status: 'pending', createdAt: now, seq, ...fields };
      await requests.doc(id).set({ data: doc });
      await claims.doc(openid).set({ data: { pendingId: id, seq, updatedAt: now } });
      return toJoinRequest({ ...doc, _id: id });
    });
  } catch (err) {
    if (!isTransactionConflict(err)) throw err;
    throw new AppError('CONFLICT', '你的入驻申请正在同时提交多次，请稍后重试');
  }
}

/** join_requests limited to the caller's stores (or one store, checked). */
function joinScope(ctx: ActionContext, storeIdParam?: string): Record<string, unknown> {
  if (storeIdParam !== undefined) {
    if (!canAccessStore(ctx.caller, storeIdParam)) {
      throw new AppError('FORBIDDEN', `你不是门店 ${storeIdParam} 的店长，不能查看该门店的申请`, {
        field: 'storeId',
      });
    }
    return { storeId: storeIdParam };
  }
  const visible = visibleStoreIds(ctx.caller);
  return visible === undefined ? {} : { storeId: cmd().in(visible) };
}

const listJoins = defineAction({
  access: 'staff',
  schema: params({
    ...pageParams,
    status: v.optional(oneOf(['pending', 'approved', 'rejected'] as const, '申请状态')),
    storeId: v.optional(storeId),
  }),
  async run(p, ctx) {
    const where = { ...joinScope(ctx, p.storeId), ...(p.status ? { status: p.status } : {}) };
    return pagedQuery<JoinDoc, JoinRequest>({
      collection: COLLECTIONS.joinRequests,
      where,
      keyField: 'createdAt',
      cursor: p.cursor,
      limit: p.limit,
      toItem: toJoinRequest,
    });
  },
});

const joinIds = list(bytes(64, '申请 id'), '申请 id 列表', 1, LIMITS.batch.maxIds);

type Failed = BatchResult['failed'][number];

/** Loads the requests; the ones the caller may decide on (pending, their store) and the rest as failures. */
async function decidable(
  ctx: ActionContext,
  ids: string[],
): Promise<{ ok: Stored<JoinDoc>[]; failed: Failed[] }> {
  const ok: Stored<JoinDoc>[] = [];
  const failed: Failed[] = [];
  for (const id of [...new Set(ids)]) {
    const doc = await getDoc<JoinDoc>(COLLECTIONS.joinRequests, id);
    if (!doc) failed.push({ id, code: 'NOT_FOUND', message: `申请 ${id} 不存在` });
    else if (!canAccessStore(ctx.caller, doc.storeId)) {
      failed.push({
        id,
        code: 'FORBIDDEN',
        message: `申请 ${id} 属于门店 ${doc.storeId}，你不是该门店的店长`,
      });
    } else if (doc.status !== 'pending') {
      const state: Record<JoinStatus, string> = { pending: '待审核', approved: '已通过', rejected: '已拒绝' };
      failed.push({ id, code: 'CONFLICT', message: `申请 ${id} ${state[doc.status]}，不能再次处理` });
    } else ok.push(doc);
  }
  return { ok, failed };
}

/** Marks a request decided and writes its audit record, in one transaction. */
async function recordDecision(
  ctx: ActionContext,
  request: Stored<JoinDoc>,
  status: 'approved' | 'rejected',
  extra: { promoterId?: string; reason?: string },
): Promise<void> {
  const now = ctx.now();
  const decision = { status, decidedAt: now, decidedBy: ctx.caller.openid, updatedAt: now, ...extra };
  await ctx.transaction(async (tx) => {
    const requests = tx.collection<Stored<JoinDoc>>(COLLECTIONS.joinRequests);
    // Checked again inside the transaction: an approve and a reject of the same request at the same
    // moment must not both go through.
    const current = (await requests.doc(request._id).get()).data;
    if (!current || current.status !== 'pending') {
      throw new AppError('CONFLICT', `申请 ${request._id} 已被他人处理，请刷新后查看`);
    }
    await requests.doc(request._id).update({ data: decision });
    // The person may ask again: the decision releases their claim (if it still points here) and
    // keeps its seq, so their next request is numbered after this one.
    const claims = tx.collection<Stored<ClaimDoc>>(COLLECTIONS.joinRequestClaims);
    const claim = (await claims.doc(request.openid).get()).data;
    if (claim?.pendingId === request._id) {
      await claims.doc(request.openid).update({ data: { pendingId: null, updatedAt: now } });
    }
    const after = toJoinRequest({ ...request, ...decision });
    await ctx.audit({ target: `join:${request._id}`, before: toJoinRequest(request), after }, tx);
  });
}

const approveJoins = defineAction({
  access: 'staff',
  schema: params({ ids: joinIds }),
  async run({ ids }, ctx): Promise<BatchResult> {
    const { ok, failed } = await decidable(ctx, ids);
    const done: string[] = [];
    if (ok.length === 0) return { done, failed };
    const api = promoterApi();
    // Same path as promoter.declare: role and store come from the invite the person used.
    const rows = ok.map((doc) => ({
      openid: doc.openid,
      roleId: doc.roleId,
      storeId: doc.storeId,
      name: doc.name,
      phone: doc.phone,
    }));
    const checked = await validateRows(api, ctx.caller, rows, 'ids');
    for (const f of checked.failed) failed.push({ id: ok[f.index]._id, code: f.code, message: f.message });
    const outcomes = checked.valid.length > 0 ? await sendRows(api, checked.valid as ValidRow[], 'ids') : [];
    let anyDeclared = false;
    for (const outcome of outcomes) {
      const request = ok[outcome.index];
      if (!outcome.declared) {
        const f = outcome.failure;
        failed.push({
          id: request._id,
          code: f.code,
          message: f.message,
          ...(f.errcode ? { errcode: f.errcode } : {}),
        });
        continue;
      }
      anyDeclared = true;
      try {
        const now = ctx.now();
        // Learn the new promoter's WeChat id now, so the request points at it and the mirror has it.
        const { promoters } = await api.getPromoterPage({ openid: request.openid });
        const row = promoters[0];
        if (row) await storeWechatRow(row, now);
        await recordDecision(ctx, request, 'approved', row ? { promoterId: row.id } : {});
        done.push(request._id);
      } catch (err) {
        const e = toCloudError(err);
        failed.push({
          id: request._id,
          code: e.code,
          message: `已声明为推广员，但保存审核结果失败：${e.message}`,
        });
      }
    }
    if (anyDeclared) await markStale();
    return { done, failed };
  },
});

const rejectJoins = defineAction({
  access: 'staff',
  schema: params({
    ids: joinIds,
    reason: v.optional(bytes(LIMITS.join.rejectReasonBytes, FIELD_LABELS.reason)),
  }),
  async run({ ids, reason }, ctx): Promise<BatchResult> {
    const { ok, failed } = await decidable(ctx, ids);
    const done: string[] = [];
    for (const request of ok) {
      try {
        await recordDecision(ctx, request, 'rejected', reason !== undefined ? { reason } : {});
        done.push(request._id);
      } catch (err) {
        const e = toCloudError(err);
        failed.push({ id: request._id, code: e.code, message: e.message });
      }
    }
    return { done, failed };
  },
});

export async function latestJoinRequest(openid: string): Promise<JoinRequest | null> {
  // The claimed pending request first, then the highest seq: two requests can share a createdAt
  // second. Requests stored before seq existed have none and sort after every numbered one.
  const claim = await getDoc<ClaimDoc>(COLLECTIONS.joinRequestClaims, openid);
  if (claim?.pendingId) {
    const pending = await getDoc<JoinDoc>(COLLECTIONS.joinRequests, claim.pendingId);
    if (pending && pending.status === 'pending' && pending.openid === openid) return toJoinRequest(pending);
  }
  const [doc] = await findSome<JoinDoc>(
    COLLECTIONS.joinRequests,
    { openid },
    {
      orderBy: [
        { field: 'seq', direction: 'desc' },
        { field: 'createdAt', direction: 'desc' },
        { field: '_id', direction: 'asc' },
      ],
      limit: 1,
    },
  );
  return doc ? toJoinRequest(doc) : null;
}

export const inviteActions = {
  'invite.create': createInvite,
  'invite.get': getInvite,
  'join.request': requestJoin,
  'join.list': listJoins,
  'join.approve': approveJoins,
  'join.reject': rejectJoins,
};
