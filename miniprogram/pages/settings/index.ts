/**
 * Settings (设置, HQ admins only): the bound Open Platform account and rebinding it (WeChat allows
 * LIMITS.openAccount.rebindsPerYear a year, so it sits behind a confirm with the count left), managers
 * and the stores they run, stores, and the audit log. Each tab loads when first opened.
 */
import type {
  AuditEntry,
  OpenAccountInfo,
  Staff,
  StaffInvite,
  StaffRole,
  Store,
} from '../../../typings/contract/index';
import { adminService } from '../../services/admin';
import { CloudCallError, errorText } from '../../services/cloud';
import { customParamService } from '../../services/customparam';
import { LIMITS, PATTERNS, checkBytes } from '../../shared/field-rules';
import { formatDate, formatTime } from '../../utils/format';
import { appendNextPage, loadFirstPage, type MoreStatus } from '../../utils/paging';
import { toast, toastError } from '../../utils/toast';
import { currentWhoami } from '../../utils/whoami';

type ViewState = 'loading' | 'empty' | 'error' | 'ready';
type Tab = 'account' | 'managers' | 'stores' | 'audit';

interface StaffView extends Staff {
  roleLabel: string;
  storesText: string;
}

interface InviteView extends StaffInvite {
  roleLabel: string;
  storesText: string;
  expiresText: string;
}

interface AuditView extends AuditEntry {
  atText: string;
  actorText: string;
  beforeText: string;
  afterText: string;
}

interface ManagerForm {
  editing: boolean;
  openid: string;
  name: string;
  role: StaffRole;
  storeIds: string[];
}

interface StoreForm {
  editing: boolean;
  storeId: string;
  name: string;
}

