/**
 * The promotion results aggregate: the refresh pass (stats.refreshResults, the promotionResults timer)
 * reads getrelation / getorder per bound promoter into result_days; stats.results answers from it,
 * scoped to the caller's stores, without calling WeChat.
 */
import type { Page, PromotionResults, Promoter, ResultsRefreshSlice } from '../../../typings/contract/index';
import { chinaDayStart, nextChinaMidnight } from '../../../cloudfunctions/_shared/slices';
import { db } from '../../../cloudfunctions/_shared/db';
import { useEnvOverrides } from '../harness';
import { BJ, SH, control, err, oid, ok, useStack } from './helpers';

/**
 * The clock (stand-ins and functions run in this process) starts at noon China time today and runs on:
 * the rows sit just after China midnights, so a run that crossed one (16:00 UTC) would move them a day.
 */
const realNow = Date.now.bind(Date);
const shiftMs = (chinaDayStart(Math.floor(realNow() / 1000)) + 12 * 3600) * 1000 - realNow();
jest.spyOn(Date, 'now').mockImplementation(() => realNow() + shiftMs);

const env = useStack();
const setEnv = useEnvOverrides();
const DAY = 86_400;

/** A moment `daysAgo` China days before today, one minute after that day's midnight. */
const at = (daysAgo: number) => chinaDayStart(Math.floor(Date.now() / 1000)) - daysAgo * DAY + 60;

/** Three bound promoters (two in SH, one in BJ), one waiting in SH; their ids by name. */
async function crowd(): Promise<Record<string, Promoter>> {
  ok(
    await env.admin({
      action: 'promoter.declare',
      promoters: [
        { openid: oid('R-li'), roleId: 1, storeId: SH, name: '李娜' },
        { openid: oid('R-wang'), roleId: 1, storeId: SH, name: '王芳' },
        { openid: oid('R-zhao'), roleId: 1, storeId: BJ, name: '赵磊' },
        { openid: oid('R-wait'), roleId: 1, storeId: SH, name: '等待' },
      ],
    }),
  );
  for (const who of ['R-li', 'R-wang', 'R-zhao']) await control(env.stack).bind(oid(who), 'authorize');
  const items = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list', limit: 100 })).items;
  return Object.fromEntries(items.map((p) => [p.name, p]));
}

/** Reach rows for one promoter at the given moments. */
async function visits(who: string, times: number[]): Promise<void> {
  await control(env.stack).relations({
    openid: oid(who),
    rows: times.map((createTime, i) => ({ openid: oid(`V-${who}-${createTime}-${i}`), createTime })),
  });
}

async function orders(who: string, list: Array<{ paidTime: number; paidAmount: number; status?: 1 | 2 }>) {
  await control(env.stack).orders({
    openid: oid(who),
    rows: list.map((o, i) => ({ openid: oid(`B-${who}-${o.paidTime}-${i}`), createTime: o.paidTime, ...o })),
  });
}

async function refreshAll(): Promise<ResultsRefreshSlice[]> {
  const slices: ResultsRefreshSlice[] = [];
  for (let n = 0; n < 50; n++) {
    const slice = ok(await env.admin<ResultsRefreshSlice>({ action: 'stats.refreshResults' }));
    slices.push(slice);
    if (slice.done) return slices;
  }
  throw new Error('the refresh did not end in 50 slices');
}

/** The promotionResults timer trigger as CloudBase fires it (no caller). */
const tick = () =>
  env.stack.call('promoter', {
    Type: 'Timer',
    TriggerName: 'promotionResults',
    Time: new Date(Date.now()).toISOString(),
  });

const results = (call = env.admin, extra: Record<string, unknown> = {}, days: 7 | 30 = 30) =>
  call<PromotionResults>({ action: 'stats.results', days, ...extra });

async function seedResults(): Promise<void> {
  await visits('R-li', [at(0), at(0), at(2), at(10), at(40)]);
  await visits('R-wang', [at(1)]);
  await visits('R-zhao', [at(3), at(20)]);
  await orders('R-li', [
    { paidTime: at(0), paidAmount: 12_800 },
    { paidTime: at(10), paidAmount: 5_000, status: 2 },
    { paidTime: at(45), paidAmount: 99_900 },
  ]);
  await orders('R-zhao', [{ paidTime: at(3), paidAmount: 30_000 }]);
}

