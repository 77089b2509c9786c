/**
 * <custom-param-card> (promoter detail → 联盟自定义参数): the union custom parameter of the promoter's
 * unionid — read when `unionid` is set, with its own loading and error (and 重试), set with the
 * cloud's rule (shared/field-rules.ts) and removed behind a confirm. Without a unionid it says why
 * there is nothing to set.
 */
import { errorText } from '../../../../services/cloud';
import { customParamService } from '../../../../services/customparam';
import { LIMITS, PATTERNS, RULES } from '../../../../shared/field-rules';
import { fieldError } from '../../../../utils/field-check';
import { toast, toastError } from '../../../../utils/toast';

const RULE = {
  field: 'value',
  maxBytes: LIMITS.customParam.valueBytes,
  required: true,
  pattern: PATTERNS.customParam,
  rule: RULES.customParam,
};

type State = 'hidden' | 'loading' | 'error' | 'ready';
type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: { unionid: string; state: State; input: string; saving: boolean };
};

Component({
  properties: { unionid: { type: String, value: '' } },
  data: {
    state: 'hidden' as State,
    errorText: '',
    value: null as string | null,
    input: '',
    error: '',
    saving: false,
    max: LIMITS.customParam.valueBytes,
  },
  observers: {
    unionid(this: Self) {
      return this.reload();
    },
  },
  methods: {
    async reload(this: Self) {
      const { unionid } = this.data;
      if (!unionid) {
        this.setData({ state: 'hidden' });
        return;
      }
      this.setData({ state: 'loading', errorText: '' });
      try {
        const { value } = await customParamService.get(unionid);
        this.setData({ state: 'ready', value, input: value ?? '' });
      } catch (err) {
        this.setData({ state: 'error', errorText: errorText(err) });
      }
    },

    onInput(this: Self, e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ input: e.detail.value, error: '' });
    },

    async onSave(this: Self) {
      const { unionid, input } = this.data;
      if (!unionid || this.data.saving) return;
      const error = fieldError(input, RULE);
      if (error) {
        this.setData({ error });
        return;
      }
      this.setData({ saving: true });
      try {
        const saved = await customParamService.set(unionid, input);
        this.setData({ value: saved.value, input: saved.value });
        toast(this, '自定义参数已保存');
      } catch (err) {
        toastError(this, err);
      } finally {
        this.setData({ saving: false });
      }
    },

    async onRemove(this: Self) {
      const { unionid } = this.data;
      if (!unionid || this.data.saving) return;
      const answer = await wx.showModal({
        title: '删除自定义参数',
        content: '删除后，该用户的联盟订单将不再带有这个参数。',
        confirmText: '删除',
      });
      if (!answer.confirm) return;
      this.setData({ saving: true });
      try {
        await customParamService.remove(unionid);
        this.setData({ value: null, input: '' });
        toast(this, '自定义参数已删除');
      } catch (err) {
        toastError(this, err);
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
