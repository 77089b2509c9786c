/**
 * promoter.declare: batching, per-row validation, 103003 handling, whole-batch failures, store
 * scoping for managers, the audit record, and the mirror learning the new promoters.
 */
import type { DeclareResult, Page, Promoter } from '../../../typings/contract/index';
import { AUDIT_COLLECTION } from '../../../cloudfunctions/_shared/audit';
import * as store from '../../../cloudfunctions/_shared/db';
import { LIMITS } from '../../../miniprogram/shared/field-rules';
import { offContract } from '../harness';
import { BJ, SH, control, err, oid, ok, useStack } from './helpers';

const env = useStack();

const rows = (n: number, prefix = 'Decl', extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({
    openid: oid(`${prefix}-${i}`),
    roleId: 1,
    storeId: SH,
    name: `推广员${i}`,
    phone: `1380000${String(i).padStart(4, '0')}`,
    ...extra,
  }));

const addCalls = async () =>
  (await control(env.stack).calls('/promoter/addpromoter')).map(
    (c) => (c.body as { promoter_list: unknown[] }).promoter_list.length,
  );

test('25 rows go out as 3 addpromoter calls of 10, 10 and 5, and all are declared', async () => {
  const result = ok(await env.admin<DeclareResult>({ action: 'promoter.declare', promoters: rows(25) }));
  expect(result).toEqual({ declaredCount: 25, alreadyDeclaredCount: 0, failed: [] });
  expect(await addCalls()).toEqual([10, 10, 5]);
  const sent = (await control(env.stack).calls('/promoter/addpromoter'))[0].body as {
    promoter_list: Record<string, unknown>[];
  };
  expect(sent.promoter_list[0]).toEqual({
    openid: oid('Decl-0'),
    role_id: 1,
    retail_id: SH,
    name: '推广员0',
    phone: '13800000000',
  });
  // the mirror was marked stale, so the next list re-reads WeChat and shows all 25
  const page = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list', limit: 100 }));
  expect(page.total).toBe(25);
});

test('a malformed row fails alone with its index and field; the valid rows are still sent', async () => {
  const input = [
    rows(1, 'Good-a')[0],
    { openid: 'short', roleId: 1, storeId: SH },
    { roleId: 1, storeId: SH },
    { openid: oid('Both'), unionid: oid('Both-u'), roleId: 1, storeId: SH },
    { openid: oid('Long-name'), roleId: 1, storeId: SH, name: '名'.repeat(11) },
    { openid: oid('Bad-phone'), roleId: 1, storeId: SH, phone: 'call me' },
    { openid: oid('No-role'), roleId: 99, storeId: SH },
    { openid: oid('No-store'), roleId: 1, storeId: 'NOPE' },
    rows(1, 'Good-a')[0],
    'not an object',
    { openid: oid('Extra'), roleId: 1, storeId: SH, color: 'red' },
    rows(1, 'Good-b')[0],
  ];
  const result = ok(
    await env.admin<DeclareResult>(offContract({ action: 'promoter.declare', promoters: input })),
  );
  expect(result.declaredCount).toBe(2);
  expect(result.failed.map((f) => [f.index, f.code, f.field])).toEqual([
    [1, 'INVALID_ARGUMENT', 'promoters[1].openid'],
    [2, 'INVALID_ARGUMENT', 'promoters[2].openid'],
    [3, 'INVALID_ARGUMENT', 'promoters[3].openid'],
    [4, 'INVALID_ARGUMENT', 'promoters[4].name'],
    [5, 'INVALID_ARGUMENT', 'promoters[5].phone'],
    [6, 'INVALID_ARGUMENT', 'promoters[6].roleId'],
    [7, 'INVALID_ARGUMENT', 'promoters[7].storeId'],
    [8, 'INVALID_ARGUMENT', 'promoters[8].openid'],
    [9, 'INVALID_ARGUMENT', 'promoters[9]'],
    [10, 'INVALID_ARGUMENT', 'promoters[10].color'],
  ]);
  expect(result.failed.find((f) => f.index === 4)?.message).toContain(
    '姓名太长了，最多 10 个汉字或 30 个字母数字',
  );
  const messageAt = (index: number) => result.failed.find((f) => f.index === index)?.message;
  expect(messageAt(7)).toContain('门店 NOPE 不存在');
  expect(messageAt(8)).toContain('与第 1 行重复');
  expect(messageAt(9)).toMatch(/第 10 行/);
  expect(messageAt(10)).toContain('color');
  // only the two valid rows reached WeChat, in one call
  expect(await addCalls()).toEqual([2]);
});

