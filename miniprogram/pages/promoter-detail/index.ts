/**
 * Promoter detail (?id=): every field, the last status change and the status history (newest first,
 * who made each change: the store or the promoter in WeChat); edit role, store, name, phone and
 * promoter parameter with byte counters (the cloud's rules, shared/field-rules.ts); cancel the
 * declaration behind a t-dialog, or declare again; share material (link, path, QR code) with its
 * expiry; the union custom parameter of the promoter's unionid. A change marks the list dirty so it
 * refreshes when the user goes back.
 */
import type {
  AuthStatus,
  DeclStatus,
  Promoter,
  PromoterStatus,
  PromoterStatusChange,
  PromoterUpdateParams,
} from '../../../typings/contract/index';
import { adminService } from '../../services/admin';
import { CloudCallError, errorText } from '../../services/cloud';
import { customParamService } from '../../services/customparam';
import { promoterService } from '../../services/promoter';
import { LIMITS, PATTERNS, RULES } from '../../shared/field-rules';
import { fieldError, phoneRule } from '../../utils/field-check';
import { formatDate, formatTime } from '../../utils/format';
import { REMIND_SHARE } from './components/remind-card/share';
import { currentWhoami } from '../../utils/whoami';
import { freshnessOf } from '../../utils/freshness';
import { copyWithToast, saveImageWithToast, toast, toastError } from '../../utils/toast';
import type { ViewState } from '../../components/state-view/index';

type SectionState = 'hidden' | 'loading' | 'error' | 'ready';

interface Option<T> {
  value: T;
  label: string;
}

interface PromoterView extends Promoter {
  storeName: string;
  roleName: string;
  authText: string;
  declText: string;
  updateTimeText: string;
}

interface HistoryRow {
  key: string;
  status: PromoterStatus;
  timeText: string;
  sourceText: string;
}

type EditField = 'name' | 'phone' | 'extraInfo';
type ShareField = 'path' | 'title' | 'extraInfo';

const AUTH_TEXT: Record<AuthStatus, string> = { 0: '未授权', 1: '已授权', 2: '已解除授权' };
const DECL_TEXT: Record<DeclStatus, string> = { 1: '已声明', 2: '已取消声明' };
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

const LIMITS_VIEW = {
  name: LIMITS.promoter.nameBytes,
  phone: LIMITS.promoter.phoneBytes,
  extraInfo: LIMITS.promoter.extraInfoBytes,
  // WeChat gives no path limit for getsharematerial; our message path limit is the safe reading.
  sharePath: LIMITS.message.pathBytes,
  shareTitle: LIMITS.share.titleBytes,
  shareExtraInfo: LIMITS.share.extraInfoBytes,
  customParam: LIMITS.customParam.valueBytes,
};

const EDIT_RULES = {
  name: { field: 'name', maxBytes: LIMITS.promoter.nameBytes },
  phone: phoneRule(LIMITS.promoter.phoneBytes),
  extraInfo: { field: 'extraInfo', maxBytes: LIMITS.promoter.extraInfoBytes },
};

const SHARE_RULES = {
  path: { field: 'path', maxBytes: LIMITS_VIEW.sharePath, required: true },
  title: { field: 'title', maxBytes: LIMITS.share.titleBytes },
  extraInfo: { field: 'extraInfo', maxBytes: LIMITS.share.extraInfoBytes },
};

const CUSTOM_RULE = {
  field: 'value',
  maxBytes: LIMITS.customParam.valueBytes,
  required: true,
  pattern: PATTERNS.customParam,
  rule: RULES.customParam,
};

