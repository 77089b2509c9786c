/**
 * message.send (single below 50 recipients, group from 50; manager audiences), message.list,
 * message.status and message.clicks.
 */
import type {
  MessageAudience,
  MessageRecord,
  MessageStatus,
  Page,
  Promoter,
} from '../../../typings/contract/index';
import { AUDIT_COLLECTION } from '../../../cloudfunctions/_shared/audit';
import { offContract } from '../harness';
import { BJ, MGR_SH, SH, control, err, ok, useStack } from './helpers';

const env = useStack();

const message = (audience: MessageAudience) => ({
  action: 'message.send' as const,
  msgType: 1,
  content: { title: '新品上架', topic: '春季', desc: '快来推广', date: '2026-11-22' },
  path: 'pages/index/index',
  audience,
});

const sendCalls = async () => ({
  group: await control(env.stack).calls('/promoter/sendmsg'),
  single: await control(env.stack).calls('/promoter/singlesendmsg'),
});

async function boundIn(storeId: string, count: number, prefix: string) {
  const bulk = await control(env.stack).bulk({ count, retailId: storeId, authStatus: 1, prefix });
  ok(await env.admin({ action: 'promoter.sync' }));
  return bulk;
}

test('49 recipients: one singlesendmsg per promoter id, no sendmsg', async () => {
  await boundIn(SH, 49, 'oSh');
  await control(env.stack).bulk({ count: 5, retailId: SH, authStatus: 0, prefix: 'oWait' }); // not bound: not counted
  ok(await env.admin({ action: 'promoter.sync' }));
  const record = ok(await env.admin<MessageRecord>(message({ kind: 'all' })));
  expect(record).toMatchObject({
    mode: 'single',
    recipientCount: 49,
    sentCount: 49,
    failed: [],
    sentBy: expect.any(String),
  });
  const calls = await sendCalls();
  expect(calls.group).toHaveLength(0);
  expect(calls.single).toHaveLength(49);
  const body = calls.single[0].body as Record<string, unknown>;
  expect(typeof body.id).toBe('string');
  expect(body.openid).toBeUndefined();
  expect(JSON.parse(body.content as string)).toEqual({
    title: '新品上架',
    topic: '春季',
    desc: '快来推广',
    date: '2026-11-22',
  });
});

test('50 recipients: one sendmsg; an admin "all" is list_type 0', async () => {
  await boundIn(SH, 50, 'oSh');
  const record = ok(await env.admin<MessageRecord>(message({ kind: 'all' })));
  expect(record).toMatchObject({ mode: 'group', recipientCount: 50, sentCount: 50 });
  expect(record.msgId).toBeTruthy();
  const calls = await sendCalls();
  expect(calls.single).toHaveLength(0);
  expect(calls.group).toHaveLength(1);
  const body = calls.group[0].body as Record<string, unknown>;
  expect(body).toMatchObject({ msg_type: 1, path: 'pages/index/index', list_type: 0 });
  expect(typeof body.content).toBe('string');
  const audit = (env.stack.cloudbase.collections()[AUDIT_COLLECTION] ?? []).filter(
    (a) => a.action === 'message.send',
  );
  expect(audit).toHaveLength(1);
  expect(audit[0]).toMatchObject({ target: `message:${record.id}`, before: null, after: { mode: 'group' } });
});

test('a send is never retried: a busy WeChat fails the send and stores nothing', async () => {
  await boundIn(SH, 50, 'oSh');
  await control(env.stack).faults([{ kind: 'errcode', errcode: -1, path: '/promoter/sendmsg', next: 1 }]);
  expect(err(await env.admin(message({ kind: 'all' }))).code).toBe('UPSTREAM_UNAVAILABLE');
  expect((await sendCalls()).group).toHaveLength(1);
  expect(env.stack.cloudbase.collections().messages ?? []).toHaveLength(0);
});

