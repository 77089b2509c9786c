/**
 * Join (?invite=TOKEN, or `scene` from a mini program code): the promoter's side. Shows the invite's
 * store and role, takes name and phone (the cloud's rules), sends the join request, then shows where
 * they are: requested → declared → authorize (WeChat's bind mini program, half-screen) → bound.
 * Every show re-reads `me.status`, so coming back from the bind mini program shows the new state.
 */
import type { Invite, MeStatus } from '../../../typings/contract/index';
import { CloudCallError, errorText } from '../../services/cloud';
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
  name: { field: 'name', maxBytes: LIMITS.join.nameBytes, required: true },
  phone: phoneRule(LIMITS.join.phoneBytes),
};

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
    errors: { name: '', phone: '' },
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
    const patch: Record<string, unknown> = { state: 'ready', bind: status.bind ?? null, notice: '' };
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

  async onSubmit() {
    if (this.data.submitting || !this.data.invite) return;
    const { name, phone } = this.data.form;
    const errors = { name: fieldError(name, RULES.name) ?? '', phone: fieldError(phone, RULES.phone) ?? '' };
    this.setData({ errors });
    if (errors.name || errors.phone) return;
    this.setData({ submitting: true });
    try {
      await promoterService.requestJoin({ inviteToken: this.token, name: name.trim(), phone: phone.trim() });
      toast(this, '申请已提交');
      await this.load(false);
    } catch (err) {
      const field = err instanceof CloudCallError ? err.field : undefined;
      if (field === 'name' || field === 'phone') this.setData({ [`errors.${field}`]: errorText(err) });
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
