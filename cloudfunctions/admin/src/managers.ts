/**
 * Staff: HQ admins and store managers (collection `staff`, doc _id = openid). ADMIN_OPENIDS are
 * admins always (builtIn): listed even without a document, never removed or demoted here.
 */
import * as v from 'valibot';
import type { Staff } from '../../../typings/contract/admin';
import type { StaffRole } from '../../../typings/contract/common';
import { FIELD_LABELS, LIMITS } from '../../../miniprogram/shared/field-rules';
import { adminOpenids } from '../../_shared/config';
import { getAll } from '../../_shared/db';
import { AppError } from '../../_shared/errors';
import { defineAction } from '../../_shared/handler';
import { STAFF_COLLECTION, type StaffDoc, isBuiltInAdmin } from '../../_shared/staff';
import { bytes, list, noParams, oneOf, openid, params, storeId } from '../../_shared/validation';
import { assertStoresExist } from './stores';

/** Shown for a builtIn admin who has no staff document (no name given yet). */
export const BUILT_IN_ADMIN_NAME = '总部管理员';
const BUILT_IN_CREATOR = 'ADMIN_OPENIDS';

const staffName = bytes(LIMITS.staff.nameBytes, FIELD_LABELS.name);
const role = oneOf(['admin', 'manager'] as const, '角色');
const storeIds = list(storeId, '门店', 0, LIMITS.staff.maxStores);

export function toStaff(doc: StaffDoc, builtIn: boolean): Staff {
  return {
    openid: doc._id,
    name: doc.name,
    role: builtIn ? 'admin' : doc.role,
    storeIds: builtIn || doc.role === 'admin' ? [] : [...doc.storeIds],
    builtIn,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
  };
}

function builtInWithoutDoc(id: string): Staff {
  return {
    openid: id,
    name: BUILT_IN_ADMIN_NAME,
    role: 'admin',
    storeIds: [],
    builtIn: true,
    createdAt: 0,
    createdBy: BUILT_IN_CREATOR,
  };
}

/** The stores a role keeps: managers need at least one, admins none (they see all). */
async function checkedStores(nextRole: StaffRole, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (nextRole === 'admin') {
    if (unique.length > 0) {
      throw new AppError('INVALID_ARGUMENT', '总部管理员可查看全部门店，门店列表应为空（storeIds）', {
        field: 'storeIds',
      });
    }
    return [];
  }
  if (unique.length === 0) {
    throw new AppError('INVALID_ARGUMENT', '店长至少要负责 1 家门店（storeIds）', { field: 'storeIds' });
  }
  await assertStoresExist(unique, 'storeIds');
  return unique;
}

export const managerList = defineAction({
  access: 'admin',
  schema: noParams,
  async run() {
    const builtIns = adminOpenids();
    const docs = await getAll<StaffDoc>(STAFF_COLLECTION);
    const byId = new Map(docs.map((d) => [d._id, d]));
    const items: Staff[] = builtIns.map((id) => {
      const doc = byId.get(id);
      return doc ? toStaff(doc, true) : builtInWithoutDoc(id);
    });
    const others = docs
      .filter((d) => !builtIns.includes(d._id))
      .sort((a, b) => a.createdAt - b.createdAt || a._id.localeCompare(b._id));
    items.push(...others.map((d) => toStaff(d, false)));
    return { items };
  },
});

export const managerAdd = defineAction({
  access: 'admin',
  schema: params({ openid, name: staffName, role, storeIds }),
  async run(input, ctx) {
    if (isBuiltInAdmin(input.openid)) {
      throw new AppError('CONFLICT', '该用户是内置总部管理员（ADMIN_OPENIDS），无需添加', {
        field: 'openid',
      });
    }
    const stores = await checkedStores(input.role, input.storeIds);
    const doc: Omit<StaffDoc, '_id'> = {
      openid: input.openid,
      name: input.name,
      role: input.role,
      storeIds: stores,
      createdAt: ctx.now(),
      createdBy: ctx.caller.openid,
    };
    const staff = toStaff({ _id: input.openid, ...doc }, false);
    await ctx.transaction(async (tx) => {
      const col = tx.collection<StaffDoc>(STAFF_COLLECTION);
      if ((await col.doc(input.openid).get()).data) {
        throw new AppError('CONFLICT', '该用户已经是员工，如需修改请编辑', { field: 'openid' });
      }
      await col.doc(input.openid).set({ data: doc });
      await ctx.audit({ target: input.openid, before: null, after: staff }, tx);
    });
    return staff;
  },
});

