/**
 * Param schemas several promoter actions share (actions never import one another: they meet here).
 */
import * as v from 'valibot';
import {
  FIELD_LABELS,
  LIMITS,
  PATTERNS,
  RULES,
  patternMessage,
} from '../../../miniprogram/shared/field-rules';
import { bytes, idString, list, patterned } from '../../_shared/validation';

export const promoterId = idString('推广员 id');

export const phone = patterned(LIMITS.promoter.phoneBytes, FIELD_LABELS.phone, PATTERNS.phone, RULES.phone);

/** A phone number, or '' to clear it (promoter.update). */
export const phoneOrEmpty = v.pipe(
  bytes(LIMITS.promoter.phoneBytes, FIELD_LABELS.phone, { allowEmpty: true }),
  v.check(
    (value: string) => value === '' || PATTERNS.phone.test(value),
    patternMessage(FIELD_LABELS.phone, RULES.phone),
  ),
);

/** Template ids a person accepted in wx.requestSubscribeMessage (WeChat asks for at most 3 at once). */
export const subscribedTemplateIds = list(bytes(128, '订阅消息模板'), '订阅消息模板', 1, 3);
