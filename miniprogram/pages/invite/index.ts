/**
 * Invite: pick a store and a role, create an invite, then either share the invite card to a chat
 * (onShareAppMessage carries the invite token in invite.sharePath) or hand out WeChat's invitation
 * material (poster, mini program code or short link) saved to the album or copied.
 * Changing the store or role drops the invite on screen, so a card never carries the old choice.
 */
import type { Invite, InviteMaterial } from '../../../typings/contract/index';
import { adminService } from '../../services/admin';
import { errorText } from '../../services/cloud';
import { promoterService } from '../../services/promoter';
import { formatDate } from '../../utils/format';
import { copyWithToast, saveImageWithToast, toastError } from '../../utils/toast';
import type { ViewState } from '../../components/state-view/index';

type InvitationType = 0 | 1 | 2;

interface Option<T> {
  value: T;
  label: string;
}

const MATERIAL_TYPES: Option<InvitationType>[] = [
  { value: 0, label: '海报' },
  { value: 1, label: '小程序码' },
  { value: 2, label: '短链接' },
];

Page({
  data: {
    state: 'loading' as ViewState,
    errorText: '',
    emptyText: '',
    storeOptions: [] as Option<string>[],
    roleOptions: [] as Option<number>[],
    storeIndex: 0,
    roleIndex: 0,
    materialTypes: MATERIAL_TYPES,
    typeIndex: 0,
    creating: false,
    invite: null as (Invite & { expiresText: string }) | null,
    material: null as InviteMaterial | null,
  },

  onLoad() {
    return this.load();
  },

  onRetry() {
    return this.load();
  },

  async load() {
    this.setData({ state: 'loading', errorText: '' });
    try {
      const [stores, roles] = await Promise.all([adminService.listStores(), promoterService.listRoles()]);
      let emptyText = '';
      if (stores.items.length === 0) emptyText = '还没有可邀请的门店，请先在“设置”里添加门店';
      else if (roles.items.length === 0) emptyText = '还没有推广员角色，请先在“推广员角色”里添加';
      this.setData({
        state: emptyText ? 'empty' : 'ready',
        emptyText,
        storeOptions: stores.items.map((s) => ({ value: s.storeId, label: s.name })),
        roleOptions: roles.items.map((r) => ({ value: r.roleId, label: r.name })),
        storeIndex: 0,
        roleIndex: 0,
      });
    } catch (err) {
      this.setData({ state: 'error', errorText: errorText(err) });
    }
  },

  onStorePick(e: WechatMiniprogram.PickerChange) {
    this.setData({ storeIndex: Number(e.detail.value), invite: null, material: null });
  },

  onRolePick(e: WechatMiniprogram.PickerChange) {
    this.setData({ roleIndex: Number(e.detail.value), invite: null, material: null });
  },

  onTypePick(e: WechatMiniprogram.PickerChange) {
    this.setData({ typeIndex: Number(e.detail.value), invite: null, material: null });
  },

  async onCreate() {
    const { storeOptions, roleOptions, storeIndex, roleIndex, typeIndex, creating } = this.data;
    const store = storeOptions[storeIndex];
    const role = roleOptions[roleIndex];
    if (creating || !store || !role) return;
    this.setData({ creating: true });
    try {
      const { invite, material } = await promoterService.createInvite({
        storeId: store.value,
        roleId: role.value,
        invitationType: MATERIAL_TYPES[typeIndex].value,
      });
      this.setData({ invite: { ...invite, expiresText: formatDate(invite.expiresAt) }, material });
    } catch (err) {
      toastError(this, err);
    } finally {
      this.setData({ creating: false });
    }
  },

  /** The invite card: the join page with the token. Before an invite exists, the app's home. */
  onShareAppMessage(): WechatMiniprogram.Page.ICustomShareContent {
    const { invite } = this.data;
    if (!invite) return { title: '推广员管理', path: '/pages/home/index' };
    return { title: `${invite.storeName}邀请你成为${invite.roleName}`, path: invite.sharePath };
  },

  async onSaveImage(e: WechatMiniprogram.CustomEvent) {
    const kind = e.currentTarget.dataset.kind as 'poster' | 'qrcode';
    const base64 = this.data.material?.[kind];
    if (base64) await saveImageWithToast(this, base64, `invite-${kind}`);
  },

  async onCopyLink() {
    const tag = this.data.material?.tag;
    if (tag) await copyWithToast(this, tag);
  },
});
