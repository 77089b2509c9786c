/**
 * <remind-card> (promoter detail): for someone declared who has not authorized (待授权) or took it
 * back (已解除授权): how long they have waited, how often they were reminded, what the last 提醒授权
 * came to (`result`, from the action bar, remind.ts) and 发给 TA (the share card, `data-share="remind"`:
 * the page's onShareAppMessage answers with share.ts).
 */
import type { Promoter } from '../../../../../typings/contract/index';
import { daysSince, formatTime } from '../../../../utils/format';

type Self = WechatMiniprogram.Component.TrivialInstance & { data: { promoter: Promoter | null } };

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

Component({
  properties: {
    promoter: { type: Object, value: null },
    /** What the last 提醒授权 came to: `{ text, tone }` (remind.ts), or null before any. */
    result: { type: Object, value: null },
  },
  data: { title: '', waitedText: '', remindedText: '' },
  observers: {
    promoter(this: Self, p: Promoter | null) {
      this.setData(summary(p));
    },
  },
});
