/**
 * <sent-list> (messages → 已发送): the messages sent so far (a manager sees their own, HQ every one), newest
 * first and paged, and for each its delivery (message.status: progress, who did not get it and why, by
 * name) and clicks (message.clicks). The page calls `reload()` after a send or a pull-down and
 * `loadMore()` on reach-bottom. `roles` and `stores` name the audiences; `isAdmin` allows the day's
 * click figures by type, which sum every sender's messages.
 */
import type {
  MessageAudience,
  MessageClicksParams,
  MessageRecord,
  MessageStatus,
  Role,
  Store,
} from '../../../../../typings/contract/index';
import { errorText } from '../../../../services/cloud';
import { promoterService } from '../../../../services/promoter';
import { LIMITS } from '../../../../shared/field-rules';
import { formatTime } from '../../../../utils/format';
import { appendNextPage, loadFirstPage, type MoreStatus } from '../../../../utils/paging';
import type { ViewState } from '../../../../components/state-view/index';
import { chinaDate, templateLabel } from '../../choices';

/** How many failed people a message's detail names before "等 N 人". */
const NAMED_FAILURES = 10;

interface SentView extends MessageRecord {
  sentText: string;
  title: string;
  modeText: string;
  audienceText: string;
  /** Delivery and clicks, loaded on demand. */
  detail: { loading: boolean; error: string; lines: string[]; failures: string[] } | null;
}

type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: { roles: Role[]; stores: Store[]; isAdmin: boolean; sent: SentView[] };
  sentCursor: string | undefined;
};

export interface SentList {
  reload(): Promise<void>;
  loadMore(): Promise<void>;
}

/** "李娜：TA 设置了不接收推广消息", for the first few who did not get it. */
export function failureLines(failures: MessageStatus['failures']): string[] {
  const lines = failures
    .slice(0, NAMED_FAILURES)
    .map((f) => `${f.name || '一位已不在名单中的推广员'}：${f.reason}`);
  if (failures.length > NAMED_FAILURES) lines.push(`等 ${failures.length} 人`);
  return lines;
}

Component({
  properties: {
    roles: { type: Array, value: [] as Role[] },
    stores: { type: Array, value: [] as Store[] },
    isAdmin: { type: Boolean, value: false },
  },
  data: {
    sentState: 'loading' as ViewState,
    sentError: '',
    sent: [] as SentView[],
    sentMore: 'idle' as MoreStatus,
  },
  lifetimes: {
    created(this: Self) {
      this.sentCursor = undefined;
    },
    attached(this: Self) {
      void this.reload();
    },
  },
  methods: {
    audienceText(this: Self, audience: MessageAudience): string {
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

    sentView(this: Self, record: MessageRecord): SentView {
      return {
        ...record,
        sentText: formatTime(record.sentAt),
        title: record.content.title || templateLabel(record.msgType),
        modeText: record.mode === 'group' ? '群发' : '单发',
        audienceText: this.audienceText(record.audience),
        detail: null,
      };
    },

    reload(this: Self) {
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

    onSentRetry(this: Self) {
      return this.reload();
    },

    loadMore(this: Self) {
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
    async onShowEffect(this: Self, e: WechatMiniprogram.TouchEvent) {
      const index = Number(e.currentTarget.dataset.index);
      const record = this.data.sent[index];
      if (!record) return;
      const key = `sent[${index}].detail`;
      this.setData({ [key]: { loading: true, error: '', lines: [], failures: [] } });
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
      let failures: string[] = [];
      if (status.status === 'fulfilled') {
        const s = status.value;
        lines.push(`送达进度 ${s.percent}%：已发送 ${s.sendCount} 人，没收到 ${s.failCount} 人`);
        failures = failureLines(s.failures);
        if (s.failInfoUrl) lines.push('没收到的人较多，名单请在微信公众平台下载');
      } else problems.push(`送达情况：${errorText(status.reason)}`);
      if (clicks.status === 'fulfilled' && clicks.value === null) {
        lines.push('单发消息没有单独的点击数据（按消息模板的当天合计只有总部管理员可以查看）');
      } else if (clicks.status === 'fulfilled' && clicks.value) {
        const all = clicks.value.items;
        const items = record.mode === 'group' ? all.filter((c) => c.msgId === record.msgId) : all;
        const uv = items.reduce((sum, c) => sum + c.clickUv, 0);
        const pv = items.reduce((sum, c) => sum + c.clickPv, 0);
        lines.push(
          record.mode === 'group'
            ? `点击 ${uv} 人，共 ${pv} 次`
            : `点击 ${uv} 人，共 ${pv} 次（单发消息按消息模板统计，为 ${chinaDate(record.sentAt)} 当天同模板消息合计）`,
        );
      } else if (clicks.status === 'rejected') problems.push(`点击数据：${errorText(clicks.reason)}`);
      this.setData({ [key]: { loading: false, error: problems.join('；'), lines, failures } });
    },
  },
});