test('a malformed request fails as a whole and calls WeChat not at all', async () => {
  for (const promoters of [undefined, 'x', [], rows(201)]) {
    const e = err(await env.admin(offContract({ action: 'promoter.declare', promoters })));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.field).toBe('promoters');
  }
  expect(await addCalls()).toEqual([]);
});

test('103003 with the same role and store counts as already declared; a different one is CONFLICT', async () => {
  ok(await env.admin({ action: 'promoter.declare', promoters: rows(2, 'Dup') }));
  const again = [
    rows(2, 'Dup')[0], // same role and store
    { ...rows(2, 'Dup')[1], storeId: BJ }, // declared in SH, asked for BJ
    rows(1, 'Fresh')[0],
  ];
  const result = ok(await env.admin<DeclareResult>({ action: 'promoter.declare', promoters: again }));
  expect(result.declaredCount).toBe(2);
  expect(result.alreadyDeclaredCount).toBe(1);
  expect(result.failed).toHaveLength(1);
  expect(result.failed[0]).toMatchObject({
    index: 1,
    code: 'CONFLICT',
    field: 'promoters[1].openid',
    errcode: 103003,
  });
  expect(result.failed[0].message).toContain(`门店 ${SH}`);
  // the two duplicates are found in the read model by openid (the first declare stored them there):
  // no getpromoter for them; then the one new promoter is looked up so the mirror knows it
  const lookups = (await control(env.stack).calls('/promoter/getpromoter')).map(
    (c) => (c.body as { openid?: string }).openid,
  );
  expect(lookups).toEqual([oid('Dup-0'), oid('Dup-1'), oid('Fresh-0')]);
});

test('duplicates the read model does not hold: one walk of getpromoter pages into the mirror when that costs less than a call per row', async () => {
  ok(await env.admin({ action: 'promoter.declare', promoters: rows(12, 'Out') })); // more than are looked up
  await control(env.stack).clearCalls();
  const result = ok(
    await env.admin<DeclareResult>({ action: 'promoter.declare', promoters: rows(12, 'Out') }),
  );
  expect(result).toEqual({ declaredCount: 12, alreadyDeclaredCount: 12, failed: [] });
  const lookups = (await control(env.stack).calls('/promoter/getpromoter')).map(
    (c) => (c.body as { openid?: string }).openid,
  );
  expect(lookups).toEqual([undefined]); // one page of the full sync, no call per row
  expect(env.stack.cloudbase.collections().promoters).toHaveLength(12);
});

test('a cancelled promoter declared again is declared again, with the new row (store, role, fields)', async () => {
  ok(await env.admin({ action: 'promoter.declare', promoters: rows(1, 'Gone') }));
  const [p] = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list' })).items;
  ok(await env.admin({ action: 'promoter.cancel', id: p.id }));
  await control(env.stack).clearCalls();
  const back = [{ openid: oid('Gone-0'), roleId: 1, storeId: BJ, name: '回来了', phone: '13600000000' }];
  const result = ok(await env.admin<DeclareResult>({ action: 'promoter.declare', promoters: back }));
  expect(result).toEqual({ declaredCount: 1, alreadyDeclaredCount: 0, failed: [] });
  const updates = await control(env.stack).calls('/promoter/updatepromoter');
  expect(updates.map((c) => c.body)).toEqual([
    { id: p.id, decl_status: 1, role_id: 1, retail_id: BJ, name: '回来了', phone: '13600000000' },
  ]);
  const [again] = ok(
    await env.admin<Page<Promoter>>({ action: 'promoter.list', openid: oid('Gone-0') }),
  ).items;
  expect(again).toMatchObject({ id: p.id, declStatus: 1, storeId: BJ, name: '回来了', status: 'awaiting' });
  const audit = (env.stack.cloudbase.collections()[AUDIT_COLLECTION] ?? []).filter(
    (a) => a.action === 'promoter.declare',
  );
  expect(audit.at(-1)).toMatchObject({ after: { declared: [{ index: 0, redeclaredId: p.id }] } });
});

test("a cancelled promoter whose redeclare WeChat refuses: the row fails with WeChat's answer", async () => {
  ok(await env.admin({ action: 'promoter.declare', promoters: rows(1, 'Stuck') }));
  const [p] = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list' })).items;
  ok(await env.admin({ action: 'promoter.cancel', id: p.id }));
  await control(env.stack).faults([
    { kind: 'errcode', errcode: 48001, path: '/promoter/updatepromoter', next: 1 },
  ]);
  const result = ok(
    await env.admin<DeclareResult>({ action: 'promoter.declare', promoters: rows(1, 'Stuck') }),
  );
  expect(result.declaredCount).toBe(0);
  expect(result.failed[0]).toMatchObject({ index: 0, code: 'UPSTREAM_ERROR', field: 'promoters[0].openid' });
  expect(result.failed[0].message).toContain('曾被取消声明');
  const [still] = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list', refresh: true })).items;
  expect(still.declStatus).toBe(2);
});

