/** The facts about one promoter, each once, with times said as a person says them. */
import type { Promoter, PromoterStatusChange } from '../../../../../typings/contract/index';
import { daysSince, formatTime } from '../../../../utils/format';

/** `3 天前 · 2025-11-21 12:40` (今天 · …); '' when unknown. */
export function whenText(seconds: number | undefined, nowSeconds?: number): string {
  const time = formatTime(seconds);
  if (!time) return '';
  const days = daysSince(seconds, nowSeconds);
  return `${days === '今天' ? '今天' : `${days}前`} · ${time}`;
}

/**
 * When they were last declared: the newest change into 已声明 from 已取消声明 (a redeclare), else the
 * oldest declared entry. 0 when the history does not say.
 */
export function declaredAt(history: PromoterStatusChange[]): number {
  // history is newest first
  for (let i = 0; i < history.length; i++) {
    const change = history[i];
    const before = history[i + 1];
    if (change.declStatus === 1 && (!before || before.declStatus === 2)) return change.at;
  }
  return 0;
}

/** Two times this close (seconds) are the same event told twice (WeChat's clock and ours). */
const SAME_MOMENT = 60;

export interface Fact {
  key: string;
  title: string;
  note: string;
}

/**
 * The cells of the facts card. `reminderShown`: the remind card already says how often they were
 * reminded, so the facts leave it out.
 */
export function factsOf(
  p: Promoter & { storeName: string; roleName: string },
  declared: number,
  reminderShown: boolean,
): Fact[] {
  const facts: Fact[] = [
    { key: 'phone', title: '手机号', note: p.phone || '未填写' },
    { key: 'store', title: '门店', note: p.storeName },
    { key: 'role', title: '角色', note: p.roleName },
    { key: 'extra', title: '推广员参数', note: p.extraInfo || '未填写' },
  ];
  if (declared) facts.push({ key: 'declared', title: '声明时间', note: whenText(declared) });
  // declared and not changed since (待授权): one time, not the same one twice
  if (!declared || Math.abs(p.updateTime - declared) >= SAME_MOMENT) {
    facts.push({ key: 'updated', title: '最近状态变更', note: whenText(p.updateTime) || '—' });
  }
  if (p.reminder && !reminderShown) {
    facts.push({
      key: 'reminded',
      title: '最近提醒',
      note: `${whenText(p.reminder.lastRemindedAt)}（共 ${p.reminder.count} 次）`,
    });
  }
  return facts;
}
