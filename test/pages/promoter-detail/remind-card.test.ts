/**
 * 提醒授权 on the detail page: the action bar asks (remind-card/remind.ts), the remind card — shown
 * only to people who still have to authorize — says how long they waited, how often they were
 * reminded, what the cloud did, and offers the share card.
 */
import type { Promoter, RemindResult, RemindRow } from '../../../typings/contract/index';
import { ok, textOf } from '../helpers';
import { promoter } from '../fixtures';
import { deferred, node, tap } from '../kit';
import { asCaller, call, callsOf, cloud, open } from './fixtures';

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

const card = (page: any) => page.querySelectorAll('.remind-card');
const remind = (page: any) => tap(page, '.action-bar >>> .remind');

beforeEach(() => asCaller());

describe('remind card on promoter detail', () => {
  it('is not shown for someone bound or cancelled', async () => {
    cloud({}, promoter(1));
    expect(card(await open())).toHaveLength(0);
    cloud({}, awaiting({ declStatus: 2, status: 'cancelled' }));
    expect(card(await open())).toHaveLength(0);
  });

  it('says how long they waited and that nobody reminded them yet', async () => {
    cloud({}, awaiting());
    const page = await open();
    const text = textOf(node(page, '.remind-card'));
    expect(text).toContain('李娜 还没有完成授权');
    expect(text).toContain('已等待 3 天');
    expect(text).toContain('还没有提醒过');
    // said once: the facts card leaves the reminders to this card
    expect(textOf(node(page, '.facts-card'))).not.toContain('提醒');
  });

  it('someone who took it back reads 已解除授权, with the reminders so far', async () => {
    cloud(
      {},
      awaiting({ authStatus: 2, status: 'revoked', reminder: { count: 2, lastRemindedAt: now() - DAY } }),
    );
    const text = textOf(node(await open(), '.remind-card'));
    expect(text).toContain('李娜 已解除授权');
    expect(text).toContain('已提醒 2 次');
  });

  it('提醒授权 in the action bar asks the cloud once, and the card shows what happened and the new count', async () => {
    const held = deferred<unknown>();
    const callFunction = cloud({ 'promoter/promoter.remind': () => held.promise }, awaiting());
    const page = await open();
    await remind(page);
    expect(textOf(node(page, '.action-bar >>> .remind'))).toBe('正在提醒');
    // a second tap while the first is on its way does nothing
    await remind(page);
    expect(callsOf(callFunction, 'promoter.remind')).toEqual([[call('promoter.remind', { ids: ['p1'] })]]);
    held.resolve(ok(answer({ delivery: 'sent', reminder: { count: 1, lastRemindedAt: now() } })));
    await tap(page, '.head'); // let the answer settle
    const text = textOf(node(page, '.remind-card'));
    expect(text).toContain('已提醒，TA 会在微信里收到授权提醒');
    expect(text).toContain('已提醒 1 次');
    expect(textOf(node(page, '.action-bar >>> .remind'))).toBe('提醒授权');
  });

  it('not subscribed: the reminder is recorded and the share card is the way to reach them', async () => {
    cloud(
      {
        'promoter/promoter.remind': () =>
          ok(
            answer({
              delivery: 'notSubscribed',
              message: 'TA 未订阅授权提醒，请把分享卡片发给 TA',
              reminder: { count: 1, lastRemindedAt: now() },
            }),
          ),
      },
      awaiting(),
    );
    const page = await open();
    await remind(page);
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

  it('found already authorized: the page reads the promoter again', async () => {
    const callFunction = cloud(
      {
        'promoter/promoter.remind': () => ok(answer({ outcome: 'alreadyBound', message: 'TA 已经完成授权' })),
      },
      awaiting(),
    );
    const page = await open();
    await remind(page);
    expect(callsOf(callFunction, 'promoter.get')).toHaveLength(2);
  });

  it('a failure is shown on the card in words, and the button works again', async () => {
    const callFunction = cloud(
      {
        'promoter/promoter.remind': () => ({
          result: { ok: false, error: { code: 'UPSTREAM_UNAVAILABLE', message: '微信暂时无法连接' } },
        }),
      },
      awaiting(),
    );
    const page = await open();
    await remind(page);
    expect(textOf(node(page, '.remind-card'))).toContain('微信');
    await remind(page);
    expect(callsOf(callFunction, 'promoter.remind')).toHaveLength(2);
  });
});
