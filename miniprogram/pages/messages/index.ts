/**
 * Messages (推广员消息): send a template notice to bound promoters (all, by role, by store or chosen
 * ones), see beforehand whether it goes as one group send (≥ LIMITS.message.groupThreshold) or as
 * single sends, then follow each sent message's delivery (message.status) and clicks (message.clicks).
 */
import type {
  MessageAudience,
  MessageClicksParams,
  MessageRecord,
  Promoter,
  PromoterListParams,
  Role,
  Store,
} from '../../../typings/contract/index';
import { adminService } from '../../services/admin';
import { CloudCallError, errorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { LIMITS, checkBytes, utf8ByteLength } from '../../shared/field-rules';
import { formatTime } from '../../utils/format';
import { appendNextPage, loadFirstPage, type MoreStatus } from '../../utils/paging';
import { toast, toastError } from '../../utils/toast';
import { CUSTOM, PAGE_CHOICES, TEMPLATE_CHOICES, contentOverflow, visibleChars } from './choices';
import { currentWhoami, isStaff } from '../../utils/whoami';
import type { ViewState } from '../../components/state-view/index';

type AudienceKind = MessageAudience['kind'];

/**
 * Template fields of msg_type 1, from the one documented sample (docs/wechat-api.md#sendmsg). The msg_type enum
 * and other shapes are UNCONFIRMED, so these four are offered for every type and all are required.
 */
const TEMPLATE_FIELDS = [
  { key: 'title', label: '标题' },
  { key: 'topic', label: '主题' },
  { key: 'desc', label: '内容' },
  { key: 'date', label: '日期' },
] as const;
type TemplateKey = (typeof TEMPLATE_FIELDS)[number]['key'];

interface Compose {
  kind: AudienceKind;
  roleIds: number[];
  storeIds: string[];
  promoterIds: string[];
  msgType: string;
  title: string;
  topic: string;
  desc: string;
  date: string;
  path: string;
}

interface SentView extends MessageRecord {
  sentText: string;
  title: string;
  audienceText: string;
  /** Delivery and clicks, loaded on demand. */
  detail: { loading: boolean; error: string; lines: string[] } | null;
}

const NO_ERRORS = {
  audience: '',
  msgType: '',
  title: '',
  topic: '',
  desc: '',
  date: '',
  path: '',
  content: '',
};
const DEFAULT_PATH = PAGE_CHOICES[0].value;

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    allowed: false,
    /** Day figures by message type sum every sender's messages: only admins may see them. */
    isAdmin: false,
    roles: [] as Role[],
    stores: [] as Store[],
    fields: TEMPLATE_FIELDS,
    templateChoices: TEMPLATE_CHOICES,
    templateIndex: 0,
    pageChoices: PAGE_CHOICES,
    pageIndex: 0,
    contentChars: 0,
    form: {
      kind: 'all',
      roleIds: [],
      storeIds: [],
      promoterIds: [],
      msgType: '1',
      title: '',
      topic: '',
      desc: '',
      date: '',
      path: DEFAULT_PATH,
    } as Compose,
    errors: { ...NO_ERRORS },
    contentBytes: 0,
    contentMax: LIMITS.message.contentBytes,
    recipients: null as number | null,
    countText: '',
    candidates: [] as Promoter[],
    candidatesState: 'loading' as ViewState,
    candidatesError: '',
    candidatesMore: 'idle' as MoreStatus,
    confirmVisible: false,
    sending: false,
    lastSend: null as (MessageRecord & { modeText: string }) | null,

    sentState: 'loading' as ViewState,
    sentError: '',
    sent: [] as SentView[],
    sentMore: 'idle' as MoreStatus,
  },

  sentCursor: undefined as string | undefined,
  candidatesCursor: undefined as string | undefined,
  candidatesLoaded: false,
  /** Bumped per recount, so a slow answer for an older audience is ignored. */
  countToken: 0,

  onLoad() {
    return this.load();
  },

  onRetry() {
    return this.load();
  },

  async onPullDownRefresh() {
    if (this.data.allowed) await this.loadSent();
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    return this.loadMoreSent();
  },

  async load() {
    this.setData({ state: 'loading' });
    try {
      const caller = await currentWhoami();
      const allowed = isStaff(caller);
      if (!allowed) {
        this.setData({ allowed, state: 'ready' });
        return;
      }
      const [roles, stores] = await Promise.all([promoterService.listRoles(), adminService.listStores()]);
      this.setData({
        allowed,
        isAdmin: caller.role === 'admin',
        roles: roles.items,
        stores: stores.items,
        'form.date': this.data.form.date || chinaDate(Math.floor(Date.now() / 1000)),
        state: 'ready',
      });
      this.setData({
        contentBytes: utf8ByteLength(JSON.stringify(this.content())),
        contentChars: visibleChars(this.content()),
      });
      await Promise.all([this.recount(), this.loadSent()]);
    } catch (err) {
      this.setData({ state: 'error', errorText: errorText(err) });
    }
  },

  // ---- audience ----

  onKindChange(e: WechatMiniprogram.CustomEvent<{ value: AudienceKind }>) {
    this.setData({ 'form.kind': e.detail.value, 'errors.audience': '' });
    if (e.detail.value === 'promoters' && !this.candidatesLoaded) void this.loadCandidates();
    return this.recount();
  },

  onRolesChange(e: WechatMiniprogram.CustomEvent<{ value: number[] }>) {
    this.setData({ 'form.roleIds': e.detail.value, 'errors.audience': '' });
    return this.recount();
  },

  onStoresChange(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
    this.setData({ 'form.storeIds': e.detail.value, 'errors.audience': '' });
    return this.recount();
  },

  onPromotersChange(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
    this.setData({ 'form.promoterIds': e.detail.value, 'errors.audience': '' });
    return this.recount();
  },

  /** Chosen promoters come from the bound ones (messages reach bound promoters only). */
  async loadCandidates() {
    this.candidatesLoaded = true;
    this.candidatesCursor = undefined;
    this.setData({ candidatesState: 'loading', candidatesMore: 'idle' });
    try {
      const page = await promoterService.list({ status: 'bound', limit: LIMITS.page.maxLimit });
      this.candidatesCursor = page.nextCursor;
      this.setData({
        candidates: page.items,
        candidatesState: page.items.length ? 'ready' : 'empty',
        candidatesMore: page.nextCursor ? 'idle' : 'no-more',
      });
    } catch (err) {
      this.candidatesLoaded = false;
      this.setData({ candidatesState: 'error', candidatesError: errorText(err) });
    }
  },

  onCandidatesRetry() {
    return this.loadCandidates();
  },

  onMoreCandidates() {
    return appendNextPage(this, {
      list: 'candidates',
      status: 'candidatesMore',
      cursor: this.candidatesCursor,
      setCursor: (cursor) => (this.candidatesCursor = cursor),
      fetch: (cursor) => promoterService.list({ status: 'bound', cursor, limit: LIMITS.page.maxLimit }),
      view: (p) => p,
    });
  },

  /**
   * How many bound promoters the audience reaches, from promoter.list totals (limit 1), so the page can
   * say beforehand whether the cloud will group-send or single-send.
   */
  async recount() {
    const token = ++this.countToken;
    const form = this.data.form;
    let filters: PromoterListParams[] = [];
    if (form.kind === 'all') filters = [{}];
    else if (form.kind === 'role') filters = form.roleIds.map((roleId) => ({ roleId: Number(roleId) }));
    else if (form.kind === 'store') filters = form.storeIds.map((storeId) => ({ storeId }));
    let recipients: number | null = form.kind === 'promoters' ? form.promoterIds.length : null;
    if (recipients === null) {
      if (!filters.length) recipients = 0;
      else {
        this.setData({ countText: '正在计算接收人数…' });
        try {
          const pages = await Promise.all(
            filters.map((f) => promoterService.list({ ...f, status: 'bound', limit: 1 })),
          );
          recipients = pages.reduce((sum, p) => sum + p.total, 0);
        } catch {
          if (token === this.countToken)
            this.setData({
              recipients: null,
              countText: '接收人数暂时无法计算，发送时按实际人数决定群发或单发',
            });
          return;
        }
      }
    }
    if (token !== this.countToken) return;
    this.setData({ recipients, countText: describeCount(recipients) });
  },

  // ---- content ----

  onFieldInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const field = e.currentTarget.dataset.field as keyof Compose;
    this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '', 'errors.content': '' });
    this.setData({
      contentBytes: utf8ByteLength(JSON.stringify(this.content())),
      contentChars: visibleChars(this.content()),
    });
  },

  onTemplatePick(e: WechatMiniprogram.PickerChange) {
    const templateIndex = Number(e.detail.value);
    const choice = TEMPLATE_CHOICES[templateIndex];
    // a listed template sets its number; 其他模板 starts empty for the person to fill in
    this.setData({
      templateIndex,
      'form.msgType': choice.value === CUSTOM ? '' : choice.value,
      'errors.msgType': '',
    });
  },

  onPagePick(e: WechatMiniprogram.PickerChange) {
    const pageIndex = Number(e.detail.value);
    const choice = PAGE_CHOICES[pageIndex];
    this.setData({ pageIndex, 'form.path': choice.value === CUSTOM ? '' : choice.value, 'errors.path': '' });
  },

  content(): Record<TemplateKey, string> {
    const form = this.data.form;
    return {
      title: form.title.trim(),
      topic: form.topic.trim(),
      desc: form.desc.trim(),
      date: form.date.trim(),
    };
  },

  audience(): MessageAudience {
    const form = this.data.form;
    if (form.kind === 'role') return { kind: 'role', roleIds: form.roleIds.map(Number) };
    if (form.kind === 'store') return { kind: 'store', storeIds: form.storeIds };
    if (form.kind === 'promoters') return { kind: 'promoters', ids: form.promoterIds };
    return { kind: 'all' };
  },

  validate(): typeof NO_ERRORS {
    const form = this.data.form;
    const errors = { ...NO_ERRORS };
    if (form.kind === 'role' && !form.roleIds.length) errors.audience = '请至少选择一个角色';
    if (form.kind === 'store' && !form.storeIds.length) errors.audience = '请至少选择一家门店';
    if (form.kind === 'promoters' && !form.promoterIds.length) errors.audience = '请至少选择一位推广员';
    if (!/^[1-9][0-9]*$/.test(form.msgType.trim())) errors.msgType = '消息类型应为正整数';
    const content = this.content();
    for (const { key, label } of TEMPLATE_FIELDS) if (!content[key]) errors[key] = `请填写${label}`;
    errors.content = contentOverflow(content);
    const path = form.path.trim();
    errors.path = path ? (checkBytes('页面路径', path, LIMITS.message.pathBytes) ?? '') : '请填写页面路径';
    return errors;
  },

  onSendTap() {
    const errors = this.validate();
    this.setData({ errors });
    if (Object.values(errors).some(Boolean)) return;
    this.setData({ confirmVisible: true });
  },

  onConfirmCancel() {
    this.setData({ confirmVisible: false });
  },

  async onConfirmSend() {
    this.setData({ confirmVisible: false, sending: true });
    try {
      const record = await promoterService.sendMessage({
        msgType: Number(this.data.form.msgType.trim()),
        content: this.content(),
        path: this.data.form.path.trim(),
        audience: this.audience(),
      });
      const modeText = record.mode === 'group' ? '已群发' : '已逐个单发';
      // failures by the person's name (the cloud's, else the picked promoters'), never a bare id
      const names = new Map(this.data.candidates.map((p) => [p.id, p.name]));
      const failed = record.failed.map((f) => ({
        ...f,
        name: f.name || names.get(f.id) || `推广员（编号 ${f.id}）`,
      }));
      this.setData({ lastSend: { ...record, failed, modeText } });
      toast(
        this,
        record.failed.length
          ? `${modeText}，${record.failed.length} 人失败`
          : `${modeText}给 ${record.recipientCount} 人`,
        record.failed.length ? 'warning' : 'success',
      );
      await this.loadSent();
    } catch (err) {
      // `content.title` or `audience.roleIds` land on the content / audience line, `path` on its field
      const field = err instanceof CloudCallError ? err.field?.split('.')[0] : undefined;
      if (field && ['path', 'msgType', 'content', 'audience'].includes(field)) {
        this.setData({ [`errors.${field}`]: (err as CloudCallError).userMessage });
      }
      toastError(this, err);
    } finally {
      this.setData({ sending: false });
    }
  },

  // ---- sent list ----

  sentView(record: MessageRecord): SentView {
    return {
      ...record,
      sentText: formatTime(record.sentAt),
      title: record.content.title || `消息类型 ${record.msgType}`,
      audienceText: this.audienceText(record.audience),
      detail: null,
    };
  },

  audienceText(audience: MessageAudience): string {
    if (audience.kind === 'all') return '全部已绑定推广员';
    if (audience.kind === 'role') {
      const names = new Map(this.data.roles.map((r) => [r.roleId, r.name]));
      return `角色：${audience.roleIds.map((id) => names.get(id) ?? `角色 ${id}`).join('、')}`;
    }
    if (audience.kind === 'store') {
      const names = new Map(this.data.stores.map((s) => [s.storeId, s.name]));
      return `门店：${audience.storeIds.map((id) => names.get(id) ?? id).join('、')}`;
    }
    return `指定 ${audience.ids.length} 位推广员`;
  },

  loadSent() {
    return loadFirstPage(this, {
      list: 'sent',
      state: 'sentState',
      error: 'sentError',
      status: 'sentMore',
      setCursor: (cursor) => (this.sentCursor = cursor),
      fetch: () => promoterService.listMessages({ limit: LIMITS.page.defaultLimit }),
      view: (m) => this.sentView(m),
    });
  },

  onSentRetry() {
    return this.loadSent();
  },

  loadMoreSent() {
    return appendNextPage(this, {
      list: 'sent',
      status: 'sentMore',
      cursor: this.sentCursor,
      setCursor: (cursor) => (this.sentCursor = cursor),
      fetch: (cursor) => promoterService.listMessages({ cursor, limit: LIMITS.page.defaultLimit }),
      view: (m) => this.sentView(m),
    });
  },

  /** Delivery and clicks of one sent message; each half may fail on its own. */
  async onShowEffect(e: WechatMiniprogram.TouchEvent) {
    const index = Number(e.currentTarget.dataset.index);
    const record = this.data.sent[index];
    if (!record) return;
    const key = `sent[${index}].detail`;
    this.setData({ [key]: { loading: true, error: '', lines: [] } });
    const clicksParams: MessageClicksParams =
      record.mode === 'group' && record.msgId
        ? {
            sendDate: chinaDate(record.sentAt),
            dimension: 'msg',
            msgType: record.msgType,
            msgId: record.msgId,
          }
        : // WeChat has no per-message click data for single sends: the day's figure for the type is the closest
          { sendDate: chinaDate(record.sentAt), dimension: 'type', msgType: record.msgType };
    // A single send has no click figures of its own; the day's figure by type is for admins only.
    const noClicks = clicksParams.dimension === 'type' && !this.data.isAdmin;
    const [status, clicks] = await Promise.allSettled([
      promoterService.messageStatus(record.id),
      noClicks ? Promise.resolve(null) : promoterService.messageClicks(clicksParams),
    ]);
    const lines: string[] = [];
    const problems: string[] = [];
    if (status.status === 'fulfilled') {
      const s = status.value;
      lines.push(`送达进度 ${s.percent}%：已发送 ${s.sendCount} 人，失败 ${s.failCount} 人`);
      if (s.failures.length)
        lines.push(
          `失败明细：${s.failures
            .slice(0, 10)
            .map((f) => `${f.id}（错误码 ${f.errcode}）`)
            .join('、')}${s.failures.length > 10 ? ' 等' : ''}`,
        );
      if (s.failInfoUrl) lines.push('失败人数较多，明细请在微信后台下载');
    } else problems.push(`送达情况：${errorText(status.reason)}`);
    if (clicks.status === 'fulfilled' && clicks.value === null) {
      lines.push('单发消息没有单独的点击数据（按消息类型的当天合计只有总部管理员可以查看）');
    } else if (clicks.status === 'fulfilled' && clicks.value) {
      const all = clicks.value.items;
      const items = record.mode === 'group' ? all.filter((c) => c.msgId === record.msgId) : all;
      const uv = items.reduce((sum, c) => sum + c.clickUv, 0);
      const pv = items.reduce((sum, c) => sum + c.clickPv, 0);
      lines.push(
        record.mode === 'group'
          ? `点击 ${uv} 人，共 ${pv} 次`
          : `点击 ${uv} 人，共 ${pv} 次（单发消息按消息类型统计，为 ${chinaDate(record.sentAt)} 当天同类型消息合计）`,
      );
    } else if (clicks.status === 'rejected') problems.push(`点击数据：${errorText(clicks.reason)}`);
    this.setData({ [key]: { loading: false, error: problems.join('；'), lines } });
  },
});

/**
 * yyyy-MM-dd in China time (UTC+8), whatever the phone's zone: WeChat's send_date for click data is a
 * China-time day.
 */
function chinaDate(at: number): string {
  const d = new Date(at * 1000 + 8 * 3600 * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function describeCount(recipients: number): string {
  if (!recipients) return '当前没有符合条件的已绑定推广员';
  return recipients >= LIMITS.message.groupThreshold
    ? `预计 ${recipients} 人，将以群发方式发送（${LIMITS.message.groupThreshold} 人及以上）`
    : `预计 ${recipients} 人，将逐个单发（少于 ${LIMITS.message.groupThreshold} 人）`;
}
