/**
 * The read model at size and under faults: one sync at a time across callers (the lease), the mirror
 * brought up to date after our own writes without a walk, the mirror answering with asOf/stale when
 * getpromoter is busy or down, and a full sync cut into slices that resume from their checkpoint.
 *
 * Concurrency is real (10 calls at once) and the WeChat stand-in adds latency, so a walk takes long
 * enough for the others to find it running; assertions are on counts (getpromoter calls), never on time.
 */
import type { Freshness, Promoter, PromoterDetail, StatsSummary } from '../../../typings/contract/index';
import type { Page } from '../../../typings/contract/common';
import { db } from '../../../cloudfunctions/_shared/db';
import { LEASES_COLLECTION, type LeaseDoc } from '../../../cloudfunctions/_shared/lease';
import { SYNC_LEASE } from '../../../cloudfunctions/promoter/src/read-model';
import { loadFunction, startTimers } from '../../../emulator/gateway';
import { useEnvOverrides, wechatControl } from '../harness';
import { SH, ageSync, control, err, oid, ok, useStack } from './helpers';

const env = useStack();
const setEnv = useEnvOverrides();

type ListPage = Page<Promoter> & Freshness;
/**
 * getpromoter calls WeChat answered (a call refused for the token the function cached before the
 * stand-in's reset is retried with a new one and is not a page of the walk).
 */
const getpromoterCalls = async () =>
  (await control(env.stack).calls('/promoter/getpromoter')).filter(
    (c) => ![40001, 42001].includes((c.answer as { errcode?: number } | undefined)?.errcode ?? 0),
  );
const list = (call = env.admin, extra: Record<string, unknown> = {}) =>
  call<ListPage>({ action: 'promoter.list', limit: 5, ...extra });
const latency = (ms: number) => wechatControl(env.stack).raw('POST', '/__control/faults', { latencyMs: ms });
const syncState = async () =>
  (
    await db()
      .collection<{ _id: string; walk?: { cursor?: string; pages: number } }>('sync_state')
      .doc('promoters')
      .get()
  ).data;

/** Another instance holds the sync lease (its walk is running). */
const holdSyncLeaseElsewhere = () =>
  db()
    .collection<LeaseDoc>(LEASES_COLLECTION)
    .doc(SYNC_LEASE)
    .set({
      data: {
        token: 'other',
        action: 'sync.full',
        by: 'another instance',
        at: Math.floor(Date.now() / 1000),
      },
    });

/** One promoter declared and the mirror synced once. */
async function declareOne(label: string): Promise<void> {
  ok(
    await env.admin({
      action: 'promoter.declare',
      promoters: [{ openid: oid(label), roleId: 1, storeId: SH }],
    }),
  );
  ok(await list());
}

beforeEach(() => {
  // Waiting for another caller's walk is bounded by SYNC_WAIT_MS; generous here so a busy machine
  // cannot turn a waiter into a reader of a half-written mirror.
  setEnv('SYNC_WAIT_MS', '30000');
});

describe('one sync at a time', () => {
  test('10 concurrent promoter.list right after a declare at 5 500 promoters: at most one walk (3 getpromoter calls), all see the new one', async () => {
    await control(env.stack).bulk({ count: 5500, retailId: SH });
    ok(await env.admin({ action: 'promoter.sync' }));
    await ageSync(-3600); // time held still: no incremental sync falls due during the test
    await control(env.stack).clearCalls();
    ok(
      await env.admin({
        action: 'promoter.declare',
        promoters: [{ openid: oid('Newcomer'), roleId: 1, storeId: SH, name: '新人' }],
      }),
    );
    await latency(20);
    const pages = await Promise.all(Array.from({ length: 10 }, () => list()));
    const calls = await getpromoterCalls();
    // Before the lease each reader walked on its own: 10 walks × 3 pages = 30 calls.
    expect(calls.length).toBeLessThanOrEqual(3);
    for (const page of pages) expect(ok(page)).toMatchObject({ total: 5501, stale: false });
    // the declare told the mirror itself: one lookup by openid, no walk at all
    expect(calls.map((c) => (c.body as { openid?: string }).openid)).toEqual([oid('Newcomer')]);
  }, 60_000);

  test('10 concurrent reads when a full sync is due: exactly one walk, the others wait for it', async () => {
    await control(env.stack).bulk({ count: 5500, retailId: SH });
    ok(await env.admin({ action: 'promoter.sync' }));
    await ageSync(601); // the 10-minute full sync is due
    await control(env.stack).clearCalls();
    await latency(20);
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, () => list()),
      env.mgrSh<StatsSummary>({ action: 'stats.summary' }),
      env.mgrSh<ListPage>({ action: 'promoter.list', status: 'awaiting', limit: 3 }),
    ]);
    const calls = await getpromoterCalls();
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => (c.body as { begin_time?: number }).begin_time === undefined)).toBe(true);
    for (const answer of answers)
      expect(ok<{ total: number }>(answer)).toMatchObject({ total: 5500, stale: false });
  }, 60_000);

  test('someone else holding the sync lease: a due incremental sync is skipped and the mirror answers at once', async () => {
    await declareOne('Held');
    await ageSync(20);
    await holdSyncLeaseElsewhere();
    await control(env.stack).clearCalls();
    const page = ok(await list());
    expect(page).toMatchObject({ total: 1, stale: false });
    expect(await getpromoterCalls()).toHaveLength(0);
  });

  test('a full sync due while another instance walks: the reader waits at most SYNC_WAIT_MS, then answers the mirror as syncing', async () => {
    await declareOne('Waiter');
    await ageSync(601);
    await holdSyncLeaseElsewhere();
    setEnv('SYNC_WAIT_MS', '0');
    await control(env.stack).clearCalls();
    const page = ok(await list());
    expect(page).toMatchObject({ total: 1, stale: true, staleReason: 'syncing' });
    expect(page.asOf).toBeGreaterThan(0);
    expect(await getpromoterCalls()).toHaveLength(0);
  });
});

