/**
 * Home: for staff, counts by status, open join requests and quick actions, limited to the stores the
 * caller runs (the cloud filters; the page says which stores). Promoters and guests go to the join page.
 * Loads on every show: the first time with a skeleton, afterwards quietly (counts change on other pages).
 * Only a failed whoami is a page error: when the counts fail, the quick actions stay and the counts
 * block says why with its own retry. The promotion results are a page-local component
 * (components/results-card) with its own states: its failure hides nothing else.
 */
import type { PromoterStatus, StaffRole, StatsSummary, WhoAmI } from '../../../typings/contract/index';
import { adminService } from '../../services/admin';
import { errorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { PROMOTER_STATUSES, PROMOTER_STATUS_LABELS } from '../../shared/promoter-status';
import { freshnessOf } from '../../utils/freshness';
import { isStaff, currentWhoami } from '../../utils/whoami';
import { STAFF_ROLE_LABELS } from '../../shared/labels';
import type { ViewState } from '../../components/state-view/index';

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
    { key: 'roles', title: '推广员角色', url: '/pages/roles/index', badge: '' },
    { key: 'messages', title: '推广员消息', url: '/pages/messages/index', badge: '' },
  ];
  // HQ's tools: declaring by openid in bulk, and settings. A manager adds people by invite.
  if (role === 'admin') {
    actions.splice(3, 0, { key: 'declare', title: '声明推广员', url: '/pages/declare/index', badge: '' });
    actions.push({ key: 'settings', title: '设置', url: '/pages/settings/index', badge: '' });
  }
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
    /** The counts block on its own: its failure leaves the rest of the page working. */
    countsState: 'ready' as 'ready' | 'error',
    countsError: '',
    counts: [] as StatusCount[],
    pendingJoinRequests: 0,
    /** 待授权 + 已解除授权: people a manager can remind. */
    waitingToAuthorize: 0,
    actions: [] as QuickAction[],
    asOf: 0,
    stale: false,
    staleReason: '',
    /** Staff known: the results card is created (and loads) only then, never for a guest. */
    staffReady: false,
  },

  loadedOnce: false,

  onShow() {
    return this.load(!this.loadedOnce);
  },

  async onPullDownRefresh() {
    // pull-down asks the cloud to read the latest authorizations from WeChat first, and for a refresh
    // of the promotion results (the card answers from what the cloud has; it never waits on WeChat)
    const results = this.selectComponent('#results') as {
      reload?: (refresh: boolean) => Promise<void>;
    } | null;
    await Promise.all([this.load(false, true), results?.reload?.(true)]);
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
    const [summary, scope] = await Promise.allSettled([
      promoterService.summary(refresh ? { refresh } : {}),
      scopeText(who),
    ]);
    this.loadedOnce = true;
    const view: Record<string, unknown> = {
      state: 'ready',
      errorText: '',
      staffReady: true,
      name: who.name ?? '',
      roleLabel: STAFF_ROLE_LABELS[role],
      // scopeText never rejects: a failed store list gives the ids
      ...(scope.status === 'fulfilled' ? { scope: scope.value.text, scopePartial: scope.value.partial } : {}),
    };
    if (summary.status === 'fulfilled') {
      const s = summary.value;
      this.setData({
        ...view,
        countsState: 'ready',
        countsError: '',
        total: s.total,
        counts: statusCounts(s),
        pendingJoinRequests: s.pendingJoinRequests,
        waitingToAuthorize: s.byStatus.awaiting + s.byStatus.revoked,
        actions: quickActions(role, s.pendingJoinRequests),
        ...freshnessOf(s),
      });
    } else {
      this.setData({
        ...view,
        countsState: 'error',
        countsError: errorText(summary.reason),
        pendingJoinRequests: 0,
        waitingToAuthorize: 0,
        actions: quickActions(role, 0),
      });
    }
  },

  onCountsRetry() {
    return this.load(false);
  },

  onCountTap(e: WechatMiniprogram.TouchEvent) {
    const status = e.currentTarget.dataset.status as PromoterStatus;
    wx.navigateTo({ url: `/pages/promoter-list/index?status=${status}` });
  },

  /** The remind banner opens 待授权 in the list, where the remind bar is. */
  onRemindTap() {
    wx.navigateTo({ url: '/pages/promoter-list/index?status=awaiting' });
  },

  onPendingTap() {
    wx.navigateTo({ url: '/pages/join-requests/index' });
  },

  onActionTap(e: WechatMiniprogram.CustomEvent) {
    wx.navigateTo({ url: e.currentTarget.dataset.url as string });
  },
});