test('a manager: "all" is their stores (list_type 2), role becomes ids (list_type 3)', async () => {
  await boundIn(SH, 50, 'oSh');
  await boundIn(BJ, 60, 'oBj');
  const all = ok(await env.mgrSh<MessageRecord>(message({ kind: 'all' })));
  expect(all).toMatchObject({ mode: 'group', recipientCount: 50 });
  const role = ok(await env.mgrSh<MessageRecord>(message({ kind: 'role', roleIds: [1] })));
  expect(role.recipientCount).toBe(50);
  const [allCall, roleCall] = (await sendCalls()).group.map((c) => c.body as Record<string, unknown>);
  expect(allCall).toMatchObject({ list_type: 2, retail_id: [SH] });
  expect(roleCall.list_type).toBe(3);
  expect(roleCall.id as string[]).toHaveLength(50);
  // an admin's role audience stays list_type 1 and reaches both stores
  const adminRole = ok(await env.admin<MessageRecord>(message({ kind: 'role', roleIds: [1] })));
  expect(adminRole.recipientCount).toBe(110);
  expect((await sendCalls()).group[2].body).toMatchObject({ list_type: 1, role_id: [1] });
});

test("store and id audiences; outside the manager's stores is FORBIDDEN; nobody bound is FAILED_PRECONDITION", async () => {
  await boundIn(SH, 3, 'oSh');
  await boundIn(BJ, 2, 'oBj');
  const all = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list', limit: 100 })).items;
  const shIds = all.filter((p) => p.storeId === SH).map((p) => p.id);
  const bjIds = all.filter((p) => p.storeId === BJ).map((p) => p.id);
  expect(err(await env.mgrSh(message({ kind: 'store', storeIds: [SH, BJ] })))).toMatchObject({
    code: 'FORBIDDEN',
    field: 'audience.storeIds[1]',
  });
  expect(err(await env.mgrSh(message({ kind: 'promoters', ids: [shIds[0], bjIds[0]] })))).toMatchObject({
    code: 'FORBIDDEN',
    field: 'audience.ids[1]',
  });
  expect(err(await env.admin(message({ kind: 'promoters', ids: ['424242'] }))).code).toBe('NOT_FOUND');
  const byStore = ok(await env.mgrSh<MessageRecord>(message({ kind: 'store', storeIds: [SH] })));
  expect(byStore).toMatchObject({ mode: 'single', recipientCount: 3 });
  const byIds = ok(await env.mgrSh<MessageRecord>(message({ kind: 'promoters', ids: shIds.slice(0, 2) })));
  expect(byIds.recipientCount).toBe(2);
  expect(err(await env.mgrSh(message({ kind: 'role', roleIds: [2] })))).toMatchObject({
    code: 'FAILED_PRECONDITION',
    field: 'audience',
  });
  expect((await sendCalls()).group).toHaveLength(0);
  expect((await sendCalls()).single).toHaveLength(5);
});

test('params are checked before anything is sent', async () => {
  await boundIn(SH, 3, 'oSh');
  const bad = [
    [{ ...message({ kind: 'all' }), msgType: 0 }, 'msgType'],
    [{ ...message({ kind: 'all' }), content: {} }, 'content'],
    [{ ...message({ kind: 'all' }), content: { t: 'x'.repeat(1001) } }, 'content.t'],
    [{ ...message({ kind: 'all' }), content: { a: 'x'.repeat(600), b: 'x'.repeat(600) } }, 'content'],
    [{ ...message({ kind: 'all' }), path: '' }, 'path'],
    [{ ...message({ kind: 'all' }), appid: 'nope' }, 'appid'],
    [offContract(message({ kind: 'everyone' } as never)), 'audience.kind'],
    [message({ kind: 'role', roleIds: [] }), 'audience.roleIds'],
  ] as const;
  for (const [params, field] of bad) {
    const e = err(await env.admin(offContract(params)));
    expect([e.code, e.field]).toEqual(['INVALID_ARGUMENT', field]);
  }
  expect((await sendCalls()).single).toHaveLength(0);
});

test("a manager's role audience is held to the 2 000-id cap before anything is sent", async () => {
  await boundIn(SH, 2001, 'oCap');
  await control(env.stack).clearCalls();
  const refused = err(await env.mgrSh(message({ kind: 'role', roleIds: [1] })));
  expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'audience.roleIds' });
  expect(refused.message).toContain('2001');
  expect(refused.message).toContain('2000');
  expect(await control(env.stack).calls('/promoter/sendmsg')).toHaveLength(0);
  // an admin's role audience is list_type 1 (no id list): not capped
  expect(ok(await env.admin<MessageRecord>(message({ kind: 'role', roleIds: [1] }))).recipientCount).toBe(
    2001,
  );
});