describe('the mirror up to date after our own writes, without a walk', () => {
  test('update, cancel and redeclare change the mirror from WeChat’s answer; the next list calls WeChat not at all', async () => {
    ok(
      await env.admin({
        action: 'promoter.declare',
        promoters: [{ openid: oid('Writer'), roleId: 1, storeId: SH, name: '写入' }],
      }),
    );
    const [p] = ok(await list()).items;
    await ageSync(-3600); // time held still: no incremental sync falls due during the test
    await control(env.stack).clearCalls();
    ok(await env.admin({ action: 'promoter.update', id: p.id, name: '改名' }));
    ok(await env.admin({ action: 'promoter.cancel', id: p.id }));
    expect(ok(await list()).items[0]).toMatchObject({ name: '改名', status: 'cancelled' });
    ok(await env.admin({ action: 'promoter.redeclare', id: p.id }));
    expect(ok(await list()).items[0]).toMatchObject({ name: '改名', status: 'awaiting' });
    expect(await getpromoterCalls()).toHaveLength(0);
  });

  test('a declare of more than 10 rows marks the mirror stale instead: one walk on the next read', async () => {
    ok(
      await env.admin({
        action: 'promoter.declare',
        promoters: Array.from({ length: 11 }, (_, i) => ({
          openid: oid(`Many-${i}`),
          roleId: 1,
          storeId: SH,
        })),
      }),
    );
    expect(await getpromoterCalls()).toHaveLength(0);
    expect(ok(await list()).total).toBe(11);
    const calls = await getpromoterCalls();
    expect(calls).toHaveLength(1);
    expect((calls[0].body as { openid?: string }).openid).toBeUndefined();
  });
});

