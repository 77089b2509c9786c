/**
 * 提醒授权 (promoter.remind), subscription acceptances (join.request, me.subscribe), the approval notice
 * and the phone number behind the getPhoneNumber button, against the WeChat stand-in.
 */
import type {
  JoinRequest,
  MeStatus,
  Page,
  Promoter,
  PromoterDetail,
  RemindResult,
} from '../../../typings/contract/index';
import { DEMO_AUTHORIZE_TEMPLATE } from '../../../emulator/demo-data';
import { useJoinStack } from './join-helpers';
import { BJ, SH, control, err, oid, ok } from './helpers';

const env = useJoinStack();
const TEMPLATE = DEMO_AUTHORIZE_TEMPLATE.id;

afterEach(() => jest.restoreAllMocks());

interface Sent {
  touser: string;
  page: string;
  data: Record<string, string>;
}

async function sentMessages(openid?: string): Promise<Sent[]> {
  const query = openid ? `?openid=${openid}` : '';
  const answer = (await control(env.stack).raw('GET', `/__control/subscriptions${query}`)) as {
    sent: Sent[];
  };
  return answer.sent;
}

/** The person taps 允许 in wx.requestSubscribeMessage `times` times (WeChat's side) … */
async function acceptInWechat(openid: string, times = 1): Promise<void> {
  await control(env.stack).raw('POST', '/__control/subscriptions', {
    openid,
    templateId: TEMPLATE,
    accept: times,
  });
}

/** … and the page tells the cloud each time (me.subscribe). */
async function accept(openid: string, times = 1): Promise<void> {
  await acceptInWechat(openid, times);
  for (let i = 0; i < times; i++) {
    ok(await env.as(openid)({ action: 'me.subscribe', templateIds: [TEMPLATE] }));
  }
}

/** Declares `labels` in `storeId` and answers their promoter ids by label. */
async function declare(labels: string[], storeId = SH): Promise<Map<string, Promoter>> {
  ok(
    await env.admin({
      action: 'promoter.declare',
      promoters: labels.map((l) => ({ openid: oid(l), roleId: 1, storeId, name: `名${l}` })),
    }),
  );
  const { items } = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list', limit: 100 }));
  return new Map(labels.map((l) => [l, items.find((p) => p.openid === oid(l))!]));
}

/** Date.now moved by `seconds` for the functions (they run in this process). */
function moveTime(seconds: number): void {
  const real = Date.now.bind(Date);
  jest.spyOn(Date, 'now').mockImplementation(() => real() + seconds * 1000);
}