test('message content refuses control characters and half emoji, naming the entry', async () => {
  await boundIn(SH, 1, 'oTxt');
  const bad = err(
    await env.admin({ ...message({ kind: 'all' }), content: { title: '上新\u0000', desc: 'ok' } }),
  );
  expect(bad).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'content.title' });
  expect(bad.message).toContain('空字符');
  const half = err(await env.admin({ ...message({ kind: 'all' }), content: { title: '\ud83d' } }));
  expect(half.message).toContain('残缺的字符');
  expect(
    ok(await env.admin<MessageRecord>({ ...message({ kind: 'all' }), content: { desc: '第一行\n第二行' } }))
      .sentCount,
  ).toBe(1);
});

test('single sends report failures per id; message.status answers from the stored results', async () => {
  const bulk = await boundIn(SH, 3, 'oRej');
  await control(env.stack).mpUsers([{ openid: bulk.firstOpenid, rejectsMessages: true }]);
  const record = ok(await env.mgrSh<MessageRecord>(message({ kind: 'all' })));
  expect(record.sentCount).toBe(2);
  expect(record.failed).toEqual([
    // the person's name from the mirror, so the manager reads who, not an id
    {
      id: bulk.firstId,
      name: '推广员1',
      code: 'UPSTREAM_ERROR',
      // why, in a manager's words: not the errcode and the endpoint
      message: 'TA 设置了不接收推广消息',
      errcode: 103010,
    },
  ]);
  const status = ok(await env.mgrSh<MessageStatus>({ action: 'message.status', id: record.id }));
  expect(status).toEqual({
    id: record.id,
    mode: 'single',
    sendCount: 3,
    percent: 100,
    failCount: 1,
    failures: [{ id: bulk.firstId, errcode: 103010, name: '推广员1', reason: 'TA 设置了不接收推广消息' }],
  });
  expect(await control(env.stack).calls('/promoter/getmsg')).toHaveLength(0);
});

test('group status comes from getmsg; list and status are limited to the sender for managers', async () => {
  const bulk = await boundIn(SH, 50, 'oGrp');
  await control(env.stack).mpUsers([{ openid: bulk.firstOpenid, rejectsMessages: true }]);
  const record = ok(await env.mgrSh<MessageRecord>(message({ kind: 'all' })));
  const status = ok(await env.mgrSh<MessageStatus>({ action: 'message.status', id: record.id }));
  expect(status).toMatchObject({ mode: 'group', sendCount: 50, percent: 100, failCount: 1 });
  // getmsg answers promoter ids: the read model puts a name to them
  expect(status.failures).toEqual([
    { id: bulk.firstId, errcode: 103010, name: '推广员1', reason: 'TA 设置了不接收推广消息' },
  ]);
  expect(err(await env.mgrBj({ action: 'message.status', id: record.id })).code).toBe('FORBIDDEN');
  expect(err(await env.admin({ action: 'message.status', id: 'nope' })).code).toBe('NOT_FOUND');
  ok(await env.admin(message({ kind: 'all' })));
  const mine = ok(await env.mgrSh<Page<MessageRecord>>({ action: 'message.list' }));
  expect(mine.items.map((m) => m.sentBy)).toEqual([MGR_SH]);
  expect(ok(await env.mgrBj<Page<MessageRecord>>({ action: 'message.list' })).total).toBe(0);
  const all = ok(await env.admin<Page<MessageRecord>>({ action: 'message.list', limit: 1 }));
  expect(all.total).toBe(2);
  expect(all.nextCursor).toBeDefined();
});

