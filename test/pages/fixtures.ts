/** Demo-shaped answers shared by the page tests of home, promoter list/detail, invite, join and the app. */
import type { Invite, Promoter, Role, StatsSummary, Store, WhoAmI } from '../../typings/contract/index';

const id28 = (label: string, prefix = 'o') => `${prefix}${label}`.padEnd(28, '0').slice(0, 28);

export const ADMIN: WhoAmI = { openid: id28('Demo-admin'), role: 'admin', name: '总部管理员', storeIds: [] };
export const MANAGER: WhoAmI = {
  openid: id28('Demo-mgr-sh'),
  role: 'manager',
  name: '王店长',
  storeIds: ['SH-XUHUI'],
};
export const GUEST: WhoAmI = { openid: id28('Demo-guest'), role: 'guest', storeIds: [] };

export const STORES: Store[] = [
  { storeId: 'SH-XUHUI', name: '上海徐汇店', createdAt: 1_760_000_000, updatedAt: 1_760_000_000 },
  { storeId: 'BJ-CHAOYANG', name: '北京朝阳店', createdAt: 1_760_000_000, updatedAt: 1_760_000_000 },
];

export const ROLES: Role[] = [
  { roleId: 1, name: '推广员', desc: '平台默认角色' },
  { roleId: 2, name: '金牌推广员', desc: '月度业绩前十' },
];

/** When the fixtures' mirror last matched WeChat: 2025-10-09 17:26 in Beijing (UTC+8). */
export const AS_OF = Date.UTC(2025, 9, 9, 9, 26, 40);

export const SUMMARY: StatsSummary = {
  total: 6,
  byStatus: { bound: 2, awaiting: 2, revoked: 1, cancelled: 1 },
  byRole: [
    { roleId: 1, count: 4 },
    { roleId: 2, count: 2 },
  ],
  byStore: [
    { storeId: 'SH-XUHUI', count: 4 },
    { storeId: 'BJ-CHAOYANG', count: 2 },
  ],
  pendingJoinRequests: 3,
  asOf: AS_OF,
  stale: false,
};

export function promoter(n: number, over: Partial<Promoter> = {}): Promoter {
  return {
    id: `p${n}`,
    openid: id28(`Demo-p-${n}`),
    roleId: 1,
    storeId: 'SH-XUHUI',
    extraInfo: '',
    name: `推广员${n}`,
    phone: `1380000${String(n).padStart(4, '0')}`,
    authStatus: 1,
    declStatus: 1,
    status: 'bound',
    updateTime: 1_763_700_000,
    ...over,
  };
}

export const UNIONID = id28('Demo-u-zhang', 'u');

export const INVITE: Invite = {
  token: 'inv_7Hk2pQ9xYz',
  storeId: 'SH-XUHUI',
  storeName: '上海徐汇店',
  roleId: 2,
  roleName: '金牌推广员',
  createdBy: ADMIN.openid,
  createdAt: 1_763_700_000,
  expiresAt: 1_766_292_000,
  sharePath: '/pages/join/index?invite=inv_7Hk2pQ9xYz',
};
