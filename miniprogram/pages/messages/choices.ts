/**
 * What a manager picks instead of typing numbers and paths on the messages page: the message template
 * (WeChat's msg_type; only type 1 — 标题、主题、说明、日期 — has a documented sample, so other types are
 * offered as 其他模板 by number) and the page the message opens (pages of this mini program a promoter
 * can use, or 其他页面 by path). The content limit is WeChat's JSON bytes; the counter shows the words.
 */
import { LIMITS, utf8ByteLength } from '../../shared/field-rules';
import { CUSTOM } from '../../utils/page-choices';

export { CUSTOM, PAGE_CHOICES, type PageChoice } from '../../utils/page-choices';

export interface TemplateChoice {
  value: string;
  label: string;
}

export const TEMPLATE_CHOICES: TemplateChoice[] = [
  { value: '1', label: '活动通知' },
  { value: CUSTOM, label: '其他模板（按编号）' },
];

/** What the person reads: the characters of the fields they filled in. */
export function visibleChars(content: Record<string, string>): number {
  return Object.values(content).reduce((n, text) => n + [...text].length, 0);
}

/** WeChat counts the content as JSON bytes; said as the words that still fit, roughly, in 汉字. */
export function contentOverflow(content: Record<string, string>): string {
  const bytes = utf8ByteLength(JSON.stringify(content));
  const max = LIMITS.message.contentBytes;
  if (bytes <= max) return '';
  const over = Math.ceil((bytes - max) / 3);
  return `消息内容太长了，请删掉约 ${over} 个字`;
}

/** A sent message's template as the manager picked it: its name, or 其他模板 with the number. */
export function templateLabel(msgType: number): string {
  const listed = TEMPLATE_CHOICES.find((c) => c.value === String(msgType));
  return listed ? listed.label : `其他模板（编号 ${msgType}）`;
}

/**
 * yyyy-MM-dd in China time (UTC+8), whatever the phone's zone: WeChat's send_date for click data is a
 * China-time day, and the message's date field defaults to today there.
 */
export function chinaDate(at: number): string {
  const d = new Date(at * 1000 + 8 * 3600 * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
