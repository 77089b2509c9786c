/**
 * Declare (声明推广员): HQ declares promoters for any store, a manager for their own stores. Rows come
 * from the row editor or from pasted CSV (rows.ts), are checked with the cloud's own rules before
 * anything is sent, go out LIMITS.declare.maxRows per call, and each row then shows its outcome.
 * Nothing typed is ever dropped: failed rows stay editable and "retry" sends only what is not declared.
 */
import type { DeclareResult, Role, Store, WhoAmI } from '../../../typings/contract/index';
import { CloudCallError, errorText } from '../../services/cloud';
import { adminService } from '../../services/admin';
import { promoterService } from '../../services/promoter';
import { LIMITS, limitHint, rowError, rowFieldOf, rowProblem } from '../../shared/field-rules';
import { toast } from '../../utils/toast';
import { currentWhoami, isStaff } from '../../utils/whoami';
import {
  CSV_HEADER_HINT,
  blankRow,
  isBlank,
  readDeclareCsv,
  toDeclareRow,
  validateRow,
  type DraftRow,
  type IdKind,
  type RowErrors,
  type RowField,
  type RowRules,
} from './rows';
import type { ViewState } from '../../components/state-view/index';

interface RowResult {
  state: 'declared' | 'failed';
  text: string;
}

interface RowView extends DraftRow {
  key: number;
  errors: RowErrors;
  result: RowResult | null;
  /** Editing fields shown; collapsed rows show one summary line, so hundreds of imported rows stay light. */
  open: boolean;
  roleLabel: string;
  storeLabel: string;
}

