/**
 * Form checks with the cloud functions' rules and words (cloudfunctions/_shared/validation.ts):
 * limits and patterns come from shared/field-rules.ts; the byte message comes first, as in the cloud.
 */
import {
  FIELD_LABELS,
  PATTERNS,
  RULES,
  checkBytes,
  checkIdLength,
  patternMessage,
  textMessage,
  textProblem,
} from '../shared/field-rules';

export interface FieldRule {
  /** param name, for the label (FIELD_LABELS) */
  field: string;
  maxBytes: number;
  required?: boolean;
  pattern?: RegExp;
  /** what the pattern allows, in Chinese (one of shared/field-rules.ts RULES) */
  rule?: string;
  /**
   * How a too-long value is worded: free text in 汉字 and 字母数字 ('chars', the default), a number or
   * an id of letters and digits in 位 ('digits', also whenever there is a `pattern`). Never in bytes.
   */
  unit?: 'chars' | 'digits';
  /** line breaks allowed (descriptions, reasons) */
  multiline?: boolean;
}

/** null when `value` passes, otherwise the Chinese message naming the field and the rule. */
export function fieldError(value: string, rule: FieldRule): string | null {
  const label = FIELD_LABELS[rule.field] ?? rule.field;
  const problem = textProblem(value, { multiline: rule.multiline });
  if (problem) return textMessage(label, problem);
  const tooLong =
    rule.pattern || rule.unit === 'digits'
      ? checkIdLength(label, value, rule.maxBytes)
      : checkBytes(label, value, rule.maxBytes);
  if (tooLong) return tooLong;
  if (value.trim() === '') return rule.required ? `${label}不能为空` : null;
  if (rule.pattern && !rule.pattern.test(value)) return patternMessage(label, rule.rule ?? '');
  return null;
}

export const phoneRule = (maxBytes: number, required = true): FieldRule => ({
  field: 'phone',
  maxBytes,
  required,
  pattern: PATTERNS.phone,
  rule: RULES.phone,
});