test('clicks: dimension msg → dimonsion 0, type → 1; the rows come back camelCase', async () => {
  await boundIn(SH, 50, 'oClk');
  const record = ok(await env.mgrSh<MessageRecord>(message({ kind: 'all' })));
  await control(env.stack).clicks({ clicks: [{ msgId: record.msgId, clickUv: 7, clickPv: 9 }] });
  const day = new Date((record.sentAt + 8 * 3600) * 1000).toISOString().slice(0, 10);
  const byMsg = ok(
    await env.mgrSh<{ items: unknown[] }>({
      action: 'message.clicks',
      sendDate: day,
      dimension: 'msg',
      msgId: record.msgId,
    }),
  );
  expect(byMsg.items).toEqual([
    { msgType: 1, msgId: record.msgId, sendTime: expect.any(Number), clickUv: 7, clickPv: 9 },
  ]);
  const byType = ok(
    await env.admin<{ items: { clickPv: number }[] }>({
      action: 'message.clicks',
      sendDate: day,
      dimension: 'type',
      msgType: 1,
    }),
  );
  expect(byType.items[0].clickPv).toBe(9);
  const calls = (await control(env.stack).calls('/promoter/getmsgclickdata')).map(
    (c) => (c.body as { dimonsion: number }).dimonsion,
  );
  expect(calls).toEqual([0, 1]);
  expect(
    err(await env.admin({ action: 'message.clicks', sendDate: '2026/11/22', dimension: 'msg' })).field,
  ).toBe('sendDate');
  expect(err(await env.stranger({ action: 'message.clicks', sendDate: day, dimension: 'msg' })).code).toBe(
    'FORBIDDEN',
  );
});

test.each(['optional', 'required'] as const)(
  "clicks are scoped like status: a manager sees only their own messages' figures (msg_id %s)",
  async (reading) => {
    await control(env.stack).readings({ clickDataMsgId: reading });
    await boundIn(SH, 50, 'oSco');
    await boundIn(BJ, 50, 'oScb');
    const shMsg = ok(await env.mgrSh<MessageRecord>(message({ kind: 'all' })));
    const adminMsg = ok(await env.admin<MessageRecord>(message({ kind: 'all' })));
    await control(env.stack).clicks({
      clicks: [
        { msgId: shMsg.msgId, clickUv: 3, clickPv: 4 },
        { msgId: adminMsg.msgId, clickUv: 30, clickPv: 40 },
      ],
    });
    const day = new Date((shMsg.sentAt + 8 * 3600) * 1000).toISOString().slice(0, 10);
    const clicks = (who: typeof env.admin, extra: Record<string, unknown>) =>
      who<{ items: { msgId: string }[] }>({ action: 'message.clicks', sendDate: day, ...extra });
    // another's message by id: FORBIDDEN naming msgId, and WeChat is not asked
    await control(env.stack).clearCalls();
    expect(err(await clicks(env.mgrBj, { dimension: 'msg', msgId: shMsg.msgId }))).toMatchObject({
      code: 'FORBIDDEN',
      field: 'msgId',
    });
    expect(err(await clicks(env.mgrSh, { dimension: 'msg', msgId: adminMsg.msgId })).code).toBe('FORBIDDEN');
    expect(await control(env.stack).calls('/promoter/getmsgclickdata')).toHaveLength(0);
    // the whole day by message: only their own rows
    const mine = ok(await clicks(env.mgrSh, { dimension: 'msg', msgType: 1 }));
    expect(mine.items.map((i) => i.msgId)).toEqual([shMsg.msgId]);
    expect(ok(await clicks(env.mgrBj, { dimension: 'msg', msgType: 1 })).items).toEqual([]);
    // by type WeChat sums every sender: admins only
    expect(err(await clicks(env.mgrSh, { dimension: 'type', msgType: 1 }))).toMatchObject({
      code: 'FORBIDDEN',
      field: 'dimension',
    });
    const all = ok(await clicks(env.admin, { dimension: 'msg', msgType: 1 }));
    expect(all.items.map((i) => i.msgId).sort()).toEqual([shMsg.msgId, adminMsg.msgId].sort());
    // what WeChat would refuse without naming a field is refused first, naming it
    expect(err(await clicks(env.admin, { dimension: 'type' })).field).toBe('msgType');
    expect(err(await clicks(env.admin, { dimension: 'msg' })).field).toBe('msgId');
    expect(
      err(
        await clicks(env.admin, {
          dimension: 'msg',
          msgId: shMsg.msgId,
          beginSendTime: shMsg.sentAt + 3 * 86_400,
        }),
      ).field,
    ).toBe('beginSendTime');
  },
);
