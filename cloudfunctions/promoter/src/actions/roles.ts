/**
 * Roles are WeChat's and merchant-wide: one list for every store (there is no per-store role and no
 * deleterole). So any staff member may read them, and only HQ admins may add or rename them: a
 * manager's change would affect every other store.
 */
import * as v from 'valibot';
import type { Role } from '../../../../typings/contract/promoter';
import { FIELD_LABELS, LIMITS } from '../../../../miniprogram/shared/field-rules';
import { AppError } from '../../../_shared/errors';
import { defineAction } from '../../../_shared/handler';
import { bytes, noParams, params, roleId } from '../../../_shared/validation';
import { promoterApi } from '../../../_shared/wechat/promoter-api';
import { roleMap } from '../lookups';

const roleName = bytes(LIMITS.role.nameBytes, FIELD_LABELS.roleName);
const roleDesc = bytes(LIMITS.role.descBytes, FIELD_LABELS.desc, { allowEmpty: true, multiline: true });

const listRoles = defineAction({
  access: 'staff',
  schema: noParams,
  async run() {
    const { roles } = await promoterApi().getRoles();
    return { items: roles.sort((a, b) => a.roleId - b.roleId) };
  },
});

const addRole = defineAction({
  access: 'admin',
  schema: params({ name: roleName, desc: v.optional(roleDesc) }),
  async run({ name, desc }, ctx): Promise<Role> {
    const api = promoterApi();
    const roles = [...(await roleMap(api)).values()];
    const trimmed = name.trim();
    // addrole is not idempotent: refuse a repeat ourselves instead of creating a second role.
    if (roles.some((r) => r.name === trimmed)) {
      throw new AppError('CONFLICT', `已有名为「${trimmed}」的角色`, { field: 'name' });
    }
    if (roles.length >= LIMITS.role.maxRoles) {
      throw new AppError('QUOTA_EXCEEDED', `角色最多 ${LIMITS.role.maxRoles} 个，已达上限`, {
        field: 'name',
      });
    }
    const role = await api.addRole({ name: trimmed, desc: desc ?? '' });
    await ctx.audit({ target: `role:${role.roleId}`, before: null, after: role });
    return role;
  },
});

const updateRole = defineAction({
  access: 'admin',
  schema: params({ roleId, name: v.optional(roleName), desc: v.optional(roleDesc) }),
  async run(p, ctx): Promise<Role> {
    if (p.name === undefined && p.desc === undefined) {
      throw new AppError('INVALID_ARGUMENT', '请至少修改角色名称或角色说明中的一项', { field: 'name' });
    }
    const api = promoterApi();
    const roles = await roleMap(api);
    const before = roles.get(p.roleId);
    if (!before) throw new AppError('NOT_FOUND', `角色 ${p.roleId} 不存在（roleId）`, { field: 'roleId' });
    const name = p.name?.trim();
    if (name !== undefined && [...roles.values()].some((r) => r.roleId !== p.roleId && r.name === name)) {
      throw new AppError('CONFLICT', `已有名为「${name}」的角色`, { field: 'name' });
    }
    await api.updateRole({ roleId: p.roleId, name, desc: p.desc });
    const after: Role = {
      ...before,
      ...(name !== undefined ? { name } : {}),
      ...(p.desc !== undefined ? { desc: p.desc } : {}),
    };
    await ctx.audit({ target: `role:${p.roleId}`, before, after });
    return after;
  },
});

export const roleActions = {
  'role.list': listRoles,
  'role.add': addRole,
  'role.update': updateRole,
};
