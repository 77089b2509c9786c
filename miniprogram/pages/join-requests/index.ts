/**
 * Join requests (加入申请): review what promoters sent from an invite. Approving declares the promoter
 * to WeChat; rejecting may carry a reason. One by one or many at once; a batch answers per id, so
 * a partial failure shows against each request that failed, with WeChat's or our reason.
 */
import type { BatchResult, JoinRequest, JoinStatus } from '../../../typings/contract/index';
import { adminService } from '../../services/admin';
import { errorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { LIMITS, checkBytes, textCounter } from '../../shared/field-rules';
import { formatTime } from '../../utils/format';
import { appendNextPage, loadFirstPage, type MoreStatus } from '../../utils/paging';
import { toast } from '../../utils/toast';
import { JOIN_STATUS_LABELS } from '../../shared/labels';
import type { ViewState } from '../../components/state-view/index';

type Decision = 'approve' | 'reject';

interface RequestView extends JoinRequest {
  createdText: string;
  decidedText: string;
  roleName: string;
  storeName: string;
  /** Outcome of this page's last approve/reject of the request. */
  result: { ok: boolean; text: string } | null;
}

const TABS: { value: JoinStatus; label: string }[] = (['pending', 'approved', 'rejected'] as const).map(
  (value) => ({ value, label: JOIN_STATUS_LABELS[value] }),
);

const PAGE_SIZE = LIMITS.page.defaultLimit;

const CLOSED_DIALOG = {
  visible: false,
  kind: 'approve' as Decision,
  ids: [] as string[],
  reason: '',
  /** 还能输入 N 个字 (characters, not WeChat's bytes). */
  reasonCounter: textCounter('', LIMITS.join.rejectReasonBytes),
  reasonError: '',
};

Page({
  data: {
    tabs: TABS,
    tab: 'pending' as JoinStatus,
    state: 'loading' as ViewState,
    errorText: '',
    items: [] as RequestView[],
    total: 0,
    moreStatus: 'idle' as MoreStatus,
    selectedIds: [] as string[],
    summary: '',
    summaryOk: true,
    busy: false,
    dialog: { ...CLOSED_DIALOG },
    maxBatch: LIMITS.batch.maxIds,
  },

  /** Not in data: paging cursor and role/store names never drive the view directly. */
  nextCursor: undefined as string | undefined,
  roleNames: {} as Record<number, string>,
  storeNames: {} as Record<string, string>,

  async onLoad() {
    await Promise.all([this.loadRoleNames(), this.loadStoreNames(), this.load()]);
  },

  async onPullDownRefresh() {
    await this.load();
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    return this.loadMore();
  },

  onRetry() {
    return this.load();
  },

  /** Role names only decorate the list; without them the role number shows. */
  async loadRoleNames() {
    try {
      const { items } = await promoterService.listRoles();
      this.roleNames = Object.fromEntries(items.map((r) => [r.roleId, r.name]));
      const renamed: Record<string, string> = {};
      this.data.items.forEach((item, i) => {
        renamed[`items[${i}].roleName`] = this.roleName(item.roleId);
      });
      if (Object.keys(renamed).length) this.setData(renamed);
    } catch {
      // decoration only
    }
  },

  /** Store names, likewise: without them the store's id shows. */
  async loadStoreNames() {
    try {
      const { items } = await adminService.listStores();
      this.storeNames = Object.fromEntries(items.map((s) => [s.storeId, s.name]));
      const renamed: Record<string, string> = {};
      this.data.items.forEach((item, i) => {
        renamed[`items[${i}].storeName`] = this.storeName(item.storeId);
      });
      if (Object.keys(renamed).length) this.setData(renamed);
    } catch {
      // decoration only
    }
  },

  roleName(roleId: number): string {
    return this.roleNames[roleId] ?? `角色 ${roleId}`;
  },

  storeName(storeId: string): string {
    return this.storeNames[storeId] ?? storeId;
  },

  toView(request: JoinRequest): RequestView {
    return {
      ...request,
      createdText: formatTime(request.createdAt),
      decidedText: request.decidedAt ? formatTime(request.decidedAt) : '',
      roleName: this.roleName(request.roleId),
      storeName: this.storeName(request.storeId),
      result: null,
    };
  },

  load() {
    const tab = this.data.tab;
    return loadFirstPage(this, {
      list: 'items',
      state: 'state',
      error: 'errorText',
      status: 'moreStatus',
      setCursor: (cursor) => (this.nextCursor = cursor),
      fetch: () => promoterService.listJoinRequests({ status: tab, limit: PAGE_SIZE }),
      view: (r) => this.toView(r),
      alsoReset: { selectedIds: [], summary: '' },
      stillWanted: () => tab === this.data.tab, // the user switched tabs meanwhile
      alsoSet: (page) => ({ total: page.total }),
    });
  },

  loadMore() {
    if (this.data.state !== 'ready') return Promise.resolve();
    const tab = this.data.tab;
    return appendNextPage(this, {
      list: 'items',
      status: 'moreStatus',
      cursor: this.nextCursor,
      setCursor: (cursor) => (this.nextCursor = cursor),
      fetch: (cursor) => promoterService.listJoinRequests({ status: tab, cursor, limit: PAGE_SIZE }),
      view: (r) => this.toView(r),
      stillWanted: () => tab === this.data.tab,
      alsoSet: (page) => ({ total: page.total }),
    });
  },

  onTabChange(e: WechatMiniprogram.CustomEvent<{ value: JoinStatus }>) {
    if (e.detail.value === this.data.tab) return undefined;
    this.setData({ tab: e.detail.value });
    return this.load();
  },

  /** Requests that can still be decided here. */
  openIds(): string[] {
    return this.data.items.filter((r) => r.status === 'pending' && !r.result?.ok).map((r) => r.id);
  },

  onSelectChange(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
    this.setData({ selectedIds: e.detail.value });
  },

  onSelectAll() {
    const open = this.openIds();
    const all = open.length > 0 && open.every((id: string) => this.data.selectedIds.includes(id));
    this.setData({ selectedIds: all ? [] : open });
  },

  onApproveOne(e: WechatMiniprogram.TouchEvent) {
    this.openDialog('approve', [String(e.currentTarget.dataset.id)]);
  },

  onRejectOne(e: WechatMiniprogram.TouchEvent) {
    this.openDialog('reject', [String(e.currentTarget.dataset.id)]);
  },

  onBatchApprove() {
    this.openDialog('approve', this.data.selectedIds);
  },

  onBatchReject() {
    this.openDialog('reject', this.data.selectedIds);
  },

  openDialog(kind: Decision, ids: string[]) {
    if (!ids.length || this.data.busy) return;
    this.setData({ dialog: { ...CLOSED_DIALOG, visible: true, kind, ids } });
  },

  onReasonInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const reason = e.detail.value;
    this.setData({
      'dialog.reason': reason,
      'dialog.reasonCounter': textCounter(reason, LIMITS.join.rejectReasonBytes),
      'dialog.reasonError': '',
    });
  },

  onDialogCancel() {
    this.setData({ dialog: { ...CLOSED_DIALOG } });
  },

  async onDialogConfirm() {
    const { kind, ids, reason } = this.data.dialog;
    const trimmed = reason.trim();
    if (kind === 'reject') {
      const tooLong = checkBytes('原因', trimmed, LIMITS.join.rejectReasonBytes);
      if (tooLong) {
        this.setData({ 'dialog.reasonError': tooLong });
        return;
      }
    }
    this.setData({ dialog: { ...CLOSED_DIALOG }, busy: true, summary: '' });
    await this.decide(kind, ids, trimmed);
    this.setData({ busy: false });
  },

  /** Sends `ids` in batches of LIMITS.batch.maxIds and marks each request with its own outcome. */
  async decide(kind: Decision, ids: string[], reason: string) {
    const outcome: BatchResult = { done: [], failed: [] };
    let fault = '';
    for (let start = 0; start < ids.length; start += LIMITS.batch.maxIds) {
      const batch = ids.slice(start, start + LIMITS.batch.maxIds);
      try {
        const result =
          kind === 'approve'
            ? await promoterService.approveJoin(batch)
            : await promoterService.rejectJoin(batch, reason || undefined);
        outcome.done.push(...result.done);
        outcome.failed.push(...result.failed);
      } catch (err) {
        // The whole call failed (network, permission): nothing of this batch or the rest was decided.
        fault = errorText(err);
        break;
      }
    }
    this.applyOutcome(kind, outcome);
    const verb = kind === 'approve' ? '通过' : '拒绝';
    const parts: string[] = [];
    if (outcome.done.length) parts.push(`已${verb} ${outcome.done.length} 条`);
    if (outcome.failed.length) parts.push(`${outcome.failed.length} 条失败`);
    const undecided = ids.length - outcome.done.length - outcome.failed.length;
    if (fault) parts.push(`${undecided} 条未处理：${fault}`);
    this.setData({ summary: parts.join('，'), summaryOk: !outcome.failed.length && !fault });
    if (fault && !outcome.done.length && !outcome.failed.length) {
      toast(this, fault, 'error');
    }
  },

  applyOutcome(kind: Decision, outcome: BatchResult) {
    const index = new Map(this.data.items.map((r, i) => [r.id, i]));
    const changes: Record<string, unknown> = {};
    const status: JoinStatus = kind === 'approve' ? 'approved' : 'rejected';
    for (const id of outcome.done) {
      const i = index.get(id);
      if (i === undefined) continue;
      changes[`items[${i}].status`] = status;
      changes[`items[${i}].result`] = {
        ok: true,
        text: kind === 'approve' ? '已通过，已声明为推广员' : '已拒绝',
      };
    }
    for (const failure of outcome.failed) {
      const i = index.get(failure.id);
      if (i === undefined) continue;
      const verb = kind === 'approve' ? '通过' : '拒绝';
      changes[`items[${i}].result`] = { ok: false, text: `${verb}失败：${failure.message}` };
    }
    // Decided requests leave the selection; failed ones stay selected for another try.
    const done = new Set(outcome.done);
    changes.selectedIds = this.data.selectedIds.filter((id) => !done.has(id));
    this.setData(changes);
  },
});
