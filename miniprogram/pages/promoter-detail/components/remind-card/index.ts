/**
 * <remind-card> (promoter detail): for someone declared who has not authorized (待授权) or took it
 * back (已解除授权): how long they have waited, how often they were reminded, 提醒授权 (promoter.remind:
 * a WeChat message where they subscribed) and 发给 TA (the share card, `data-share="remind"`: the
 * page's onShareAppMessage answers with share.ts). Emits `reminded` with the new reminder state, and
 * `changed` when the cloud found them already authorized (the page reloads).
 */
import type { Promoter, RemindRow } from '../../../../../typings/contract/index';
import { errorText } from '../../../../services/cloud';
import { promoterService } from '../../../../services/promoter';
import { daysSince, formatTime } from '../../../../utils/format';

type Tone = 'success' | 'info' | 'warning';
type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: { promoter: Promoter | null; busy: boolean };
};

function summary(p: Promoter | null) {
  if (!p) return { title: '', waitedText: '', remindedText: '' };
  const who = p.name || 'TA';
  const title = p.authStatus === 2 ? `${who} 已解除授权` : `${who} 还没有完成授权`;
  const waited = daysSince(p.updateTime);
  const waitedText = waited ? (waited === '今天' ? '今天声明' : `已等待 ${waited}`) : '';
  const remindedText = p.reminder
    ? `已提醒 ${p.reminder.count} 次，最近 ${formatTime(p.reminder.lastRemindedAt)}`
    : '还没有提醒过';
  return { title, waitedText, remindedText };
}

function resultOf(row: RemindRow): { text: string; tone: Tone } {
  switch (row.outcome) {
    case 'reminded':
      return row.delivery === 'sent'
        ? { text: '已提醒，TA 会在微信里收到授权提醒', tone: 'success' }
        : { text: `已记下这次提醒。${row.message ?? '请把分享卡片发给 TA'}`, tone: 'info' };
    case 'justReminded':
      return { text: row.message ?? '刚刚已提醒过，请稍后再试', tone: 'info' };
    default:
      return { text: row.message ?? '这位推广员现在不需要提醒', tone: 'warning' };
  }
}

Component({
  properties: { promoter: { type: Object, value: null } },
  data: { busy: false, title: '', waitedText: '', remindedText: '', resultText: '', resultTone: 'info' },
  observers: {
    promoter(this: Self, p: Promoter | null) {
      this.setData(summary(p));
    },
  },
  methods: {
    async onRemindTap(this: Self) {
      const p = this.data.promoter;
      if (!p || this.data.busy) return;
      this.setData({ busy: true, resultText: '' });
      try {
        const { rows } = await promoterService.remind({ ids: [p.id] });
        const row = rows[0];
        const result = resultOf(row);
        this.setData({ resultText: result.text, resultTone: result.tone });
        if (row.reminder) this.triggerEvent('reminded', { reminder: row.reminder });
        if (row.outcome === 'alreadyBound' || row.outcome === 'notDeclared') this.triggerEvent('changed');
      } catch (err) {
        this.setData({ resultText: errorText(err), resultTone: 'warning' });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
