/**
 * The one filter of the promoter list: promoter.list pages by it, and counts by it per status for the
 * list's tabs, so a keyword or a role narrows the tab numbers exactly as it narrows the rows. 提醒授权's
 * "everyone waiting N days" reads its waiting people through `waitingWhere`, the same people and the
 * same clock (`updateTime`) as the list's 等待最久 order.
 */
import type { PromoterListParams, StatusCounts } from '../../../typings/contract/promoter';
import { DAY_SECONDS, PROMOTER_STATUSES, statusFilter } from '../../../miniprogram/shared/promoter-status';
import { COLLECTIONS } from '../../_shared/collections';
import { cmd, containsText, countBy } from '../../_shared/db';
import type { ActionContext } from '../../_shared/handler';
import { storeScope } from './promoter-access';

/** What the waiting order and the waiting filter count from: the declare or last auth-status change. */
export const WAITING_SINCE_FIELD = 'updateTime';

/**
 * The where-clauses of the list's filters other than the status ones (`status`, `authStatus`,
 * `declStatus`): the caller's stores or one store, role, openid / unionid, keyword (name or phone,
 * a case-insensitive substring) and the updateTime window.
 */
export function listFilters(ctx: ActionContext, p: PromoterListParams): unknown[] {
  const _ = cmd();
  const where: unknown[] = [storeScope(ctx, p.storeId)];
  if (p.roleId !== undefined) where.push({ roleId: p.roleId });
  if (p.openid !== undefined) where.push(_.or({ openid: p.openid }, { unionid: p.openid }));
  if (p.keyword !== undefined && p.keyword.trim() !== '') {
    const text = containsText(p.keyword.trim());
    where.push(_.or({ name: text }, { phone: text }));
  }
  if (p.beginTime !== undefined) where.push({ updateTime: _.gte(p.beginTime) });
  if (p.endTime !== undefined) where.push({ updateTime: _.lte(p.endTime) });
  return where;
}

/** The status clauses of the list (`status`, and the raw `authStatus` / `declStatus`). */
export function statusFilters(p: PromoterListParams): unknown[] {
  const where: unknown[] = [];
  if (p.status !== undefined) where.push({ ...statusFilter(p.status) });
  if (p.authStatus !== undefined) where.push({ authStatus: p.authStatus });
  if (p.declStatus !== undefined) where.push({ declStatus: p.declStatus });
  return where;
}

/**
 * How many promoters under `where` are in each status: one aggregate (match, group by the stored
 * `status`, which every write derives from authStatus and declStatus with promoterStatus, the same
 * rule statusFilter selects by), so a keyword's scan runs once, not once per status.
 */
export async function countByStatus(where: unknown): Promise<StatusCounts> {
  const groups = await countBy(COLLECTIONS.promoters, where, 'status');
  const byStatus = Object.fromEntries(
    PROMOTER_STATUSES.map((status) => [status, groups.find((g) => g.value === status)?.count ?? 0]),
  ) as StatusCounts['byStatus'];
  return { total: PROMOTER_STATUSES.reduce((n, s) => n + byStatus[s], 0), byStatus };
}

/**
 * Declared people still to authorize (待授权 and 已解除授权) who have waited at least `days` days at
 * `now`: what 提醒授权 "everyone waiting N days" reaches.
 */
export function waitingWhere(now: number, days: number): Record<string, unknown> {
  const _ = cmd();
  return { declStatus: 1, authStatus: _.neq(1), [WAITING_SINCE_FIELD]: _.lte(now - days * DAY_SECONDS) };
}
