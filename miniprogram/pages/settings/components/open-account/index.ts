/**
 * <open-account> (settings → 开放平台): the bound Open Platform account and rebinding it. WeChat allows
 * LIMITS.openAccount.rebindsPerYear a year, so a rebind sits behind a confirm with the count left.
 * Loads the first time `active` is set; `reload()` loads again (pull-down).
 */
import type { OpenAccountInfo } from '../../../../../typings/contract/index';
import { CloudCallError, errorText } from '../../../../services/cloud';
import { customParamService } from '../../../../services/customparam';
import { LIMITS, PATTERNS } from '../../../../shared/field-rules';
import { formatDate } from '../../../../utils/format';
import { toast, toastError } from '../../../../utils/toast';

/** `this` typed by hand: see components/state-view (test tsconfig merges two api-typings). */
type AccountView = OpenAccountInfo & { nextFreeText: string };
type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: { active: boolean; bindInput: string; account: AccountView | null };
  loaded?: boolean;
};

const view = (info: OpenAccountInfo): AccountView => ({
  ...info,
  nextFreeText: info.nextRebindFreeAt ? formatDate(info.nextRebindFreeAt) : '',
});

Component({
  properties: { active: { type: Boolean, value: false } },
  data: {
    accountState: 'loading',
    accountError: '',
    account: null as AccountView | null,
    bindInput: '',
    bindError: '',
    bindDialog: false,
    binding: false,
    bindWarning: '',
    rebindsPerYear: LIMITS.openAccount.rebindsPerYear,
  },
  observers: {
    active(this: Self, on: boolean) {
      if (on && !this.loaded) this.reload();
    },
  },
  lifetimes: {
    attached(this: Self) {
      if (this.data.active && !this.loaded) this.reload();
    },
  },
  methods: {
    async reload(this: Self) {
      this.loaded = true;
      this.setData({ accountState: 'loading' });
      try {
        const info = await customParamService.getOpenAccount();
        this.setData({ account: view(info), accountState: 'ready' });
      } catch (err) {
        this.setData({ accountState: 'error', accountError: errorText(err) });
      }
    },

    onBindInput(this: Self, e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ bindInput: e.detail.value, bindError: '' });
    },

    onBindTap(this: Self) {
      const appid = (this.data.bindInput as string).trim();
      const account = this.data.account as AccountView | null;
      let error = '';
      if (!PATTERNS.appid.test(appid)) error = '开放平台账号应为 wx 开头、共 18 位的 appid（小写字母和数字）';
      else if (account?.openAccount === appid) error = '已绑定该开放平台账号';
      else if (account && account.rebindsLeft <= 0) error = '近一年的绑定次数已用完';
      if (error) this.setData({ bindError: error });
      else this.setData({ bindDialog: true });
    },

    onBindCancel(this: Self) {
      this.setData({ bindDialog: false });
    },

    async onBindConfirm(this: Self) {
      const appid = (this.data.bindInput as string).trim();
      this.setData({ bindDialog: false, binding: true });
      try {
        const result = await customParamService.bindOpenAccount(appid);
        this.setData({ account: view(result), bindWarning: result.warning, bindInput: '' });
        toast(this, `已绑定 ${result.openAccount ?? appid}`);
      } catch (err) {
        if (err instanceof CloudCallError && err.field === 'openAccount')
          this.setData({ bindError: err.userMessage });
        else toastError(this, err);
      } finally {
        this.setData({ binding: false });
      }
    },
  },
});
