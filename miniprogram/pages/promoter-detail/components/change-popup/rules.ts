/**
 * What the change popup sends: only the fields that changed, each checked with the cloud's rule and
 * sentence (shared/field-rules.ts through utils/field-check.ts), so a refusal reads the same on the form
 * and from promoter.update.
 */
import type { Promoter, PromoterUpdateParams } from '../../../../../typings/contract/index';
import { FIELD_LABELS, LIMITS, PATTERNS, RULES, integerProblem } from '../../../../shared/field-rules';
import { type FieldRule, fieldError, phoneRule } from '../../../../utils/field-check';

export type Mode = 'assign' | 'profile';
export type TextField = 'name' | 'phone' | 'extraInfo';
export type Field = TextField | 'roleId' | 'storeId';
export type Errors = Record<Field, string>;

export const NO_ERRORS: Errors = { roleId: '', storeId: '', name: '', phone: '', extraInfo: '' };

export const TEXT_RULES: Record<TextField, FieldRule> = {
  name: { field: 'name', maxBytes: LIMITS.promoter.nameBytes },
  phone: phoneRule(LIMITS.promoter.phoneBytes, false),
  extraInfo: { field: 'extraInfo', maxBytes: LIMITS.promoter.extraInfoBytes },
};

const STORE_RULE: FieldRule = {
  field: 'storeId',
  maxBytes: LIMITS.promoter.storeIdBytes,
  required: true,
  pattern: PATTERNS.storeId,
  rule: RULES.storeId,
};

export interface Draft {
  roleId?: number;
  storeId?: string;
  name: string;
  phone: string;
  extraInfo: string;
}

/**
 * The update for `mode`, or the errors by field. An update with only `id` means nothing changed.
 */
export function updateOf(
  p: Promoter,
  mode: Mode,
  draft: Draft,
): { update: PromoterUpdateParams } | { errors: Errors } {
  const update: PromoterUpdateParams = { id: p.id };
  const errors: Errors = { ...NO_ERRORS };
  if (mode === 'assign') {
    if (draft.roleId !== undefined && draft.roleId !== p.roleId) {
      // WeChat's role_id: a whole number from 1 (the cloud's `roleId` schema)
      errors.roleId = integerProblem(FIELD_LABELS.roleId, draft.roleId, 1, LIMITS.uint32.max) ?? '';
      if (!errors.roleId) update.roleId = draft.roleId;
    }
    if (draft.storeId !== undefined && draft.storeId !== p.storeId) {
      errors.storeId = fieldError(draft.storeId, STORE_RULE) ?? '';
      if (!errors.storeId) update.storeId = draft.storeId;
    }
  } else {
    for (const field of ['name', 'phone', 'extraInfo'] as TextField[]) {
      if (draft[field] === p[field]) continue;
      errors[field] = fieldError(draft[field], TEXT_RULES[field]) ?? '';
      if (!errors[field]) update[field] = draft[field];
    }
  }
  return Object.values(errors).some(Boolean) ? { errors } : { update };
}