describe('stats.results', () => {
  test('before any refresh: zeros for every day, never refreshed, a refresh asked for; WeChat untouched', async () => {
    await crowd();
    await control(env.stack).clearCalls();
    const week = ok(await results(env.mgrSh, {}, 7));
    expect(week.series).toHaveLength(7);
    expect(week.totals).toEqual({ visits: 0, orders: 0, paidFen: 0, refundedFen: 0, amountFen: 0 });
    expect(week.top).toEqual([]);
    expect(week).toMatchObject({ asOf: 0, stale: true, staleReason: 'syncing', refreshing: true });
    expect(week.to).toBe(week.series[6]!.date);
    expect(await control(env.stack).calls('')).toEqual([]);
    const request = await db().collection('sync_state').doc('results-request').get();
    expect(request.data).toMatchObject({ at: expect.any(Number) });
  });

  test('a pass reads each bound promoter once (getrelation + getorder); totals, series and top by the caller’s stores', async () => {
    const p = await crowd();
    await seedResults();
    await control(env.stack).clearCalls();
    const [slice] = await refreshAll();
    // 3 bound promoters × (1 getrelation + 1 getorder); the waiting one is not asked for
    expect(slice).toEqual({ done: true, promoters: 3, calls: 6, slices: 1 });
    const relationCalls = await control(env.stack).calls('/promoter/getrelation');
    expect(relationCalls.map((c) => (c.body as { openid: string }).openid).sort()).toEqual(
      [oid('R-li'), oid('R-wang'), oid('R-zhao')].sort(),
    );
    expect(await control(env.stack).calls('/promoter/getorder')).toHaveLength(3);

    const all = ok(await results());
    // 40- and 45-day-old rows are outside; the refunded order counts as an order, not in the amount
    expect(all.totals).toEqual({
      visits: 7,
      orders: 3,
      paidFen: 47_800,
      refundedFen: 5_000,
      amountFen: 42_800,
    });
    expect(all.series).toHaveLength(30);
    expect(all.series[29]).toMatchObject({ visits: 2, orders: 1, amountFen: 12_800 });
    expect(all).toMatchObject({ stale: false, refreshing: false });
    expect(all.asOf).toBeGreaterThan(0);
    expect(all.top).toEqual([
      {
        id: p['赵磊']!.id,
        name: '赵磊',
        storeId: BJ,
        storeName: '北京朝阳店',
        visits: 2,
        orders: 1,
        amountFen: 30_000,
      },
      {
        id: p['李娜']!.id,
        name: '李娜',
        storeId: SH,
        storeName: '上海徐汇店',
        visits: 4,
        orders: 2,
        amountFen: 12_800,
      },
      {
        id: p['王芳']!.id,
        name: '王芳',
        storeId: SH,
        storeName: '上海徐汇店',
        visits: 1,
        orders: 0,
        amountFen: 0,
      },
    ]);
    expect(JSON.stringify(all)).not.toContain(oid('R-li'));

    const week = ok(await results(env.admin, {}, 7));
    expect(week.totals).toMatchObject({ visits: 5, orders: 2, amountFen: 42_800 });

    const sh = ok(await results(env.mgrSh));
    expect(sh.totals).toMatchObject({ visits: 5, orders: 2, amountFen: 12_800 });
    expect(sh.top.map((t) => t.name)).toEqual(['李娜', '王芳']);
    const bj = ok(await results(env.admin, { storeId: BJ }));
    expect(bj.totals).toMatchObject({ visits: 2, orders: 1, amountFen: 30_000 });
    expect(err(await results(env.mgrSh, { storeId: BJ }))).toMatchObject({
      code: 'FORBIDDEN',
      field: 'storeId',
    });
    expect(err(await results(env.stranger)).code).toBe('FORBIDDEN');
    expect(err(await env.mgrSh({ action: 'stats.refreshResults' })).code).toBe('FORBIDDEN');
  });

  test('the next pass re-reads relations from the start of the last day only, and counts nothing twice', async () => {
    await crowd();
    await seedResults();
    await refreshAll();
    const before = ok(await results());
    await visits('R-wang', [at(0)]);
    await control(env.stack).clearCalls();
    const [second] = await refreshAll();
    expect(second).toMatchObject({ done: true, promoters: 3, calls: 6 });
    const since = chinaDayStart(Math.floor(Date.now() / 1000) - 300);
    for (const call of await control(env.stack).calls('/promoter/getrelation')) {
      expect((call.body as { begin_time: number }).begin_time).toBe(since);
    }
    const after = ok(await results());
    expect(after.totals).toEqual({ ...before.totals, visits: before.totals.visits + 1 });
  });

  test('slices: a 1 ms budget does one promoter a slice, checkpoints, and ends with the same figures', async () => {
    setEnv('RESULTS_SLICE_MS', '1');
    setEnv('RESULTS_CONCURRENCY', '1');
    await crowd();
    await seedResults();
    const slices = await refreshAll();
    expect(slices.map((s) => [s.done, s.promoters])).toEqual([
      [false, 1],
      [false, 2],
      [false, 3],
      [true, 3],
    ]);
    expect(slices[3]).toMatchObject({ calls: 6, slices: 4 });
    expect(ok(await results()).totals).toMatchObject({ visits: 7, orders: 3, amountFen: 42_800 });
  });

  test('busy WeChat (-1, then HTTP 503) is retried; 45009 pauses the refresh until the next China midnight', async () => {
    await crowd();
    await seedResults();
    await control(env.stack).faults([
      { kind: 'errcode', errcode: -1, path: '/promoter/getorder', next: 3 },
      { kind: 'http', status: 503, path: '/promoter/getrelation', next: 3 },
    ]);
    const [slice] = await refreshAll();
    expect(slice).toMatchObject({ done: true, promoters: 3 });
    expect(ok(await results()).totals.amountFen).toBe(42_800);

    await control(env.stack).faults([{ kind: 'errcode', errcode: 45009, path: '/promoter/getrelation' }]);
    const paused = ok(await env.admin<ResultsRefreshSlice>({ action: 'stats.refreshResults' }));
    const now = Math.floor(Date.now() / 1000);
    expect(paused).toMatchObject({ done: false, promoters: 0 });
    expect(paused.pausedUntil).toBe(nextChinaMidnight(now));
    const shown = ok(await results());
    expect(shown).toMatchObject({ stale: true, staleReason: 'unreachable' });
    expect(shown.totals.amountFen).toBe(42_800); // the last pass's figures stay
    await control(env.stack).clearCalls();
    // paused: no call until then, from the timer either
    expect(await tick()).toMatchObject({ ok: true });
    expect(await control(env.stack).calls('/promoter/getrelation')).toEqual([]);
  });

  test('the promotionResults timer starts a due pass, then waits for the interval', async () => {
    await crowd();
    await seedResults();
    expect(await tick()).toEqual({ ok: true, data: { outcome: 'done' } });
    expect(ok(await results()).totals.visits).toBe(7);
    expect(await tick()).toEqual({ ok: true, data: { outcome: 'not-due' } });
    // a mini program caller cannot pose as the timer
    expect(
      (await env.admin({ Type: 'Timer', TriggerName: 'promotionResults' } as never)) as { ok: boolean },
    ).toMatchObject({ ok: false });
  });

  test('while another instance holds the refresh lease, a refresh is told so and WeChat is not called; a crashed holder’s lease is taken over', async () => {
    await crowd();
    await seedResults();
    const leases = db().collection<{ _id: string; token: string; action: string; by: string; at: number }>(
      'leases',
    );
    const now = Math.floor(Date.now() / 1000);
    await leases
      .doc('results:refresh')
      .set({ data: { token: 't', action: 'results.refresh', by: 'other', at: now } });
    await control(env.stack).clearCalls();
    expect(err(await env.admin({ action: 'stats.refreshResults' })).code).toBe('CONFLICT');
    expect(await tick()).toEqual({ ok: true, data: { outcome: 'busy' } });
    expect(await control(env.stack).calls('/promoter/getrelation')).toEqual([]);
    // the holder died 2 minutes ago without releasing: the next refresh takes over
    await leases.doc('results:refresh').set({
      data: { token: 't', action: 'results.refresh', by: 'other', at: now - 120 },
    });
    expect(ok(await env.admin<ResultsRefreshSlice>({ action: 'stats.refreshResults' }))).toMatchObject({
      done: true,
      promoters: 3,
    });
  });

  test('a reader finding the results two intervals old asks for a refresh, which the next tick runs', async () => {
    await crowd();
    await seedResults();
    await refreshAll();
    const ref = db().collection<{ _id: string; lastPassStartedAt: number }>('sync_state').doc('results');
    const { data } = await ref.get();
    await ref.update({ data: { lastPassStartedAt: data!.lastPassStartedAt - 3 * 21_600 } });
    const old = ok(await results(env.mgrSh));
    expect(old).toMatchObject({ stale: true, staleReason: 'syncing', refreshing: true });
    await control(env.stack).clearCalls();
    expect(await tick()).toEqual({ ok: true, data: { outcome: 'done' } });
    expect(await control(env.stack).calls('/promoter/getrelation')).toHaveLength(3);
    expect(ok(await results(env.mgrSh))).toMatchObject({ stale: false, refreshing: false });
  });

  test('readers see the last finished pass (one rollup generation) until the next pass ends', async () => {
    await crowd();
    await seedResults();
    await refreshAll();
    const before = ok(await results());
    await visits('R-li', [at(0)]);
    setEnv('RESULTS_SLICE_MS', '1');
    setEnv('RESULTS_CONCURRENCY', '1');
    const first = ok(await env.admin<ResultsRefreshSlice>({ action: 'stats.refreshResults' }));
    expect(first).toMatchObject({ done: false, promoters: 1 }); // mid-pass: result_days partly new
    expect(ok(await results()).totals).toEqual(before.totals);
    const slices = await refreshAll();
    expect(slices[slices.length - 1]).toMatchObject({ done: true, promoters: 3 });
    expect(ok(await results()).totals.visits).toBe(before.totals.visits + 1);
    const gens = new Set(env.stack.cloudbase.collections().result_store_days!.map((d) => d.gen));
    expect(gens).toEqual(new Set([2]));
  });

  test('a promoter moved to another store takes its days along', async () => {
    const p = await crowd();
    await seedResults();
    await refreshAll();
    ok(await env.admin({ action: 'promoter.update', id: p['李娜']!.id, storeId: BJ }));
    await refreshAll();
    expect(ok(await results(env.mgrSh)).totals).toMatchObject({ visits: 1, orders: 0 });
    expect(ok(await results(env.mgrBj)).totals).toMatchObject({ visits: 6, orders: 3, amountFen: 42_800 });
  });
});
