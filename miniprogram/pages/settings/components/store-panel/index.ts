/**
 * <store-panel> (settings → 门店): the stores, adding one and renaming. The page owns the list (the
 * other panels name stores from it): this panel shows `stores`/`state`, and after a save triggers
 * `saved` with the store; `retry` asks the page to load the list again.
 */
import type { Store } from '../../../../../typings/contract/index';
import { adminService } from '../../../../services/admin';
import { CloudCallError } from '../../../../services/cloud';
import {
  FIELD_LABELS,
  LIMITS,
  PATTERNS,
  RULES,
  checkBytes,
  checkIdLength,
  patternMessage,
} from '../../../../shared/field-rules';
import { toast, toastError } from '../../../../utils/toast';

/** `this` typed by hand: see components/state-view (test tsconfig merges two api-typings). */
interface StoreForm {
  editing: boolean;
  storeId: string;
  name: string;
}

type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: { stores: Store[]; storeForm: StoreForm };
};

const EMPTY_FORM: StoreForm = { editing: false, storeId: '', name: '' };
const NO_ERRORS = { storeId: '', name: '' };

Component({
  properties: {
    stores: { type: Array, value: [] as Store[] },
    state: { type: String, value: 'loading' },
    errorText: { type: String, value: '' },
  },
  data: {
    /** The id's rule and length in 位 (letters and digits only, so 位 is what people count). */
    storeIdHint: `最多 ${LIMITS.promoter.storeIdBytes} 位字母或数字`,
    storeForm: { ...EMPTY_FORM } as StoreForm,
    storeErrors: { ...NO_ERRORS },
    savingStore: false,
  },
  methods: {
    onRetry(this: Self) {
      this.triggerEvent('retry');
    },

    onStoreInput(this: Self, e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const field = e.currentTarget.dataset.field as 'storeId' | 'name';
      this.setData({ [`storeForm.${field}`]: e.detail.value, [`storeErrors.${field}`]: '' });
    },

    onEditStore(this: Self, e: WechatMiniprogram.TouchEvent) {
      const store = (this.data.stores as Store[])[Number(e.currentTarget.dataset.index)];
      if (!store) return;
      this.setData({
        storeForm: { editing: true, storeId: store.storeId, name: store.name },
        storeErrors: { ...NO_ERRORS },
      });
      // the form sits above the list: bring it into view
      wx.pageScrollTo({ selector: '.store-panel', duration: 200, fail: () => undefined });
    },

    onCancelStore(this: Self) {
      this.setData({ storeForm: { ...EMPTY_FORM }, storeErrors: { ...NO_ERRORS } });
    },

    async onSaveStore(this: Self) {
      const form = this.data.storeForm as StoreForm;
      const storeId = form.storeId.trim();
      const name = form.name.trim();
      const errors = { ...NO_ERRORS };
      errors.storeId =
        checkIdLength(FIELD_LABELS.storeId, storeId, LIMITS.promoter.storeIdBytes) ??
        (PATTERNS.storeId.test(storeId)
          ? ''
          : storeId
            ? patternMessage(FIELD_LABELS.storeId, RULES.storeId)
            : '请填写门店编号');
      errors.name = name ? (checkBytes('门店名称', name, LIMITS.store.nameBytes) ?? '') : '请填写门店名称';
      if (errors.storeId || errors.name) {
        this.setData({ storeErrors: errors });
        return;
      }
      this.setData({ savingStore: true });
      try {
        const saved = form.editing
          ? await adminService.updateStore({ storeId, name })
          : await adminService.addStore({ storeId, name });
        this.setData({ storeForm: { ...EMPTY_FORM } });
        this.triggerEvent('saved', { store: saved });
        toast(this, form.editing ? `已保存 ${saved.name}` : `已添加 ${saved.name}`);
      } catch (err) {
        const field = err instanceof CloudCallError ? err.field : undefined;
        if (field === 'storeId' || field === 'name') {
          this.setData({ [`storeErrors.${field}`]: (err as CloudCallError).userMessage });
        } else toastError(this, err);
      } finally {
        this.setData({ savingStore: false });
      }
    },
  },
});
