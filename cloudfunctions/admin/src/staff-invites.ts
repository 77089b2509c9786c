/**
 * Staff invites (collection `staff_invites`, doc _id = the share token): HQ onboards a store manager
 * without anyone typing an openid. HQ creates an invite for a name, a role and stores and shares the
 * card; the person who opens it and accepts becomes that staff member, their openid taken from the
 * call's context. An invite is single-use: accepting claims it in the same transaction that writes
 * the staff document and its audit record, so two people accepting at once get one winner.
 */
import * as v from 'valibot';
import type { Staff, StaffInvite, StaffInviteInfo, StaffInviteStatus } from '../../../typings/contract/admin';
import type { StaffRole, UnixSeconds } from '../../../typings/contract/common';
import { FIELD_LABELS, LIMITS } from '../../../miniprogram/shared/field-rules';
import { randomBytes } from 'node:crypto';
import { type StoredDoc, db, getAll, getById } from '../../_shared/db';
import { AppError } from '../../_shared/errors';
import { type ActionContext, defineAction } from '../../_shared/handler';
import { STAFF_COLLECTION, type StaffDoc } from '../../_shared/staff';
import { bytes, list, noParams, oneOf, params, storeId } from '../../_shared/validation';
import { BUILT_IN_ADMIN_NAME, toStaff } from './managers';
import { STORES_COLLECTION, type StoreDoc, assertStoresExist } from './stores';
import { COLLECTIONS } from '../../_shared/collections';

export const STAFF_INVITES_COLLECTION = COLLECTIONS.staffInvites;
export const STAFF_JOIN_PATH = '/pages/staff-join/index';
const DAY_S = 86_400;

interface StaffInviteDoc extends StoredDoc {
  /** = token */
  _id: string;
  role: StaffRole;
  storeIds: string[];
  storeNames: string[];
  name: string;
  createdBy: string;
  createdByName: string;
  createdAt: UnixSeconds;
  expiresAt: UnixSeconds;
  /** open, accepted or revoked as stored; "expired" is worked out when read. */
  status: Exclude<StaffInviteStatus, 'expired'>;
  acceptedBy?: string;
  acceptedByName?: string;
  acceptedAt?: UnixSeconds;
  revokedBy?: string;
  revokedAt?: UnixSeconds;
}

const staffName = bytes(LIMITS.staff.nameBytes, FIELD_LABELS.name);
const token = v.pipe(
  v.string('邀请码应为文本'),
  v.regex(/^[A-Za-z0-9_-]{24,64}$/, '邀请码格式不正确：请从邀请卡片重新打开'),
);

function statusOf(doc: StaffInviteDoc, now: UnixSeconds): StaffInviteStatus {
  return doc.status === 'open' && now >= doc.expiresAt ? 'expired' : doc.status;
}

function toInvite(doc: StaffInviteDoc, now: UnixSeconds): StaffInvite {
  const out: StaffInvite = {
    token: doc._id,
    role: doc.role,
    storeIds: [...doc.storeIds],
    storeNames: [...doc.storeNames],
    name: doc.name,
    createdBy: doc.createdBy,
    createdByName: doc.createdByName,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    sharePath: `${STAFF_JOIN_PATH}?token=${doc._id}`,
    status: statusOf(doc, now),
  };
  if (doc.acceptedByName !== undefined) out.acceptedByName = doc.acceptedByName;
  if (doc.acceptedAt !== undefined) out.acceptedAt = doc.acceptedAt;
  return out;
}

async function storeNames(ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const docs = await getAll<StoreDoc>(STORES_COLLECTION, { _id: db().command.in(ids) });
  const byId = new Map(docs.map((d) => [d._id, d.name]));
  return ids.map((id) => byId.get(id) ?? id);
}

function openInvites(now: UnixSeconds): Promise<StaffInviteDoc[]> {
  const _ = db().command;
  return getAll<StaffInviteDoc>(STAFF_INVITES_COLLECTION, { status: 'open', expiresAt: _.gt(now) });
}

export const managerInvite = defineAction({
  access: 'admin',
  schema: params({
    name: staffName,
    role: oneOf(['admin', 'manager'] as const, '角色'),
    storeIds: list(storeId, '门店', 0, LIMITS.staff.maxStores),
  }),
  async run(input, ctx) {
    const stores = [...new Set(input.storeIds)];
    if (input.role === 'manager' && stores.length === 0) {
      throw new AppError('INVALID_ARGUMENT', '店长至少要负责 1 家门店', { field: 'storeIds' });
    }
    if (input.role === 'admin' && stores.length > 0) {
      throw new AppError('INVALID_ARGUMENT', '总部管理员可查看全部门店，不用选门店', { field: 'storeIds' });
    }
    await assertStoresExist(stores, 'storeIds');
    const now = ctx.now();
    if ((await openInvites(now)).length >= LIMITS.staffInvite.maxOpen) {
      throw new AppError(
        'FAILED_PRECONDITION',
        `未使用的邀请已有 ${LIMITS.staffInvite.maxOpen} 个，请先撤回用不到的邀请`,
      );
    }
    const doc: StaffInviteDoc = {
      _id: randomBytes(18).toString('base64url'),
      role: input.role,
      storeIds: stores,
      storeNames: await storeNames(stores),
      name: input.name.trim(),
      createdBy: ctx.caller.openid,
      createdByName: ctx.caller.name ?? BUILT_IN_ADMIN_NAME,
      createdAt: now,
      expiresAt: now + LIMITS.staffInvite.validDays * DAY_S,
      status: 'open',
    };
    const invite = toInvite(doc, now);
    await ctx.transaction(async (tx) => {
      const { _id, ...data } = doc;
      await tx.collection<StaffInviteDoc>(STAFF_INVITES_COLLECTION).doc(_id).set({ data });
      await ctx.audit({ target: `staffInvite:${_id}`, before: null, after: invite }, tx);
    });
    return invite;
  },
});

