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

/** The state of a staff invite: open until someone accepts it, HQ revokes it or it expires. */
export type StaffInviteStatus = 'open' | 'accepted' | 'revoked' | 'expired';

/** HQ's invite for one person to become a store manager (or HQ admin) without typing their openid. */
export interface StaffInvite {
  token: string;
  role: StaffRole;
  /** The stores a manager will run (empty for an admin invite). */
  storeIds: string[];
  storeNames: string[];
  /** The name HQ gave the person; they may correct it when accepting. */
  name: string;
  createdBy: string;
  createdByName: string;
  createdAt: UnixSeconds;
  expiresAt: UnixSeconds;
  /** The page the invite card opens: /pages/staff-join/index?token=… */
  sharePath: string;
  status: StaffInviteStatus;
  acceptedByName?: string;
  acceptedAt?: UnixSeconds;
}

/** What the person who opens a staff invite sees (no openids). */
export interface StaffInviteInfo {
  role: StaffRole;
  storeNames: string[];
  name: string;
  inviterName: string;
  expiresAt: UnixSeconds;
  status: StaffInviteStatus;
  /** The caller already holds what the invite gives (e.g. a manager of those stores, or an HQ admin). */
  alreadyStaff: boolean;
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
  /** HQ: a single-use invite card for one person (no openid needed). */
  'manager.invite': { params: { name: string; role: StaffRole; storeIds: string[] }; result: StaffInvite };
  /** HQ: the invites still open, newest first. */
  'manager.invites': { params: Record<string, never>; result: { items: StaffInvite[] } };
  'manager.inviteRevoke': { params: { token: string }; result: StaffInvite };
  /** Anyone holding the token: what accepting it would give them. */
  'manager.inviteInfo': { params: { token: string }; result: StaffInviteInfo };
  /** Anyone holding the token: the caller (openid from the context) becomes that staff member. */
  'manager.accept': { params: { token: string; name?: string }; result: Staff };
  /** Managers get their own stores; admins all. */
  'store.list': { params: Record<string, never>; result: { items: Store[] } };
  'store.add': { params: { storeId: string; name: string }; result: Store };
  'store.update': { params: { storeId: string; name: string }; result: Store };
  'audit.list': {
    /**
     * `auditAction` filters by the audited action (`action` is the dispatch name of every call);
     * `auditActions` by any of several.
     */
    params: PageParams & { auditAction?: string; auditActions?: string[]; actor?: string; target?: string };
    result: Page<AuditEntry>;
  };
}
