/**
 * 提醒授权 for one promoter (promoter.remind), shared by the action bar (which asks) and the remind
 * card (which shows what came of it): who still has to authorize, and the cloud's answer in words.
 */
import type { Promoter, RemindRow } from '../../../../../typings/contract/index';
import { errorText } from '../../../../services/cloud';
import { promoterService } from '../../../../services/promoter';

export type Tone = 'success' | 'info' | 'warning';

/** What the card says after a reminder. */
export interface RemindResult {
  text: string;
  tone: Tone;
}

/** Declared and not authorized (待授权, 已解除授权): the people a reminder is for. */
export const needsReminder = (p: Promoter | null): boolean => !!p && p.declStatus === 1 && p.authStatus !== 1;

function resultOf(row: RemindRow): RemindResult {
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

export interface Reminded {
  result: RemindResult;
  /** The new reminder state, when the cloud recorded one. */
  reminder?: Promoter['reminder'];
  /** The cloud found them already authorized or no longer declared: the page should reload. */
  changed: boolean;
}

/** Asks the cloud once; a failure comes back as a result in words, never as a throw. */
export async function remindOne(p: Promoter): Promise<Reminded> {
  try {
    const { rows } = await promoterService.remind({ ids: [p.id] });
    const row = rows[0];
    return {
      result: resultOf(row),
      ...(row.reminder ? { reminder: row.reminder } : {}),
      changed: row.outcome === 'alreadyBound' || row.outcome === 'notDeclared',
    };
  } catch (err) {
    return { result: { text: errorText(err), tone: 'warning' }, changed: false };
  }
}