export const managerInvites = defineAction({
  access: 'admin',
  schema: noParams,
  async run(_input, ctx) {
    const now = ctx.now();
    const docs = await openInvites(now);
    docs.sort((a, b) => b.createdAt - a.createdAt || a._id.localeCompare(b._id));
    return { items: docs.map((d) => toInvite(d, now)) };
  },
});

async function requireInvite(id: string): Promise<StaffInviteDoc> {
  const doc = await getById<StaffInviteDoc>(STAFF_INVITES_COLLECTION, id);
  if (!doc) {
    throw new AppError('NOT_FOUND', '找不到这个邀请，请联系总部管理员重新发送', { field: 'token' });
  }
  return doc;
}

export const managerInviteRevoke = defineAction({
  access: 'admin',
  schema: params({ token }),
  async run(input, ctx) {
    const now = ctx.now();
    return ctx.transaction(async (tx) => {
      const invites = tx.collection<StaffInviteDoc>(STAFF_INVITES_COLLECTION);
      const current = (await invites.doc(input.token).get()).data;
      if (!current) throw new AppError('NOT_FOUND', '找不到这个邀请', { field: 'token' });
      const before = toInvite({ ...current, _id: input.token }, now);
      if (current.status === 'revoked') return before; // a repeat is the success it is
      if (current.status === 'accepted') {
        throw new AppError('CONFLICT', `${current.acceptedByName ?? '对方'}已接受这个邀请，不能撤回`, {
          field: 'token',
        });
      }
      const change = { status: 'revoked' as const, revokedBy: ctx.caller.openid, revokedAt: now };
      await invites.doc(input.token).update({ data: change });
      const after = toInvite({ ...current, ...change, _id: input.token }, now);
      await ctx.audit({ target: `staffInvite:${input.token}`, before, after }, tx);
      return after;
    });
  },
});

/** The caller already holds what the invite gives. */
function holdsAlready(ctx: ActionContext, doc: StaffInviteDoc): boolean {
  const { caller } = ctx;
  if (caller.role === 'admin') return true;
  return (
    doc.role === 'manager' &&
    caller.role === 'manager' &&
    doc.storeIds.every((id) => caller.storeIds.includes(id))
  );
}

export const managerInviteInfo = defineAction({
  access: 'anyone',
  schema: params({ token }),
  async run(input, ctx): Promise<StaffInviteInfo> {
    const doc = await requireInvite(input.token);
    return {
      role: doc.role,
      storeNames: [...doc.storeNames],
      name: doc.name,
      inviterName: doc.createdByName,
      expiresAt: doc.expiresAt,
      status: statusOf(doc, ctx.now()),
      alreadyStaff: holdsAlready(ctx, doc),
    };
  },
});

export const managerAccept = defineAction({
  access: 'anyone',
  schema: params({ token, name: v.optional(staffName) }),
  async run(input, ctx): Promise<Staff> {
    const me = ctx.caller;
    if (me.role === 'admin') {
      throw new AppError('CONFLICT', '你已经是总部管理员，可以管理全部门店，无需接受邀请');
    }
    const now = ctx.now();
    return ctx.transaction(async (tx) => {
      const invites = tx.collection<StaffInviteDoc>(STAFF_INVITES_COLLECTION);
      const staff = tx.collection<StaffDoc>(STAFF_COLLECTION);
      const found = (await invites.doc(input.token).get()).data;
      if (!found) {
        throw new AppError('NOT_FOUND', '找不到这个邀请，请联系总部管理员重新发送', { field: 'token' });
      }
      const invite: StaffInviteDoc = { ...found, _id: input.token };
      const current = (await staff.doc(me.openid).get()).data;
      if (invite.status === 'accepted') {
        // The same person tapping twice gets their answer again; anyone else is told it is taken.
        if (invite.acceptedBy === me.openid && current) return toStaff({ ...current, _id: me.openid }, false);
        throw new AppError('CONFLICT', '这个邀请已被他人接受，请联系总部管理员重新邀请你', {
          field: 'token',
        });
      }
      if (invite.status === 'revoked') {
        throw new AppError('FAILED_PRECONDITION', '这个邀请已被总部撤回，请联系总部管理员', {
          field: 'token',
        });
      }
      if (now >= invite.expiresAt) {
        throw new AppError('FAILED_PRECONDITION', '这个邀请已过期，请联系总部管理员重新发送', {
          field: 'token',
        });
      }
      const name = input.name?.trim() || current?.name || invite.name;
      const before = current ? toStaff({ ...current, _id: me.openid }, false) : null;
      // A manager invited to more stores keeps the ones they already run.
      const storeIds =
        invite.role === 'admin' ? [] : [...new Set([...(current?.storeIds ?? []), ...invite.storeIds])];
      const data: Omit<StaffDoc, '_id'> = {
        openid: me.openid,
        name,
        role: invite.role,
        storeIds,
        createdAt: current?.createdAt ?? now,
        createdBy: current?.createdBy ?? invite.createdBy,
        ...(current ? { updatedAt: now } : {}),
      };
      await staff.doc(me.openid).set({ data });
      await invites.doc(input.token).update({
        data: { status: 'accepted', acceptedBy: me.openid, acceptedByName: name, acceptedAt: now },
      });
      const after = toStaff({ ...data, _id: me.openid }, false);
      await ctx.audit({ target: me.openid, before, after: { ...after, staffInvite: input.token } }, tx);
      return after;
    });
  },
});
