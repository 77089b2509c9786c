/**
 * Store-scoped access rules. Admins see and change everything; a manager only the stores in their
 * staff record; anyone else no store at all.
 */
import { AppError } from './errors';
import type { Caller } from './staff';

export type { Caller } from './staff';

export function isAdmin(caller: Caller): boolean {
  return caller.role === 'admin';
}

export function isStaff(caller: Caller): boolean {
  return caller.role === 'admin' || caller.role === 'manager';
}

/** undefined = all stores (admin); otherwise the store ids the caller may see (empty for non-staff). */
export function visibleStoreIds(caller: Caller): string[] | undefined {
  if (caller.role === 'admin') return undefined;
  if (caller.role === 'manager') return [...caller.storeIds];
  return [];
}

export function canAccessStore(caller: Caller, storeId: string): boolean {
  const visible = visibleStoreIds(caller);
  return visible === undefined || visible.includes(storeId);
}

/** FORBIDDEN unless the caller may act on `storeId`; the message names the store. */
export function assertStoreAccess(caller: Caller, storeId: string, field = 'storeId'): void {
  if (canAccessStore(caller, storeId)) return;
  throw new AppError(
    'FORBIDDEN',
    isStaff(caller)
      ? `你不是门店 ${storeId} 的店长，不能操作该门店的数据`
      : '只有总部管理员和店长可以操作门店数据',
    { field },
  );
}

export function assertAdmin(caller: Caller): void {
  if (!isAdmin(caller)) throw new AppError('FORBIDDEN', '只有总部管理员可以执行此操作');
}