test('a whole batch that fails leaves the other batches declared; its rows come back failed', async () => {
  // the second addpromoter call fails with a non-retryable code (48001: no permission)
  await control(env.stack).faults([
    { kind: 'errcode', errcode: 48001, path: '/promoter/addpromoter', next: 1 },
  ]);
  const first = ok(
    await env.admin<DeclareResult>({ action: 'promoter.declare', promoters: rows(5, 'Early') }),
  );
  expect(first.failed.map((f) => f.code)).toEqual(Array(5).fill('UPSTREAM_ERROR'));
  expect(first.failed[0].errcode).toBe(48001);

  await control(env.stack).faults([
    { kind: 'errcode', errcode: 48001, path: '/promoter/addpromoter', next: 1 },
  ]);
  // The fault hits the FIRST addpromoter call of this request: rows 0..9 fail, 10..24 are declared.
  const result = ok(
    await env.admin<DeclareResult>({ action: 'promoter.declare', promoters: rows(25, 'Batch') }),
  );
  expect(result.declaredCount).toBe(15);
  expect(result.failed.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const state = await control(env.stack).state();
  const declared = state.miniProgram.promoters.map((p) => p.openid);
  expect(declared).toContain(oid('Batch-10'));
  expect(declared).toContain(oid('Batch-24'));
  expect(declared).not.toContain(oid('Batch-0'));
});

test('a busy WeChat on a batch is retried (addpromoter is idempotent) and the rows are declared', async () => {
  await control(env.stack).faults([{ kind: 'errcode', errcode: -1, path: '/promoter/addpromoter', next: 1 }]);
  const result = ok(
    await env.admin<DeclareResult>({ action: 'promoter.declare', promoters: rows(3, 'Busy') }),
  );
  expect(result).toEqual({ declaredCount: 3, alreadyDeclaredCount: 0, failed: [] });
  expect(await addCalls()).toEqual([3, 3]);
});

test('per-item fail_list codes map to our codes', async () => {
  await control(env.stack).limits({ maxDeclared: 1 });
  const result = ok(
    await env.admin<DeclareResult>({ action: 'promoter.declare', promoters: rows(3, 'Cap') }),
  );
  expect(result.declaredCount).toBe(1);
  expect(result.failed.map((f) => [f.index, f.code, f.errcode])).toEqual([
    [1, 'QUOTA_EXCEEDED', 103005],
    [2, 'QUOTA_EXCEEDED', 103005],
  ]);
});

test('a manager declares into their own store only; other rows are FORBIDDEN', async () => {
  const input = [
    rows(1, 'Mine')[0],
    { ...rows(1, 'Theirs')[0], storeId: BJ },
    { openid: oid('Nostore'), roleId: 1 },
  ];
  const result = ok(await env.mgrSh<DeclareResult>({ action: 'promoter.declare', promoters: input }));
  expect(result.declaredCount).toBe(1);
  expect(result.failed.map((f) => [f.index, f.code, f.field])).toEqual([
    [1, 'FORBIDDEN', 'promoters[1].storeId'],
    [2, 'FORBIDDEN', 'promoters[2].storeId'],
  ]);
});

test('a declare by unionid is sent as the openid field', async () => {
  const unionid = oid('Union-1').replace(/^o/, 'u');
  await control(env.stack).mpUsers([{ openid: oid('Union-1'), unionid }]);
  const result = ok(
    await env.admin<DeclareResult>({
      action: 'promoter.declare',
      promoters: [{ unionid, roleId: 1, storeId: SH }],
    }),
  );
  expect(result.declaredCount).toBe(1);
  const [call] = await control(env.stack).calls('/promoter/addpromoter');
  expect((call.body as { promoter_list: { openid: string }[] }).promoter_list[0].openid).toBe(unionid);
});

test('one audit record per declare call lists the declared rows', async () => {
  ok(
    await env.mgrSh({
      action: 'promoter.declare',
      promoters: [...rows(2, 'Aud'), { openid: 'bad', roleId: 1 }],
    }),
  );
  const audit = env.stack.cloudbase.collections()[AUDIT_COLLECTION] ?? [];
  const records = audit.filter((a) => a.action === 'promoter.declare');
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({ fn: 'promoter', target: 'promoters', before: null });
  const after = records[0].after as { declared: { openid: string; index: number }[] };
  expect(after.declared.map((d) => [d.index, d.openid])).toEqual([
    [0, oid('Aud-0')],
    [1, oid('Aud-1')],
  ]);
});

test('nothing declared → no audit record', async () => {
  ok(await env.admin({ action: 'promoter.declare', promoters: [{ openid: 'bad', roleId: 1 }] }));
  const audit = env.stack.cloudbase.collections()[AUDIT_COLLECTION] ?? [];
  expect(audit.filter((a) => a.action === 'promoter.declare')).toHaveLength(0);
});

test('a batch that stays busy after the retries fails as UPSTREAM_UNAVAILABLE; the next batch is declared', async () => {
  await control(env.stack).faults([{ kind: 'errcode', errcode: -1, path: '/promoter/addpromoter', next: 3 }]);
  const result = ok(
    await env.admin<DeclareResult>({ action: 'promoter.declare', promoters: rows(15, 'Busy2') }),
  );
  expect(result.declaredCount).toBe(5);
  expect(result.failed.map((f) => f.code)).toEqual(Array(10).fill('UPSTREAM_UNAVAILABLE'));
  expect(result.failed.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(await addCalls()).toEqual([10, 10, 10, 5]);
});

test('the 50 000 declared cap is held before WeChat is asked (declare and redeclare)', async () => {
  ok(await env.admin({ action: 'promoter.declare', promoters: rows(1, 'Capped') }));
  const [p] = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list' })).items;
  ok(await env.admin({ action: 'promoter.cancel', id: p.id }));
  // The read model says two places are left (filling the stand-in DB with 50 000 rows is too slow).
  const realCount = store.countWhere;
  const count = jest.spyOn(store, 'countWhere').mockImplementation(async (collection, where) => {
    const declaredQuery = JSON.stringify(where) === JSON.stringify({ declStatus: 1 });
    return collection === 'promoters' && declaredQuery
      ? LIMITS.promoter.maxDeclared - 2
      : realCount(collection, where);
  });
  try {
    await control(env.stack).clearCalls();
    const result = ok(
      await env.admin<DeclareResult>({ action: 'promoter.declare', promoters: rows(3, 'Over') }),
    );
    expect(result.declaredCount).toBe(2);
    expect(result.failed).toEqual([
      { index: 2, code: 'QUOTA_EXCEEDED', message: expect.stringContaining('50000') },
    ]);
    expect(await addCalls()).toEqual([2]);
    count.mockImplementation(async (collection, where) =>
      collection === 'promoters' && JSON.stringify(where) === JSON.stringify({ declStatus: 1 })
        ? LIMITS.promoter.maxDeclared
        : realCount(collection, where),
    );
    expect(err(await env.admin({ action: 'promoter.redeclare', id: p.id })).code).toBe('QUOTA_EXCEEDED');
    expect(await control(env.stack).calls('/promoter/updatepromoter')).toHaveLength(0);
  } finally {
    count.mockRestore();
  }
});

describe('10 declares of one openid at once (WeChat at 100 ms)', () => {
  const latency = (ms: number) => control(env.stack).latency(ms);
  const declareAudits = () =>
    (env.stack.cloudbase.collections()[AUDIT_COLLECTION] ?? []).filter(
      (a) => a.action === 'promoter.declare',
    );
  /** Ten declares of one row at once: every answer declared, exactly one of them not a repeat. */
  const tenDeclares = async (prefix: string) => {
    await latency(100);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        env.admin<DeclareResult>({ action: 'promoter.declare', promoters: rows(1, prefix) }),
      ),
    );
    await latency(0);
    for (const answer of answers) expect(ok(answer)).toMatchObject({ declaredCount: 1, failed: [] });
    expect(answers.filter((a) => ok(a).alreadyDeclaredCount === 0)).toHaveLength(1);
  };

  test('a new person: every answer declared, one audit record', async () => {
    await tenDeclares('Rush');
    expect(await control(env.stack).calls('/promoter/updatepromoter')).toHaveLength(0);
    expect(declareAudits()).toHaveLength(1);
  });

  test('a cancelled person: one updatepromoter, one audit record, every answer declared', async () => {
    ok(await env.admin({ action: 'promoter.declare', promoters: rows(1, 'Back') }));
    const [p] = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list' })).items;
    ok(await env.admin({ action: 'promoter.cancel', id: p.id }));
    await control(env.stack).clearCalls();
    await tenDeclares('Back');
    expect(await control(env.stack).calls('/promoter/updatepromoter')).toHaveLength(1);
    // the first declare and the one redeclare
    expect(declareAudits()).toHaveLength(2);
  }, 30_000);
});
