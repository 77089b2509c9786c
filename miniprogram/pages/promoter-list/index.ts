/**
 * Promoter list: status tabs with counts (stats.summary), role and store filters, search by name or
 * phone, cursor paging (onReachBottom appends through path setData, never re-sending the list),
 * pull-to-refresh, and a refresh when the detail page changed something (globalData.promoterListDirty).
 * Role and store names are lookups: when they fail the list still shows, with ids.
 */
import type {
  Promoter,
  PromoterListParams,
  PromoterStatus,
  StatsSummary,
} from '../../../typings/contract/index';
import type { LoadMoreStatus } from '../../components/load-more/index';
import { adminService } from '../../services/admin';
import { errorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { LIMITS } from '../../shared/field-rules';
import { PROMOTER_STATUSES, PROMOTER_STATUS_LABELS } from '../../shared/promoter-status';
import { freshnessOf } from '../../utils/freshness';

type ViewState = 'loading' | 'empty' | 'error' | 'ready';
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
}

const PAGE_SIZE = LIMITS.page.defaultLimit;
const ALL_ROLES: Option<number> = { value: 0, label: '全部角色' };
const ALL_STORES: Option<string> = { value: '', label: '全部门店' };

function tabsOf(summary: StatsSummary | null): Tab[] {
  const count = (n: number) => (summary ? ` ${n}` : '');
  return [
    { value: 'all', label: `全部${count(summary?.total ?? 0)}` },
    ...PROMOTER_STATUSES.map((status) => ({
      value: status,
      label: `${PROMOTER_STATUS_LABELS[status]}${count(summary?.byStatus[status] ?? 0)}`,
    })),
  ];
}

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
    keyword: '',
    items: [] as PromoterRow[],
    total: 0,
    moreStatus: 'idle' as LoadMoreStatus,
    namesMissing: false,
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
    if (isStatus(query.status)) this.setData({ activeTab: query.status });
    await Promise.all([this.loadLookups(), this.loadCounts(), this.loadFirstPage(true)]);
  },

  /** Back from the detail page after a change: refresh in place (starter-retail's backRefresh). */
  async onShow() {
    const app = getApp<IAppOption>();
    if (!app.globalData.promoterListDirty) return;
    app.globalData.promoterListDirty = false;
    await Promise.all([this.loadCounts(), this.loadFirstPage(false)]);
  },

  async onPullDownRefresh() {
    // The list asks the cloud to read the latest authorizations from WeChat first (refresh); the
    // counts come after, from the mirror that read just brought up to date.
    await this.loadFirstPage(false, true);
    await this.loadCounts();
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    return this.loadMore();
  },

  onRetry() {
    return Promise.all([this.loadLookups(), this.loadCounts(), this.loadFirstPage(true)]);
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

  /** Counts for the tabs, for the chosen store; without them the tabs still work, unnumbered. */
  async loadCounts() {
    const storeId = this.data.storeOptions[this.data.storeIndex]?.value ?? '';
    try {
      const summary = await promoterService.summary(storeId ? { storeId } : {});
      this.setData({ tabs: tabsOf(summary) });
    } catch {
      this.setData({ tabs: tabsOf(null) });
    }
  },

  listParams(cursor?: string, refresh = false): PromoterListParams {
    const params: PromoterListParams = { limit: PAGE_SIZE };
    if (refresh) params.refresh = true;
    const { activeTab, roleOptions, roleIndex, storeOptions, storeIndex, keyword } = this.data;
    if (activeTab !== 'all') params.status = activeTab;
    const roleId = roleOptions[roleIndex]?.value;
    if (roleId) params.roleId = roleId;
    const storeId = storeOptions[storeIndex]?.value;
    if (storeId) params.storeId = storeId;
    if (keyword.trim()) params.keyword = keyword.trim();
    if (cursor) params.cursor = cursor;
    return params;
  },

  toRow(p: Promoter): PromoterRow {
    return this.renamed({
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
        this.setData({ state: 'error', errorText: errorText(err), items: [] });
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
      page.items.forEach((p, i) => {
        patch[`items[${offset + i}]`] = this.toRow(p);
      });
      this.setData(patch);
    } catch {
      if (seq !== this.requestSeq) return;
      this.setData({ moreStatus: 'error' });
    }
  },

  onTabChange(e: WechatMiniprogram.CustomEvent<{ value: TabValue }>) {
    this.setData({ activeTab: e.detail.value });
    return this.loadFirstPage(true);
  },

  onRoleChange(e: WechatMiniprogram.PickerChange) {
    this.setData({ roleIndex: Number(e.detail.value) });
    return this.loadFirstPage(true);
  },

  onStoreChange(e: WechatMiniprogram.PickerChange) {
    this.setData({ storeIndex: Number(e.detail.value) });
    return Promise.all([this.loadCounts(), this.loadFirstPage(true)]);
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
    wx.navigateTo({
      url: `/pages/promoter-detail/index?id=${encodeURIComponent(e.currentTarget.dataset.id as string)}`,
    });
  },
});
