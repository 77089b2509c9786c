/**
 * Settings (设置, HQ admins only), one panel per tab, each a page-local component with its own
 * state: 开放平台 (components/open-account), 店长 (components/staff-panel: invites instead of openids),
 * 门店 (components/store-panel), 操作记录 (components/audit-log). A panel loads the first time its tab
 * opens. The page holds what several panels need, the store list, and routes the page events (pull-down,
 * reach-bottom, the invite card's share) to the open panel.
 */
import type { Store } from '../../../typings/contract/index';
import { adminService } from '../../services/admin';
import { errorText } from '../../services/cloud';
import { currentWhoami } from '../../utils/whoami';
import type { ViewState } from '../../components/state-view/index';

type Tab = 'account' | 'managers' | 'stores' | 'audit';

interface Panel {
  reload(): Promise<void>;
  loadMore?(): Promise<void>;
  shareCard?(token: string | undefined): WechatMiniprogram.Page.ICustomShareContent | null;
}

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    isAdmin: false,
    tab: 'account' as Tab,
    stores: [] as Store[],
    storesState: 'loading' as ViewState,
    storesError: '',
  },

  storesLoaded: false,

  onLoad() {
    this.storesLoaded = false;
    return this.load();
  },

  onRetry() {
    return this.load();
  },

  async load() {
    this.setData({ state: 'loading' });
    try {
      const caller = await currentWhoami();
      this.setData({ isAdmin: caller.role === 'admin', state: 'ready' });
    } catch (err) {
      this.setData({ state: 'error', errorText: errorText(err) });
    }
  },

  panel(tab: Tab): Panel | null {
    return this.selectComponent(`#${tab}`) as unknown as Panel | null;
  },

  onTabChange(e: WechatMiniprogram.CustomEvent<{ value: Tab }>) {
    const tab = e.detail.value;
    this.setData({ tab });
    // the managers, stores and audit panels all name stores: one list for them, loaded once
    if (tab !== 'account' && !this.storesLoaded) return this.loadStores();
    return undefined;
  },

  async loadStores() {
    this.storesLoaded = true;
    this.setData({ storesState: 'loading' });
    try {
      const { items } = await adminService.listStores();
      this.setData({ stores: items, storesState: items.length ? 'ready' : 'empty' });
    } catch (err) {
      this.setData({ storesState: 'error', storesError: errorText(err) });
    }
  },

  onStoreSaved(e: WechatMiniprogram.CustomEvent<{ store: Store }>) {
    const saved = e.detail.store;
    const index = this.data.stores.findIndex((s) => s.storeId === saved.storeId);
    const at = index >= 0 ? index : this.data.stores.length;
    this.setData({ [`stores[${at}]`]: saved, storesState: 'ready' });
  },

  async onPullDownRefresh() {
    if (this.data.isAdmin) {
      if (this.data.tab === 'stores') await this.loadStores();
      else await this.panel(this.data.tab)?.reload();
    }
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    if (this.data.tab === 'audit') return this.panel('audit')?.loadMore?.();
    return undefined;
  },

  /** An open invite's 发给 TA button shares its card; the page itself shares the home page. */
  onShareAppMessage(res: WechatMiniprogram.Page.IShareAppMessageOption) {
    const token = (res.target as { dataset?: { token?: string } } | undefined)?.dataset?.token;
    const card = res.from === 'button' ? this.panel('managers')?.shareCard?.(token) : null;
    return card ?? { title: '推广员管理', path: '/pages/home/index' };
  },
});
