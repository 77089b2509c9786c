/**
 * <byte-field>: a t-input with a live UTF-8 byte counter (the unit WeChat and our cloud functions
 * count in, shared/field-rules.ts) and an error line.
 *
 * Usage (page json: "byte-field": "/components/byte-field/index"):
 *   <byte-field class="name-field" label="姓名" field="name" value="{{form.name}}" max="{{limits.name}}"
 *               error="{{errors.name}}" placeholder="请输入姓名" bind:change="onNameChange" />
 * `change` carries `{ value }`. The counter turns red and the byte message shows as soon as the value is
 * too long; `error` (from the page's submit check or the cloud) is shown instead when set.
 */
import {
  FIELD_LABELS,
  charLimitMessage,
  charsLeft,
  checkBytes,
  digitLimitMessage,
  utf8ByteLength,
} from '../../shared/field-rules';

/** `this` typed by hand: see components/state-view (test tsconfig merges two api-typings). */
type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: { value: string; max: number; label: string; field: string; error: string; unit: string };
};

function look(self: Self) {
  const { value, max, label, field, error, unit } = self.data;
  const text = value ?? '';
  const name = FIELD_LABELS[field] ?? label;
  const bytes = utf8ByteLength(text);
  let tooLong = max > 0 ? checkBytes(name, text, max) : null;
  if (tooLong && unit === 'chars') tooLong = charLimitMessage(name, max);
  if (tooLong && unit === 'digits') tooLong = digitLimitMessage(name, max);
  self.setData({
    bytes,
    left: max > 0 ? charsLeft(text, max) : 0,
    over: tooLong !== null,
    shownError: error || tooLong || '',
  });
}

Component({
  properties: {
    label: { type: String, value: '' },
    /** param name; its FIELD_LABELS entry words the byte message like the cloud does */
    field: { type: String, value: '' },
    value: { type: String, value: '' },
    max: { type: Number, value: 0 },
    placeholder: { type: String, value: '' },
    type: { type: String, value: 'text' },
    error: { type: String, value: '' },
    disabled: { type: Boolean, value: false },
    /**
     * 'bytes' (staff forms: the unit WeChat counts in), 'chars' (the promoter's form: 汉字 left) or
     * 'digits' (a phone number on the promoter's form: no counter, a limit in 位).
     */
    unit: { type: String, value: 'bytes' },
  },
  data: { bytes: 0, left: 0, over: false, shownError: '' },
  observers: {
    'value, max, error, unit'(this: Self) {
      look(this);
    },
  },
  lifetimes: {
    attached(this: Self) {
      look(this);
    },
  },
  methods: {
    onChange(this: Self, e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.triggerEvent('change', { value: e.detail.value });
    },
  },
});
