/**
 * Home: for staff, counts by status, open join requests and quick actions, limited to the stores the
 * caller runs (the cloud filters; the page says which stores). Promoters and guests go to the join page.
 * Loads on every show: the first time with a skeleton, afterwards quietly (counts change on other pages).
 */
import type { PromoterStatus, StaffRole, StatsSummary, WhoAmI } from '../../../typings/contract/index';
import { adminService } from '../../services/admin';
import { errorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { PROMOTER_STATUSES, PROMOTER_STATUS_LABELS } from '../../shared/promoter-status';
import { freshnessOf } from '../../utils/freshness';
import { isStaff, currentWhoami } from '../../utils/whoami';

type ViewState = 'loading' | 'error' | 'ready';

interface StatusCount {
  status: PromoterStatus;
  label: string;
  count: number;
}

interface QuickAction {
  key: string;
  title: string;
  url: string;
  badge: string;
}

const ROLE_LABELS: Record<StaffRole, string> = { admin: '总部管理员', manager: '店长' };

function quickActions(role: StaffRole, pendingJoinRequests: number): QuickAction[] {
  const actions: QuickAction[] = [
    { key: 'invite', title: '邀请推广员', url: '/pages/invite/index', badge: '' },
    { key: 'promoters', title: '推广员列表', url: '/pages/promoter-list/index', badge: '' },
    {
      key: 'join-requests',
      title: '加入申请',
      url: '/pages/join-requests/index',
      badge: pendingJoinRequests > 0 ? String(pendingJoinRequests) : '',
    },
    { key: 'declare', title: '声明推广员', url: '/pages/declare/index', badge: '' },
    { key: 'roles', title: '推广员角色', url: '/pages/roles/index', badge: '' },
    { key: 'messages', title: '推广员消息', url: '/pages/messages/index', badge: '' },
  ];
  if (role === 'admin')
    actions.push({ key: 'settings', title: '设置', url: '/pages/settings/index', badge: '' });
  return actions;
}

function statusCounts(summary: StatsSummary): StatusCount[] {
  return PROMOTER_STATUSES.map((status) => ({
    status,
    label: PROMOTER_STATUS_LABELS[status],
    count: summary.byStatus[status] ?? 0,
  }));
}

/** What the page says about scope: admins see all, managers their stores by name (ids if names failed). */
async function scopeText(who: WhoAmI): Promise<{ text: string; partial: boolean }> {
  if (who.role === 'admin') return { text: '全部门店', partial: false };
  if (who.storeIds.length === 0) return { text: '还没有分配门店', partial: false };
  try {
    const { items } = await adminService.listStores();
    const names = new Map(items.map((s) => [s.storeId, s.name]));
    return { text: who.storeIds.map((id) => names.get(id) ?? id).join('、'), partial: false };
  } catch {
    return { text: who.storeIds.join('、'), partial: true };
  }
}

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    name: '',
    roleLabel: '',
    scope: '',
    scopePartial: false,
    total: 0,
    counts: [] as StatusCount[],
    pendingJoinRequests: 0,
    actions: [] as QuickAction[],
    asOf: 0,
    stale: false,
    staleReason: '',
  },

  loadedOnce: false,

  onShow() {
    return this.load(!this.loadedOnce);
  },

  async onPullDownRefresh() {
    // pull-down asks the cloud to read the latest authorizations from WeChat first
    await this.load(false, true);
    wx.stopPullDownRefresh();
  },

  onRetry() {
    return this.load(true);
  },

  async load(showSkeleton: boolean, refresh = false) {
    if (showSkeleton) this.setData({ state: 'loading', errorText: '' });
    let who: WhoAmI;
    try {
      who = await currentWhoami();
    } catch (err) {
      this.setData({ state: 'error', errorText: errorText(err) });
      return;
    }
    if (!isStaff(who)) {
      wx.redirectTo({ url: '/pages/join/index' });
      return;
    }
    const role = who.role as StaffRole;
    try {
      const [summary, scope] = await Promise.all([
        promoterService.summary(refresh ? { refresh } : {}),
        scopeText(who),
      ]);
      this.loadedOnce = true;
      this.setData({
        state: 'ready',
        errorText: '',
        name: who.name ?? '',
        roleLabel: ROLE_LABELS[role],
        scope: scope.text,
        scopePartial: scope.partial,
        total: summary.total,
        counts: statusCounts(summary),
        pendingJoinRequests: summary.pendingJoinRequests,
        actions: quickActions(role, summary.pendingJoinRequests),
        ...freshnessOf(summary),
      });
    } catch (err) {
      this.setData({ state: 'error', errorText: errorText(err) });
    }
  },

  onCountTap(e: WechatMiniprogram.TouchEvent) {
    const status = e.currentTarget.dataset.status as PromoterStatus;
    wx.navigateTo({ url: `/pages/promoter-list/index?status=${status}` });
  },

  onActionTap(e: WechatMiniprogram.CustomEvent) {
    wx.navigateTo({ url: e.currentTarget.dataset.url as string });
  },
});
