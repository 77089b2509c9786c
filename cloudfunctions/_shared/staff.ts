/**
 * Staff (collection `staff`, doc _id = openid) and who the caller is. ADMIN_OPENIDS are admins
 * always (builtIn), whether or not they have a staff document (one may exist to hold their name).
 */
import type { StaffRole, UnixSeconds } from '../../typings/contract/common';
import { adminOpenids } from './config';
import { type StoredDoc, getById } from './db';
import { COLLECTIONS } from './collections';

export const STAFF_COLLECTION = COLLECTIONS.staff;

export interface StaffDoc extends StoredDoc {
  /** = openid */
  _id: string;
  openid: string;
  name: string;
  role: StaffRole;
  storeIds: string[];
  createdAt: UnixSeconds;
  createdBy: string;
  updatedAt?: UnixSeconds;
}

/** The role access is decided by (the contract's CallerRole adds 'promoter', which whoami tells apart). */
export type AccessRole = StaffRole | 'guest';

export interface Caller {
  openid: string;
  role: AccessRole;
  name?: string;
  /** Stores a manager runs; empty for admins (they see all) and guests. */
  storeIds: string[];
  /** An ADMIN_OPENIDS admin. */
  builtIn: boolean;
}

export function isBuiltInAdmin(openid: string): boolean {
  return adminOpenids().includes(openid);
}

/** Resolves the caller's role from ADMIN_OPENIDS and the staff collection. */
export async function resolveCaller(openid: string): Promise<Caller> {
  const builtIn = isBuiltInAdmin(openid);
  const doc = await getById<StaffDoc>(STAFF_COLLECTION, openid);
  if (builtIn) {
    return { openid, role: 'admin', storeIds: [], builtIn: true, ...(doc?.name ? { name: doc.name } : {}) };
  }
  if (doc && (doc.role === 'admin' || doc.role === 'manager')) {
    return {
      openid,
      role: doc.role,
      name: doc.name,
      storeIds: doc.role === 'manager' ? [...(doc.storeIds ?? [])] : [],
      builtIn: false,
    };
  }
  return { openid, role: 'guest', storeIds: [], builtIn: false };
}
