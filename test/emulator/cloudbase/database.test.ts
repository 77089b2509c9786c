/** The CloudBase stand-in driven by the real wx-server-sdk 4.0.2: every database operation we use. */
import { EJSON } from 'bson';
import { type Loose, useSdk } from './sdk';

const fx = useSdk();

const col = (name = 'things'): Loose => fx.db.collection(name);
const getOne = async (id: string, name = 'things'): Promise<Record<string, unknown>> =>
  (await col(name).doc(id).get()).data;

describe('add', () => {
  it('answers a generated 32-hex string _id and stores the document', async () => {
    const res = await col().add({ data: { name: '上海徐汇店', n: 1 } });
    expect(res.errMsg).toBe('collection.add:ok');
    expect(res._id).toMatch(/^[0-9a-f]{32}$/);
    expect(fx.emulator.collections().things).toEqual([{ _id: res._id, name: '上海徐汇店', n: 1 }]);
  });

  it('keeps a given _id and rejects a duplicate one like the cloud (-502001, E11000)', async () => {
    await col().add({ data: { _id: 'SH-XUHUI', name: 'a' } });
    await expect(col().add({ data: { _id: 'SH-XUHUI', name: 'b' } })).rejects.toMatchObject({
      errCode: -502001,
      errMsg: expect.stringContaining('E11000 duplicate key'),
    });
    expect(await getOne('SH-XUHUI')).toEqual({ _id: 'SH-XUHUI', name: 'a' });
  });

  it('round-trips Dates, nested objects and arrays', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const { _id } = await col().add({
      data: { at, nested: { list: [1, { deep: at }] }, flag: false, none: null },
    });
    const doc = await getOne(_id);
    expect(doc.at).toBeInstanceOf(Date);
    expect(doc).toEqual({ _id, at, nested: { list: [1, { deep: at }] }, flag: false, none: null });
  });

  it('replaces fx.db.serverDate() with the server clock, offset included', async () => {
    const before = Date.now();
    const { _id } = await col().add({
      data: { at: fx.db.serverDate(), later: fx.db.serverDate({ offset: 60_000 }) },
    });
    const doc = (await getOne(_id)) as { at: Date; later: Date };
    expect(doc.at).toBeInstanceOf(Date);
    expect(doc.at.getTime()).toBeGreaterThanOrEqual(before);
    expect(doc.at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(doc.later.getTime() - doc.at.getTime()).toBeGreaterThanOrEqual(59_000);
  });
});

describe('get', () => {
  beforeEach(async () => {
    for (const [i, name] of ['张伟', '李娜', '王芳', '赵磊', '陈静'].entries()) {
      await col().add({
        data: { _id: `p${i}`, name, n: i, store: i < 3 ? 'SH' : 'BJ', tags: i % 2 ? ['x'] : [] },
      });
    }
  });

  it('filters with commands: gt, in, or, and, neq, exists, regexp', async () => {
    const ids = async (query: unknown): Promise<string[]> =>
      (await col().where(query).get()).data.map((d: { _id: string }) => d._id);
    expect(await ids({ n: fx._.gt(2) })).toEqual(['p3', 'p4']);
    expect(await ids({ name: fx._.in(['李娜', '陈静']) })).toEqual(['p1', 'p4']);
    expect(await ids(fx._.or([{ n: 0 }, { store: 'BJ' }]))).toEqual(['p0', 'p3', 'p4']);
    expect(await ids({ n: fx._.gte(1).and(fx._.lt(3)) })).toEqual(['p1', 'p2']);
    expect(await ids({ store: fx._.neq('SH') })).toEqual(['p3', 'p4']);
    expect(await ids({ missing: fx._.exists(false), tags: 'x' })).toEqual(['p1', 'p3']);
    expect(await ids({ name: fx.db.RegExp({ regexp: '^[张李]', options: 'i' }) })).toEqual(['p0', 'p1']);
    expect(await ids({ name: /静$/ })).toEqual(['p4']);
  });

  it('orders, skips, limits and projects', async () => {
    const res = await col().where({ store: 'SH' }).orderBy('n', 'desc').skip(1).limit(1).get();
    expect(res.data).toEqual([{ _id: 'p1', name: '李娜', n: 1, store: 'SH', tags: ['x'] }]);
    const two = await col().orderBy('store', 'asc').orderBy('n', 'desc').field({ name: true }).get();
    expect(two.data).toEqual([
      { _id: 'p4', name: '陈静' },
      { _id: 'p3', name: '赵磊' },
      { _id: 'p2', name: '王芳' },
      { _id: 'p1', name: '李娜' },
      { _id: 'p0', name: '张伟' },
    ]);
    expect((await col().doc('p2').field({ n: true, _id: false }).get()).data).toEqual({ n: 2 });
  });

  it('doc().get on a missing id rejects as the real cloud does', async () => {
    await expect(col().doc('nope').get()).rejects.toMatchObject({
      errMsg: 'document.get:fail document with _id nope does not exist',
    });
  });

  it('counts', async () => {
    expect(await col().where({ store: 'SH' }).count()).toMatchObject({
      total: 3,
      errMsg: 'collection.count:ok',
    });
    expect((await col().count()).total).toBe(5);
    expect((await col('never-written').count()).total).toBe(0);
  });
});