const NO_STORE: Option<string> = { value: '', label: '不分配门店' };

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    limits: LIMITS_VIEW,
    p: null as PromoterView | null,
    history: [] as HistoryRow[],
    asOf: 0,
    stale: false,
    staleReason: '',
    roleOptions: [] as Option<number>[],
    storeOptions: [NO_STORE] as Option<string>[],
    form: { name: '', phone: '', extraInfo: '', roleIndex: 0, storeIndex: 0 },
    errors: { name: '', phone: '', extraInfo: '' } as Record<EditField, string>,
    saving: false,
    busy: false,
    cancelDialogVisible: false,
    /** 推广员编号, openid, unionid: for HQ's support questions, folded away from a manager's view. */
    showIds: false,
    /** Destructive confirms are red across the app, and name what they destroy. */
    cancelConfirmBtn: { content: '确定取消声明', theme: 'danger', variant: 'base' },
    share: { path: '', title: '', extraInfo: '' } as Record<ShareField, string>,
    shareErrors: { path: '', title: '', extraInfo: '' } as Record<ShareField, string>,
    sharing: false,
    material: null as null | { tag: string; sharePath: string; qrcode: string; expiresText: string },
    custom: {
      state: 'hidden' as SectionState,
      errorText: '',
      value: null as string | null,
      input: '',
      error: '',
      saving: false,
    },
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
    // Only HQ may take a promoter out of every store: a manager is offered only what the cloud accepts.
    const admin = who.status === 'fulfilled' && who.value.role === 'admin';
    this.setData({
      roleOptions: roleItems.map((r) => ({ value: r.roleId, label: r.name })),
      storeOptions: [
        ...(admin ? [NO_STORE] : []),
        ...storeItems.map((s) => ({ value: s.storeId, label: s.name })),
      ],
    });
    this.show(promoter.value);
    this.setData({
      state: 'ready',
      history: promoter.value.history.map(historyRow),
      ...freshnessOf(promoter.value),
    });
    await this.loadCustomParam();
  },

  /** Renders a promoter and resets the edit form to its values. */
  show(p: Promoter) {
    let { roleOptions, storeOptions } = this.data;
    // keep the promoter's own role/store selectable even when the lookups failed or lack it
    if (!roleOptions.some((o) => o.value === p.roleId)) {
      roleOptions = [
        ...roleOptions,
        { value: p.roleId, label: this.roleNames[String(p.roleId)] ?? `角色 ${p.roleId}` },
      ];
    }
    if (!storeOptions.some((o) => o.value === p.storeId)) {
      storeOptions = [...storeOptions, { value: p.storeId, label: p.storeId }];
    }
    const view: PromoterView = {
      ...p,
      storeName: p.storeId ? (this.storeNames[p.storeId] ?? p.storeId) : '未分配门店',
      roleName: this.roleNames[String(p.roleId)] ?? `角色 ${p.roleId}`,
      authText: AUTH_TEXT[p.authStatus] ?? String(p.authStatus),
      declText: DECL_TEXT[p.declStatus] ?? String(p.declStatus),
      updateTimeText: formatTime(p.updateTime) || '—',
    };
    this.setData({
      p: view,
      roleOptions,
      storeOptions,
      form: {
        name: p.name,
        phone: p.phone,
        extraInfo: p.extraInfo,
        roleIndex: roleOptions.findIndex((o) => o.value === p.roleId),
        storeIndex: storeOptions.findIndex((o) => o.value === p.storeId),
      },
      errors: { name: '', phone: '', extraInfo: '' },
    });
  },

  markListDirty() {
    getApp<IAppOption>().globalData.promoterListDirty = true;
  },

  // ---- edit ----

  onFieldChange(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const field = e.currentTarget.dataset.field as EditField;
    this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '' });
  },

  onRolePick(e: WechatMiniprogram.PickerChange) {
    this.setData({ 'form.roleIndex': Number(e.detail.value) });
  },

  onStorePick(e: WechatMiniprogram.PickerChange) {
    this.setData({ 'form.storeIndex': Number(e.detail.value) });
  },

  /** Only the fields that changed, checked with the cloud's rules; null when a field is wrong. */
  changes(): PromoterUpdateParams | null {
    const p = this.data.p as PromoterView;
    const { form } = this.data;
    const update: PromoterUpdateParams = { id: p.id };
    const errors: Record<EditField, string> = { name: '', phone: '', extraInfo: '' };
    for (const field of ['name', 'phone', 'extraInfo'] as EditField[]) {
      if (form[field] === p[field]) continue;
      const error = fieldError(form[field], EDIT_RULES[field]);
      if (error) errors[field] = error;
      else update[field] = form[field];
    }
    if (errors.name || errors.phone || errors.extraInfo) {
      this.setData({ errors });
      return null;
    }
    const roleId = this.data.roleOptions[form.roleIndex]?.value;
    if (roleId !== undefined && roleId !== p.roleId) update.roleId = roleId;
    const storeId = this.data.storeOptions[form.storeIndex]?.value;
    if (storeId !== undefined && storeId !== p.storeId) update.storeId = storeId;
    return update;
  },

  async onSave() {
    if (this.data.saving || !this.data.p) return;
    const update = this.changes();
    if (!update) return;
    if (Object.keys(update).length === 1) {
      toast(this, '没有需要保存的修改', 'warning');
      return;
    }
    this.setData({ saving: true });
    try {
      const saved = await promoterService.update(update);
      this.show(saved);
      this.markListDirty();
      toast(this, '已保存');
    } catch (err) {
      const field = err instanceof CloudCallError ? err.field : undefined;
      if (field && field in this.data.errors) this.setData({ [`errors.${field}`]: errorText(err) });
      toastError(this, err);
    } finally {
      this.setData({ saving: false });
    }
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
      this.setData({ history: [historyRow(change, this.data.history.length), ...this.data.history] });
      this.markListDirty();
      toast(this, done);
    } catch (err) {
      toastError(this, err);
    } finally {
      this.setData({ busy: false });
    }
  },

  // ---- share material ----

  onShareFieldChange(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const field = e.currentTarget.dataset.field as ShareField;
    this.setData({ [`share.${field}`]: e.detail.value, [`shareErrors.${field}`]: '' });
  },

  async onShareMaterial() {
    if (this.data.sharing) return;
    const { share } = this.data;
    const shareErrors: Record<ShareField, string> = {
      path: fieldError(share.path, SHARE_RULES.path) ?? '',
      title: fieldError(share.title, SHARE_RULES.title) ?? '',
      extraInfo: fieldError(share.extraInfo, SHARE_RULES.extraInfo) ?? '',
    };
    this.setData({ shareErrors });
    if (shareErrors.path || shareErrors.title || shareErrors.extraInfo) return;
    this.setData({ sharing: true });
    try {
      const material = await promoterService.shareMaterial({
        id: this.promoterId,
        path: share.path.trim(),
        ...(share.title.trim() ? { title: share.title.trim() } : {}),
        ...(share.extraInfo ? { extraInfo: share.extraInfo } : {}),
      });
      this.setData({
        material: {
          tag: material.tag ?? '',
          sharePath: material.sharePath ?? '',
          qrcode: material.qrcode ?? '',
          expiresText: formatDate(material.expiresAt),
        },
      });
    } catch (err) {
      toastError(this, err);
    } finally {
      this.setData({ sharing: false });
    }
  },

  onCopy(e: WechatMiniprogram.CustomEvent) {
    return copyWithToast(this, e.currentTarget.dataset.text as string);
  },

  async onSaveQrcode() {
    const qrcode = this.data.material?.qrcode;
    if (qrcode) await saveImageWithToast(this, qrcode, `promoter-${this.promoterId}`);
  },

  // ---- union custom parameter ----

  async loadCustomParam() {
    const unionid = this.data.p?.unionid;
    if (!unionid) {
      this.setData({ 'custom.state': 'hidden' });
      return;
    }
    this.setData({ 'custom.state': 'loading', 'custom.errorText': '' });
    try {
      const { value } = await customParamService.get(unionid);
      this.setData({ 'custom.state': 'ready', 'custom.value': value, 'custom.input': value ?? '' });
    } catch (err) {
      this.setData({ 'custom.state': 'error', 'custom.errorText': errorText(err) });
    }
  },

  onCustomInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ 'custom.input': e.detail.value, 'custom.error': '' });
  },

  async onCustomSave() {
    const unionid = this.data.p?.unionid;
    if (!unionid || this.data.custom.saving) return;
    const value = this.data.custom.input;
    const error = fieldError(value, CUSTOM_RULE);
    if (error) {
      this.setData({ 'custom.error': error });
      return;
    }
    this.setData({ 'custom.saving': true });
    try {
      const saved = await customParamService.set(unionid, value);
      this.setData({ 'custom.value': saved.value, 'custom.input': saved.value });
      toast(this, '自定义参数已保存');
    } catch (err) {
      toastError(this, err);
    } finally {
      this.setData({ 'custom.saving': false });
    }
  },

  async onCustomRemove() {
    const unionid = this.data.p?.unionid;
    if (!unionid || this.data.custom.saving) return;
    const answer = await wx.showModal({
      title: '删除自定义参数',
      content: '删除后，该用户的联盟订单将不再带有这个参数。',
      confirmText: '删除',
    });
    if (!answer.confirm) return;
    this.setData({ 'custom.saving': true });
    try {
      await customParamService.remove(unionid);
      this.setData({ 'custom.value': null, 'custom.input': '' });
      toast(this, '自定义参数已删除');
    } catch (err) {
      toastError(this, err);
    } finally {
      this.setData({ 'custom.saving': false });
    }
  },

  /** 提醒授权 went through: the card and the page show the new count at once. */
  onReminded(e: WechatMiniprogram.CustomEvent<{ reminder: Promoter['reminder'] }>) {
    if (this.data.p) this.setData({ 'p.reminder': e.detail.reminder });
  },

  /** 发给 TA on the remind card shares the authorize card; the page itself shares nothing else. */
  onShareAppMessage(res: WechatMiniprogram.Page.IShareAppMessageOption) {
    const share = (res.target as { dataset?: { share?: string } } | undefined)?.dataset?.share;
    if (res.from === 'button' && share === 'remind') return REMIND_SHARE;
    return { title: '推广员管理', path: '/pages/home/index' };
  },

  onIdsToggle() {
    this.setData({ showIds: !this.data.showIds });
  },
});
