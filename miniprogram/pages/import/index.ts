/**
 * Import (批量导入, HQ only): paste CSV or choose a CSV file, say what the identity column holds, start
 * an import job (promoter function, import.*). While the page is open it drives the job
 * (import.resume runs one slice at a time) and shows progress every few seconds (import.status); the
 * timer trigger goes on when the page is closed. Coming back shows the newest job (import.list).
 * Failed rows are listed with their reasons, page by page, and can be copied as a CSV to fix and
 * import again. Cancel asks first.
 */
import type {
  ImportFailure,
  ImportIdentity,
  ImportState,
  ImportStatus,
} from '../../../typings/contract/index';
import { errorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { LIMITS, rowError, utf8ByteLength } from '../../shared/field-rules';
import { copyText } from '../../utils/save-image';
import { toast, toastError } from '../../utils/toast';
import { currentWhoami } from '../../utils/whoami';
import { failedRowsCsv } from './failed-csv';
import { splitParts } from './parts';

type ViewState = 'loading' | 'error' | 'ready';

const IDENTITIES: Array<{ value: ImportIdentity; label: string; hint: string }> = [
  { value: 'openid', label: '小程序 openid', hint: '用户在本小程序里的 openid' },
  { value: 'unionid', label: 'UnionID', hint: '开放平台下同一用户的 UnionID' },
  { value: 'oaOpenid', label: '公众号 openid', hint: '公众号粉丝的 openid，系统先换成 UnionID 再声明' },
];

const STATE_TEXT: Record<ImportState, string> = {
  queued: '排队中',
  running: '导入中',
  paused: '已暂停',
  done: '已完成',
  cancelled: '已取消',
};

/** How often the progress is read while a job runs. */
const STATUS_EVERY_MS = 3000;
/** Pause between two slices asked for by the page (a busy job answers at once). */
const RESUME_GAP_MS = 1000;
const FAILURES_PAGE = 20;

const active = (s: ImportState) => s === 'queued' || s === 'running' || s === 'paused';

function clock(at: number): string {
  const d = new Date(at * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getMonth() + 1}月${d.getDate()}日 ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function etaText(seconds: number | null): string {
  if (seconds === null) return '正在估算剩余时间';
  if (seconds < 60) return '预计不到 1 分钟完成';
  return `预计还需约 ${Math.ceil(seconds / 60)} 分钟`;
}

interface JobView {
  jobId: string;
  state: ImportState;
  stateText: string;
  percent: number;
  total: number;
  processed: number;
  counts: ImportStatus['counts'];
  note: string;
  active: boolean;
}

function noteOf(s: ImportStatus): string {
  if (s.state === 'paused') {
    return `${s.pauseReason ?? '已暂停'}${s.resumeAt ? `（${clock(s.resumeAt)} 起继续）` : ''}`;
  }
  if (s.state === 'queued' || s.state === 'running') return etaText(s.etaSeconds);
  if (s.state === 'done') return `共 ${s.total} 行，已全部处理`;
  return `已取消，已处理 ${s.processed} / ${s.total} 行`;
}

function toView(s: ImportStatus): JobView {
  const note = noteOf(s);
  return {
    jobId: s.jobId,
    state: s.state,
    stateText: STATE_TEXT[s.state],
    percent: Math.floor(s.progress * 100),
    total: s.total,
    processed: s.processed,
    counts: s.counts,
    note,
    active: active(s.state),
  };
}

const failureView = (f: ImportFailure) => ({
  key: f.index,
  line: `第 ${f.index + 1} 行`,
  // the field's label, never the cloud's param path (rows[26].storeId)
  reason: rowError(f.field, f.message).text,
  kind: f.kind === 'duplicate' ? '重复' : f.kind === 'invalid' ? '格式不对' : '未成功',
});

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    allowed: false,
    identities: IDENTITIES,
    identity: 'openid' as ImportIdentity,
    identityHint: IDENTITIES[0]!.hint,
    csvText: '',
    csvHint: 'openid（或 unionid / oaOpenid）,roleId,storeId,name,phone,extraInfo',
    maxRows: LIMITS.import.maxRows,
    starting: false,
    job: null as JobView | null,
    failures: [] as ReturnType<typeof failureView>[],
    failuresCursor: '',
    loadingFailures: false,
    copying: false,
    confirmCancel: false,
    cancelling: false,
  },

  identity: 'openid' as ImportIdentity,
  shown: false,
  statusTimer: 0 as unknown as ReturnType<typeof setTimeout>,
  driving: false,
  /** Pauses of the resume loop, cut short when the page goes away. */
  waits: [] as Array<() => void>,

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waits.push(done);
    });
  },

  onLoad() {
    return this.load();
  },

  onRetry() {
    return this.load();
  },

  onShow() {
    this.shown = true;
    if (this.data.job?.active) this.follow();
  },

  onHide() {
    this.stop();
  },

  onUnload() {
    this.stop();
  },

  stop() {
    this.shown = false;
    clearTimeout(this.statusTimer);
    this.waits.splice(0).forEach((done: () => void) => done());
  },

  async load() {
    this.setData({ state: 'loading' });
    try {
      const caller = await currentWhoami();
      const allowed = caller.role === 'admin';
      if (!allowed) {
        this.setData({ allowed, state: 'ready' });
        return;
      }
      // The newest job of this caller: leaving the page and coming back shows the same job.
      const { items } = await promoterService.importList({ limit: 1 });
      this.setData({ allowed, state: 'ready' });
      if (items[0])
        await this.show(await promoterService.importStatus({ jobId: items[0].jobId, limit: FAILURES_PAGE }));
    } catch (err) {
      this.setData({ state: 'error', errorText: errorText(err) });
    }
  },

  /** Puts a status on screen (failures from its first page) and follows it while it is active. */
  async show(status: ImportStatus) {
    this.setData({
      job: toView(status),
      failures: status.failures.map(failureView),
      failuresCursor: status.failuresCursor ?? '',
    });
    if (active(status.state)) this.follow();
  },

  /** While shown: progress every few seconds, and the next slice as soon as the last one ends. */
  follow() {
    this.shown = true;
    clearTimeout(this.statusTimer);
    const tick = async () => {
      if (!this.shown || !this.data.job?.active) return;
      await this.refresh();
      if (this.shown && this.data.job?.active) this.statusTimer = setTimeout(tick, STATUS_EVERY_MS);
    };
    this.statusTimer = setTimeout(tick, STATUS_EVERY_MS);
    void this.drive();
  },

  async drive() {
    if (this.driving) return;
    this.driving = true;
    try {
      while (this.shown && this.data.job?.active && this.data.job.state !== 'paused') {
        const jobId = this.data.job.jobId;
        const status = await promoterService.importResume({ jobId, limit: 1 });
        if (this.data.job?.jobId !== jobId) break;
        this.setData({ job: toView(status) });
        if (status.state === 'done' || status.state === 'cancelled') await this.refresh();
        else await this.wait(RESUME_GAP_MS);
      }
    } catch {
      // the progress read below says what happened; the timer trigger goes on meanwhile
    } finally {
      this.driving = false;
    }
  },

  /** Reads the job again; the first page of failures is refreshed while nothing more was loaded. */
  async refresh() {
    const job = this.data.job;
    if (!job) return;
    try {
      const status = await promoterService.importStatus({ jobId: job.jobId, limit: FAILURES_PAGE });
      const update: Record<string, unknown> = { job: toView(status) };
      if (this.data.failures.length <= FAILURES_PAGE) {
        update.failures = status.failures.map(failureView);
        update.failuresCursor = status.failuresCursor ?? '';
      }
      this.setData(update);
    } catch (err) {
      toastError(this, err);
    }
  },

  onIdentityTap(e: WechatMiniprogram.TouchEvent) {
    const value = e.currentTarget.dataset.value as ImportIdentity;
    const choice = IDENTITIES.find((i) => i.value === value);
    if (!choice) return;
    this.identity = value;
    this.setData({ identity: value, identityHint: choice.hint });
  },

  onCsvInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ csvText: e.detail.value });
  },

  onChooseFile() {
    wx.chooseMessageFile({
      count: 1,
      type: 'file',
      extension: ['csv', 'txt'],
      success: (res) => {
        const file = res.tempFiles[0];
        if (!file) return;
        wx.getFileSystemManager().readFile({
          filePath: file.path,
          encoding: 'utf8',
          success: (read) => this.setData({ csvText: String(read.data) }),
          fail: () => toast(this, '读取文件失败，请确认是 UTF-8 编码的 CSV 文件', 'error'),
        });
      },
      fail: (err: { errMsg?: string }) => {
        if (!/cancel/.test(err.errMsg ?? '')) toast(this, '没有选到文件', 'error');
      },
    });
  },

  async onStart() {
    const csv = this.data.csvText.trim();
    if (!csv || this.data.starting) return;
    this.setData({ starting: true });
    try {
      const status = await this.startWith(csv);
      this.setData({ csvText: '' });
      await this.show(status);
      toast(this, `已开始导入 ${status.total} 行`);
    } catch (err) {
      toastError(this, err);
    } finally {
      this.setData({ starting: false });
    }
  },

  /** A large file goes up in parts first (one call carries only so much), then the job starts from them. */
  async startWith(csv: string): Promise<ImportStatus> {
    const identity = this.identity;
    if (utf8ByteLength(csv) <= LIMITS.import.uploadPartBytes)
      return promoterService.importStart({ csv, identity });
    let uploadId: string | undefined;
    for (const text of splitParts(csv, LIMITS.import.uploadPartBytes)) {
      ({ uploadId } = await promoterService.importUpload(uploadId ? { uploadId, text } : { text }));
    }
    return promoterService.importStart({ uploadId, identity });
  },

  async onMoreFailures() {
    const job = this.data.job;
    if (!job || !this.data.failuresCursor || this.data.loadingFailures) return;
    this.setData({ loadingFailures: true });
    try {
      const status = await promoterService.importStatus({
        jobId: job.jobId,
        cursor: this.data.failuresCursor,
        limit: FAILURES_PAGE,
      });
      const start = this.data.failures.length;
      const update: Record<string, unknown> = { failuresCursor: status.failuresCursor ?? '' };
      status.failures.forEach((f, i) => (update[`failures[${start + i}]`] = failureView(f)));
      this.setData(update);
    } catch (err) {
      toastError(this, err);
    } finally {
      this.setData({ loadingFailures: false });
    }
  },

  /** Every failed row (all pages) as CSV on the clipboard. */
  async onCopyFailed() {
    const job = this.data.job;
    if (!job || this.data.copying) return;
    this.setData({ copying: true });
    try {
      const all: ImportFailure[] = [];
      let cursor: string | undefined;
      let identity: ImportIdentity = 'openid';
      do {
        const page = await promoterService.importStatus({
          jobId: job.jobId,
          cursor,
          limit: LIMITS.page.maxLimit,
        });
        identity = page.identity;
        all.push(...page.failures);
        cursor = page.failuresCursor;
      } while (cursor);
      await copyText(failedRowsCsv(all, identity));
      toast(this, `已复制 ${all.length} 行失败数据，改好后可粘贴重新导入`);
    } catch (err) {
      toastError(this, err);
    } finally {
      this.setData({ copying: false });
    }
  },

  onCancelAsk() {
    this.setData({ confirmCancel: true });
  },

  onCancelKeep() {
    this.setData({ confirmCancel: false });
  },

  async onCancelConfirm() {
    const job = this.data.job;
    if (!job) return;
    this.setData({ cancelling: true });
    try {
      const status = await promoterService.importCancel(job.jobId);
      this.setData({ confirmCancel: false, job: toView(status) });
      toast(this, '已取消导入');
    } catch (err) {
      toastError(this, err);
    } finally {
      this.setData({ cancelling: false });
    }
  },

  onNewImport() {
    this.stop();
    this.setData({ job: null, failures: [], failuresCursor: '' });
  },
});
