/** Who the control panel can be: the demo staff, promoters and the guest (emulator/demo-data.ts). */
import { randomBytes } from 'node:crypto';
import { DEMO_GUEST, DEMO_PROMOTERS, DEMO_STAFF } from '../demo-data';

export interface Identity {
  openid: string;
  name: string;
  /** 总部管理员 / 店长 / 推广员 / 访客 */
  kind: string;
  /** The phone WeChat would hand out for getPhoneNumber (promoters: their demo phone). */
  phone?: string;
}

export function demoIdentities(adminOpenids: string[] = [DEMO_STAFF.admin.openid]): Identity[] {
  return [
    ...adminOpenids.map((openid) => ({
      openid,
      name: openid === DEMO_STAFF.admin.openid ? DEMO_STAFF.admin.name : openid.slice(0, 12),
      kind: '总部管理员',
    })),
    ...DEMO_STAFF.managers.map((m) => ({
      openid: m.openid,
      name: `${m.name}（${m.storeIds.join('、')}）`,
      kind: '店长',
    })),
    ...DEMO_PROMOTERS.map((p) => ({
      openid: p.openid,
      name: `${p.name}（${p.storeId}）`,
      kind: '推广员',
      phone: p.phone,
    })),
    { openid: DEMO_GUEST.openid, name: `${DEMO_GUEST.name}（还不是推广员）`, kind: '访客' },
  ];
}

const OPENID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A brand-new person: an openid of WeChat's shape (28 characters of A-Z a-z 0-9 _ -, starting with "o"). */
export function freshOpenid(): string {
  return `o${Array.from(randomBytes(27), (b) => OPENID_ALPHABET[b % 64]).join('')}`;
}