const ROLE_LABELS: Record<string, string> = { admin: '总部管理员', manager: '店长' };
const EMPTY_MANAGER: ManagerForm = { editing: false, openid: '', name: '', role: 'manager', storeIds: [] };
const EMPTY_STORE: StoreForm = { editing: false, storeId: '', name: '' };
const NO_ERRORS = { openid: '', name: '', storeIds: '', storeId: '' };
/** Long before/after values are cut so one audit entry cannot flood the screen. */
const AUDIT_VALUE_CHARS = 300;

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    isAdmin: false,
    tab: 'account' as Tab,

    accountState: 'loading' as ViewState,
    accountError: '',
    account: null as (OpenAccountInfo & { nextFreeText: string }) | null,
    bindInput: '',
    bindError: '',
    bindDialog: false,
    binding: false,
    bindWarning: '',
    rebindsPerYear: LIMITS.openAccount.rebindsPerYear,

    managersState: 'loading' as ViewState,
    managersError: '',
    managers: [] as StaffView[],
    managerForm: { ...EMPTY_MANAGER } as ManagerForm,
    managerErrors: { ...NO_ERRORS },
    savingManager: false,
    removeTarget: null as StaffView | null,
    /** 高级: add someone by openid instead of an invite card. */
    advanced: false,
    invites: [] as InviteView[],
    invitingManager: false,
    revokeTarget: null as InviteView | null,

    storesState: 'loading' as ViewState,
    storesError: '',
    stores: [] as Store[],
    storeForm: { ...EMPTY_STORE } as StoreForm,
    storeErrors: { ...NO_ERRORS },
    savingStore: false,

    auditState: 'loading' as ViewState,
    auditError: '',
    audit: [] as AuditView[],
    auditMore: 'idle' as MoreStatus,
  },

  loadedTabs: {} as Partial<Record<Tab, boolean>>,
  auditCursor: undefined as string | undefined,

  onLoad() {
    // a fresh object per page instance: it is mutated, and a Page's non-data fields may be shared
    this.loadedTabs = {};
    return this.load();
  },

  onRetry() {
    return this.load();
  },

  async onPullDownRefresh() {
    if (this.data.isAdmin) await this.loadTab(this.data.tab);
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    if (this.data.tab === 'audit') return this.loadMoreAudit();
    return undefined;
  },

  async load() {
    this.setData({ state: 'loading' });
    try {
      const caller = await currentWhoami();
      const isAdmin = caller.role === 'admin';
      this.setData({ isAdmin, state: 'ready' });
      if (isAdmin) await this.loadTab(this.data.tab);
    } catch (err) {
      this.setData({ state: 'error', errorText: errorText(err) });
    }
  },

  onTabChange(e: WechatMiniprogram.CustomEvent<{ value: Tab }>) {
    const tab = e.detail.value;
    this.setData({ tab });
    if (!this.loadedTabs[tab]) return this.loadTab(tab);
    return undefined;
  },

  onTabRetry() {
    return this.loadTab(this.data.tab);
  },

  loadTab(tab: Tab): Promise<void> {
    this.loadedTabs[tab] = true;
    if (tab === 'account') return this.loadAccount();
    if (tab === 'managers') return this.loadManagers();
    if (tab === 'stores') return this.loadStores();
    return this.loadAudit();
  },

  // ---- Open Platform account ----

  accountView(info: OpenAccountInfo) {
    return { ...info, nextFreeText: info.nextRebindFreeAt ? formatDate(info.nextRebindFreeAt) : '' };
  },

  async loadAccount() {
    this.setData({ accountState: 'loading' });
    try {
      const info = await customParamService.getOpenAccount();
      this.setData({ account: this.accountView(info), accountState: 'ready' });
    } catch (err) {
      this.setData({ accountState: 'error', accountError: errorText(err) });
    }
  },

  onBindInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ bindInput: e.detail.value, bindError: '' });
  },

  onBindTap() {
    const appid = this.data.bindInput.trim();
    const account = this.data.account;
    let error = '';
    if (!PATTERNS.appid.test(appid)) error = '开放平台账号应为 wx 开头、共 18 位的 appid（小写字母和数字）';
    else if (account?.openAccount === appid) error = '已绑定该开放平台账号';
    else if (account && account.rebindsLeft <= 0) error = '近一年的绑定次数已用完';
    if (error) {
      this.setData({ bindError: error });
      return;
    }
    this.setData({ bindDialog: true });
  },

  onBindCancel() {
    this.setData({ bindDialog: false });
  },

  async onBindConfirm() {
    const appid = this.data.bindInput.trim();
    this.setData({ bindDialog: false, binding: true });
    try {
      const result = await customParamService.bindOpenAccount(appid);
      this.setData({ account: this.accountView(result), bindWarning: result.warning, bindInput: '' });
      toast(this, `已绑定 ${result.openAccount ?? appid}`);
    } catch (err) {
      if (err instanceof CloudCallError && err.field === 'openAccount')
        this.setData({ bindError: err.userMessage });
      else toastError(this, err);
    } finally {
      this.setData({ binding: false });
    }
  },

  // ---- Managers ----

  staffView(staff: Staff): StaffView {
    const names = new Map(this.data.stores.map((s) => [s.storeId, s.name]));
    return {
      ...staff,
      roleLabel: ROLE_LABELS[staff.role] ?? staff.role,
      storesText:
        staff.role === 'admin'
          ? '全部门店'
          : staff.storeIds.map((id) => (names.get(id) ? `${names.get(id)}（${id}）` : id)).join('、') ||
            '未分配门店',
    };
  },

  async loadManagers() {
    this.setData({ managersState: 'loading' });
    try {
      // stores too: the list names them and the form offers them
      const [stores, { items }, invites] = await Promise.all([
        adminService.listStores(),
        adminService.listManagers(),
        adminService.listManagerInvites(),
      ]);
      this.loadedTabs.stores = true;
      this.setData({ stores: stores.items, storesState: stores.items.length ? 'ready' : 'empty' });
      this.setData({
        managers: items.map((s) => this.staffView(s)),
        managersState: items.length ? 'ready' : 'empty',
        invites: invites.items.map((i) => this.inviteView(i)),
      });
    } catch (err) {
      this.setData({ managersState: 'error', managersError: errorText(err) });
    }
  },

  onManagerInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const field = e.currentTarget.dataset.field as 'openid' | 'name';
    this.setData({ [`managerForm.${field}`]: e.detail.value, [`managerErrors.${field}`]: '' });
  },

  onManagerRole(e: WechatMiniprogram.CustomEvent<{ value: StaffRole }>) {
    this.setData({ 'managerForm.role': e.detail.value, 'managerErrors.storeIds': '' });
  },

  onManagerStores(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
    this.setData({ 'managerForm.storeIds': e.detail.value, 'managerErrors.storeIds': '' });
  },

  onEditManager(e: WechatMiniprogram.TouchEvent) {
    const staff = this.data.managers[Number(e.currentTarget.dataset.index)];
    if (!staff) return;
    this.setData({
      managerForm: {
        editing: true,
        openid: staff.openid,
        name: staff.name,
        role: staff.role,
        storeIds: [...staff.storeIds],
      },
      managerErrors: { ...NO_ERRORS },
    });
  },

  onCancelManager() {
    this.setData({ managerForm: { ...EMPTY_MANAGER }, managerErrors: { ...NO_ERRORS } });
  },

  onToggleAdvanced() {
    this.setData({ advanced: !this.data.advanced, 'managerErrors.openid': '' });
  },

  /** The form's name, role and stores, checked; the openid too when it is typed. Null: errors shown. */
  checkedManagerForm(withOpenid: boolean) {
    const form = this.data.managerForm;
    const openid = form.openid.trim();
    const name = form.name.trim();
    const storeIds = form.role === 'admin' ? [] : form.storeIds;
    const errors = { ...NO_ERRORS };
    if (withOpenid && !PATTERNS.openid.test(openid))
      errors.openid = 'openid 格式不正确：应为 28 位字母、数字、- 或 _';
    if (!name) errors.name = '请填写姓名';
    else errors.name = checkBytes('姓名', name, LIMITS.staff.nameBytes) ?? '';
    if (form.role === 'manager' && !storeIds.length) errors.storeIds = '店长至少要负责一家门店';
    else if (storeIds.length > LIMITS.staff.maxStores)
      errors.storeIds = `一位店长最多负责 ${LIMITS.staff.maxStores} 家门店`;
    if (errors.openid || errors.name || errors.storeIds) {
      this.setData({ managerErrors: errors });
      return null;
    }
    return { form, openid, name, storeIds };
  },

  /** A cloud error on one of the form's fields goes next to it; anything else is a toast. */
  showManagerError(err: unknown) {
    // `storeIds[2]` names one store of the list: the error goes under the list
    const field = err instanceof CloudCallError ? err.field?.replace(/\[\d+\]$/, '') : undefined;
    if (field === 'openid' || field === 'name' || field === 'storeIds') {
      this.setData({ [`managerErrors.${field}`]: (err as CloudCallError).userMessage });
    } else toastError(this, err);
  },

  async onSaveManager() {
    const checked = this.checkedManagerForm(!this.data.managerForm.editing);
    if (!checked) return;
    const { form, openid, name, storeIds } = checked;
    this.setData({ savingManager: true });
    try {
      const params = { openid, name, role: form.role, storeIds };
      const saved = form.editing
        ? await adminService.updateManager(params)
        : await adminService.addManager(params);
      const index = this.data.managers.findIndex((m) => m.openid === saved.openid);
      const at = index >= 0 ? index : this.data.managers.length;
      this.setData({
        [`managers[${at}]`]: this.staffView(saved),
        managersState: 'ready',
        managerForm: { ...EMPTY_MANAGER },
      });
      toast(this, form.editing ? `已保存 ${saved.name}` : `已添加 ${saved.name}`);
    } catch (err) {
      this.showManagerError(err);
    } finally {
      this.setData({ savingManager: false });
    }
  },

  // ---- Staff invites: the person accepts an invite card, nobody types their openid ----

  inviteView(invite: StaffInvite): InviteView {
    return {
      ...invite,
      roleLabel: ROLE_LABELS[invite.role] ?? invite.role,
      storesText: invite.role === 'admin' ? '全部门店' : invite.storeNames.join('、'),
      expiresText: formatDate(invite.expiresAt),
    };
  },

  async onInviteManager() {
    const checked = this.checkedManagerForm(false);
    if (!checked) return;
    const { form, name, storeIds } = checked;
    this.setData({ invitingManager: true });
    try {
      const invite = await adminService.inviteManager({ name, role: form.role, storeIds });
      this.setData({
        invites: [this.inviteView(invite), ...this.data.invites],
        managerForm: { ...EMPTY_MANAGER },
      });
      toast(this, `已生成给 ${invite.name} 的邀请，点「发给 TA」`);
    } catch (err) {
      this.showManagerError(err);
    } finally {
      this.setData({ invitingManager: false });
    }
  },

  /** The share card of an invite (its 发给 TA button); the page itself shares the home page. */
  onShareAppMessage(res: WechatMiniprogram.Page.IShareAppMessageOption) {
    const token = (res.target as { dataset?: { token?: string } } | undefined)?.dataset?.token;
    const invite = this.data.invites.find((i) => i.token === token);
    if (res.from === 'button' && invite) {
      return { title: `邀请你成为${invite.storesText}的${invite.roleLabel}`, path: invite.sharePath };
    }
    return { title: '推广员管理', path: '/pages/home/index' };
  },

  onRevokeInvite(e: WechatMiniprogram.TouchEvent) {
    const invite = this.data.invites[Number(e.currentTarget.dataset.index)];
    if (invite) this.setData({ revokeTarget: invite });
  },

  onRevokeCancel() {
    this.setData({ revokeTarget: null });
  },

  async onRevokeConfirm() {
    const target = this.data.revokeTarget;
    if (!target) return;
    this.setData({ revokeTarget: null });
    try {
      await adminService.revokeManagerInvite(target.token);
      this.setData({ invites: this.data.invites.filter((i) => i.token !== target.token) });
      toast(this, `已撤回给 ${target.name} 的邀请`);
    } catch (err) {
      toastError(this, err);
    }
  },

  onRemoveManager(e: WechatMiniprogram.TouchEvent) {
    const staff = this.data.managers[Number(e.currentTarget.dataset.index)];
    if (staff && !staff.builtIn) this.setData({ removeTarget: staff });
  },

  onRemoveCancel() {
    this.setData({ removeTarget: null });
  },

  async onRemoveConfirm() {
    const target = this.data.removeTarget;
    if (!target) return;
    this.setData({ removeTarget: null });
    try {
      await adminService.removeManager(target.openid);
      // a removal shifts later rows, so the (short) staff list is sent again
      const managers = this.data.managers.filter((m) => m.openid !== target.openid);
      this.setData({ managers, managersState: managers.length ? 'ready' : 'empty' });
      toast(this, `已移除 ${target.name}`);
    } catch (err) {
      toastError(this, err);
    }
  },

  // ---- Stores ----

  async loadStores() {
    this.setData({ storesState: 'loading' });
    try {
      const { items } = await adminService.listStores();
      this.setData({ stores: items, storesState: items.length ? 'ready' : 'empty' });
    } catch (err) {
      this.setData({ storesState: 'error', storesError: errorText(err) });
    }
  },

  onStoreInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const field = e.currentTarget.dataset.field as 'storeId' | 'name';
    this.setData({ [`storeForm.${field}`]: e.detail.value, [`storeErrors.${field}`]: '' });
  },

  onEditStore(e: WechatMiniprogram.TouchEvent) {
    const store = this.data.stores[Number(e.currentTarget.dataset.index)];
    if (!store) return;
    this.setData({
      storeForm: { editing: true, storeId: store.storeId, name: store.name },
      storeErrors: { ...NO_ERRORS },
    });
  },

  onCancelStore() {
    this.setData({ storeForm: { ...EMPTY_STORE }, storeErrors: { ...NO_ERRORS } });
  },

  async onSaveStore() {
    const form = this.data.storeForm;
    const storeId = form.storeId.trim();
    const name = form.name.trim();
    const errors = { ...NO_ERRORS };
    errors.storeId =
      checkBytes('门店编号', storeId, LIMITS.promoter.storeIdBytes) ??
      (PATTERNS.storeId.test(storeId)
        ? ''
        : storeId
          ? '门店编号只能包含字母、数字、- 和 _'
          : '请填写门店编号');
    errors.name = name ? (checkBytes('门店名称', name, LIMITS.store.nameBytes) ?? '') : '请填写门店名称';
    if (errors.storeId || errors.name) {
      this.setData({ storeErrors: errors });
      return;
    }
    this.setData({ savingStore: true });
    try {
      const saved = form.editing
        ? await adminService.updateStore({ storeId, name })
        : await adminService.addStore({ storeId, name });
      const index = this.data.stores.findIndex((s) => s.storeId === saved.storeId);
      const at = index >= 0 ? index : this.data.stores.length;
      this.setData({ [`stores[${at}]`]: saved, storesState: 'ready', storeForm: { ...EMPTY_STORE } });
      toast(this, form.editing ? `已保存 ${saved.name}` : `已添加 ${saved.name}`);
    } catch (err) {
      const field = err instanceof CloudCallError ? err.field : undefined;
      if (field === 'storeId' || field === 'name') {
        this.setData({ [`storeErrors.${field}`]: (err as CloudCallError).userMessage });
      } else toastError(this, err);
    } finally {
      this.setData({ savingStore: false });
    }
  },

  // ---- Audit log ----

  auditView(entry: AuditEntry): AuditView {
    return {
      ...entry,
      atText: formatTime(entry.at),
      actorText: `${ROLE_LABELS[entry.actor.role] ?? entry.actor.role} ${entry.actor.openid}`,
      beforeText: describe(entry.before),
      afterText: describe(entry.after),
    };
  },

  loadAudit() {
    return loadFirstPage(this, {
      list: 'audit',
      state: 'auditState',
      error: 'auditError',
      status: 'auditMore',
      setCursor: (cursor) => (this.auditCursor = cursor),
      fetch: () => adminService.listAudit({ limit: LIMITS.page.defaultLimit }),
      view: (e) => this.auditView(e),
    });
  },

  loadMoreAudit() {
    return appendNextPage(this, {
      list: 'audit',
      status: 'auditMore',
      cursor: this.auditCursor,
      setCursor: (cursor) => (this.auditCursor = cursor),
      fetch: (cursor) => adminService.listAudit({ cursor, limit: LIMITS.page.defaultLimit }),
      view: (e) => this.auditView(e),
    });
  },
});

/** An audit before/after value in one readable line. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return '（无）';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > AUDIT_VALUE_CHARS ? `${text.slice(0, AUDIT_VALUE_CHARS)}…` : text;
}