describe('get limits', () => {
  it('answers 100 documents when no limit is given, and at most 1000', async () => {
    const data = Array.from({ length: 1100 }, (_unused, i) => ({ i }));
    for (let i = 0; i < data.length; i += 500) await col('many').add({ data: data.slice(i, i + 500) });
    expect((await col('many').get()).data).toHaveLength(100);
    expect((await col('many').limit(2000).get()).data).toHaveLength(1000);
    expect(
      (await col('many').orderBy('i', 'asc').skip(1090).limit(50).get()).data.map((d: { i: number }) => d.i),
    ).toEqual([1090, 1091, 1092, 1093, 1094, 1095, 1096, 1097, 1098, 1099]);
  });
});

describe('update', () => {
  let id: string;
  beforeEach(async () => {
    id = (
      await col().add({
        data: {
          n: 10,
          price: 3,
          low: 5,
          high: 5,
          tags: ['a', 'b'],
          set: ['x'],
          profile: { name: 'A', city: 'SH' },
          gone: 1,
        },
      })
    )._id;
  });

  it('applies inc, mul, min, max, push, pull, addToSet, remove, set and dotted paths in one update', async () => {
    const res = await col()
      .doc(id)
      .update({
        data: {
          n: fx._.inc(-3),
          price: fx._.mul(2),
          low: fx._.min(2),
          high: fx._.max(9),
          tags: fx._.push(['c', 'd']),
          set: fx._.addToSet('x'),
          gone: fx._.remove(),
          'profile.city': 'BJ',
          extra: fx._.set({ a: 1 }),
        },
      });
    expect(res).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' });
    expect(await getOne(id)).toEqual({
      _id: id,
      n: 7,
      price: 6,
      low: 2,
      high: 9,
      tags: ['a', 'b', 'c', 'd'],
      set: ['x'],
      profile: { name: 'A', city: 'BJ' },
      extra: { a: 1 },
    });
    await col()
      .doc(id)
      .update({ data: { tags: fx._.pull('a'), set: fx._.addToSet('y') } });
    expect(await getOne(id)).toMatchObject({ tags: ['b', 'c', 'd'], set: ['x', 'y'] });
  });

  it('merges a plain nested object (profile.name kept) but fx._.set replaces it', async () => {
    await col()
      .doc(id)
      .update({ data: { profile: { city: 'GZ' } } });
    expect((await getOne(id)).profile).toEqual({ name: 'A', city: 'GZ' });
    await col()
      .doc(id)
      .update({ data: { profile: fx._.set({ city: 'SZ' }) } });
    expect((await getOne(id)).profile).toEqual({ city: 'SZ' });
  });

  it('counts only documents that really changed, like the cloud', async () => {
    expect(
      (
        await col()
          .doc(id)
          .update({ data: { n: 10 } })
      ).stats.updated,
    ).toBe(0);
    expect(
      (
        await col()
          .doc('missing')
          .update({ data: { n: 1 } })
      ).stats.updated,
    ).toBe(0);
  });

  it('where().update changes every match; doc().update only its document', async () => {
    await col().add({ data: { _id: 'b', n: 10 } });
    await col().add({ data: { _id: 'c', n: 99 } });
    const res = await col()
      .where({ n: 10 })
      .update({ data: { seen: true } });
    expect(res).toMatchObject({ stats: { updated: 2 }, errMsg: 'collection.update:ok' });
    expect(await col().where({ seen: true }).count()).toMatchObject({ total: 2 });
  });

  it('rejects an impossible update as a whole: nothing half-applied', async () => {
    await col().add({ data: { _id: 'text', n: 'not a number' } });
    await expect(
      col()
        .where({ n: fx._.exists(true) })
        .update({ data: { n: fx._.inc(1) } }),
    ).rejects.toMatchObject({
      errCode: -502001,
    });
    expect((await getOne(id)).n).toBe(10);
  });

  it('doc().set replaces the whole document, or creates it (upsert)', async () => {
    const replaced = await col()
      .doc(id)
      .set({ data: { only: 'this' } });
    expect(replaced).toMatchObject({ _id: id, stats: { updated: 1, created: 0 } });
    expect(await getOne(id)).toEqual({ _id: id, only: 'this' });
    const created = await col()
      .doc('new-one')
      .set({ data: { fresh: true, at: fx.db.serverDate() } });
    expect(created).toMatchObject({ _id: 'new-one', stats: { updated: 0, created: 1 } });
    expect(await getOne('new-one')).toEqual({ _id: 'new-one', fresh: true, at: expect.any(Date) });
  });

  it('upserts through the wire protocol from the query equality fields', async () => {
    const res = await fx.post({
      action: 'database.modifyDocument',
      collectionName: 'things',
      query: EJSON.stringify({ key: 'k1', n: { $gt: 100 } }),
      data: EJSON.stringify({ $inc: { hits: 1 } }),
      multi: false,
      merge: true,
      upsert: true,
    });
    expect(res.data.updated).toBe(0);
    expect(await getOne(res.data.upsert_id)).toEqual({ _id: res.data.upsert_id, key: 'k1', hits: 1 });
  });

  it('modifyAndReturnDoc answers the updated document', async () => {
    const res = await fx.post({
      action: 'database.modifyAndReturnDoc',
      collectionName: 'things',
      query: EJSON.stringify({ _id: id }),
      data: EJSON.stringify({ $inc: { n: 5 } }),
    });
    expect(res.data.updated).toBe(1);
    expect(EJSON.parse(res.data.doc)).toMatchObject({ _id: id, n: 15 });
    const none = await fx.post({
      action: 'database.modifyAndReturnDoc',
      collectionName: 'things',
      query: EJSON.stringify({ _id: 'missing' }),
      data: EJSON.stringify({ $inc: { n: 5 } }),
    });
    expect(none.data).toEqual({ updated: 0, doc: null });
  });
});

