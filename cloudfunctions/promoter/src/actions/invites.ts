/**
 * invite.create / invite.get: a store manager shares an invite card (collection `invites`, doc _id =
 * the share token); whoever opens it sees the store and role before asking to join (join-requests.ts).
 */
import * as v from 'valibot';
import { LIMITS } from '../../../../miniprogram/shared/field-rules';
import { assertStoreAccess } from '../../../_shared/access';
import { authorizeTemplateId } from '../../../_shared/config';
import { defineAction } from '../../../_shared/handler';
import { params, roleId, storeId } from '../../../_shared/validation';
import { promoterApi } from '../../../_shared/wechat/promoter-api';
import { type InviteDoc, JOIN_PATH, inviteToken, requireInvite, toInvite } from '../invite-records';
import { requireRole, requireStore } from '../lookups';
import { COLLECTIONS } from '../../../_shared/collections';
import { type Stored, randomId } from '../../../_shared/db';

const DAY_S = 86_400;

const createInvite = defineAction({
  access: 'staff',
  schema: params({
    storeId,
    roleId,
    invitationType: v.optional(v.picklist([0, 1, 2], '邀请素材类型只能是 0、1、2 之一')),
  }),
  async run(p, ctx) {
    assertStoreAccess(ctx.caller, p.storeId);
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

const getInvite = defineAction({
  access: 'anyone',
  schema: params({ token: inviteToken }),
  async run({ token }, ctx) {
    const doc = await requireInvite(token, 'token');
    const templateId = authorizeTemplateId();
    return {
      ...toInvite(doc),
      expired: ctx.now() >= doc.expiresAt,
      ...(templateId ? { authorizeTemplateId: templateId } : {}),
    };
  },
});

export const inviteActions = {
  'invite.create': createInvite,
  'invite.get': getInvite,
};
