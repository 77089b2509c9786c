/**
 * 提醒授权 from the promoter list: the bar on 待授权 / 已解除授权, ticking people, everyone waiting N days,
 * and what happened in one dialog.
 */
import type { Promoter, RemindResult } from '../../../typings/contract/index';
import { remindSummary } from '../../../miniprogram/pages/promoter-list/remind-summary';
import { ok, openPage, resetApp, textOf } from '../helpers';
import { ADMIN, ROLES, STORES, SUMMARY, promoter } from '../fixtures';
import { callOf, cloudWith, node, stubWx, tap, type ActionHandlers } from '../kit';

const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);
const waiting = (n: number, over: Partial<Promoter> = {}) =>
  promoter(n, { authStatus: 0, status: 'awaiting', updateTime: now() - 5 * DAY, ...over });
const ROWS = [waiting(1, { reminder: { count: 2, lastRemindedAt: now() - DAY } }), waiting(2), waiting(3)];

const result = (over: Partial<RemindResult> = {}): RemindResult => ({
  rows: [],
  remindedCount: 0,
  deliveredCount: 0,
  share: { title: '请完成推广员授权', path: 'pages/join/index?from=remind' },
  more: false,
  ...over,
});

function cloud(handlers: ActionHandlers = {}) {
  return cloudWith(handlers, {
    'promoter/role.list': () => ok({ items: ROLES }),
    'admin/store.list': () => ok({ items: STORES }),
    'promoter/stats.summary': () => ok(SUMMARY),
    'promoter/promoter.list': () => ok({ items: ROWS, total: 3 }),
  });
}

const remindCalls = (callFunction: jest.Mock) =>
  callFunction.mock.calls.map((c) => c[0]).filter((c) => c.data.action === 'promoter.remind');
const bar = '.remind-bar >>> ';
const rowCell = () => `.row >>> .t-cell`;

let modal: jest.SpyInstance;
beforeEach(() => {
  resetApp({ whoami: Promise.resolve(ADMIN) });
  stubWx('navigateTo', 'stopPullDownRefresh', 'showToast');
  modal = jest.spyOn(wx, 'showModal').mockImplementation(((o: { success?: (r: unknown) => void }) => {
    const answer = { confirm: true, cancel: false, errMsg: 'showModal:ok' };
    o?.success?.(answer);
    return Promise.resolve(answer);
  }) as never);
});

describe('remind from the promoter list', () => {
  it('the bar shows on 待授权 only, and rows say how long they waited and how often reminded', async () => {
    cloud();
    const all = await openPage('pages/promoter-list/index');
    expect(all.querySelectorAll('.remind-bar')).toHaveLength(0);
    const page = await openPage('pages/promoter-list/index', { status: 'awaiting' });
    expect(page.querySelectorAll('.remind-bar')).toHaveLength(1);
    const text = textOf(page);
    expect(text).toContain('已等待 5 天 · 已提醒 2 次');
    expect(text).toContain('提醒已等待');
  });

  it('tick two people, 提醒授权: one call with their ids, the summary in a dialog, ticks cleared', async () => {
    const callFunction = cloud({
      'promoter/promoter.remind': () =>
        ok(
          result({
            rows: [
              { id: 'p1', name: '推广员1', outcome: 'reminded', delivery: 'sent' },
              { id: 'p3', name: '推广员3', outcome: 'reminded', delivery: 'notSubscribed' },
            ],
            remindedCount: 2,
            deliveredCount: 1,
          }),
        ),
    });
    const page = await openPage('pages/promoter-list/index', { status: 'awaiting' });
    await tap(page, `${bar}.remind-select >>> .t-button`);
    expect(page.instance.data.selecting).toBe(true);
    await tap(page, rowCell(), 0);
    await tap(page, rowCell(), 2);
    expect(page.instance.data.selectedCount).toBe(2);
    // while selecting, a tap ticks instead of opening the detail page
    expect(wx.navigateTo).not.toHaveBeenCalled();
    await tap(page, `${bar}.remind-selected >>> .t-button`);
    expect(remindCalls(callFunction)).toEqual([callOf('promoter', 'promoter.remind', { ids: ['p1', 'p3'] })]);
    expect(modal).toHaveBeenLastCalledWith(
      expect.objectContaining({ content: expect.stringContaining('已提醒 2 人，1 人会在微信里收到提醒') }),
    );
    expect(page.instance.data).toMatchObject({ selecting: false, selectedCount: 0 });
  });

  it('一键提醒 asks first, then reminds everyone of the chosen store waiting 3 days or more', async () => {
    const callFunction = cloud({ 'promoter/promoter.remind': () => ok(result()) });
    const page = await openPage('pages/promoter-list/index', { status: 'awaiting' });
    page.instance.setData({ storeIndex: 1 });
    await tap(page, `${bar}.remind-waiting >>> .t-button`);
    expect(modal.mock.calls[0][0].content).toContain('已等待 3 天以上');
    expect(remindCalls(callFunction)).toEqual([
      callOf('promoter', 'promoter.remind', { waitingDays: 3, storeId: STORES[0].storeId }),
    ]);
    expect(modal).toHaveBeenLastCalledWith(expect.objectContaining({ content: '没有需要提醒的人。' }));
  });

  it('a failure says why in a dialog; nothing else changes', async () => {
    cloud({
      'promoter/promoter.remind': () => ({
        result: { ok: false, error: { code: 'FORBIDDEN', message: '你不是该门店的店长' } },
      }),
    });
    const page = await openPage('pages/promoter-list/index', { status: 'awaiting' });
    await tap(page, `${bar}.remind-waiting >>> .t-button`);
    expect(modal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '没有提醒成功' }));
    expect(textOf(node(page, '.list'))).toContain('推广员1');
  });
});

describe('remindSummary', () => {
  it('puts every outcome in a sentence', () => {
    expect(
      remindSummary(
        result({
          rows: [
            { id: '1', name: 'a', outcome: 'reminded', delivery: 'sent' },
            { id: '2', name: 'b', outcome: 'justReminded' },
            { id: '3', name: 'c', outcome: 'alreadyBound' },
          ],
          remindedCount: 1,
          deliveredCount: 1,
          more: true,
        }),
      ),
    ).toBe(
      '已提醒 1 人，1 人会在微信里收到提醒。1 人刚刚已提醒过。1 人已完成授权。还有人在等，可以再点一次。',
    );
  });
});
