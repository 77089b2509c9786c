/**
 * The read model and the promoter reads and writes: sync paging, freshness rules, list filters and
 * cursors, get with the lazy unionid, update / cancel / redeclare with audit and no half-applied change.
 */
import type { Page, Promoter } from '../../../typings/contract/index';
import { AUDIT_COLLECTION } from '../../../cloudfunctions/_shared/audit';
import { offContract, wechatControl } from '../harness';
import { BJ, SH, ageSync, control, err, oid, ok, useStack } from './helpers';

const env = useStack();

const getpromoterCalls = async () => control(env.stack).calls('/promoter/getpromoter');

async function declare(label: string, storeId = SH, extra: Record<string, unknown> = {}) {
  ok(
    await env.admin({
      action: 'promoter.declare',
      promoters: [{ openid: oid(label), roleId: 1, storeId, name: label, phone: '13900000000', ...extra }],
    }),
  );
}

async function listAll(call = env.admin, filters: Record<string, unknown> = {}) {
  return ok(await call<Page<Promoter>>({ action: 'promoter.list', limit: 100, ...filters }));
}

describe('sync', () => {
  // getpromoter's total_cnt is the grand total or the page's own count (docs/wechat-api.md, getpromoter):
  // the walk must not depend on it.
  test.each(['grand-total', 'page'] as const)(
    "4 500 promoters are read in exactly 3 getpromoter calls, start_id = largest id of the page (total_cnt reading '%s')",
    async (reading) => {
      await control(env.stack).readings({ getpromoterTotalCnt: reading });
      const bulk = await control(env.stack).bulk({ count: 4500, retailId: SH });
      ok(await env.admin({ action: 'role.list' })); // the function's token is current again after the reset
      await control(env.stack).clearCalls();
      const result = ok(await env.admin<{ total: number; pages: number }>({ action: 'promoter.sync' }));
      expect(result).toMatchObject({ total: 4500, pages: 3 });
      const calls = await getpromoterCalls();
      expect(calls).toHaveLength(3);
      const starts = calls.map((c) => (c.body as { start_id?: string }).start_id);
      expect(starts[0]).toBeUndefined();
      expect(Number(starts[1])).toBe(Number(bulk.firstId) + 1999);
      expect(Number(starts[2])).toBe(Number(bulk.firstId) + 3999);
      const page = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list', limit: 5 }));
      expect(page.total).toBe(4500);
      // fresh enough: a read right after the sync does not call WeChat again
      expect(await getpromoterCalls()).toHaveLength(3);
    },
    30_000, // 4 500 promoters through the real SDK: legitimately heavy on a busy machine
  );

  test.each(['grand-total', 'page'] as const)(
    "exactly 4 000 promoters: two full pages, then 103006 ends the walk (total_cnt reading '%s')",
    async (reading) => {
      await control(env.stack).readings({ getpromoterTotalCnt: reading });
      await control(env.stack).bulk({ count: 4000, retailId: SH });
      const result = ok(await env.admin<{ total: number; pages: number }>({ action: 'promoter.sync' }));
      expect(result).toMatchObject({ total: 4000, pages: 3 });
    },
    30_000,
  );

  test('a sync removes promoters WeChat no longer has', async () => {
    await control(env.stack).bulk({ count: 3, retailId: SH });
    ok(await env.admin({ action: 'promoter.sync' }));
    const before = env.stack.cloudbase.collections().promoters;
    expect(before).toHaveLength(3);
    await wechatControl(env.stack).reset({ keepTokens: true }); // WeChat forgets them all
    ok(await env.admin({ action: 'promoter.sync' }));
    expect(env.stack.cloudbase.collections().promoters ?? []).toHaveLength(0);
  });

  test('the first read syncs fully; a read within 15 s does not call WeChat; after that, one incremental call', async () => {
    await declare('Fresh-a');
    await listAll();
    const first = (await getpromoterCalls()).length;
    await listAll();
    expect((await getpromoterCalls()).length).toBe(first);
    await ageSync(20);
    await control(env.stack).clearCalls();
    await listAll();
    const calls = await getpromoterCalls();
    expect(calls).toHaveLength(1);
    const body = calls[0].body as { begin_time?: number };
    expect(typeof body.begin_time).toBe('number');
  });

  test('an authorization in WeChat reaches the list through the incremental sync', async () => {
    await declare('Binder');
    expect((await listAll()).items[0].status).toBe('awaiting');
    await control(env.stack).bind(oid('Binder'), 'authorize');
    await ageSync(20);
    const [p] = (await listAll()).items;
    expect(p).toMatchObject({ authStatus: 1, declStatus: 1, status: 'bound' });
    await control(env.stack).bind(oid('Binder'), 'revoke');
    await ageSync(20);
    expect((await listAll()).items[0].status).toBe('revoked');
  });

  test('within the 15 s window a plain read keeps the mirror; refresh: true (pull-down) reads WeChat at once', async () => {
    await declare('Puller');
    expect((await listAll()).items[0].status).toBe('awaiting');
    await control(env.stack).bind(oid('Puller'), 'authorize');
    expect((await listAll()).items[0].status).toBe('awaiting');
    await control(env.stack).clearCalls();
    expect((await listAll(env.admin, { refresh: true })).items[0].status).toBe('bound');
    expect(await getpromoterCalls()).toHaveLength(1);
    const summary = ok(
      await env.mgrSh<{ byStatus: Record<string, number> }>({ action: 'stats.summary', refresh: true }),
    );
    expect(summary.byStatus.bound).toBe(1);
    expect(err(await env.admin(offContract({ action: 'promoter.list', refresh: 'yes' })))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'refresh',
    });
  });

  test('me.status reads the caller from WeChat: bound right after authorizing, in one getpromoter call', async () => {
    await declare('Self-view');
    await listAll();
    const me = env.as(oid('Self-view'));
    expect(ok(await me<{ promoter: Promoter; bind?: unknown }>({ action: 'me.status' }))).toMatchObject({
      promoter: { status: 'awaiting' },
      bind: { appId: 'wx97537671f13cd770' },
    });
    await control(env.stack).bind(oid('Self-view'), 'authorize');
    await control(env.stack).clearCalls();
    const after = ok(await me<{ promoter: Promoter; bind?: unknown }>({ action: 'me.status' }));
    expect(after.promoter.status).toBe('bound');
    expect(after.bind).toBeUndefined();
    const calls = await getpromoterCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toMatchObject({ openid: oid('Self-view') });
    // the mirror learnt it too: the manager's list shows it without waiting for a sync
    expect((await listAll()).items[0].status).toBe('bound');
  });

  test('a mirror older than 10 minutes is re-read in full', async () => {
    await declare('Old');
    await listAll();
    await ageSync(601);
    await control(env.stack).clearCalls();
    await listAll();
    const calls = await getpromoterCalls();
    expect(calls).toHaveLength(1);
    expect((calls[0].body as { begin_time?: number }).begin_time).toBeUndefined();
  });

  test('two reads at once after a declare both sync and both answer in full', async () => {
    ok(
      await env.admin({
        action: 'promoter.declare',
        promoters: Array.from({ length: 12 }, (_, i) => ({
          openid: oid(`Race-${i}`),
          roleId: 1,
          storeId: SH,
        })),
      }),
    );
    const [a, b] = await Promise.all([listAll(), listAll(env.mgrSh)]);
    expect(a.total).toBe(12);
    expect(b.total).toBe(12);
    expect(env.stack.cloudbase.collections().promoters).toHaveLength(12);
  });

  test('promoter.sync is admin only', async () => {
    expect(err(await env.mgrSh({ action: 'promoter.sync' })).code).toBe('FORBIDDEN');
  });
});

