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

/**
 * The one sentence for a store the caller does not run (null when they may act on it). Every store
 * check says this, whatever was asked of the store: its data, a promoter, a request, a message.
 */
export function storeAccessFailure(caller: Caller, storeId: string): string | null {
  if (canAccessStore(caller, storeId)) return null;
  return isStaff(caller)
    ? `门店 ${storeId} 不属于你负责的门店，不能查看或修改其中的数据`
    : '只有总部管理员和店长可以查看或修改门店数据';
}

/** The one store check: FORBIDDEN (naming `field`) unless the caller may act on `storeId`. */
export function assertStoreAccess(caller: Caller, storeId: string, field = 'storeId'): void {
  const failure = storeAccessFailure(caller, storeId);
  if (failure) throw new AppError('FORBIDDEN', failure, { field });
}
