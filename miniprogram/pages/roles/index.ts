/**
 * Roles (推广员角色): the list for everyone on staff; add and rename for HQ admins only (the cloud
 * refuses managers, so they get the list read-only instead of a form that would fail).
 */
import type { Role } from '../../../typings/contract/index';
import { CloudCallError, errorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { LIMITS, checkBytes, textCounter } from '../../shared/field-rules';
import { toast, toastError } from '../../utils/toast';
import { currentWhoami } from '../../utils/whoami';
import type { ViewState } from '../../components/state-view/index';

interface RoleForm {
  /** null = adding a new role */
  roleId: number | null;
  name: string;
  desc: string;
}

const EMPTY_FORM: RoleForm = { roleId: null, name: '', desc: '' };

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    items: [] as Role[],
    canEdit: false,
    full: false,
    maxRoles: LIMITS.role.maxRoles,
    form: { ...EMPTY_FORM } as RoleForm,
    /** 还能输入 N 个字 under each field (characters, not WeChat's bytes). */
    nameCounter: textCounter('', LIMITS.role.nameBytes),
    descCounter: textCounter('', LIMITS.role.descBytes),
    errors: { name: '', desc: '' },
    saving: false,
  },

  onLoad() {
    return this.load();
  },

  async onPullDownRefresh() {
    await this.load();
    wx.stopPullDownRefresh();
  },

  onRetry() {
    return this.load();
  },

  async load() {
    this.setData({ state: 'loading' });
    try {
      const [caller, list] = await Promise.all([currentWhoami(), promoterService.listRoles()]);
      const items = list.items.slice(0, LIMITS.role.maxRoles);
      this.setData({
        items,
        canEdit: caller.role === 'admin',
        full: items.length >= LIMITS.role.maxRoles,
        state: items.length ? 'ready' : 'empty',
      });
    } catch (err) {
      this.setData({ state: 'error', errorText: errorText(err) });
    }
  },

  onNameInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const name = e.detail.value;
    this.setData({
      'form.name': name,
      nameCounter: textCounter(name, LIMITS.role.nameBytes),
      'errors.name': '',
    });
  },

  onDescInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const desc = e.detail.value;
    this.setData({
      'form.desc': desc,
      descCounter: textCounter(desc, LIMITS.role.descBytes),
      'errors.desc': '',
    });
  },

  onEdit(e: WechatMiniprogram.TouchEvent) {
    if (!this.data.canEdit) return;
    const role = this.data.items[Number(e.currentTarget.dataset.index)];
    if (!role) return;
    this.setForm({ roleId: role.roleId, name: role.name, desc: role.desc });
    // the form sits above the list, which may be long: bring it into view
    wx.pageScrollTo({ scrollTop: 0, duration: 200, fail: () => undefined });
  },

  onCancelEdit() {
    this.setForm({ ...EMPTY_FORM });
  },

  setForm(form: RoleForm) {
    this.setData({
      form,
      nameCounter: textCounter(form.name, LIMITS.role.nameBytes),
      descCounter: textCounter(form.desc, LIMITS.role.descBytes),
      errors: { name: '', desc: '' },
    });
  },

  /** Same rules as the cloud (field-rules.ts), checked here so a slip costs no round trip. */
  validate(form: RoleForm): { name: string; desc: string } {
    const name = form.name.trim();
    return {
      name: name ? (checkBytes('角色名称', name, LIMITS.role.nameBytes) ?? '') : '请填写角色名称',
      desc: checkBytes('角色说明', form.desc, LIMITS.role.descBytes) ?? '',
    };
  },

  async onSave() {
    const form = this.data.form;
    const errors = this.validate(form);
    if (errors.name || errors.desc) {
      this.setData({ errors });
      return;
    }
    const name = form.name.trim();
    this.setData({ saving: true });
    try {
      if (form.roleId === null) {
        const role = await promoterService.addRole(form.desc ? { name, desc: form.desc } : { name });
        const count = this.data.items.length;
        this.setData({
          [`items[${count}]`]: role,
          full: count + 1 >= LIMITS.role.maxRoles,
          state: 'ready',
        });
        toast(this, `已新增角色「${role.name}」`);
      } else {
        const role = await promoterService.updateRole({ roleId: form.roleId, name, desc: form.desc });
        const index = this.data.items.findIndex((r) => r.roleId === role.roleId);
        if (index >= 0) this.setData({ [`items[${index}]`]: role });
        toast(this, `已保存角色「${role.name}」`);
      }
      this.setForm({ ...EMPTY_FORM });
    } catch (err) {
      // A field error goes next to its field; anything else is a toast. The form keeps what was typed.
      if (err instanceof CloudCallError && (err.field === 'name' || err.field === 'desc')) {
        this.setData({ [`errors.${err.field}`]: err.userMessage });
      } else {
        toastError(this, err);
      }
    } finally {
      this.setData({ saving: false });
    }
  },
});
