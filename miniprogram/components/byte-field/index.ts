/**
 * <byte-field>: a t-input with a live counter and an error line. WeChat and our cloud functions count
 * UTF-8 bytes (shared/field-rules.ts); people count characters, so the counter says how many Chinese
 * characters are left and the limit reads 最多 N 个汉字或 M 个字母数字 (or N 位 for a number).
 *
 * Usage (page json: "byte-field": "/components/byte-field/index"):
 *   <byte-field class="name-field" label="姓名" field="name" value="{{form.name}}" max="{{limits.name}}"
 *               error="{{errors.name}}" placeholder="请输入姓名" bind:change="onNameChange" />
 * `change` carries `{ value }`. The counter turns red and the byte message shows as soon as the value is
 * too long; `error` (from the page's submit check or the cloud) is shown instead when set.
 */
import { FIELD_LABELS, charsLeftText, checkBytes, checkIdLength } from '../../shared/field-rules';

/** `this` typed by hand: see components/state-view (test tsconfig merges two api-typings). */
type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: { value: string; max: number; label: string; field: string; error: string; unit: string };
};

function look(self: Self) {
  const { value, max, label, field, error, unit } = self.data;
  const text = value ?? '';
  const name = FIELD_LABELS[field] ?? label;
  const check = unit === 'digits' ? checkIdLength : checkBytes;
  const tooLong = max > 0 ? check(name, text, max) : null;
  self.setData({
    counter: max > 0 && unit !== 'digits' ? charsLeftText(text, max) : '',
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
    /** 'chars' (汉字 left; the limit in 汉字 and 字母数字) or 'digits' (a number: no counter, a limit in 位). */
    unit: { type: String, value: 'chars' },
  },
  data: { counter: '', over: false, shownError: '' },
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
