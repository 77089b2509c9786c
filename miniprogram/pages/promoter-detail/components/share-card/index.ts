/**
 * <share-card> (promoter detail → 推广素材): for a bound promoter, the page their material opens —
 * picked from the app's page choices (utils/page-choices.ts, the list the messages page uses) with
 * 小程序首页 preselected; 其他页面 with a typed path for HQ only — an optional title and parameter, then
 * share.material: short link, path with the promoter's parameter and QR code, copy and save, and the
 * date it expires. Anyone not bound is told why there is nothing to make yet.
 */
import type { Promoter } from '../../../../../typings/contract/index';
import { promoterService } from '../../../../services/promoter';
import { LIMITS } from '../../../../shared/field-rules';
import { type FieldRule, fieldError } from '../../../../utils/field-check';
import { formatDate } from '../../../../utils/format';
import { CUSTOM, PAGE_CHOICES, type PageChoice } from '../../../../utils/page-choices';
import { copyWithToast, saveImageWithToast, toastError } from '../../../../utils/toast';

type Field = 'path' | 'title' | 'extraInfo';

/** Where customers land by default: the mini program's home page. */
export const DEFAULT_SHARE_PAGE = 'pages/home/index';
/** The promoter's own authorize page means nothing to the customers they share with. */
const NOT_FOR_CUSTOMERS = 'pages/join/index';

/** The choices for HQ (with 其他页面) or a manager (listed pages only). */
export function shareChoices(admin: boolean): PageChoice[] {
  return PAGE_CHOICES.filter((c) => c.value !== NOT_FOR_CUSTOMERS && (admin || c.value !== CUSTOM));
}

const RULES: Record<Field, FieldRule> = {
  // WeChat gives no path limit for getsharematerial; our message path limit is the safe reading.
  path: { field: 'path', maxBytes: LIMITS.message.pathBytes, required: true },
  title: { field: 'title', maxBytes: LIMITS.share.titleBytes },
  extraInfo: { field: 'extraInfo', maxBytes: LIMITS.share.extraInfoBytes },
};

const NO_ERRORS: Record<Field, string> = { path: '', title: '', extraInfo: '' };

type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: {
    promoter: Promoter | null;
    admin: boolean;
    choices: PageChoice[];
    pageIndex: number;
    form: Record<Field, string>;
    sharing: boolean;
    material: null | { qrcode: string };
  };
};

function defaultIndex(choices: PageChoice[]): number {
  return Math.max(
    0,
    choices.findIndex((c) => c.value === DEFAULT_SHARE_PAGE),
  );
}

Component({
  properties: {
    promoter: { type: Object, value: null },
    admin: { type: Boolean, value: false },
  },
  data: {
    choices: shareChoices(false),
    pageIndex: defaultIndex(shareChoices(false)),
    custom: false,
    form: { path: '', title: '', extraInfo: '' } as Record<Field, string>,
    errors: { ...NO_ERRORS },
    limits: {
      path: RULES.path.maxBytes,
      title: RULES.title.maxBytes,
      extraInfo: RULES.extraInfo.maxBytes,
    },
    sharing: false,
    material: null as null | { tag: string; sharePath: string; qrcode: string; expiresText: string },
  },
  observers: {
    admin(this: Self, admin: boolean) {
      const choices = shareChoices(admin);
      this.setData({ choices, pageIndex: defaultIndex(choices), custom: false });
    },
  },
  methods: {
    onPagePick(this: Self, e: WechatMiniprogram.PickerChange) {
      const pageIndex = Number(e.detail.value);
      const custom = this.data.choices[pageIndex]?.value === CUSTOM;
      this.setData({ pageIndex, custom, 'form.path': '', 'errors.path': '' });
    },

    onFieldChange(this: Self, e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const field = e.currentTarget.dataset.field as Field;
      this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '' });
    },

    /** The path to send: the picked page, or what HQ typed for 其他页面. */
    path(this: Self): string {
      const choice = this.data.choices[this.data.pageIndex];
      return !choice || choice.value === CUSTOM ? this.data.form.path.trim() : choice.value;
    },

    async onGenerate(this: Self) {
      const p = this.data.promoter;
      if (!p || this.data.sharing) return;
      const { form } = this.data;
      const path = this.path();
      const errors: Record<Field, string> = {
        path: fieldError(path, RULES.path) ?? '',
        title: fieldError(form.title, RULES.title) ?? '',
        extraInfo: fieldError(form.extraInfo, RULES.extraInfo) ?? '',
      };
      this.setData({ errors });
      if (errors.path || errors.title || errors.extraInfo) return;
      this.setData({ sharing: true });
      try {
        const material = await promoterService.shareMaterial({
          id: p.id,
          path,
          ...(form.title.trim() ? { title: form.title.trim() } : {}),
          ...(form.extraInfo ? { extraInfo: form.extraInfo } : {}),
        });
        this.setData({
          material: {
            tag: material.tag ?? '',
            sharePath: material.sharePath ?? '',
            qrcode: material.qrcode ?? '',
            expiresText: formatDate(material.expiresAt),
          },
        });
      } catch (err) {
        toastError(this, err);
      } finally {
        this.setData({ sharing: false });
      }
    },

    onCopy(this: Self, e: WechatMiniprogram.CustomEvent) {
      return copyWithToast(this, e.currentTarget.dataset.text as string);
    },

    async onSaveQrcode(this: Self) {
      const qrcode = this.data.material?.qrcode;
      const id = this.data.promoter?.id;
      if (qrcode && id) await saveImageWithToast(this, qrcode, `promoter-${id}`);
    },
  },
});