describe('remove', () => {
  it('removes one document, or every match', async () => {
    for (const n of [1, 2, 3]) await col().add({ data: { _id: `r${n}`, odd: n % 2 === 1 } });
    expect(await col().doc('r2').remove()).toEqual({ stats: { removed: 1 }, errMsg: 'document.remove:ok' });
    expect(await col().where({ odd: true }).remove()).toMatchObject({ stats: { removed: 2 } });
    expect(fx.emulator.collections().things).toEqual([]);
    expect((await col().doc('r9').remove()).stats.removed).toBe(0);
  });
});

describe('aggregate', () => {
  it('runs a pipeline with match, group, sort and lookup', async () => {
    await col('stores').add({
      data: [
        { _id: 'SH', name: '上海' },
        { _id: 'BJ', name: '北京' },
      ],
    });
    await col('sales').add({
      data: [
        { store: 'SH', amount: 5 },
        { store: 'SH', amount: 7 },
        { store: 'BJ', amount: 1 },
        { store: 'BJ', amount: 100, void: true },
      ],
    });
    const $ = fx._.aggregate;
    const res = await col('sales')
      .aggregate()
      .match({ void: fx._.neq(true) })
      .group({ _id: '$store', total: $.sum('$amount') })
      .sort({ total: -1 })
      .lookup({ from: 'stores', localField: '_id', foreignField: '_id', as: 'store' })
      .end();
    expect(res.errMsg).toBe('collection.aggregate:ok');
    expect(res.list).toEqual([
      { _id: 'SH', total: 12, store: [{ _id: 'SH', name: '上海' }] },
      { _id: 'BJ', total: 1, store: [{ _id: 'BJ', name: '北京' }] },
    ]);
  });
});

describe('collections', () => {
  it('createCollection creates once and then reports it exists', async () => {
    await expect(fx.db.createCollection('audit')).resolves.toMatchObject({ errMsg: 'createCollection:ok' });
    expect(fx.emulator.collections()).toEqual({ audit: [] });
    await expect(fx.db.createCollection('audit')).rejects.toMatchObject({
      errMsg: expect.stringContaining('already exists'),
    });
  });
});

describe('wire protocol errors', () => {
  it('answers { code, message } for an unknown action and for bad params', async () => {
    expect(await fx.post({ action: 'storage.getTempFileURL' })).toMatchObject({
      code: 'INVALID_ACTION',
      message: expect.stringContaining('storage.getTempFileURL'),
    });
    expect(await fx.post({ action: 'database.getDocument', collectionName: '' })).toMatchObject({
      code: 'INVALID_PARAM',
      message: 'collectionName must be a non-empty string',
    });
    expect(await fx.post({ action: 'database.getDocument', collectionName: 'x', limit: -1 })).toMatchObject({
      code: 'INVALID_PARAM',
      message: 'limit must be a non-negative integer',
    });
    const res = await fetch(fx.emulator.url, { method: 'POST', body: 'not json' });
    expect(await res.json()).toMatchObject({
      code: 'INVALID_PARAM',
      message: 'request body must be a JSON object',
    });
  });
});