describe('promoter.remind by person', () => {
  test('someone who never subscribed: recorded, the share card offered, no message sent', async () => {
    const ids = await declare(['Rem-a']);
    const result = ok(
      await env.mgrSh<RemindResult>({ action: 'promoter.remind', ids: [ids.get('Rem-a')!.id] }),
    );
    expect(result.rows).toEqual([
      expect.objectContaining({
        id: ids.get('Rem-a')!.id,
        name: '名Rem-a',
        outcome: 'reminded',
        delivery: 'notSubscribed',
        reminder: expect.objectContaining({ count: 1 }),
      }),
    ]);
    expect(result.rows[0].message).toContain('分享卡片');
    expect(result.share.path).toBe('pages/join/index?from=remind');
    expect(result).toMatchObject({ remindedCount: 1, deliveredCount: 0, more: false });
    expect(await control(env.stack).calls('/cgi-bin/message/subscribe/send')).toHaveLength(0);
    // shown on the detail page and in the list
    const detail = ok(await env.mgrSh<PromoterDetail>({ action: 'promoter.get', id: ids.get('Rem-a')!.id }));
    expect(detail.reminder).toMatchObject({ count: 1 });
    const { items } = ok(await env.mgrSh<Page<Promoter>>({ action: 'promoter.list' }));
    expect(items[0].reminder).toMatchObject({ count: 1 });
    expect(env.audits('promoter.remind')).toHaveLength(1);
  });

  test('a subscribed person gets one message per acceptance, naming the store', async () => {
    const ids = await declare(['Rem-b']);
    await accept(oid('Rem-b'));
    const id = ids.get('Rem-b')!.id;
    const first = ok(await env.mgrSh<RemindResult>({ action: 'promoter.remind', ids: [id] }));
    expect(first.rows[0]).toMatchObject({ outcome: 'reminded', delivery: 'sent' });
    const [message] = await sentMessages(oid('Rem-b'));
    expect(message.data).toEqual({
      phrase1: '待授权',
      thing2: '请打开小程序完成推广员授权',
      thing3: '上海徐汇店',
    });
    expect(message.page).toBe('pages/join/index?from=remind');
    // a minute later: reminded again, but their one acceptance is spent
    moveTime(61);
    const second = ok(await env.mgrSh<RemindResult>({ action: 'promoter.remind', ids: [id] }));
    expect(second.rows[0]).toMatchObject({
      outcome: 'reminded',
      delivery: 'notSubscribed',
      reminder: { count: 2 },
    });
    expect(await control(env.stack).calls('/cgi-bin/message/subscribe/send')).toHaveLength(1);
  });

  test('two managers tapping at once: one reminder, one message, one audit record', async () => {
    const ids = await declare(['Rem-c']);
    await accept(oid('Rem-c'), 5);
    const id = ids.get('Rem-c')!.id;
    await control(env.stack).raw('POST', '/__control/faults', { latencyMs: 50 });
    const answers = await Promise.all(
      [env.admin, env.mgrSh, env.mgrSh].map((call) =>
        call<RemindResult>({ action: 'promoter.remind', ids: [id] }),
      ),
    );
    const outcomes = answers.map((a) => ok(a).rows[0].outcome).sort();
    expect(outcomes).toEqual(['justReminded', 'justReminded', 'reminded']);
    expect(await sentMessages(oid('Rem-c'))).toHaveLength(1);
    expect(env.audits('promoter.remind')).toHaveLength(1);
    const detail = ok(await env.admin<PromoterDetail>({ action: 'promoter.get', id }));
    expect(detail.reminder?.count).toBe(1);
  });

  test('bound, cancelled, unknown and other stores’ promoters are answered per row, never reminded', async () => {
    const ids = await declare(['Rem-bound', 'Rem-gone']);
    const other = await declare(['Rem-bj'], BJ);
    await control(env.stack).bind(oid('Rem-bound'), 'authorize');
    ok(await env.admin({ action: 'promoter.cancel', id: ids.get('Rem-gone')!.id }));
    await control(env.stack).clearCalls();
    const result = ok(
      await env.mgrSh<RemindResult>({
        action: 'promoter.remind',
        ids: [ids.get('Rem-bound')!.id, ids.get('Rem-gone')!.id, other.get('Rem-bj')!.id, '999999'],
      }),
    );
    expect(result.rows.map((r) => r.outcome)).toEqual([
      'alreadyBound',
      'notDeclared',
      'forbidden',
      'notFound',
    ]);
    // who authorized a moment ago is known from one incremental getpromoter (begin_time), not a call per person
    const reads = await control(env.stack).calls('/promoter/getpromoter');
    expect(reads).toHaveLength(1);
    expect(reads[0].body).toHaveProperty('begin_time');
    expect(result.remindedCount).toBe(0);
    expect(env.audits('promoter.remind')).toHaveLength(0);
  });

  test('bad input names the field; nothing is recorded', async () => {
    const both = err(await env.mgrSh({ action: 'promoter.remind', ids: ['1'], waitingDays: 3 }));
    expect(both).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'ids' });
    const neither = err(await env.mgrSh({ action: 'promoter.remind' }));
    expect(neither.field).toBe('ids');
    const tooMany = err(
      await env.mgrSh({ action: 'promoter.remind', ids: Array.from({ length: 51 }, (_, i) => String(i)) }),
    );
    expect(tooMany.field).toBe('ids');
    const days = err(await env.mgrSh({ action: 'promoter.remind', waitingDays: -1 }));
    expect(days.field).toBe('waitingDays');
    expect(err(await env.stranger({ action: 'promoter.remind', ids: ['1'] })).code).toBe('FORBIDDEN');
    expect(env.stack.cloudbase.collections().promoter_reminders ?? []).toHaveLength(0);
  });
});

