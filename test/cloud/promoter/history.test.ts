/**
 * The status history of each promoter (collection promoter_history): written wherever the mirror
 * learns a status it did not have, with source 'us' and the staff member for our own writes; read
 * by promoter.get (newest first); nothing written when nothing changed.
 */
import type { Promoter, PromoterDetail, PromoterStatusChange } from '../../../typings/contract/index';
import { AUDIT_COLLECTION } from '../../../cloudfunctions/_shared/audit';
import { db } from '../../../cloudfunctions/_shared/db';
import { Database } from '../../../emulator/cloudbase/database';
import { ADMIN, MGR_SH, SH, ageSync, control, err, oid, ok, useStack } from './helpers';

const env = useStack();
const HISTORY = 'promoter_history';

const historyDocs = () => env.stack.cloudbase.collections()[HISTORY] ?? [];
const stored = (id: string) => (env.stack.cloudbase.collections().promoters ?? []).find((d) => d._id === id);

async function declareOne(label: string): Promise<Promoter> {
  ok(
    await env.admin({
      action: 'promoter.declare',
      promoters: [{ openid: oid(label), roleId: 1, storeId: SH, name: label }],
    }),
  );
  const page = ok(await env.admin<{ items: Promoter[] }>({ action: 'promoter.list', limit: 10 }));
  const found = page.items.find((p) => p.openid === oid(label));
  if (!found) throw new Error(`${label} not in the list after the declare`);
  return found;
}

const getDetail = async (id: string, call = env.mgrSh) =>
  ok(await call<PromoterDetail>({ action: 'promoter.get', id }));

/** Counts database writes (insert / update / set calls) per collection while `work` runs. */
async function countWrites(work: () => Promise<unknown>): Promise<Record<string, number>> {
  const writes: Record<string, number> = {};
  const add = (collection: string) => (writes[collection] = (writes[collection] ?? 0) + 1);
  const insert = jest.spyOn(Database.prototype, 'insert');
  const modify = jest.spyOn(Database.prototype, 'modify');
  try {
    await work();
    for (const [collection] of insert.mock.calls) add(collection);
    for (const [collection] of modify.mock.calls) add(collection);
  } finally {
    insert.mockRestore();
    modify.mockRestore();
  }
  return writes;
}