describe('promoter.list', () => {
  beforeEach(async () => {
    ok(
      await env.admin({
        action: 'promoter.declare',
        promoters: [
          { openid: oid('L-zhang'), roleId: 1, storeId: SH, name: '张伟', phone: '13800000001' },
          { openid: oid('L-li'), roleId: 1, storeId: SH, name: '李娜', phone: '13800000002' },
          { openid: oid('L-wang'), roleId: 1, storeId: BJ, name: '王芳', phone: '13900000003' },
          { openid: oid('L-zhao'), roleId: 1, name: '赵磊', phone: '13900000004' },
        ],
      }),
    );
    await control(env.stack).bind(oid('L-zhang'), 'authorize');
    await control(env.stack).bind(oid('L-wang'), 'revoke');
  });

  test('filters by derived status, auth/decl status, store, openid and keyword; totals follow the filter', async () => {
    expect((await listAll(env.admin, { status: 'bound' })).items.map((p) => p.name)).toEqual(['张伟']);
    expect((await listAll(env.admin, { status: 'revoked' })).items.map((p) => p.name)).toEqual(['王芳']);
    expect((await listAll(env.admin, { authStatus: 0 })).total).toBe(2);
    expect((await listAll(env.admin, { declStatus: 2 })).total).toBe(0);
    expect((await listAll(env.admin, { storeId: SH })).total).toBe(2);
    expect((await listAll(env.admin, { openid: oid('L-li') })).items.map((p) => p.name)).toEqual(['李娜']);
    expect((await listAll(env.admin, { keyword: '芳' })).items.map((p) => p.name)).toEqual(['王芳']);
    expect((await listAll(env.admin, { keyword: '1390000' })).total).toBe(2);
    expect((await listAll(env.admin, { keyword: '.*' })).total).toBe(0); // a literal, not a pattern
    expect((await listAll(env.admin, { roleId: 1 })).total).toBe(4);
    const all = await listAll();
    expect(all.total).toBe(4);
    const newest = Math.max(...all.items.map((p) => p.updateTime));
    expect((await listAll(env.admin, { beginTime: newest + 1 })).total).toBe(0);
    expect((await listAll(env.admin, { endTime: newest })).total).toBe(4);
  });

  test('cursor paging is stable: updateTime desc then id, no repeats, no gaps', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = ok(
        await env.admin<Page<Promoter>>({ action: 'promoter.list', limit: 1, ...(cursor ? { cursor } : {}) }),
      );
      expect(page.total).toBe(4);
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
    const all = (await listAll()).items;
    expect(seen).toEqual(all.map((p) => p.id));
    for (let i = 1; i < all.length; i++)
      expect(all[i - 1].updateTime).toBeGreaterThanOrEqual(all[i].updateTime);
  });

  test('a manager sees only their stores; another store is FORBIDDEN; bad params name the field', async () => {
    expect((await listAll(env.mgrSh)).items.map((p) => p.storeId)).toEqual([SH, SH]);
    expect((await listAll(env.mgrBj)).total).toBe(1);
    const e = err(await env.mgrSh({ action: 'promoter.list', storeId: BJ }));
    expect(e).toMatchObject({ code: 'FORBIDDEN', field: 'storeId' });
    expect(err(await env.admin({ action: 'promoter.list', limit: 101 })).field).toBe('limit');
    expect(err(await env.admin(offContract({ action: 'promoter.list', status: 'gone' }))).field).toBe(
      'status',
    );
    expect(err(await env.admin({ action: 'promoter.list', cursor: 'nonsense' })).field).toBe('cursor');
  });
});