export const managerUpdate = defineAction({
  access: 'admin',
  schema: params({
    openid,
    name: v.optional(staffName),
    role: v.optional(role),
    storeIds: v.optional(storeIds),
  }),
  async run(input, ctx) {
    if (input.name === undefined && input.role === undefined && input.storeIds === undefined) {
      throw new AppError('INVALID_ARGUMENT', '请至少修改姓名、角色或门店中的一项', { field: 'name' });
    }
    const builtIn = isBuiltInAdmin(input.openid);
    if (builtIn && input.role === 'manager') {
      throw new AppError('FORBIDDEN', '内置总部管理员（ADMIN_OPENIDS）不能降级为店长', { field: 'role' });
    }
    if (input.openid === ctx.caller.openid && input.role !== undefined && input.role !== ctx.caller.role) {
      throw new AppError('FORBIDDEN', '不能修改自己的角色', { field: 'role' });
    }
    return ctx.transaction(async (tx) => {
      const col = tx.collection<StaffDoc>(STAFF_COLLECTION);
      const current = (await col.doc(input.openid).get()).data;
      if (!current && !builtIn) throw new AppError('NOT_FOUND', '没有这位员工', { field: 'openid' });
      const before = current ? toStaff(current, builtIn) : builtInWithoutDoc(input.openid);
      const nextRole: StaffRole = builtIn ? 'admin' : (input.role ?? before.role);
      const roleChanged = nextRole !== before.role;
      // Switching to admin drops the stores; switching to manager needs them (given or kept).
      const wantedStores = input.storeIds ?? (nextRole === 'admin' ? [] : roleChanged ? [] : before.storeIds);
      const stores = await checkedStores(nextRole, wantedStores);
      const after: Staff = { ...before, name: input.name ?? before.name, role: nextRole, storeIds: stores };
      if (JSON.stringify(after) === JSON.stringify(before)) return before; // nothing changes
      const data: Omit<StaffDoc, '_id'> = {
        openid: input.openid,
        name: after.name,
        role: after.role,
        storeIds: after.storeIds,
        createdAt: current ? current.createdAt : ctx.now(),
        createdBy: current ? current.createdBy : BUILT_IN_CREATOR,
        updatedAt: ctx.now(),
      };
      await col.doc(input.openid).set({ data });
      const stored = toStaff({ _id: input.openid, ...data }, builtIn);
      await ctx.audit({ target: input.openid, before, after: stored }, tx);
      return stored;
    });
  },
});

export const managerRemove = defineAction({
  access: 'admin',
  schema: params({ openid }),
  async run(input, ctx) {
    if (isBuiltInAdmin(input.openid)) {
      throw new AppError('FORBIDDEN', '内置总部管理员（ADMIN_OPENIDS）不能删除', { field: 'openid' });
    }
    if (input.openid === ctx.caller.openid) {
      throw new AppError('FORBIDDEN', '不能删除自己', { field: 'openid' });
    }
    await ctx.transaction(async (tx) => {
      const col = tx.collection<StaffDoc>(STAFF_COLLECTION);
      const current = (await col.doc(input.openid).get()).data;
      if (!current) throw new AppError('NOT_FOUND', '没有这位员工', { field: 'openid' });
      await col.doc(input.openid).remove();
      await ctx.audit({ target: input.openid, before: toStaff(current, false), after: null }, tx);
    });
    return { openid: input.openid };
  },
});
