/** What the settings page tests share: fixtures, the usual cloud answers, and reaching into a panel. */
import { ok, openPage, resetApp } from '../helpers';
import { cloudWith, stubWx, tap, type ActionHandlers } from '../kit';

export const ADMIN = { openid: 'o-admin', role: 'admin', storeIds: [] };
export const oid = (i: number) => `o${String(i).padStart(27, '0')}`;
export const ACCOUNT = {
  openAccount: 'wx0123456789abcdef',
  rebindsInLastYear: 1,
  rebindsLeft: 1,
  nextRebindFreeAt: 1735660800,
};
export const STORES = [
  { storeId: 'SH-01', name: '上海店', createdAt: 1, updatedAt: 1 },
  { storeId: 'BJ-01', name: '北京店', createdAt: 1, updatedAt: 1 },
];
export const STAFF = [
  {
    openid: oid(0),
    name: '总部',
    role: 'admin',
    storeIds: [],
    builtIn: true,
    createdAt: 1,
    createdBy: 'config',
  },
  {
    openid: oid(1),
    name: '王店长',
    role: 'manager',
    storeIds: ['SH-01'],
    builtIn: false,
    createdAt: 1,
    createdBy: oid(0),
  },
];
export const AUDIT = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  at: 1700000000,
  actor: { openid: oid(0), role: 'admin' },
  fn: 'admin',
  action: 'store.update',
  target: 'SH-01',
  before: { name: '上海店' },
  after: { name: '上海旗舰店' },
  ...extra,
});

export const DEFAULTS: ActionHandlers = {
  'customparam/openAccount.get': () => ok(ACCOUNT),
  'admin/store.list': () => ok({ items: STORES }),
  'admin/manager.list': () => ok({ items: STAFF }),
  'admin/manager.invites': () => ok({ items: [] }),
  'admin/audit.list': () => ok({ items: [AUDIT('a1')], total: 1 }),
};
export const cloud = (handlers: ActionHandlers = {}) => cloudWith(handlers, DEFAULTS);
/** An open staff invite whose token is `letter` × 24. */
export const staffInvite = (letter: string, fields: Record<string, unknown>) => ({
  token: letter.repeat(24),
  role: 'manager',
  createdBy: oid(0),
  createdByName: '总部',
  createdAt: 1_767_000_000,
  expiresAt: 1_767_196_800,
  sharePath: `/pages/staff-join/index?token=${letter.repeat(24)}`,
  status: 'open',
  ...fields,
});
export const openTab = (page: any, index: number): Promise<void> =>
  tap(page, '.settings-tabs >>> .t-tabs__item', index);

/** The panel component of a tab (#account, #managers, #stores, #audit). */
export const panelOf = (page: any, panel: string): any => page.querySelector(`#${panel}`);
/** A panel's data. */
export const data = (page: any, panel: string): any => panelOf(page, panel).instance.data;

/** The usual start of a settings test: an HQ admin, pull-down stubbed. */
export function asAdmin(): void {
  resetApp({ whoami: Promise.resolve(ADMIN) });
  stubWx('stopPullDownRefresh', 'pageScrollTo');
}

/** The settings page with `tab` (0 account … 3 audit) open. */
export async function openSettings(tab = 0): Promise<any> {
  const page = await openPage('pages/settings/index');
  if (tab) await openTab(page, tab);
  return page;
}
