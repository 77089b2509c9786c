/** What the messages page's tests share: the caller, roles, stores, a sent record, a bound promoter, the cloud. */
import { ok, resetApp } from '../helpers';
import { cloudWith, stubWx, typeInto, type ActionHandlers } from '../kit';

export const ADMIN = { openid: 'o-admin', role: 'admin', storeIds: [] };
export const ROLES = [
  { roleId: 1, name: '导购', desc: '' },
  { roleId: 2, name: '店长', desc: '' },
];
export const STORES = [{ storeId: 'SH-01', name: '上海店', createdAt: 1, updatedAt: 1 }];
export const NOW = 1700000000; // 2023-11-15 06:13 China time
export const RECORD = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  mode: 'group',
  msgId: `m-${id}`,
  msgType: 1,
  content: { title: '双十一活动', topic: '促销', desc: '全场八折', date: '2023-11-11' },
  path: 'pages/join/index',
  audience: { kind: 'all' },
  recipientCount: 120,
  sentCount: 0,
  failed: [],
  sentBy: 'o-admin',
  sentAt: NOW - 3600,
  ...extra,
});
export const PROMOTER = (id: string) => ({
  id,
  openid: `o-${id}`,
  roleId: 1,
  storeId: 'SH-01',
  extraInfo: '',
  name: `推广员${id}`,
  phone: '13800000000',
  authStatus: 1,
  declStatus: 1,
  status: 'bound',
  updateTime: NOW,
});

export const DEFAULTS: ActionHandlers = {
  'promoter/role.list': () => ok({ items: ROLES }),
  'admin/store.list': () => ok({ items: STORES }),
  'promoter/promoter.list': (d) => ok({ items: [], total: d.roleId ? 12 : d.storeId ? 7 : 120 }),
  'promoter/message.list': () => ok({ items: [RECORD('r1')], total: 1 }),
};
export const cloud = (handlers: ActionHandlers = {}) => cloudWith(handlers, DEFAULTS);
export const callsOf = (callFunction: jest.Mock, action: string) =>
  callFunction.mock.calls.map(([c]) => c.data).filter((d) => d.action === action);

export async function fillContent(page: any) {
  await typeInto(page, '.f-title >>> .t-input__control', '新品上市');
  await typeInto(page, '.f-topic >>> .t-input__control', '上新');
  await typeInto(page, '.f-desc >>> .t-input__control', '本周新品到店');
}

/** Every test: an admin, China-time 2023-11-15 06:13, pull-down stubbed. */
export function setUp(): void {
  resetApp({ whoami: Promise.resolve(ADMIN) });
  jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
  stubWx('stopPullDownRefresh');
}
