/**
 * Form checks with the cloud functions' rules and words (cloudfunctions/_shared/validation.ts):
 * limits and patterns come from shared/field-rules.ts; the byte message comes first, as in the cloud.
 */
import {
  FIELD_LABELS,
  PATTERNS,
  charLimitMessage,
  checkBytes,
  digitLimitMessage,
} from '../shared/field-rules';

export interface FieldRule {
  /** param name, for the label (FIELD_LABELS) */
  field: string;
  maxBytes: number;
  required?: boolean;
  pattern?: RegExp;
  /** what the pattern allows, in Chinese */
  rule?: string;
  /** The promoter's form words a too-long value in 汉字 ('chars') or digits ('digits'), never bytes. */
  unit?: 'bytes' | 'chars' | 'digits';
}

export const PHONE_RULE = '只能是数字，可带 + 号、空格或连字符';
export const CUSTOM_PARAM_RULE = '只能是可见的英文字符（字母、数字和符号），不能有空格或汉字';

/** null when `value` passes, otherwise the Chinese message naming the field and the rule. */
export function fieldError(value: string, rule: FieldRule): string | null {
  const label = FIELD_LABELS[rule.field] ?? rule.field;
  const tooLong = checkBytes(label, value, rule.maxBytes);
  if (tooLong && rule.unit === 'chars') return charLimitMessage(label, rule.maxBytes);
  if (tooLong && rule.unit === 'digits') return digitLimitMessage(label, rule.maxBytes);
  if (tooLong) return tooLong;
  if (value.trim() === '') return rule.required ? `${label}不能为空` : null;
  if (rule.pattern && !rule.pattern.test(value)) return `${label}格式不正确：${rule.rule ?? ''}`;
  return null;
}

export const phoneRule = (maxBytes: number, required = true): FieldRule => ({
  field: 'phone',
  maxBytes,
  required,
  pattern: PATTERNS.phone,
  rule: PHONE_RULE,
});
