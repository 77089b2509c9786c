/**
 * Messages (推广员消息): send a template notice to bound promoters. Who gets it is <audience-picker>'s
 * (all, by role, by store or chosen ones, with the count that decides group or single send); the
 * template, its fields and the page it opens are this page's; what was sent and how it went is
 * <sent-list>'s.
 */
import type { MessageAudience, MessageRecord, Role, Store } from '../../../typings/contract/index';
import { adminService } from '../../services/admin';
import { CloudCallError, errorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { FIELD_LABELS, LIMITS, checkBytes } from '../../shared/field-rules';
import { toast, toastError } from '../../utils/toast';
import { CUSTOM, PAGE_CHOICES, TEMPLATE_CHOICES, chinaDate, contentOverflow, visibleChars } from './choices';
import { currentWhoami, isStaff } from '../../utils/whoami';
import type { ViewState } from '../../components/state-view/index';
import { type AudienceChange, describeCount } from './components/audience-picker/index';
import type { SentList } from './components/sent-list/index';

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
  msgType: string;
  title: string;
  topic: string;
  desc: string;
  date: string;
  path: string;
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
      msgType: '1',
      title: '',
      topic: '',
      desc: '',
      date: '',
      path: DEFAULT_PATH,
    } as Compose,
    errors: { ...NO_ERRORS },
    /** what <audience-picker> last said: the audience, why it is not complete, how many it reaches */
    audience: { kind: 'all' } as MessageAudience,
    audienceMissing: '',
    recipients: null as number | null,
    countText: '',
    confirmVisible: false,
    sending: false,
    lastSend: null as (MessageRecord & { modeText: string }) | null,
  },

  /** Names of the promoters picked by hand, for a failed single send the cloud could not name. */
  pickedNames: {} as Record<string, string>,

  onLoad() {
    return this.load();
  },

  onRetry() {
    return this.load();
  },

  async onPullDownRefresh() {
    await this.sentList()?.reload();
    wx.stopPullDownRefresh();
  },

  onReachBottom() {
    return this.sentList()?.loadMore();
  },

  sentList(): SentList | null {
    return this.selectComponent('#sent') as unknown as SentList | null;
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
      this.setData({ contentChars: visibleChars(this.content()) });
    } catch (err) {
      this.setData({ state: 'error', errorText: errorText(err) });
    }
  },

  // ---- audience ----

  onAudienceChange(e: WechatMiniprogram.CustomEvent<AudienceChange>) {
    const { audience, missing, recipients, names } = e.detail;
    this.pickedNames = names;
    this.setData({
      audience,
      audienceMissing: missing,
      recipients,
      // what the confirm dialog says; the picker shows its own count line
      countText: recipients === null ? '' : describeCount(recipients),
      'errors.audience': '',
    });
  },

  // ---- content ----

  onFieldInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const field = e.currentTarget.dataset.field as keyof Compose;
    this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '', 'errors.content': '' });
    this.setData({ contentChars: visibleChars(this.content()) });
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

  validate(): typeof NO_ERRORS {
    const form = this.data.form;
    const errors = { ...NO_ERRORS };
    errors.audience = this.data.audienceMissing;
    if (!/^[1-9][0-9]*$/.test(form.msgType.trim())) errors.msgType = `${FIELD_LABELS.msgType}应为正整数`;
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
        audience: this.data.audience,
      });
      const modeText = record.mode === 'group' ? '已群发' : '已逐个单发';
      // failures by the person's name (the cloud's, else the picked promoters'), never a bare id
      const failed = record.failed.map((f) => ({
        ...f,
        name: f.name || this.pickedNames[f.id] || '一位已不在名单中的推广员',
      }));
      this.setData({ lastSend: { ...record, failed, modeText } });
      toast(
        this,
        record.failed.length
          ? `${modeText}，${record.failed.length} 人失败`
          : `${modeText}给 ${record.recipientCount} 人`,
        record.failed.length ? 'warning' : 'success',
      );
      await this.sentList()?.reload();
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
});