describe('WeChat down, the mirror still answers', () => {
  const faultsOf = (rule: Record<string, unknown>) =>
    control(env.stack).faults([{ path: '/promoter/getpromoter', rate: 1, ...rule } as never]);

  beforeEach(async () => {
    ok(
      await env.admin({
        action: 'promoter.declare',
        promoters: [{ openid: oid('Mirror'), roleId: 1, storeId: SH, name: '镜像' }],
      }),
    );
    ok(await list());
    await ageSync(20); // an incremental sync is due: the reads below ask WeChat first
  });

  test.each([
    ['busy (-1)', { kind: 'errcode', errcode: -1 }],
    ['rate limited (45011)', { kind: 'errcode', errcode: 45011 }],
    ['HTTP 503', { kind: 'http', status: 503 }],
  ])(
    'getpromoter %s: list, get, stats.summary and update’s pre-read serve the mirror with asOf and stale',
    async (_label, rule) => {
      const asOf = ((await syncState()) as unknown as { lastIncrementalAt: number }).lastIncrementalAt * 1000;
      await faultsOf(rule);
      const page = ok(await list(env.mgrSh));
      expect(page).toMatchObject({ total: 1, stale: true, staleReason: 'unreachable', asOf });
      const detail = ok(await env.mgrSh<PromoterDetail>({ action: 'promoter.get', id: page.items[0].id }));
      expect(detail).toMatchObject({ name: '镜像', stale: true, staleReason: 'unreachable' });
      expect(ok(await env.mgrSh<StatsSummary>({ action: 'stats.summary' }))).toMatchObject({
        total: 1,
        stale: true,
        asOf,
      });
      // updatepromoter itself is up: the change goes through although getpromoter is not
      expect(
        ok(await env.mgrSh<Promoter>({ action: 'promoter.update', id: page.items[0].id, name: '照改' })).name,
      ).toBe('照改');
      await control(env.stack).clearFaults();
      expect(ok(await list(env.mgrSh, { refresh: true }))).toMatchObject({ stale: false });
    },
    30_000,
  );

  test('a mirror never synced cannot answer: UPSTREAM_UNAVAILABLE', async () => {
    env.stack.cloudbase.reset();
    await faultsOf({ kind: 'errcode', errcode: -1 });
    expect(err(await list()).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  test('a parameter error from WeChat is not hidden behind the mirror', async () => {
    await faultsOf({ kind: 'errcode', errcode: 48001 });
    expect(err(await list()).code).toBe('UPSTREAM_ERROR');
  });
});

describe('slice and resume', () => {
  test('a walk cut after every page (SYNC_SLICE_MS=1) resumes from its checkpoint: 3 pages once each, nothing lost', async () => {
    await control(env.stack).bulk({ count: 4500, retailId: SH });
    setEnv('SYNC_SLICE_MS', '1');
    await control(env.stack).clearCalls();
    const first = ok(await env.admin<{ done: boolean; pages: number }>({ action: 'promoter.sync' }));
    expect(first).toMatchObject({ done: false, pages: 1 });
    const checkpoint = (await syncState())?.walk;
    expect(checkpoint).toMatchObject({ pages: 1, cursor: expect.any(String) });
    // the next reader goes on (one more page) and answers the mirror as it is, marked syncing
    const middle = ok(await list());
    expect(middle).toMatchObject({ total: 4000, stale: true, staleReason: 'syncing' });
    const last = ok(
      await env.admin<{ done: boolean; pages: number; total: number }>({ action: 'promoter.sync' }),
    );
    expect(last).toMatchObject({ done: true, pages: 3, total: 4500 });
    const starts = (await getpromoterCalls()).map((c) => (c.body as { start_id?: string }).start_id);
    expect(starts).toHaveLength(3);
    expect(new Set(starts).size).toBe(3);
    expect(starts[1]).toBe(checkpoint?.cursor);
    expect(env.stack.cloudbase.collections().promoters).toHaveLength(4500);
    expect((await syncState())?.walk).toBeUndefined();
    expect(ok(await list())).toMatchObject({ total: 4500, stale: false });
  }, 60_000);

  test('the promoterSync timer trigger (config.json) goes on with an unfinished walk with nobody reading, then rests', async () => {
    await control(env.stack).bulk({ count: 4500, retailId: SH });
    setEnv('SYNC_SLICE_MS', '1');
    await control(env.stack).clearCalls();
    expect(ok(await env.admin({ action: 'promoter.sync' }))).toMatchObject({ done: false, pages: 1 });
    const timers = startTimers({
      names: () => ['promoter'],
      load: (name) => loadFunction(name, { from: 'source' }),
      tick: false,
    });
    // at second 15 of a minute only promoterSync is due (importJobs at second 0, promotionResults at 30)
    const fire = async (minute: number) => {
      const fired = await timers.fire(new Date(2026, 11, 6, 12, minute, 15));
      expect(fired.map((f) => f.trigger)).toEqual(['promoterSync']);
      return fired[0]!.result;
    };
    try {
      expect(await fire(1)).toEqual({ ok: true, data: { walked: true, done: false, pages: 2 } });
      expect(await fire(2)).toEqual({ ok: true, data: { walked: true, done: true, pages: 3 } });
      expect(await fire(3)).toEqual({ ok: true, data: { walked: false } });
    } finally {
      await timers.close();
    }
    expect(await getpromoterCalls()).toHaveLength(3); // each page once
    expect(env.stack.cloudbase.collections().promoters).toHaveLength(4500);
    expect((await syncState())?.walk).toBeUndefined();
  }, 60_000);

  test('the promoterSync timer trigger leaves a walk alone while someone else holds the sync lease', async () => {
    await control(env.stack).bulk({ count: 2500, retailId: SH });
    setEnv('SYNC_SLICE_MS', '1');
    expect(ok(await env.admin({ action: 'promoter.sync' }))).toMatchObject({ done: false });
    await holdSyncLeaseElsewhere();
    await control(env.stack).clearCalls();
    const answer = (await env.stack.call('promoter', {
      Type: 'Timer',
      TriggerName: 'promoterSync',
      Time: new Date().toISOString(),
    })) as { ok: boolean; data: { walked: boolean } };
    expect(answer).toEqual({ ok: true, data: { walked: false } });
    expect(await getpromoterCalls()).toHaveLength(0);
  }, 60_000);

  test('a promoter gone from WeChat while a walk is paused is swept when the walk ends', async () => {
    await control(env.stack).bulk({ count: 2500, retailId: SH });
    ok(await env.admin({ action: 'promoter.sync' }));
    expect(env.stack.cloudbase.collections().promoters).toHaveLength(2500);
    await wechatControl(env.stack).reset({ keepTokens: true });
    await control(env.stack).bulk({ count: 2100, retailId: SH }); // 400 of the 2 500 are gone
    setEnv('SYNC_SLICE_MS', '1');
    expect(ok(await env.admin<{ done: boolean }>({ action: 'promoter.sync' })).done).toBe(false);
    expect(ok(await env.admin<{ done: boolean }>({ action: 'promoter.sync' })).done).toBe(true);
    expect(env.stack.cloudbase.collections().promoters).toHaveLength(2100);
  }, 60_000);
});
