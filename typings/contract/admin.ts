import type { Page, PageParams, StaffRole, UnixSeconds } from './common';

/** Cloud function `admin`: staff, stores and the audit log (HQ admins only, but for store.list). */

export interface Staff {
  openid: string;
  name: string;
  role: StaffRole;
  /** Stores a manager runs (empty for admins: they see all). */
  storeIds: string[];
  /** true for ADMIN_OPENIDS: configured, cannot be removed here. */
  builtIn: boolean;
  createdAt: UnixSeconds;
  createdBy: string;
}

export interface Store {
  /** = WeChat retail_id: 1..20 bytes of letters, digits, `_` and `-`. */
  storeId: string;
  name: string;
  createdAt: UnixSeconds;
  updatedAt: UnixSeconds;
}

export interface AuditEntry {
  id: string;
  at: UnixSeconds;
  actor: { openid: string; role: string };
  /** cloud function + action, e.g. `promoter` / `promoter.update` */
  fn: string;
  action: string;
  /** what was changed: a promoter id, store id, openid, unionid... */
  target: string;
  before: unknown;
  after: unknown;
}

export interface AdminActions {
  'manager.list': { params: Record<string, never>; result: { items: Staff[] } };
  'manager.add': {
    params: { openid: string; name: string; role: StaffRole; storeIds: string[] };
    result: Staff;
  };
  'manager.update': {
    params: { openid: string; name?: string; role?: StaffRole; storeIds?: string[] };
    result: Staff;
  };
  'manager.remove': { params: { openid: string }; result: { openid: string } };
  /** Managers get their own stores; admins all. */
  'store.list': { params: Record<string, never>; result: { items: Store[] } };
  'store.add': { params: { storeId: string; name: string }; result: Store };
  'store.update': { params: { storeId: string; name: string }; result: Store };
  'audit.list': {
    /** `auditAction` filters by the audited action (`action` is the dispatch name of every call). */
    params: PageParams & { auditAction?: string; actor?: string; target?: string };
    result: Page<AuditEntry>;
  };
}