describe('promoter.remind by waiting time', () => {
  test('everyone of my stores still to authorize, declared at least N days ago, oldest first', async () => {
    await declare(['Wait-1', 'Wait-2', 'Wait-bound']);
    await declare(['Wait-bj'], BJ);
    await control(env.stack).bind(oid('Wait-bound'), 'authorize');
    // declared just now: nobody has waited 3 days yet
    const none = ok(await env.mgrSh<RemindResult>({ action: 'promoter.remind', waitingDays: 3 }));
    expect(none.rows).toEqual([]);
    moveTime(3 * 86_400);
    const result = ok(await env.mgrSh<RemindResult>({ action: 'promoter.remind', waitingDays: 3 }));
    expect(result.rows.map((r) => r.name).sort()).toEqual(['名Wait-1', '名Wait-2']);
    expect(result.remindedCount).toBe(2);
    // a manager cannot aim it at another store
    expect(err(await env.mgrSh({ action: 'promoter.remind', waitingDays: 3, storeId: BJ })).code).toBe(
      'FORBIDDEN',
    );
  });
});

describe('subscriptions on the join page and the approval notice', () => {
  test('me.status and invite.get name the template to ask for', async () => {
    const { invite } = await env.invite();
    const info = ok(
      await env.as(oid('Newcomer'))<{ authorizeTemplateId?: string }>({
        action: 'invite.get',
        token: invite.token,
      }),
    );
    expect(info.authorizeTemplateId).toBe(TEMPLATE);
    const me = ok(await env.as(oid('Newcomer'))<MeStatus>({ action: 'me.status' }));
    expect(me.authorizeTemplateId).toBe(TEMPLATE);
  });

  test('subscribed when asking to join: approval sends 审核通过 once, however often it is approved', async () => {
    const person = oid('Joiner-sub');
    const { invite } = await env.invite();
    await acceptInWechat(person); // the person tapped 允许 in wx.requestSubscribeMessage …
    const request = ok(
      await env.as(person)<JoinRequest>({
        action: 'join.request',
        inviteToken: invite.token,
        name: '许多',
        phone: '13700000009',
        subscribedTemplateIds: [TEMPLATE], // … and the page says so
      }),
    );
    await Promise.all([1, 2, 3].map(() => env.mgrSh({ action: 'join.approve', ids: [request.id] })));
    const sent = await sentMessages(person);
    expect(sent).toHaveLength(1);
    expect(sent[0].data.phrase1).toBe('审核通过');
  });

  test('a template that is not ours counts for nothing; more than 3 ids is refused', async () => {
    const me = env.as(oid('Sub-other'));
    expect(
      ok(await me<{ accepted: number }>({ action: 'me.subscribe', templateIds: ['someone-else'] })),
    ).toEqual({
      accepted: 0,
    });
    expect(ok(await me<{ accepted: number }>({ action: 'me.subscribe', templateIds: [TEMPLATE] }))).toEqual({
      accepted: 1,
    });
    const tooMany = err(await me({ action: 'me.subscribe', templateIds: ['a', 'b', 'c', 'd'] }));
    expect(tooMany.field).toBe('templateIds');
  });
});

describe('me.phoneNumber', () => {
  test('the code from the button gives the number once; a used code names the field', async () => {
    const { code } = (await control(env.stack).raw('POST', '/__control/phone-codes', {
      phoneNumber: '13912345678',
    })) as { code: string };
    const me = env.as(oid('Phone-person'));
    expect(ok(await me<{ phone: string }>({ action: 'me.phoneNumber', code }))).toEqual({
      phone: '13912345678',
    });
    const again = err(await me({ action: 'me.phoneNumber', code }));
    expect(again).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'code', errcode: 40029 });
    expect(again.message).toContain('直接填写');
  });
});