describe('promoter status history', () => {
  test('declare: the first sight is the first entry, at WeChat update_time, from WeChat', async () => {
    const p = await declareOne('Hist-a');
    const detail = await getDetail(p.id);
    expect(detail).toMatchObject({ id: p.id, status: 'awaiting' });
    expect(detail.history).toEqual<PromoterStatusChange[]>([
      { at: p.updateTime, status: 'awaiting', authStatus: 0, declStatus: 1, source: 'wechat' },
    ]);
    expect(historyDocs()).toHaveLength(1);
    expect(historyDocs()[0]).toMatchObject({ promoterId: p.id });
  });

  test('authorize and revoke in WeChat: promoter.get re-reads the row and records each move', async () => {
    const p = await declareOne('Hist-b');
    await control(env.stack).bind(oid('Hist-b'), 'authorize');
    const bound = await getDetail(p.id);
    expect(bound.status).toBe('bound');
    expect(bound.history.map((h) => [h.status, h.source])).toEqual([
      ['bound', 'wechat'],
      ['awaiting', 'wechat'],
    ]);
    // at = WeChat's update_time of the authorization
    expect(bound.history[0].at).toBe(bound.updateTime);
    expect(bound.history[0].by).toBeUndefined();
    // the same read again learns nothing new and writes nothing
    expect((await getDetail(p.id)).history).toHaveLength(2);
    expect(historyDocs()).toHaveLength(2);
    // a revoke reaches it through the incremental sync of a list read as well
    await control(env.stack).bind(oid('Hist-b'), 'revoke');
    await ageSync(20);
    ok(await env.admin({ action: 'promoter.list', limit: 10 }));
    expect(stored(p.id)).toMatchObject({ authStatus: 2 });
    expect(historyDocs()).toHaveLength(3);
    expect((await getDetail(p.id)).history.map((h) => h.status)).toEqual(['revoked', 'bound', 'awaiting']);
  });

  test('cancel and redeclare: entries from us with the staff member, one per audit record', async () => {
    const p = await declareOne('Hist-c');
    await control(env.stack).bind(oid('Hist-c'), 'authorize');
    expect((await getDetail(p.id)).status).toBe('bound');
    ok(await env.mgrSh({ action: 'promoter.cancel', id: p.id }));
    ok(await env.admin({ action: 'promoter.redeclare', id: p.id }));
    const detail = await getDetail(p.id);
    expect(detail.history.slice(0, 2)).toEqual([
      expect.objectContaining({ status: 'bound', declStatus: 1, source: 'us', by: ADMIN }),
      expect.objectContaining({ status: 'cancelled', declStatus: 2, source: 'us', by: MGR_SH }),
    ]);
    expect(detail.history.slice(2).map((h) => [h.status, h.source])).toEqual([
      ['bound', 'wechat'],
      ['awaiting', 'wechat'],
    ]);
    const ours = historyDocs().filter((h) => h.source === 'us');
    const audit = (env.stack.cloudbase.collections()[AUDIT_COLLECTION] ?? []).filter((a) =>
      ['promoter.cancel', 'promoter.redeclare'].includes(a.action as string),
    );
    expect(ours).toHaveLength(2);
    expect(audit).toHaveLength(2);
    // an update of other fields is not a status change
    ok(await env.admin({ action: 'promoter.update', id: p.id, name: '改名' }));
    expect(historyDocs().filter((h) => h.source === 'us')).toHaveLength(2);
  });

  test('a repeated entry (history written, then the mirror write failed) is read once', async () => {
    const p = await declareOne('Hist-r');
    const [first] = historyDocs();
    // what the next sync writes again after a lost mirror write: the same statuses, a later id
    await db()
      .collection<{ _id: string; at: number }>(HISTORY)
      .add({ data: { ...first, _id: `${String(first._id)}-again`, at: (first.at as number) + 5 } });
    expect(historyDocs()).toHaveLength(2);
    expect((await getDetail(p.id)).history).toEqual([expect.objectContaining({ at: first.at })]);
  });

  test('a WeChat failure on cancel writes no history entry', async () => {
    const p = await declareOne('Hist-d');
    const before = historyDocs().length;
    await control(env.stack).faults([{ kind: 'errcode', errcode: 48001, path: '/promoter/updatepromoter' }]);
    expect(err(await env.mgrSh({ action: 'promoter.cancel', id: p.id }))).toMatchObject({
      code: 'UPSTREAM_ERROR',
    });
    await control(env.stack).clearFaults();
    expect(historyDocs()).toHaveLength(before);
  });

  test('a manager of another store is FORBIDDEN and gets no history', async () => {
    const p = await declareOne('Hist-e');
    const e = err(await env.mgrBj({ action: 'promoter.get', id: p.id }));
    expect(e).toMatchObject({ code: 'FORBIDDEN', field: 'id' });
    expect(JSON.stringify(e)).not.toContain('history');
  });

  test('full sync of 4 500 promoters: one batch per 500 new entries, then only batched generation marks when nothing changed', async () => {
    await control(env.stack).bulk({ count: 4500, retailId: SH });
    const first = await countWrites(() => env.admin({ action: 'promoter.sync' }));
    expect(historyDocs()).toHaveLength(4500);
    expect(first[HISTORY]).toBe(9);
    expect(first.promoters).toBe(9);
    const second = await countWrites(() => env.admin({ action: 'promoter.sync' }));
    expect(historyDocs()).toHaveLength(4500);
    expect(second[HISTORY]).toBeUndefined();
    // no document rewritten: the mark-and-sweep generation goes on in batches of 500 ids
    expect(second.promoters).toBe(9);
    expect(Object.keys(second).sort()).toEqual(['leases', 'promoters', 'sync_state']);
    // one promoter authorizes: the next sync writes exactly one entry and one mirror document
    const someone = historyDocs()[0].promoterId as string;
    const openid = stored(someone)?.openid as string;
    await control(env.stack).bind(openid, 'authorize');
    const third = await countWrites(() => env.admin({ action: 'promoter.sync' }));
    expect(third[HISTORY]).toBe(1);
    expect(third.promoters).toBe(1 + 9); // the one document, then the generation marks
    expect(historyDocs()).toHaveLength(4501);
  }, 60_000); // three syncs of 4 500 promoters through the real SDK: legitimately heavy on a busy machine
});
