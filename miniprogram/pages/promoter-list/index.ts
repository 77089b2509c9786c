/**
 * Promoter list: status tabs with counts (answered with the first page, for the same store, role and
 * keyword as the rows), role and store filters, search by name or phone, an order for the people still
 * to authorize (最近变动 / 等待最久), cursor paging (onReachBottom appends through path setData, never
 * re-sending the list), pull-to-refresh, and a refresh when the detail page changed something
 * (globalData.promoterListDirty). Role and store names are lookups: when they fail the list still
 * shows, with ids.
 */
import type {
  Promoter,
  PromoterListParams,
  PromoterSort,
  PromoterStatus,
  RemindParams,
  StatusCounts,
} from '../../../typings/contract/index';
import type { LoadMoreStatus } from '../../components/load-more/index';
import { adminService } from '../../services/admin';
import { errorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { LIMITS } from '../../shared/field-rules';
import { PROMOTER_STATUSES, PROMOTER_STATUS_LABELS, isWaitingStatus } from '../../shared/promoter-status';
import type { ViewState } from '../../components/state-view/index';
import { daysSince } from '../../utils/format';
import { remindSummary } from './remind-summary';
import { freshnessOf } from '../../utils/freshness';

type TabValue = PromoterStatus | 'all';

interface Tab {
  value: TabValue;
  label: string;
}

interface Option<T> {
  value: T;
  label: string;
}

export interface PromoterRow {
  id: string;
  name: string;
  phone: string;
  storeId: string;
  storeName: string;
  roleId: number;
  roleName: string;
  status: PromoterStatus;
  /** How long since declared or changed: '已等待 3 天 · 已提醒 2 次', '已授权 12 天'; '' when unknown. */
  waitText: string;
}

const PAGE_SIZE = LIMITS.page.defaultLimit;
const ALL_ROLES: Option<number> = { value: 0, label: '全部角色' };
const ALL_STORES: Option<string> = { value: '', label: '全部门店' };

/** 最近变动 (every tab) or 等待最久 (待授权 and 已解除授权 only). */
const SORT_OPTIONS: Option<PromoterSort>[] = [
  { value: 'recent', label: '最近变动' },
  { value: 'waitingLongest', label: '等待最久' },
];

function tabsOf(summary: StatusCounts | null | undefined): Tab[] {
  const count = (n: number) => (summary ? ` ${n}` : '');
  return [
    { value: 'all', label: `全部${count(summary?.total ?? 0)}` },
    ...PROMOTER_STATUSES.map((status) => ({
      value: status,
      label: `${PROMOTER_STATUS_LABELS[status]}${count(summary?.byStatus[status] ?? 0)}`,
    })),
  ];
}

/** People who can still be reminded to authorize (and sorted by how long they waited) are in these tabs. */
const isRemindable = isWaitingStatus;

const isStatus = (value: string | undefined): value is PromoterStatus =>
  !!value && (PROMOTER_STATUSES as readonly string[]).includes(value);

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    emptyText: '还没有推广员',
    tabs: tabsOf(null),
    activeTab: 'all' as TabValue,
    roleOptions: [ALL_ROLES] as Option<number>[],
    roleIndex: 0,
    storeOptions: [ALL_STORES] as Option<string>[],
    storeIndex: 0,
    sortOptions: SORT_OPTIONS,
    sortIndex: 0,
    keyword: '',
    items: [] as PromoterRow[],
    total: 0,
    moreStatus: 'idle' as LoadMoreStatus,
    namesMissing: false,
    /** A tab, role, store or keyword narrows the list: the empty state offers 清除筛选. */
    filtered: false,
    /** 待授权 / 已解除授权: the remind bar shows; ticking rows replaces opening them while selecting. */
    remindable: false,
    selecting: false,
    selected: {} as Record<string, boolean>,
    selectedCount: 0,
    reminding: false,
    asOf: 0,
    stale: false,
    staleReason: '',
  },

  /** Paging and lookup state that the view does not render. */
  nextCursor: '' as string,
  requestSeq: 0,
  roleNames: {} as Record<string, string>,
  storeNames: {} as Record<string, string>,
  lookupsLoaded: false,

  async onLoad(query: Record<string, string | undefined>) {
    // a fresh load is as new as it gets: the first onShow must not load it all again
    getApp<IAppOption>().globalData.promoterListDirty = false;
    if (isStatus(query.status))
      this.setData({ activeTab: query.status, remindable: isRemindable(query.status) });
    // ?status=awaiting&sort=waitingLongest: who has waited longest first (a link from a count of them)
    const sortIndex = SORT_OPTIONS.findIndex((o) => o.value === query.sort);
    if (sortIndex > 0 && isRemindable(query.status)) this.setData({ sortIndex });
    await Promise.all([this.loadLookups(), this.loadFirstPage(true)]);
  },

  /** Back from the detail page after a change: refresh in place (starter-retail's backRefresh). */
  async onShow() {
    const app = getApp<IAppOption>();
    if (!app.globalData.promoterListDirty) return;
    app.globalData.promoterListDirty = false;
    await this.loadFirstPage(false);
  },

  async onPullDownRefresh() {
    // The cloud reads the latest authorizations from WeChat first (refresh); rows and counts come
    // from the mirror that read just brought up to date.
    await this.loadFirstPage(false, true);
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    return this.loadMore();
  },

  onRetry() {
    return Promise.all([this.loadLookups(), this.loadFirstPage(true)]);
  },

  onLoadMoreRetry() {
    return this.loadMore();
  },

  /** Roles and stores for the filters and the rows' names; a failure leaves ids on the rows. */
  async loadLookups() {
    if (this.lookupsLoaded) return;
    const [roles, stores] = await Promise.allSettled([
      promoterService.listRoles(),
      adminService.listStores(),
    ]);
    const patch: Record<string, unknown> = {};
    if (roles.status === 'fulfilled') {
      this.roleNames = Object.fromEntries(roles.value.items.map((r) => [String(r.roleId), r.name]));
      patch.roleOptions = [ALL_ROLES, ...roles.value.items.map((r) => ({ value: r.roleId, label: r.name }))];
    }
    if (stores.status === 'fulfilled') {
      this.storeNames = Object.fromEntries(stores.value.items.map((s) => [s.storeId, s.name]));
      patch.storeOptions = [
        ALL_STORES,
        ...stores.value.items.map((s) => ({ value: s.storeId, label: s.name })),
      ];
    }
    this.lookupsLoaded = roles.status === 'fulfilled' && stores.status === 'fulfilled';
    patch.namesMissing = !this.lookupsLoaded;
    this.setData(patch);
    // rows that arrived before the names get them now
    if (this.data.items.length > 0) this.setData({ items: this.data.items.map((row) => this.renamed(row)) });
  },

  /**
   * The list's filters; the first page also asks for the tab counts of the same filters (without
   * them, when the call fails, the tabs still work, unnumbered).
   */
  listParams(cursor?: string, refresh = false): PromoterListParams {
    const params: PromoterListParams = { limit: PAGE_SIZE };
    if (refresh) params.refresh = true;
    const { activeTab, roleOptions, roleIndex, storeOptions, storeIndex, keyword, sortIndex } = this.data;
    if (activeTab !== 'all') params.status = activeTab;
    const sort = SORT_OPTIONS[sortIndex]?.value;
    if (sort === 'waitingLongest' && isRemindable(activeTab)) params.sort = sort;
    const roleId = roleOptions[roleIndex]?.value;
    if (roleId) params.roleId = roleId;
    const storeId = storeOptions[storeIndex]?.value;
    if (storeId) params.storeId = storeId;
    if (keyword.trim()) params.keyword = keyword.trim();
    if (cursor) params.cursor = cursor;
    else params.counts = true;
    return params;
  },

  toRow(p: Promoter): PromoterRow {
    return this.renamed({
      waitText: sinceText(p),
      id: p.id,
      name: p.name || '（未填写姓名）',
      phone: p.phone,
      storeId: p.storeId,
      storeName: '',
      roleId: p.roleId,
      roleName: '',
      status: p.status,
    });
  },

  /** Names from the lookups; the store's id and `角色 <id>` when a name is unknown. */
  renamed(row: PromoterRow): PromoterRow {
    return {
      ...row,
      storeName: row.storeId ? (this.storeNames[row.storeId] ?? row.storeId) : '未分配门店',
      roleName: this.roleNames[String(row.roleId)] ?? `角色 ${row.roleId}`,
    };
  },

  async loadFirstPage(showSkeleton: boolean, refresh = false) {
    const seq = ++this.requestSeq;
    if (showSkeleton) this.setData({ state: 'loading', errorText: '' });
    try {
      const page = await promoterService.list(this.listParams(undefined, refresh));
      if (seq !== this.requestSeq) return; // a newer filter won
      this.nextCursor = page.nextCursor ?? '';
      const { activeTab, roleIndex, storeIndex, keyword } = this.data;
      const filtered = activeTab !== 'all' || roleIndex > 0 || storeIndex > 0 || keyword.trim() !== '';
      this.setData({
        filtered,
        tabs: tabsOf(page.counts),
        state: page.items.length ? 'ready' : 'empty',
        emptyText: filtered ? '没有符合条件的推广员' : '还没有推广员',
        items: page.items.map((p) => this.toRow(p)),
        total: page.total,
        moreStatus: this.nextCursor ? 'idle' : page.items.length ? 'no-more' : 'idle',
        ...freshnessOf(page),
      });
    } catch (err) {
      if (seq !== this.requestSeq) return;
      if (showSkeleton || this.data.items.length === 0) {
        this.setData({ state: 'error', errorText: errorText(err), items: [], tabs: tabsOf(null) });
      } else {
        // a refresh failed: keep what is on screen and say so
        wx.showToast({ title: errorText(err), icon: 'none' });
      }
    }
  },

  async loadMore() {
    if (!this.nextCursor || this.data.moreStatus === 'loading') return;
    const seq = this.requestSeq;
    this.setData({ moreStatus: 'loading' });
    try {
      const page = await promoterService.list(this.listParams(this.nextCursor));
      if (seq !== this.requestSeq) return;
      this.nextCursor = page.nextCursor ?? '';
      const offset = this.data.items.length;
      // path setData: only the new rows cross to the view layer
      const patch: Record<string, unknown> = {
        total: page.total,
        moreStatus: this.nextCursor ? 'idle' : 'no-more',
      };
      // Someone who changed since the first page can come round again (等待最久 puts a fresh change
      // last): a row already on screen is not shown twice.
      const shown = new Set(this.data.items.map((row) => row.id));
      page.items
        .filter((p) => !shown.has(p.id))
        .forEach((p, i) => {
          patch[`items[${offset + i}]`] = this.toRow(p);
        });
      this.setData(patch);
    } catch {
      if (seq !== this.requestSeq) return;
      this.setData({ moreStatus: 'error' });
    }
  },

  onTabChange(e: WechatMiniprogram.CustomEvent<{ value: TabValue }>) {
    const remindable = isRemindable(e.detail.value);
    this.setData({
      activeTab: e.detail.value,
      remindable,
      // 等待最久 only means something where people wait
      ...(remindable ? {} : { sortIndex: 0 }),
      selecting: false,
      selected: {},
      selectedCount: 0,
    });
    return this.loadFirstPage(true);
  },

  onRoleChange(e: WechatMiniprogram.PickerChange) {
    this.setData({ roleIndex: Number(e.detail.value) });
    return this.loadFirstPage(true);
  },

  onStoreChange(e: WechatMiniprogram.PickerChange) {
    this.setData({ storeIndex: Number(e.detail.value) });
    return this.loadFirstPage(true);
  },

  onSortChange(e: WechatMiniprogram.PickerChange) {
    this.setData({ sortIndex: Number(e.detail.value) });
    return this.loadFirstPage(true);
  },

  onSearchChange(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ keyword: e.detail.value });
  },

  onSearchSubmit(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ keyword: e.detail.value ?? this.data.keyword });
    return this.loadFirstPage(true);
  },

  onSearchClear() {
    this.setData({ keyword: '' });
    return this.loadFirstPage(true);
  },

  onRowTap(e: WechatMiniprogram.CustomEvent) {
    if (this.data.selecting) {
      const id = e.currentTarget.dataset.id as string;
      const on = !this.data.selected[id];
      if (on && this.data.selectedCount >= LIMITS.remind.idsPerCall) {
        wx.showToast({ title: `一次最多提醒 ${LIMITS.remind.idsPerCall} 人`, icon: 'none' });
        return;
      }
      this.setData({ [`selected.${id}`]: on, selectedCount: this.data.selectedCount + (on ? 1 : -1) });
      return;
    }
    wx.navigateTo({
      url: `/pages/promoter-detail/index?id=${encodeURIComponent(e.currentTarget.dataset.id as string)}`,
    });
  },

  onSelectStart() {
    this.setData({ selecting: true, selected: {}, selectedCount: 0 });
  },

  onSelectCancel() {
    this.setData({ selecting: false, selected: {}, selectedCount: 0 });
  },

  onRemindSelected() {
    const ids = Object.keys(this.data.selected).filter((id) => this.data.selected[id]);
    if (ids.length === 0) return undefined;
    return this.remind({ ids });
  },

  async onRemindWaiting(e: WechatMiniprogram.CustomEvent<{ days: number }>) {
    const storeId = this.data.storeOptions[this.data.storeIndex]?.value;
    const { confirm } = await wx.showModal({
      title: '提醒授权',
      content: `给${storeId ? '该门店' : '你负责的门店'}里已等待 ${e.detail.days} 天以上、还没有完成授权的人发提醒？`,
      confirmText: '提醒',
    });
    if (!confirm) return;
    await this.remind(storeId ? { waitingDays: e.detail.days, storeId } : { waitingDays: e.detail.days });
  },

  /** One remind call; what happened goes in a dialog (it rarely fits a toast), then the rows refresh. */
  async remind(params: RemindParams) {
    if (this.data.reminding) return;
    this.setData({ reminding: true });
    try {
      const result = await promoterService.remind(params);
      this.setData({ selecting: false, selected: {}, selectedCount: 0 });
      await wx.showModal({
        title: '提醒授权',
        content: remindSummary(result),
        showCancel: false,
        confirmText: '知道了',
      });
      await this.loadFirstPage(false);
    } catch (err) {
      await wx.showModal({
        title: '没有提醒成功',
        content: errorText(err),
        showCancel: false,
        confirmText: '知道了',
      });
    } finally {
      this.setData({ reminding: false });
    }
  },

  /** 清除筛选 (empty state): back to everyone, every role and store, no keyword. */
  onClearFilters() {
    this.setData({
      activeTab: 'all',
      remindable: false,
      roleIndex: 0,
      storeIndex: 0,
      sortIndex: 0,
      keyword: '',
      selecting: false,
      selected: {},
      selectedCount: 0,
    });
    return this.loadFirstPage(true);
  },
});

/**
 * How long since the person was declared or last changed, as the row says it: waiting people (待授权,
 * 已解除授权) count the days they waited, as 提醒授权's "已等待 N 天以上" does; bound ones since they
 * authorized. A cancelled row's time is not its cancel time, so it says nothing.
 */
function sinceText(p: Promoter): string {
  const since = daysSince(p.updateTime);
  if (!since) return '';
  if (isWaitingStatus(p.status)) {
    const waited =
      since === '今天' ? (p.status === 'revoked' ? '今天解除授权' : '今天声明') : `已等待 ${since}`;
    return p.reminder ? `${waited} · 已提醒 ${p.reminder.count} 次` : waited;
  }
  if (p.status === 'bound') return since === '今天' ? '今天授权' : `已授权 ${since}`;
  return '';
}
