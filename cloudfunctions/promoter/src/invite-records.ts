/**
 * Invites as stored (collection `invites`, _id = the share token): written by invite.create, read by
 * invite.get and join.request.
 */
import * as v from 'valibot';
import type { Invite } from '../../../typings/contract/promoter';
import { AppError } from '../../_shared/errors';
import { idString } from '../../_shared/validation';
import { COLLECTIONS } from '../../_shared/collections';
import { type Stored, getDoc } from '../../_shared/db';

export const JOIN_PATH = '/pages/join/index';

export type InviteDoc = Omit<Invite, 'token'>;

export const inviteToken = v.pipe(
  idString('邀请码'),
  v.regex(/^[A-Za-z0-9_-]{24,64}$/, '邀请码格式不正确：应为 24 到 64 位字母、数字、_ 或 -'),
);

export function toInvite(doc: Stored<InviteDoc>): Invite {
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

/** The invite behind `token`, or NOT_FOUND naming `field`. */
export async function requireInvite(token: string, field: string): Promise<Stored<InviteDoc>> {
  const doc = await getDoc<InviteDoc>(COLLECTIONS.invites, token);
  if (!doc) throw new AppError('NOT_FOUND', '邀请不存在，请向店长索取新的邀请', { field });
  return doc;
}
