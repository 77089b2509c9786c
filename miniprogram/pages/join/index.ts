/**
 * Join (?invite=TOKEN, or `scene` from a mini program code): the promoter's side. Shows the invite's
 * store and role, takes name and phone (the cloud's rules), sends the join request, then shows where
 * they are: requested → declared → authorize (WeChat's bind mini program, half-screen) → bound.
 * Every show re-reads `me.status`, so coming back from the bind mini program shows the new state.
 * Before anything is sent the person agrees to hand name and phone to the store (privacy notice); the
 * phone can come from the getPhoneNumber button (me.phoneNumber); the submit tap also asks WeChat
 * whether they want the approval notice (wx.requestSubscribeMessage), which the cloud sends on approval.
 * Lengths are in 汉字 here: a promoter has never heard of bytes.
 */
import type { Invite, MeStatus } from '../../../typings/contract/index';
import { CloudCallError, errorText, fieldErrorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { LIMITS } from '../../shared/field-rules';
import { fieldError, phoneRule } from '../../utils/field-check';
import { formatDate } from '../../utils/format';
import { tokenFromQuery } from '../../utils/invite-token';
import { toast, toastError } from '../../utils/toast';
import type { ViewState } from '../../components/state-view/index';

/** Where the caller is; `invite` shows the form. */
type Stage =
  | 'invite'
  | 'expired'
  | 'invalid'
  | 'no-invite'
  | 'requested'
  | 'approved'
  | 'rejected'
  | 'cancelled'
  | 'authorize'
  | 'revoked'
  | 'bound';

interface Step {
  label: string;
  state: 'done' | 'current' | 'todo';
}

const STEP_LABELS = ['提交申请', '门店审核并声明', '授权绑定', '完成'];
/** Index of the current step per stage; stages without progress show no steps. */
const STEP_AT: Partial<Record<Stage, number>> = {
  invite: 0,
  requested: 1,
  approved: 1,
  authorize: 2,
  revoked: 2,
  bound: 4,
};

function stepsFor(stage: Stage): Step[] {
  const at = STEP_AT[stage];
  if (at === undefined) return [];
  return STEP_LABELS.map((label, i) => ({ label, state: i < at ? 'done' : i === at ? 'current' : 'todo' }));
}

const RULES = {
  name: { field: 'name', maxBytes: LIMITS.join.nameBytes, required: true, unit: 'chars' as const },
  phone: { ...phoneRule(LIMITS.join.phoneBytes), unit: 'digits' as const },
};

const CONSENT_NEEDED = '请先勾选同意，门店才能收到你的申请';

/** Asks WeChat whether the person accepts the approval notice; the template ids they accepted. */
function askForNotice(templateId: string): Promise<string[]> {
  return new Promise((resolve) => {
    try {
      wx.requestSubscribeMessage({
        tmplIds: [templateId],
        success: (res: Record<string, string>) => resolve(res[templateId] === 'accept' ? [templateId] : []),
        // Declined, switched off in settings, or an old WeChat: the request goes without the notice.
        fail: () => resolve([]),
      });
    } catch {
      resolve([]); // a WeChat without the API: the request must still go
    }
  });
}

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    stage: 'no-invite' as Stage,
    steps: [] as Step[],
    invite: null as (Invite & { expiresText: string }) | null,
    /** why the last attempt ended (rejected reason, cancelled declaration), shown above the form */
    notice: '',
    limits: { name: LIMITS.join.nameBytes, phone: LIMITS.join.phoneBytes },
    form: { name: '', phone: '' },
    errors: { name: '', phone: '', consent: '' },
    consent: false,
    phoneLoading: false,
    /** The approval notice's template, when the merchant set one up. */
    templateId: '',
    subscribed: false,
    submitting: false,
    bind: null as MeStatus['bind'] | null,
  },

  token: '',
  loadedOnce: false,

  onLoad(query: Record<string, string | undefined>) {
    this.token = tokenFromQuery(query);
  },

  onShow() {
    return this.load(!this.loadedOnce);
  },

  onRetry() {
    return this.load(true);
  },

  async load(showSkeleton: boolean) {
    if (showSkeleton) this.setData({ state: 'loading', errorText: '' });
    try {
      const status = await promoterService.myStatus();
      await this.showStatus(status);
      this.loadedOnce = true;
    } catch (err) {
      this.setData({ state: 'error', errorText: errorText(err) });
    }
  },

  async showStatus(status: MeStatus) {
    const { promoter, joinRequest } = status;
    const patch: Record<string, unknown> = {
      state: 'ready',
      bind: status.bind ?? null,
      notice: '',
      templateId: status.authorizeTemplateId ?? '',
    };
    if (promoter && promoter.declStatus === 1) {
      const stage: Stage =
        promoter.authStatus === 1 ? 'bound' : promoter.authStatus === 2 ? 'revoked' : 'authorize';
      this.setData({ ...patch, stage, steps: stepsFor(stage) });
      return;
    }
    if (joinRequest?.status === 'pending' || (joinRequest?.status === 'approved' && !promoter)) {
      const stage: Stage = joinRequest.status === 'pending' ? 'requested' : 'approved';
      this.setData({ ...patch, stage, steps: stepsFor(stage) });
      return;
    }
    // Nothing in progress: why the last attempt ended, then the invite (if any) to apply again.
    let notice = '';
    if (promoter && promoter.declStatus === 2) notice = '门店已取消你的推广员声明。';
    else if (joinRequest?.status === 'rejected') {
      notice = `上次的申请没有通过${joinRequest.reason ? `：${joinRequest.reason}` : '。'}`;
    }
    if (!this.token) {
      const stage: Stage = notice ? (promoter ? 'cancelled' : 'rejected') : 'no-invite';
      this.setData({ ...patch, stage, steps: stepsFor(stage), notice });
      return;
    }
    let invite: Invite & { expired: boolean };
    try {
      invite = await promoterService.getInvite(this.token);
    } catch (err) {
      if (err instanceof CloudCallError && (err.code === 'NOT_FOUND' || err.code === 'INVALID_ARGUMENT')) {
        this.setData({ ...patch, stage: 'invalid', steps: [], notice });
        return;
      }
      throw err;
    }
    const stage: Stage = invite.expired ? 'expired' : 'invite';
    this.setData({
      ...patch,
      stage,
      steps: stepsFor(stage),
      notice,
      invite: { ...invite, expiresText: formatDate(invite.expiresAt) },
    });
  },

  onFieldChange(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const field = e.currentTarget.dataset.field as 'name' | 'phone';
    this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '' });
  },

  onConsentChange(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
    this.setData({ consent: e.detail.checked, 'errors.consent': '' });
  },

  /** 使用微信绑定的手机号: WeChat's code, turned into the number by the cloud; denied → type it. */
  async onGetPhoneNumber(e: WechatMiniprogram.CustomEvent<{ code?: string; errMsg?: string }>) {
    const code = e.detail.code;
    if (!code) return; // declined or not available: the field is still there to type in
    this.setData({ phoneLoading: true });
    try {
      const { phone } = await promoterService.phoneNumber(code);
      this.setData({ 'form.phone': phone, 'errors.phone': '' });
    } catch (err) {
      this.setData({ 'errors.phone': fieldErrorText(err) });
    } finally {
      this.setData({ phoneLoading: false });
    }
  },

  async onSubmit() {
    if (this.data.submitting || !this.data.invite) return;
    const { name, phone } = this.data.form;
    const errors = {
      name: fieldError(name, RULES.name) ?? '',
      phone: fieldError(phone, RULES.phone) ?? '',
      consent: this.data.consent ? '' : CONSENT_NEEDED,
    };
    this.setData({ errors });
    if (errors.name || errors.phone || errors.consent) return;
    this.setData({ submitting: true });
    try {
      // Asked in the tap itself: WeChat only shows the subscription prompt in answer to a tap.
      const accepted = this.data.templateId ? await askForNotice(this.data.templateId) : [];
      await promoterService.requestJoin({
        inviteToken: this.token,
        name: name.trim(),
        phone: phone.trim(),
        ...(accepted.length ? { subscribedTemplateIds: accepted } : {}),
      });
      this.setData({ subscribed: accepted.length > 0 });
      toast(this, '申请已提交');
      await this.load(false);
    } catch (err) {
      const field = err instanceof CloudCallError ? err.field : undefined;
      if (field === 'name' || field === 'phone') this.setData({ [`errors.${field}`]: fieldErrorText(err) });
      toastError(this, err);
    } finally {
      this.setData({ submitting: false });
    }
  },

  /** WeChat's bind mini program, half-screen; the result shows on the next onShow. */
  onAuthorize() {
    const bind = this.data.bind;
    if (!bind) return;
    wx.openEmbeddedMiniProgram({
      appId: bind.appId,
      path: bind.path,
      fail: (err: { errMsg?: string }) => {
        if (/cancel/i.test(err?.errMsg ?? '')) return;
        toast(this, '无法打开授权页面，请稍后重试', 'error');
      },
    });
  },

  onRefresh() {
    return this.load(false);
  },
});
