/**
 * The detail page's remind card (提醒授权): shown only to people who still have to authorize, how long
 * they waited and how often they were reminded, what the cloud did, and the share card it offers.
 */
import type { Promoter, RemindResult, RemindRow } from '../../../typings/contract/index';
import { ok, openPage, resetApp, textOf } from '../helpers';
import { ADMIN, ROLES, STORES, promoter } from '../fixtures';
import { type ActionHandlers, callOf, cloudWith, deferred, node, stubWx, tap } from '../kit';

const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);
const awaiting = (over: Partial<Promoter> = {}) =>
  promoter(1, { name: '李娜', authStatus: 0, status: 'awaiting', updateTime: now() - 3 * DAY, ...over });

const answer = (row: Partial<RemindRow>): RemindResult => ({
  rows: [{ id: 'p1', name: '李娜', outcome: 'reminded', ...row }],
  remindedCount: row.outcome === 'reminded' ? 1 : 0,
  deliveredCount: row.delivery === 'sent' ? 1 : 0,
  share: { title: '请完成推广员授权', path: 'pages/join/index?from=remind' },
  more: false,
});

function cloud(p: Promoter, handlers: ActionHandlers = {}) {
  return cloudWith(handlers, {
    'promoter/promoter.get': () => ok({ ...p, history: [] }),
    'promoter/stats.relations': () => ok({ items: [], total: 0 }),
    'promoter/stats.orders': () => ok({ items: [], total: 0 }),
    'promoter/role.list': () => ok({ items: ROLES }),
    'admin/store.list': () => ok({ items: STORES }),
  });
}

const open = () => openPage('pages/promoter-detail/index', { id: 'p1' });
const card = (page: any) => page.querySelectorAll('.remind-card');

beforeEach(() => {
  resetApp({ whoami: Promise.resolve(ADMIN) });
  stubWx('showModal', 'setClipboardData', 'saveImageToPhotosAlbum', 'openSetting');
});

describe('remind card on promoter detail', () => {
  it('is not shown for someone bound or cancelled', async () => {
    cloud(promoter(1));
    expect(card(await open())).toHaveLength(0);
    cloud(awaiting({ declStatus: 2, status: 'cancelled' }));
    expect(card(await open())).toHaveLength(0);
  });

  it('says how long they waited and that nobody reminded them yet', async () => {
    cloud(awaiting());
    const text = textOf(node(await open(), '.remind-card'));
    expect(text).toContain('李娜 还没有完成授权');
    expect(text).toContain('已等待 3 天');
    expect(text).toContain('还没有提醒过');
  });

  it('someone who took it back reads 已解除授权, with the reminders so far', async () => {
    cloud(
      awaiting({ authStatus: 2, status: 'revoked', reminder: { count: 2, lastRemindedAt: now() - DAY } }),
    );
    const text = textOf(node(await open(), '.remind-card'));
    expect(text).toContain('李娜 已解除授权');
    expect(text).toContain('已提醒 2 次');
  });

  it('提醒授权 asks the cloud once, shows what happened and the new count', async () => {
    const held = deferred<unknown>();
    const callFunction = cloud(awaiting(), { 'promoter/promoter.remind': () => held.promise });
    const page = await open();
    await tap(page, '.remind-card >>> .remind-send >>> .t-button');
    // a second tap while the first is on its way does nothing
    await tap(page, '.remind-card >>> .remind-send >>> .t-button');
    const reminds = callFunction.mock.calls.filter(([c]) => c.data.action === 'promoter.remind');
    expect(reminds).toEqual([[callOf('promoter', 'promoter.remind', { ids: ['p1'] })]]);
    held.resolve(ok(answer({ delivery: 'sent', reminder: { count: 1, lastRemindedAt: now() } })));
    await tap(page, '.head'); // let the answer settle
    const text = textOf(node(page, '.remind-card'));
    expect(text).toContain('已提醒，TA 会在微信里收到授权提醒');
    expect(text).toContain('已提醒 1 次');
  });

  it('not subscribed: the reminder is recorded and the share card is the way to reach them', async () => {
    cloud(awaiting(), {
      'promoter/promoter.remind': () =>
        ok(
          answer({
            delivery: 'notSubscribed',
            message: 'TA 未订阅授权提醒，请把分享卡片发给 TA',
            reminder: { count: 1, lastRemindedAt: now() },
          }),
        ),
    });
    const page = await open();
    await tap(page, '.remind-card >>> .remind-send >>> .t-button');
    expect(textOf(node(page, '.remind-card'))).toContain(
      '已记下这次提醒。TA 未订阅授权提醒，请把分享卡片发给 TA',
    );
    // 发给 TA shares the authorize card, not the page
    const share = page.instance.onShareAppMessage({
      from: 'button',
      target: { dataset: { share: 'remind' } },
    });
    expect(share).toEqual({ title: expect.stringContaining('授权'), path: '/pages/join/index?from=remind' });
  });

  it('a failure is shown on the card in words, and the button works again', async () => {
    const callFunction = cloud(awaiting(), {
      'promoter/promoter.remind': () => ({
        result: { ok: false, error: { code: 'UPSTREAM_UNAVAILABLE', message: '微信暂时无法连接' } },
      }),
    });
    const page = await open();
    await tap(page, '.remind-card >>> .remind-send >>> .t-button');
    expect(textOf(node(page, '.remind-card'))).toContain('微信');
    await tap(page, '.remind-card >>> .remind-send >>> .t-button');
    expect(callFunction.mock.calls.filter(([c]) => c.data.action === 'promoter.remind')).toHaveLength(2);
  });
});
