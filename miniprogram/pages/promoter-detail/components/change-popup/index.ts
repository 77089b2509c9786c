/**
 * <change-popup> (promoter detail): a bottom t-popup to change one promoter.
 * - mode "assign" (修改角色/门店): a role picker and a store picker, preset to the current values; the
 *   page passes only the stores the caller may choose (`storeOptions`) and the roles (`roleOptions`).
 * - mode "profile" (编辑资料): name, phone and promoter parameter with their byte counters.
 * 保存 sends only what changed (rules.ts, the cloud's rules and sentences), shows its loading, and puts
 * a refusal next to its field (the cloud's `field`) or, for anything else, above the button. Triggers
 * `saved` with `{ promoter }` and `close` when dismissed.
 */
import type { Promoter } from '../../../../../typings/contract/index';
import { CloudCallError, errorText } from '../../../../services/cloud';
import { promoterService } from '../../../../services/promoter';
import { LIMITS } from '../../../../shared/field-rules';
import { type Errors, type Field, type Mode, NO_ERRORS, type TextField, updateOf } from './rules';

interface Option<T> {
  value: T;
  label: string;
}

type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: {
    visible: boolean;
    mode: Mode;
    promoter: Promoter | null;
    roleOptions: Option<number>[];
    storeOptions: Option<string>[];
    roleIndex: number;
    storeIndex: number;
    form: Record<TextField, string>;
    errors: Errors;
    saving: boolean;
  };
};

function preset(self: Self) {
  const p = self.data.promoter;
  if (!p) return;
  self.setData({
    roleIndex: Math.max(
      0,
      self.data.roleOptions.findIndex((o) => o.value === p.roleId),
    ),
    storeIndex: Math.max(
      0,
      self.data.storeOptions.findIndex((o) => o.value === p.storeId),
    ),
    form: { name: p.name, phone: p.phone, extraInfo: p.extraInfo },
    errors: { ...NO_ERRORS },
    formError: '',
  });
}

Component({
  properties: {
    visible: { type: Boolean, value: false },
    mode: { type: String, value: 'assign' },
    promoter: { type: Object, value: null },
    roleOptions: { type: Array, value: [] },
    storeOptions: { type: Array, value: [] },
    /** Said above the pickers when the page could not read the roles or stores. */
    optionsNote: { type: String, value: '' },
  },
  data: {
    roleIndex: 0,
    storeIndex: 0,
    form: { name: '', phone: '', extraInfo: '' } as Record<TextField, string>,
    errors: { ...NO_ERRORS } as Errors,
    formError: '',
    saving: false,
    limits: {
      name: LIMITS.promoter.nameBytes,
      phone: LIMITS.promoter.phoneBytes,
      extraInfo: LIMITS.promoter.extraInfoBytes,
    },
  },
  observers: {
    // every opening starts from the promoter as it is now
    visible(this: Self, visible: boolean) {
      if (visible) preset(this);
    },
  },
  methods: {
    onVisibleChange(this: Self, e: WechatMiniprogram.CustomEvent<{ visible: boolean }>) {
      if (!e.detail.visible && !this.data.saving) this.triggerEvent('close');
    },

    onClose(this: Self) {
      if (!this.data.saving) this.triggerEvent('close');
    },

    onRolePick(this: Self, e: WechatMiniprogram.PickerChange) {
      this.setData({ roleIndex: Number(e.detail.value), 'errors.roleId': '', formError: '' });
    },

    onStorePick(this: Self, e: WechatMiniprogram.PickerChange) {
      this.setData({ storeIndex: Number(e.detail.value), 'errors.storeId': '', formError: '' });
    },

    onFieldChange(this: Self, e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const field = e.currentTarget.dataset.field as TextField;
      this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '', formError: '' });
    },

    async onSave(this: Self) {
      const p = this.data.promoter;
      if (!p || this.data.saving) return;
      const { roleOptions, storeOptions, roleIndex, storeIndex, form } = this.data;
      const outcome = updateOf(p, this.data.mode, {
        roleId: roleOptions[roleIndex]?.value,
        storeId: storeOptions[storeIndex]?.value,
        ...form,
      });
      if ('errors' in outcome) {
        this.setData({ errors: outcome.errors });
        return;
      }
      if (Object.keys(outcome.update).length === 1) {
        this.setData({ formError: '没有需要保存的修改' });
        return;
      }
      this.setData({ saving: true, formError: '' });
      try {
        const saved = await promoterService.update(outcome.update);
        this.triggerEvent('saved', { promoter: saved });
      } catch (err) {
        const field = err instanceof CloudCallError ? err.field : undefined;
        if (field && field in NO_ERRORS) this.setData({ [`errors.${field as Field}`]: errorText(err) });
        else this.setData({ formError: errorText(err) });
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
