/** What the promoter-detail page tests share: a promoter, the usual cloud answers, opening the page. */
import type { Promoter, PromoterStatusChange } from '../../../typings/contract/index';
import { ok, openPage, resetApp } from '../helpers';
import { ADMIN, ROLES, STORES, promoter } from '../fixtures';
import { type ActionHandlers, callOf, cloudWith, stubWx } from '../kit';

export const P = promoter(1, {
  name: '张伟',
  phone: '13800000001',
  extraInfo: 'src=poster',
  updateTime: 1_763_700_000,
});

/** What promoter.get answers: the promoter and its history. */
export const detail = (p: Promoter, history: PromoterStatusChange[] = []) => ({ ...p, history });

/** The results card's two reads (reach and orders), answered empty unless a test says otherwise. */
export const RESULTS_CALLS = 2;
/** promoter.get, role.list, store.list and the results card's reads: what opening the page calls. */
export const OPEN_CALLS = 3 + RESULTS_CALLS;

/** The usual answers, `handlers` first. */
export function cloud(handlers: ActionHandlers = {}, p: Promoter = P): jest.Mock {
  return cloudWith(handlers, {
    'promoter/stats.relations': () => ok({ items: [], total: 0 }),
    'promoter/stats.orders': () => ok({ items: [], total: 0 }),
    'promoter/promoter.get': () => ok(detail(p)),
    'promoter/role.list': () => ok({ items: ROLES }),
    'admin/store.list': () => ok({ items: STORES }),
  });
}

export const call = (action: string, params: Record<string, unknown> = {}) =>
  callOf('promoter', action, params);

export const open = () => openPage('pages/promoter-detail/index', { id: 'p1' });

/** HQ by default; the wx APIs the page's cards reach for are stubbed. */
export function asCaller(who = ADMIN): void {
  resetApp({ whoami: Promise.resolve(who) });
  stubWx('showModal', 'setClipboardData', 'saveImageToPhotosAlbum', 'openSetting', 'makePhoneCall');
}

/** Calls of one action. */
export const callsOf = (callFunction: jest.Mock, action: string) =>
  callFunction.mock.calls.filter(([c]) => c.data.action === action);
