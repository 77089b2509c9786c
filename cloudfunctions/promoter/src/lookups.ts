/**
 * Stores (written by the admin function, read here) and roles (WeChat's, merchant-wide).
 */
import type { Role } from '../../../typings/contract/promoter';
import { AppError } from '../../_shared/errors';
import type { PromoterApi } from '../../_shared/wechat/promoter-api';
import { COLLECTIONS } from '../../_shared/collections';
import { cmd, findAll, getDoc } from '../../_shared/db';

export interface StoreDoc {
  name: string;
  createdAt: number;
  updatedAt: number;
}

/** The stores among `ids` that exist, by id. */
export async function knownStores(ids: string[]): Promise<Map<string, StoreDoc & { _id: string }>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const docs = await findAll<StoreDoc>(COLLECTIONS.stores, { _id: cmd().in(unique) });
  return new Map(docs.map((d) => [d._id, d]));
}

export async function allStoreIds(): Promise<string[]> {
  return (await findAll<StoreDoc>(COLLECTIONS.stores, {}, { name: true })).map((d) => d._id);
}

/** The store or NOT_FOUND naming the field. */
export async function requireStore(storeId: string, field = 'storeId'): Promise<StoreDoc & { _id: string }> {
  const store = await getDoc<StoreDoc>(COLLECTIONS.stores, storeId);
  if (!store) throw new AppError('NOT_FOUND', `门店 ${storeId} 不存在，请先由总部管理员添加门店`, { field });
  return store;
}

/** Every role, by id (one getrole call: at most 100 roles, no paging). */
export async function roleMap(api: PromoterApi): Promise<Map<number, Role>> {
  const { roles } = await api.getRoles();
  return new Map(roles.map((r) => [r.roleId, r]));
}

/** The role or NOT_FOUND naming the field. */
export async function requireRole(api: PromoterApi, roleId: number, field = 'roleId'): Promise<Role> {
  const role = (await roleMap(api)).get(roleId);
  if (!role) throw new AppError('NOT_FOUND', `角色 ${roleId} 不存在，请先在角色管理中添加`, { field });
  return role;
}