const ID_KINDS: IdKind[] = ['openid', 'unionid'];
const ROW_FIELDS: RowField[] = ['id', 'roleId', 'storeId', 'name', 'phone', 'extraInfo'];

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    /** 选填，最多 26 个汉字: the limit as people count it (the whole rule is in the error, if broken). */
    extraInfoHint: `选填，${limitHint(LIMITS.promoter.extraInfoBytes, true)}`,
    allowed: false,
    isManager: false,
    mode: 'rows' as 'rows' | 'csv',
    rows: [] as RowView[],
    idKinds: ID_KINDS,
    roleLabels: [] as string[],
    storeLabels: [] as string[],
    csvText: '',
    csvHint: CSV_HEADER_HINT,
    csvProblems: [] as string[],
    sending: false,
    progress: '',
    summary: '',
    summaryOk: true,
    pendingCount: 0,
    failedCount: 0,
    declaredCount: 0,
    submitLabel: '提交声明',
    maxRows: LIMITS.declare.maxRows,
    /** HQ admins also get the way to the import page (large lists, OA openids). */
    isAdmin: false,
  },

  nextKey: 1,
  caller: null as WhoAmI | null,
  roles: [] as Role[],
  /** Store choices aligned with data.storeLabels ('' = no store, HQ only). */
  storeChoices: [] as string[],
  storeNames: {} as Record<string, string>,

  onLoad() {
    return this.load();
  },

  onRetry() {
    return this.load();
  },

  async load() {
    this.setData({ state: 'loading' });
    try {
      const caller = await currentWhoami();
      this.caller = caller;
      const allowed = isStaff(caller);
      if (!allowed) {
        this.setData({ allowed, state: 'ready' });
        return;
      }
      const [roles, stores] = await Promise.all([promoterService.listRoles(), adminService.listStores()]);
      this.roles = roles.items;
      this.applyStores(stores.items, caller);
      const rows = this.data.rows.length ? this.data.rows : [this.newRow(blankRow())];
      this.setData({
        allowed,
        isManager: caller.role === 'manager',
        isAdmin: caller.role === 'admin',
        roleLabels: roles.items.map((r) => `${r.name}（${r.roleId}）`),
        rows: rows.map((r) => ({
          ...r,
          roleLabel: this.roleLabel(r.roleId),
          storeLabel: this.storeLabel(r.storeId),
        })),
        state: 'ready',
      });
      this.recount();
    } catch (err) {
      this.setData({ state: 'error', errorText: errorText(err) });
    }
  },

  applyStores(stores: Store[], caller: WhoAmI) {
    this.storeNames = Object.fromEntries(stores.map((s) => [s.storeId, s.name]));
    // store.list already narrows a manager to their stores; whoami's list is the rule the cloud applies.
    const own =
      caller.role === 'manager' ? stores.filter((s) => caller.storeIds.includes(s.storeId)) : stores;
    this.storeChoices = [...(caller.role === 'admin' ? [''] : []), ...own.map((s) => s.storeId)];
    this.setData({ storeLabels: this.storeChoices.map((id: string) => this.storeLabel(id)) });
  },

  rules(): RowRules {
    return {
      roleIds: this.roles.length ? this.roles.map((r: Role) => r.roleId) : null,
      ownStoreIds: this.caller?.role === 'manager' ? this.caller.storeIds : null,
    };
  },

  roleLabel(roleId: string): string {
    if (!roleId) return '';
    const role = this.roles.find((r: Role) => String(r.roleId) === roleId);
    return role ? `${role.name}（${role.roleId}）` : `角色 ${roleId}（未找到）`;
  },

  storeLabel(storeId: string): string {
    if (!storeId) return '不指定门店';
    const name = this.storeNames[storeId];
    return name ? `${name}（${storeId}）` : storeId;
  },

  newRow(given: DraftRow): RowView {
    // A manager's row starts in their (first) store: 不指定门店 is HQ's choice only, the cloud refuses it.
    const draft =
      !given.storeId && this.caller?.role === 'manager'
        ? { ...given, storeId: this.storeChoices[0] ?? '' }
        : given;
    return {
      ...draft,
      key: this.nextKey++,
      errors: {},
      result: null,
      open: true,
      roleLabel: this.roleLabel(draft.roleId),
      storeLabel: this.storeLabel(draft.storeId),
    };
  },

  recount() {
    const rows = this.data.rows;
    const failedCount = rows.filter((r) => r.result?.state === 'failed').length;
    const pendingCount = rows.filter((r) => r.result?.state !== 'declared').length;
    this.setData({
      declaredCount: rows.filter((r) => r.result?.state === 'declared').length,
      failedCount,
      pendingCount,
      submitLabel: failedCount ? `重试未成功的 ${failedCount} 行` : `提交声明（${pendingCount} 行）`,
    });
  },

  onOpenImport() {
    wx.navigateTo({ url: '/pages/import/index' });
  },

  onModeChange(e: WechatMiniprogram.CustomEvent<{ value: 'rows' | 'csv' }>) {
    this.setData({ mode: e.detail.value });
  },

  onAddRow() {
    this.setData({ [`rows[${this.data.rows.length}]`]: this.newRow(blankRow()) });
    this.recount();
  },

  /** The one place the whole list is sent again: a removal shifts every later row. */
  onRemoveRow(e: WechatMiniprogram.TouchEvent) {
    const index = Number(e.currentTarget.dataset.index);
    this.setData({ rows: this.data.rows.filter((_, i) => i !== index) });
    this.recount();
  },

  onRemoveDeclared() {
    this.setData({ rows: this.data.rows.filter((r) => r.result?.state !== 'declared'), summary: '' });
    this.recount();
  },

  onToggleRow(e: WechatMiniprogram.TouchEvent) {
    const index = Number(e.currentTarget.dataset.index);
    this.setData({ [`rows[${index}].open`]: !this.data.rows[index]?.open });
  },

  onIdKindChange(e: WechatMiniprogram.PickerChange) {
    const index = Number(e.currentTarget.dataset.index);
    this.setData({
      [`rows[${index}].idKind`]: ID_KINDS[Number(e.detail.value)],
      [`rows[${index}].errors.id`]: '',
    });
  },

  onFieldInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const { index, field } = e.currentTarget.dataset as { index: number; field: RowField };
    this.setData({ [`rows[${index}].${field}`]: e.detail.value, [`rows[${index}].errors.${field}`]: '' });
  },

  onRolePick(e: WechatMiniprogram.PickerChange) {
    const index = Number(e.currentTarget.dataset.index);
    const role = this.roles[Number(e.detail.value)];
    if (!role) return;
    const roleId = String(role.roleId);
    this.setData({
      [`rows[${index}].roleId`]: roleId,
      [`rows[${index}].roleLabel`]: this.roleLabel(roleId),
      [`rows[${index}].errors.roleId`]: '',
    });
  },

  onStorePick(e: WechatMiniprogram.PickerChange) {
    const index = Number(e.currentTarget.dataset.index);
    const storeId = this.storeChoices[Number(e.detail.value)];
    if (storeId === undefined) return;
    this.setData({
      [`rows[${index}].storeId`]: storeId,
      [`rows[${index}].storeLabel`]: this.storeLabel(storeId),
      [`rows[${index}].errors.storeId`]: '',
    });
  },

  onCsvInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ csvText: e.detail.value, csvProblems: [] });
  },

  /** CSV rows join the editor (blank rows give way), each with its own errors, ready to fix or send. */
  onCsvImport() {
    const rules = this.rules();
    const { rows, problems } = readDeclareCsv(this.data.csvText, rules);
    this.setData({ csvProblems: problems.map((p) => p.message) });
    if (!rows.length) return;
    const kept = this.data.rows.filter((r) => !isBlank(r) || r.result);
    const imported = rows.map((draft) => {
      const errors = validateRow(draft, rules);
      return { ...this.newRow(draft), errors, open: Object.keys(errors).length > 0 };
    });
    this.setData({ rows: [...kept, ...imported], mode: problems.length ? 'csv' : 'rows', summary: '' });
    this.recount();
    toast(
      this,
      problems.length
        ? `已导入 ${rows.length} 行，${problems.length} 处需要修改`
        : `已导入 ${rows.length} 行`,
      problems.length ? 'warning' : 'success',
    );
  },

  async onSubmit() {
    if (this.data.sending) return;
    const rules = this.rules();
    const targets: number[] = [];
    const changes: Record<string, unknown> = {};
    let invalid = 0;
    this.data.rows.forEach((row, i) => {
      if (row.result?.state === 'declared' || isBlank(row)) return; // an untouched row is not an error
      const errors = validateRow(row, rules);
      changes[`rows[${i}].errors`] = errors;
      if (Object.keys(errors).length) {
        invalid++;
        if (!row.open) changes[`rows[${i}].open`] = true;
      }
      targets.push(i);
    });
    this.setData(changes);
    if (!targets.length) {
      toast(this, '没有要提交的行', 'warning');
      return;
    }
    if (invalid) {
      toast(this, `有 ${invalid} 行需要修改，请按提示填写后再提交`, 'error');
      return;
    }
    await this.send(targets);
  },

  /** Sends the rows at `targets` in calls of at most LIMITS.declare.maxRows, one after another. */
  async send(targets: number[]) {
    const size = LIMITS.declare.maxRows;
    const batches = Math.ceil(targets.length / size);
    let declared = 0;
    let already = 0;
    let failed = 0;
    let fault = '';
    this.setData({ sending: true, summary: '' });
    for (let b = 0; b < batches; b++) {
      const indexes = targets.slice(b * size, (b + 1) * size);
      this.setData({
        progress: `正在提交第 ${b + 1}/${batches} 批（${rowRange(b * size + 1, b * size + indexes.length)}，共 ${targets.length} 行）`,
      });
      let result: DeclareResult;
      try {
        result = await promoterService.declare({
          promoters: indexes.map((i) => toDeclareRow(this.data.rows[i])),
        });
      } catch (err) {
        // The whole call failed: this batch and the ones after it were not declared. The rows stay as typed.
        fault = errorText(err);
        const notSent: Record<string, unknown> = {};
        for (const i of targets.slice(b * size))
          notSent[`rows[${i}].result`] = { state: 'failed', text: `未提交：${fault}` };
        failed += targets.length - b * size;
        this.setData(notSent);
        break;
      }
      declared += result.declaredCount;
      already += result.alreadyDeclaredCount;
      failed += result.failed.length;
      this.applyBatch(indexes, result);
    }
    const parts = [`声明成功 ${declared} 行${already ? `（其中 ${already} 行此前已声明）` : ''}`];
    if (failed) parts.push(`失败 ${failed} 行，失败的行已保留，可修改后重试`);
    if (fault) parts.push(`提交中断：${fault}`);
    this.setData({ sending: false, progress: '', summary: parts.join('；'), summaryOk: !failed });
    this.recount();
  },

  applyBatch(indexes: number[], result: DeclareResult) {
    const changes: Record<string, unknown> = {};
    const failedAt = new Map(result.failed.map((f) => [f.index, f]));
    indexes.forEach((rowIndex, i) => {
      const failure = failedAt.get(i);
      if (!failure) {
        changes[`rows[${rowIndex}].result`] = { state: 'declared', text: '已声明' };
        return;
      }
      // 第 27 行 门店编号：… on the row (its number as the person sees it, not the call's), and the
      // reason alone under the field; never the cloud's param path (promoters[26].storeId).
      const message = inPageRows(
        new CloudCallError({ code: failure.code, message: failure.message }).userMessage,
        indexes,
      );
      const text = rowProblem(rowIndex + 1, failure.field, message);
      changes[`rows[${rowIndex}].result`] = { state: 'failed', text };
      const field = fieldOf(failure.field);
      if (field) {
        changes[`rows[${rowIndex}].errors.${field}`] = rowError(failure.field, message).detail;
        changes[`rows[${rowIndex}].open`] = true;
      }
    });
    this.setData(changes);
  },

  /** A manager's way to add people: the invite, not openids. */
  onInviteTap() {
    wx.navigateTo({ url: '/pages/invite/index' });
  },
});

function rowRange(first: number, last: number): string {
  return first === last ? `第 ${first} 行` : `第 ${first}–${last} 行`;
}

/**
 * The cloud counts rows within its call ("与第 3 行重复"); the person counts the page's rows. A call
 * carries the rows at `indexes`, so its row n is the page's row indexes[n - 1] + 1.
 */
function inPageRows(message: string, indexes: number[]): string {
  return message.replace(/第 (\d+) 行/g, (whole, n: string) => {
    const index = indexes[Number(n) - 1];
    return index === undefined ? whole : `第 ${index + 1} 行`;
  });
}

/** `promoters[3].phone` or `phone` → the editor field it belongs to. */
function fieldOf(path: string | undefined): RowField | null {
  const last = rowFieldOf(path);
  if (last === 'openid' || last === 'unionid') return 'id';
  return (ROW_FIELDS as string[]).includes(last) ? (last as RowField) : null;
}
