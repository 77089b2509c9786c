/**
 * Promoter detail (?id=), top to bottom: the name and status; the main actions (action-bar: 拨打电话,
 * 提醒授权 for someone still to authorize, 修改角色/门店 in a bottom popup); the remind card for
 * someone still to authorize; the facts, each once (facts-card, ids folded under 更多, 编辑资料 in the
 * same popup); this promoter's results (results-card); share material with a page picked, not typed
 * (share-card); the union custom parameter (custom-param-card); the status history (newest first, who
 * made each change); and, last, cancelling the declaration behind a red confirm naming the person, or
 * declaring again. A change marks the list dirty so it refreshes when the user goes back.
 */
import type { Promoter, PromoterStatus, PromoterStatusChange } from '../../../typings/contract/index';
import { adminService } from '../../services/admin';
import { errorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { formatTime } from '../../utils/format';
import { freshnessOf } from '../../utils/freshness';
import { toast, toastError } from '../../utils/toast';
import { currentWhoami } from '../../utils/whoami';
import type { ViewState } from '../../components/state-view/index';
import type { Mode } from './components/change-popup/rules';
import { type RemindResult, needsReminder } from './components/remind-card/remind';
import { REMIND_SHARE } from './components/remind-card/share';

interface Option<T> {
  value: T;
  label: string;
}

interface PromoterView extends Promoter {
  storeName: string;
  roleName: string;
}

interface HistoryRow {
  key: string;
  status: PromoterStatus;
  timeText: string;
  sourceText: string;
}

/**
 * Who made a change: ours are the store's; of what came from WeChat, only authorizing and revoking are
 * the promoter's own doing, the rest (a declaration first seen by a sync) is just what WeChat reported.
 */
function sourceText(change: PromoterStatusChange): string {
  if (change.source === 'us') return '门店操作';
  return change.status === 'bound' || change.status === 'revoked' ? '推广员在微信中操作' : '同步自微信';
}

function historyRow(change: PromoterStatusChange, index: number): HistoryRow {
  return {
    key: `${change.at}-${index}`,
    status: change.status,
    timeText: formatTime(change.at) || '—',
    sourceText: sourceText(change),
  };
}

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    p: null as PromoterView | null,
    changes: [] as PromoterStatusChange[],
    history: [] as HistoryRow[],
    asOf: 0,
    stale: false,
    staleReason: '',
    admin: false,
    roleOptions: [] as Option<number>[],
    storeOptions: [] as Option<string>[],
    popup: { visible: false, mode: 'assign' as Mode },
    /** Why the popup offers only the current role and store (a lookup failed), or ''. */
    optionsNote: '',
    remindShown: false,
    remindResult: null as RemindResult | null,
    busy: false,
    cancelDialogVisible: false,
    /** Destructive confirms are red across the app, and name what they destroy. */
    cancelConfirmBtn: { content: '确定取消声明', theme: 'danger', variant: 'base' },
  },

  promoterId: '',
  roleNames: {} as Record<string, string>,
  storeNames: {} as Record<string, string>,

  onLoad(query: Record<string, string | undefined>) {
    this.promoterId = decodeURIComponent(query.id ?? '');
    return this.load();
  },

  onRetry() {
    return this.load();
  },

  async load() {
    if (!this.promoterId) {
      this.setData({ state: 'error', errorText: '缺少推广员编号，请从推广员列表进入' });
      return;
    }
    this.setData({ state: 'loading', errorText: '' });
    const [promoter, roles, stores, who] = await Promise.allSettled([
      promoterService.get(this.promoterId),
      promoterService.listRoles(),
      adminService.listStores(),
      currentWhoami(),
    ]);
    if (promoter.status === 'rejected') {
      this.setData({ state: 'error', errorText: errorText(promoter.reason) });
      return;
    }
    const roleItems = roles.status === 'fulfilled' ? roles.value.items : [];
    const storeItems = stores.status === 'fulfilled' ? stores.value.items : [];
    this.roleNames = Object.fromEntries(roleItems.map((r) => [String(r.roleId), r.name]));
    this.storeNames = Object.fromEntries(storeItems.map((s) => [s.storeId, s.name]));
    // store.list answers only the stores the caller runs (all of them for HQ): the popup offers those.
    // No 不分配门店: promoter.update refuses an empty store id for everyone.
    this.setData({
      admin: who.status === 'fulfilled' && who.value.role === 'admin',
      roleOptions: roleItems.map((r) => ({ value: r.roleId, label: r.name })),
      storeOptions: storeItems.map((s) => ({ value: s.storeId, label: s.name })),
      remindResult: null,
      optionsNote:
        roles.status === 'rejected' || stores.status === 'rejected'
          ? '角色或门店列表没有读到，现在只能看到当前的选择。请返回后重新打开本页再试。'
          : '',
    });
    this.show(promoter.value);
    this.setData({
      state: 'ready',
      changes: promoter.value.history,
      history: promoter.value.history.map(historyRow),
      ...freshnessOf(promoter.value),
    });
  },

  /** Renders a promoter, keeping its own role and store choosable even when the lookups lack them. */
  show(p: Promoter) {
    let { roleOptions, storeOptions } = this.data;
    const roleName = this.roleNames[String(p.roleId)] ?? `角色 ${p.roleId}`;
    const storeName = p.storeId ? (this.storeNames[p.storeId] ?? p.storeId) : '未分配门店';
    if (!roleOptions.some((o) => o.value === p.roleId)) {
      roleOptions = [...roleOptions, { value: p.roleId, label: roleName }];
    }
    if (!storeOptions.some((o) => o.value === p.storeId)) {
      storeOptions = [...storeOptions, { value: p.storeId, label: storeName }];
    }
    this.setData({
      p: { ...p, storeName, roleName },
      roleOptions,
      storeOptions,
      remindShown: needsReminder(p),
    });
  },

  markListDirty() {
    getApp<IAppOption>().globalData.promoterListDirty = true;
  },

  // ---- change popup ----

  openPopup(mode: Mode) {
    this.setData({ popup: { visible: true, mode } });
  },

  onChangeTap() {
    this.openPopup('assign');
  },

  onEditTap() {
    this.openPopup('profile');
  },

  onPopupClose() {
    this.setData({ 'popup.visible': false });
  },

  onSaved(e: WechatMiniprogram.CustomEvent<{ promoter: Promoter }>) {
    this.show(e.detail.promoter);
    this.setData({ 'popup.visible': false });
    this.markListDirty();
    toast(this, '已保存');
  },

  // ---- reminders ----

  /** 提醒授权 went through: the remind card says what came of it, and the new count. */
  onReminded(e: WechatMiniprogram.CustomEvent<{ result: RemindResult; reminder?: Promoter['reminder'] }>) {
    this.setData({ remindResult: e.detail.result });
    if (this.data.p && e.detail.reminder) this.setData({ 'p.reminder': e.detail.reminder });
  },

  /** 发给 TA on the remind card shares the authorize card; the page itself shares nothing else. */
  onShareAppMessage(res: WechatMiniprogram.Page.IShareAppMessageOption) {
    const share = (res.target as { dataset?: { share?: string } } | undefined)?.dataset?.share;
    if (res.from === 'button' && share === 'remind') return REMIND_SHARE;
    return { title: '推广员管理', path: '/pages/home/index' };
  },

  // ---- declaration ----

  onCancelTap() {
    this.setData({ cancelDialogVisible: true });
  },

  onCancelDismiss() {
    this.setData({ cancelDialogVisible: false });
  },

  async onCancelConfirm() {
    this.setData({ cancelDialogVisible: false });
    await this.changeDeclaration(() => promoterService.cancel(this.promoterId), '已取消声明');
  },

  onRedeclareTap() {
    return this.changeDeclaration(() => promoterService.redeclare(this.promoterId), '已重新声明');
  },

  async changeDeclaration(action: () => Promise<Promoter>, done: string) {
    if (this.data.busy) return;
    this.setData({ busy: true });
    try {
      const saved = await action();
      this.show(saved);
      // The cloud recorded this change (source 'us') with its own clock; show it at once instead of
      // re-reading the whole promoter. The next load shows the stored entry.
      const change: PromoterStatusChange = {
        at: Math.floor(Date.now() / 1000),
        status: saved.status,
        authStatus: saved.authStatus,
        declStatus: saved.declStatus,
        source: 'us',
      };
      this.setData({
        changes: [change, ...this.data.changes],
        history: [historyRow(change, this.data.history.length), ...this.data.history],
      });
      this.markListDirty();
      toast(this, done);
    } catch (err) {
      toastError(this, err);
    } finally {
      this.setData({ busy: false });
    }
  },
});
