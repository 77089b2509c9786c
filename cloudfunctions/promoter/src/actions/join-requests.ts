/**
 * join.request / list / approve / reject: the person who opened an invite asks to join (one pending
 * request per person, join-records.ts); a manager of the invite's store approves, which declares them
 * through the promoter.declare path, or rejects (the claim protocol in join-decisions.ts).
 */
import * as v from 'valibot';
import type { BatchResult, JoinRequest } from '../../../../typings/contract/promoter';
import { FIELD_LABELS, LIMITS } from '../../../../miniprogram/shared/field-rules';
import { assertStoreAccess, visibleStoreIds } from '../../../_shared/access';
import { AppError } from '../../../_shared/errors';
import { type ActionContext, defineAction } from '../../../_shared/handler';
import { bytes, idString, list, oneOf, pageParams, params, storeId } from '../../../_shared/validation';
import { promoterApi } from '../../../_shared/wechat/promoter-api';
import { inviteToken, requireInvite } from '../invite-records';
import { approveRequests, rejectRequests } from '../join-decisions';
import { notifyApproved, recordAcceptances } from '../reminders';
import { type JoinDoc, savePendingRequest, toJoinRequest } from '../join-records';
import { pagedQuery } from '../paging';
import { phone, subscribedTemplateIds } from '../params';
import { ensureFresh, findPromoterByOpenid } from '../read-model';
import { COLLECTIONS } from '../../../_shared/collections';
import { cmd, findSome } from '../../../_shared/db';

const requestJoin = defineAction({
  access: 'anyone',
  schema: params({
    inviteToken,
    name: bytes(LIMITS.join.nameBytes, FIELD_LABELS.name),
    phone,
    subscribedTemplateIds: v.optional(subscribedTemplateIds),
  }),
  async run(p, ctx) {
    // The person asking is always the caller: an openid in params would let anyone sign up someone else.
    const openid = ctx.caller.openid;
    const invite = await requireInvite(p.inviteToken, 'inviteToken');
    const now = ctx.now();
    if (now >= invite.expiresAt) {
      throw new AppError('FAILED_PRECONDITION', '邀请已过期，请向店长索取新的邀请', {
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
    const saved = await savePendingRequest(ctx, openid, fields, now, unclaimed?._id);
    // Only after the request is saved: an acceptance is one message, kept for the approval notice.
    if (p.subscribedTemplateIds) await recordAcceptances(openid, p.subscribedTemplateIds, now);
    return saved;
  },
});

/** join_requests limited to the caller's stores (or one store, checked). */
function joinScope(ctx: ActionContext, storeIdParam?: string): Record<string, unknown> {
  if (storeIdParam !== undefined) {
    assertStoreAccess(ctx.caller, storeIdParam);
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

const joinIds = list(idString('申请 id'), '申请 id 列表', 1, LIMITS.batch.maxIds);

const approveJoins = defineAction({
  access: 'staff',
  schema: params({ ids: joinIds }),
  async run({ ids }, ctx): Promise<BatchResult> {
    const result = await approveRequests(ctx, ids);
    await notifyApproved(ctx, result.done);
    return result;
  },
});

const rejectJoins = defineAction({
  access: 'staff',
  schema: params({
    ids: joinIds,
    reason: v.optional(bytes(LIMITS.join.rejectReasonBytes, FIELD_LABELS.reason, { multiline: true })),
  }),
  run: ({ ids, reason }, ctx): Promise<BatchResult> => rejectRequests(ctx, ids, reason),
});

export const joinRequestActions = {
  'join.request': requestJoin,
  'join.list': listJoins,
  'join.approve': approveJoins,
  'join.reject': rejectJoins,
};
