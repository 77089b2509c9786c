/**
 * Param schemas several promoter actions share (actions never import one another: they meet here).
 */
import * as v from 'valibot';
import { FIELD_LABELS, LIMITS, PATTERNS } from '../../../miniprogram/shared/field-rules';
import { bytes, integer, list, patterned } from '../../_shared/validation';

export const promoterId = bytes(64, '推广员 id');

export const unixTime = (label: string) => integer(label, 0, 4_294_967_295);

const PHONE_RULE = '只能是数字，可带 + 号、空格或连字符';

export const phone = patterned(LIMITS.promoter.phoneBytes, FIELD_LABELS.phone, PATTERNS.phone, PHONE_RULE);

/** A phone number, or '' to clear it (promoter.update). */
export const phoneOrEmpty = v.pipe(
  bytes(LIMITS.promoter.phoneBytes, FIELD_LABELS.phone, { allowEmpty: true }),
  v.check(
    (value: string) => value === '' || PATTERNS.phone.test(value),
    `${FIELD_LABELS.phone}格式不正确：${PHONE_RULE}`,
  ),
);

/** Template ids a person accepted in wx.requestSubscribeMessage (WeChat asks for at most 3 at once). */
export const subscribedTemplateIds = list(bytes(128, '订阅消息模板'), '订阅消息模板', 1, 3);
