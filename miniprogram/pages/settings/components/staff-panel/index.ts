/**
 * <staff-panel> (settings → 店长): HQ invites a store manager or admin by name, role and stores; the
 * person accepts the invite card (pages/staff-join), so nobody types an openid. Typing one stays under
 * 高级. Lists staff and the invites still open (发给 TA shares the card, 撤回 revokes it), edits and
 * removes staff. `stores` comes from the page (it names the stores and fills the store choice).
 */
import type { Staff, StaffInvite, StaffRole, Store } from '../../../../../typings/contract/index';
import { adminService } from '../../../../services/admin';
import { CloudCallError, errorText } from '../../../../services/cloud';
import {
  FIELD_LABELS,
  LIMITS,
  PATTERNS,
  RULES,
  checkBytes,
  patternMessage,
} from '../../../../shared/field-rules';
import { formatDate } from '../../../../utils/format';
import { toast, toastError } from '../../../../utils/toast';
import { STAFF_ROLE_LABELS } from '../../../../shared/labels';

interface StaffView extends Staff {
  roleLabel: string;
  storesText: string;
}

interface InviteView extends StaffInvite {
  roleLabel: string;
  storesText: string;
  expiresText: string;
}

interface ManagerForm {
  editing: boolean;
  openid: string;
  name: string;
  role: StaffRole;
  storeIds: string[];
}

const EMPTY_FORM: ManagerForm = { editing: false, openid: '', name: '', role: 'manager', storeIds: [] };
const NO_ERRORS = { openid: '', name: '', storeIds: '' };
type ErrorField = keyof typeof NO_ERRORS;

/** `this` typed by hand: see components/state-view (test tsconfig merges two api-typings). */
type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: {
    active: boolean;
    stores: Store[];
    managers: StaffView[];
    invites: InviteView[];
    managerForm: ManagerForm;
    advanced: boolean;
    removeTarget: StaffView | null;
    revokeTarget: InviteView | null;
  };
  loaded?: boolean;
  /** staff as the cloud answered, so the views can be named again when the stores change */
  staff?: Staff[];
};

function storeNamer(stores: Store[]) {
  const names = new Map(stores.map((s) => [s.storeId, s.name]));
  return (id: string) => (names.get(id) ? `${names.get(id)}（${id}）` : id);
}

function staffView(staff: Staff, stores: Store[]): StaffView {
  const name = storeNamer(stores);
  return {
    ...staff,
    roleLabel: STAFF_ROLE_LABELS[staff.role] ?? staff.role,
    storesText: staff.role === 'admin' ? '全部门店' : staff.storeIds.map(name).join('、') || '未分配门店',
  };
}

function inviteView(invite: StaffInvite): InviteView {
  return {
    ...invite,
    roleLabel: STAFF_ROLE_LABELS[invite.role] ?? invite.role,
    storesText: invite.role === 'admin' ? '全部门店' : invite.storeNames.join('、'),
    expiresText: formatDate(invite.expiresAt),
  };
}

