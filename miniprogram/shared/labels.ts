/**
 * The words for statuses and roles, one place each, read by the pages and the cloud functions (promoter
 * statuses: promoter-status.ts).
 */
import type { StaffRole } from '../../typings/contract/common';
import type { JoinStatus } from '../../typings/contract/promoter';

/** A join request's status, as the list tabs, the status tag and the cloud's answers say it. */
export const JOIN_STATUS_LABELS: Record<JoinStatus, string> = {
  pending: '待审核',
  approved: '已通过',
  rejected: '已拒绝',
};

/** A staff member's role. */
export const STAFF_ROLE_LABELS: Record<StaffRole, string> = {
  admin: '总部管理员',
  manager: '店长',
};