describe('promoter.get / update / cancel / redeclare', () => {
  let id: string;
  beforeEach(async () => {
    await declare('Edit-me');
    id = (await listAll()).items[0].id;
  });

  test('get fetches the unionid once (need_unionid = 1) and stores it', async () => {
    await control(env.stack).clearCalls();
    const p = ok(await env.mgrSh<Promoter>({ action: 'promoter.get', id }));
    expect(p.unionid).toMatch(/^u/);
    const lookups = (await getpromoterCalls()).filter(
      (c) => (c.body as { need_unionid?: number }).need_unionid === 1,
    );
    expect(lookups).toHaveLength(1);
    expect((lookups[0].body as { need_unionid: unknown }).need_unionid).toBe(1);
    const again = ok(await env.admin<Promoter>({ action: 'promoter.get', id }));
    expect(again.unionid).toBe(p.unionid);
    expect(
      (await getpromoterCalls()).filter((c) => (c.body as { need_unionid?: number }).need_unionid === 1),
    ).toHaveLength(1);
  });

  test('get re-reads its row from WeChat (one call), so the detail is exact', async () => {
    await env.admin({ action: 'promoter.get', id }); // unionid fetched
    await control(env.stack).bind(oid('Edit-me'), 'authorize');
    await control(env.stack).clearCalls();
    const p = ok(await env.mgrSh<Promoter>({ action: 'promoter.get', id }));
    expect(p).toMatchObject({ status: 'bound', openid: oid('Edit-me') });
    expect(p.unionid).toMatch(/^u/);
    expect(await getpromoterCalls()).toHaveLength(1);
  });

  test('get: unknown id NOT_FOUND; another store FORBIDDEN', async () => {
    expect(err(await env.admin({ action: 'promoter.get', id: '999999' })).code).toBe('NOT_FOUND');
    expect(err(await env.mgrBj({ action: 'promoter.get', id })).code).toBe('FORBIDDEN');
  });

  test('update changes WeChat, the mirror and the audit log together', async () => {
    const p = ok(
      await env.mgrSh<Promoter>({
        action: 'promoter.update',
        id,
        name: '新名字',
        extraInfo: 'src=a',
        phone: '+86 139-0000',
      }),
    );
    expect(p).toMatchObject({ name: '新名字', extraInfo: 'src=a', phone: '+86 139-0000', storeId: SH });
    const [call] = await control(env.stack).calls('/promoter/updatepromoter');
    expect(call.body).toEqual({ id, name: '新名字', extra_info: 'src=a', phone: '+86 139-0000' });
    const state = await control(env.stack).state();
    expect(state.miniProgram.promoters[0]).toMatchObject({ name: '新名字', extraInfo: 'src=a' });
    expect(ok(await env.admin<Promoter>({ action: 'promoter.get', id })).name).toBe('新名字');
    const audit = (env.stack.cloudbase.collections()[AUDIT_COLLECTION] ?? []).filter(
      (a) => a.action === 'promoter.update',
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target: id, before: { name: 'Edit-me' }, after: { name: '新名字' } });
  });

  test('update: moving into or out of a store the manager does not run is FORBIDDEN; nothing changes', async () => {
    const e = err(await env.mgrSh({ action: 'promoter.update', id, storeId: BJ }));
    expect(e).toMatchObject({ code: 'FORBIDDEN', field: 'storeId' });
    expect(err(await env.mgrBj({ action: 'promoter.update', id, name: 'x' })).code).toBe('FORBIDDEN');
    ok(await env.admin({ action: 'promoter.update', id, storeId: BJ }));
    expect(err(await env.mgrSh({ action: 'promoter.update', id, name: 'back' })).code).toBe('FORBIDDEN');
    expect((await control(env.stack).calls('/promoter/updatepromoter')).length).toBe(1);
  });

  test('update: at least one field, known store and role, limits per field', async () => {
    expect(err(await env.admin({ action: 'promoter.update', id })).code).toBe('INVALID_ARGUMENT');
    expect(err(await env.admin({ action: 'promoter.update', id, storeId: 'NOPE' }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'storeId',
    });
    expect(err(await env.admin({ action: 'promoter.update', id, roleId: 77 }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'roleId',
    });
    expect(err(await env.admin({ action: 'promoter.update', id, extraInfo: 'x'.repeat(81) })).field).toBe(
      'extraInfo',
    );
    expect(err(await env.admin({ action: 'promoter.update', id, phone: 'call me' })).field).toBe('phone');
    expect(await control(env.stack).calls('/promoter/updatepromoter')).toHaveLength(0);
    // an empty phone clears it
    expect(ok(await env.admin<Promoter>({ action: 'promoter.update', id, phone: '' })).phone).toBe('');
  });

  test('update: a WeChat failure leaves the mirror and the audit log untouched', async () => {
    await control(env.stack).faults([{ kind: 'errcode', errcode: 48001, path: '/promoter/updatepromoter' }]);
    const e = err(await env.admin({ action: 'promoter.update', id, name: '不会生效' }));
    expect(e).toMatchObject({ code: 'UPSTREAM_ERROR', errcode: 48001 });
    await control(env.stack).clearFaults();
    expect(ok(await env.admin<Promoter>({ action: 'promoter.get', id })).name).toBe('Edit-me');
    expect(
      (env.stack.cloudbase.collections()[AUDIT_COLLECTION] ?? []).some((a) => a.action === 'promoter.update'),
    ).toBe(false);
  });

  test('cancel then redeclare; each twice answers the same promoter without a second WeChat call', async () => {
    const cancelled = ok(await env.mgrSh<Promoter>({ action: 'promoter.cancel', id }));
    expect(cancelled).toMatchObject({ declStatus: 2, status: 'cancelled' });
    expect(ok(await env.mgrSh<Promoter>({ action: 'promoter.cancel', id }))).toEqual(cancelled);
    const calls = (await control(env.stack).calls('/promoter/updatepromoter')).map((c) => c.body);
    expect(calls).toEqual([{ id, decl_status: 2 }]);
    const back = ok(await env.mgrSh<Promoter>({ action: 'promoter.redeclare', id }));
    expect(back).toMatchObject({ declStatus: 1, status: 'awaiting' });
    expect(ok(await env.mgrSh<Promoter>({ action: 'promoter.redeclare', id }))).toEqual(back);
    expect(await control(env.stack).calls('/promoter/updatepromoter')).toHaveLength(2);
    const audit = (env.stack.cloudbase.collections()[AUDIT_COLLECTION] ?? []).filter((a) =>
      ['promoter.cancel', 'promoter.redeclare'].includes(a.action as string),
    );
    expect(
      audit.map((a) => [a.action, (a.before as Promoter).declStatus, (a.after as Promoter).declStatus]),
    ).toEqual([
      ['promoter.cancel', 1, 2],
      ['promoter.redeclare', 2, 1],
    ]);
  });
});