Component({
  properties: {
    active: { type: Boolean, value: false },
    stores: { type: Array, value: [] as Store[] },
  },
  data: {
    managersState: 'loading',
    managersError: '',
    managers: [] as StaffView[],
    managerForm: { ...EMPTY_FORM } as ManagerForm,
    managerErrors: { ...NO_ERRORS },
    savingManager: false,
    invitingManager: false,
    /** 高级: add someone by openid instead of an invite card. */
    advanced: false,
    invites: [] as InviteView[],
    removeTarget: null as StaffView | null,
    revokeTarget: null as InviteView | null,
  },
  observers: {
    active(this: Self, on: boolean) {
      if (on && !this.loaded) this.reload();
    },
    stores(this: Self, stores: Store[]) {
      if (this.staff) this.setData({ managers: this.staff.map((s) => staffView(s, stores)) });
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
      this.setData({ managersState: 'loading' });
      try {
        const [{ items }, invites] = await Promise.all([
          adminService.listManagers(),
          adminService.listManagerInvites(),
        ]);
        this.staff = [...items];
        this.setData({
          managers: items.map((s) => staffView(s, this.data.stores as Store[])),
          managersState: items.length ? 'ready' : 'empty',
          invites: invites.items.map(inviteView),
        });
      } catch (err) {
        this.setData({ managersState: 'error', managersError: errorText(err) });
      }
    },

    /** The share card of an open invite (its 发给 TA button carries the token). */
    shareCard(this: Self, token: string | undefined) {
      const invite = (this.data.invites as InviteView[]).find((i) => i.token === token);
      return invite
        ? { title: `邀请你成为${invite.storesText}的${invite.roleLabel}`, path: invite.sharePath }
        : null;
    },

    onManagerInput(this: Self, e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const field = e.currentTarget.dataset.field as 'openid' | 'name';
      this.setData({ [`managerForm.${field}`]: e.detail.value, [`managerErrors.${field}`]: '' });
    },

    onManagerRole(this: Self, e: WechatMiniprogram.CustomEvent<{ value: StaffRole }>) {
      this.setData({ 'managerForm.role': e.detail.value, 'managerErrors.storeIds': '' });
    },

    onManagerStores(this: Self, e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      this.setData({ 'managerForm.storeIds': e.detail.value, 'managerErrors.storeIds': '' });
    },

    onToggleAdvanced(this: Self) {
      this.setData({ advanced: !this.data.advanced, 'managerErrors.openid': '' });
    },

    onEditManager(this: Self, e: WechatMiniprogram.TouchEvent) {
      const staff = (this.data.managers as StaffView[])[Number(e.currentTarget.dataset.index)];
      if (!staff) return;
      this.setData({
        managerForm: {
          editing: true,
          openid: staff.openid,
          name: staff.name,
          role: staff.role,
          storeIds: [...staff.storeIds],
        },
        managerErrors: { ...NO_ERRORS },
      });
      // the form sits above a long list: bring it into view
      wx.pageScrollTo({ selector: '.staff-panel', duration: 200, fail: () => undefined });
    },

    onCancelManager(this: Self) {
      this.setData({ managerForm: { ...EMPTY_FORM }, managerErrors: { ...NO_ERRORS } });
    },

    /** The form's name, role and stores, checked; the openid too when it is typed. Null: errors shown. */
    checkedForm(this: Self, withOpenid: boolean) {
      const form = this.data.managerForm as ManagerForm;
      const openid = form.openid.trim();
      const name = form.name.trim();
      const storeIds = form.role === 'admin' ? [] : form.storeIds;
      const errors = { ...NO_ERRORS };
      if (withOpenid && !PATTERNS.openid.test(openid))
        errors.openid = patternMessage(FIELD_LABELS.openid, RULES.openid);
      if (!name) errors.name = '请填写姓名';
      else errors.name = checkBytes(FIELD_LABELS.name, name, LIMITS.staff.nameBytes) ?? '';
      if (form.role === 'manager' && !storeIds.length) errors.storeIds = '店长至少要负责一家门店';
      else if (storeIds.length > LIMITS.staff.maxStores)
        errors.storeIds = `一位店长最多负责 ${LIMITS.staff.maxStores} 家门店`;
      if (errors.openid || errors.name || errors.storeIds) {
        this.setData({ managerErrors: errors });
        return null;
      }
      return { form, openid, name, storeIds };
    },

    /** A cloud error on one of the form's fields goes next to it; anything else is a toast. */
    showFormError(this: Self, err: unknown) {
      // `storeIds[2]` names one store of the list: the error goes under the list
      const field = err instanceof CloudCallError ? err.field?.replace(/\[\d+\]$/, '') : undefined;
      if (field && field in NO_ERRORS) {
        this.setData({ [`managerErrors.${field as ErrorField}`]: (err as CloudCallError).userMessage });
      } else toastError(this, err);
    },

    async onSaveManager(this: Self) {
      const checked = this.checkedForm(!(this.data.managerForm as ManagerForm).editing);
      if (!checked) return;
      const { form, openid, name, storeIds } = checked;
      this.setData({ savingManager: true });
      try {
        const params = { openid, name, role: form.role, storeIds };
        const saved = form.editing
          ? await adminService.updateManager(params)
          : await adminService.addManager(params);
        const staff = [...(this.staff ?? [])];
        const index = staff.findIndex((m) => m.openid === saved.openid);
        const at = index >= 0 ? index : staff.length;
        staff[at] = saved;
        this.staff = staff;
        this.setData({
          [`managers[${at}]`]: staffView(saved, this.data.stores as Store[]),
          managersState: 'ready',
          managerForm: { ...EMPTY_FORM },
        });
        toast(this, form.editing ? `已保存 ${saved.name}` : `已添加 ${saved.name}`);
      } catch (err) {
        this.showFormError(err);
      } finally {
        this.setData({ savingManager: false });
      }
    },

    async onInviteManager(this: Self) {
      const checked = this.checkedForm(false);
      if (!checked) return;
      const { form, name, storeIds } = checked;
      this.setData({ invitingManager: true });
      try {
        const invite = await adminService.inviteManager({ name, role: form.role, storeIds });
        this.setData({
          invites: [inviteView(invite), ...(this.data.invites as InviteView[])],
          managerForm: { ...EMPTY_FORM },
        });
        toast(this, `已生成给 ${invite.name} 的邀请，点「发给 TA」`);
      } catch (err) {
        this.showFormError(err);
      } finally {
        this.setData({ invitingManager: false });
      }
    },

    onRemoveManager(this: Self, e: WechatMiniprogram.TouchEvent) {
      const staff = (this.data.managers as StaffView[])[Number(e.currentTarget.dataset.index)];
      if (staff && !staff.builtIn) this.setData({ removeTarget: staff });
    },

    onRemoveCancel(this: Self) {
      this.setData({ removeTarget: null });
    },

    async onRemoveConfirm(this: Self) {
      const target = this.data.removeTarget as StaffView | null;
      if (!target) return;
      this.setData({ removeTarget: null });
      try {
        await adminService.removeManager(target.openid);
        // a removal shifts later rows, so the (short) staff list is sent again
        this.staff = (this.staff ?? []).filter((m) => m.openid !== target.openid);
        const managers = (this.data.managers as StaffView[]).filter((m) => m.openid !== target.openid);
        this.setData({ managers, managersState: managers.length ? 'ready' : 'empty' });
        toast(this, `已移除 ${target.name}`);
      } catch (err) {
        toastError(this, err);
      }
    },

    onRevokeInvite(this: Self, e: WechatMiniprogram.TouchEvent) {
      const invite = (this.data.invites as InviteView[])[Number(e.currentTarget.dataset.index)];
      if (invite) this.setData({ revokeTarget: invite });
    },

    onRevokeCancel(this: Self) {
      this.setData({ revokeTarget: null });
    },

    async onRevokeConfirm(this: Self) {
      const target = this.data.revokeTarget as InviteView | null;
      if (!target) return;
      this.setData({ revokeTarget: null });
      try {
        await adminService.revokeManagerInvite(target.token);
        this.setData({
          invites: (this.data.invites as InviteView[]).filter((i) => i.token !== target.token),
        });
        toast(this, `已撤回给 ${target.name} 的邀请`);
      } catch (err) {
        toastError(this, err);
      }
    },
  },
});
