/**
 * Accepting a staff invite (店长邀请): the person HQ invited opens the card, sees who invites them to
 * which stores, checks their name and accepts; their openid comes from WeChat, never typed. Every
 * state has a next step: accepted → 进入工作台; expired, revoked or taken → whom to ask, and home.
 */
import type { StaffInviteInfo, WhoAmI } from '../../../typings/contract/index';
import { adminService } from '../../services/admin';
import { CloudCallError, errorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { LIMITS, utf8ByteLength } from '../../shared/field-rules';
import { formatDate } from '../../utils/format';
import { toastError } from '../../utils/toast';
import { STAFF_ROLE_LABELS } from '../../shared/labels';
import type { ViewState } from '../../components/state-view/index';

/** open: can accept; done: just accepted; held: already has it; closed: expired, revoked or taken. */
type Stage = 'open' | 'done' | 'held' | 'closed';

/** Characters shown to the person: the byte rule read conservatively (a Chinese character is 3 bytes). */
const NAME_CHARS = Math.floor(LIMITS.staff.nameBytes / 3);
const CLOSED_TEXT: Record<string, string> = {
  expired: '这个邀请已过期',
  revoked: '这个邀请已被总部撤回',
  accepted: '这个邀请已被接受',
};

interface InviteView extends StaffInviteInfo {
  roleText: string;
  storesText: string;
  expiresText: string;
}

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    stage: 'open' as Stage,
    closedTitle: '',
    invite: null as InviteView | null,
    name: '',
    nameError: '',
    nameChars: NAME_CHARS,
    accepting: false,
  },

  token: '',

  onLoad(query: Record<string, string | undefined>) {
    this.token = query.token ? decodeURIComponent(query.token) : '';
    return this.load();
  },

  onRetry() {
    return this.load();
  },

  async load() {
    if (!this.token) {
      this.setData({ state: 'ready', stage: 'closed', closedTitle: '邀请链接不完整' });
      return;
    }
    this.setData({ state: 'loading' });
    try {
      const info = await adminService.managerInviteInfo(this.token);
      const invite: InviteView = {
        ...info,
        roleText: STAFF_ROLE_LABELS[info.role],
        storesText: info.role === 'admin' ? '全部门店' : info.storeNames.join('、'),
        expiresText: formatDate(info.expiresAt),
      };
      const stage: Stage = info.alreadyStaff ? 'held' : info.status === 'open' ? 'open' : 'closed';
      this.setData({
        state: 'ready',
        invite,
        stage,
        closedTitle: CLOSED_TEXT[info.status] ?? '',
        name: info.name,
      });
    } catch (err) {
      if (err instanceof CloudCallError && err.code === 'NOT_FOUND') {
        this.setData({ state: 'ready', stage: 'closed', closedTitle: '找不到这个邀请' });
      } else this.setData({ state: 'error', errorText: errorText(err) });
    }
  },

  onNameInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ name: e.detail.value, nameError: '' });
  },

  async onAccept() {
    const name = this.data.name.trim();
    if (!name) {
      this.setData({ nameError: '请填写你的姓名' });
      return;
    }
    if (utf8ByteLength(name) > LIMITS.staff.nameBytes) {
      this.setData({ nameError: `姓名最多 ${NAME_CHARS} 个字` });
      return;
    }
    this.setData({ accepting: true });
    try {
      await adminService.acceptManagerInvite({ token: this.token, name });
      // Who the caller is has changed: the next page asks again instead of the launch answer.
      const app = getApp<IAppOption>();
      app.globalData.whoami = promoterService.whoami();
      app.globalData.whoami.catch((): WhoAmI | void => undefined);
      this.setData({ stage: 'done' });
    } catch (err) {
      if (err instanceof CloudCallError && err.field === 'name') this.setData({ nameError: err.message });
      else if (
        err instanceof CloudCallError &&
        ['CONFLICT', 'FAILED_PRECONDITION', 'NOT_FOUND'].includes(err.code)
      ) {
        // the cloud's sentence says what happened and whom to ask
        this.setData({ stage: 'closed', closedTitle: err.message });
      } else toastError(this, err);
    } finally {
      this.setData({ accepting: false });
    }
  },

  onOpenWorkbench() {
    wx.reLaunch({ url: '/pages/home/index' });
  },
});
