/** Transactions through the real wx-server-sdk: runTransaction, startTransaction, and the older per-document API. */
import { EJSON } from 'bson';
import { type Loose, useSdk } from './sdk';

const fx = useSdk();
beforeEach(async () => {
  await fx.db.collection('accounts').add({
    data: [
      { _id: 'a', balance: 100 },
      { _id: 'b', balance: 0 },
    ],
  });
});

/** Sets an account's balance through `target`: the database, or a transaction. */
const setBalance = (target: Loose, id: string, balance: number): Promise<unknown> =>
  target.collection('accounts').doc(id).update({ data: { balance } });

/** Adds `delta` to an account's balance through `target` (an atomic inc, no read first). */
const addToBalance = (target: Loose, id: string, delta: number): Promise<unknown> =>
  target
    .collection('accounts')
    .doc(id)
    .update({ data: { balance: fx._.inc(delta) } });

const balances = (): Record<string, number> =>
  Object.fromEntries((fx.emulator.collections().accounts ?? []).map((d) => [d._id, d.balance as number]));

describe('runTransaction', () => {
  it('commits every write together; reads inside see the transaction’s own writes, outside readers do not', async () => {
    let outsideDuring: number | undefined;
    const result = await fx.db.runTransaction(async (t: Loose) => {
      await addToBalance(t, 'a', -30);
      await addToBalance(t, 'b', 30);
      await t.collection('log').add({ data: { _id: 'move-1', amount: 30 } });
      const inside = (await t.collection('accounts').doc('a').get()).data;
      outsideDuring = (await fx.db.collection('accounts').doc('a').get()).data.balance;
      return inside.balance;
    });
    expect(result).toBe(70);
    expect(outsideDuring).toBe(100);
    expect(balances()).toEqual({ a: 70, b: 30 });
    expect(fx.emulator.collections().log).toEqual([{ _id: 'move-1', amount: 30 }]);
  });

  it('rolls everything back when the callback throws, and rethrows', async () => {
    await expect(
      fx.db.runTransaction(async (t: Loose) => {
        await addToBalance(t, 'a', -30);
        await t.collection('accounts').doc('b').remove();
        await t.collection('log').add({ data: { amount: 30 } });
        throw new Error('余额不足');
      }),
    ).rejects.toThrow('余额不足');
    expect(balances()).toEqual({ a: 100, b: 0 });
    expect(fx.emulator.collections().log ?? []).toEqual([]);
  });

  it('rolls back when the callback calls rollback(), answering its reason', async () => {
    await expect(
      fx.db.runTransaction(async (t: Loose) => {
        await t
          .collection('accounts')
          .doc('a')
          .set({ data: { balance: 1 } });
        await t.rollback('custom reason');
      }),
    ).rejects.toBe('custom reason');
    expect(balances()).toEqual({ a: 100, b: 0 });
  });

  it('runs one transaction at a time: the second waits for the first and sees its commit', async () => {
    const order: string[] = [];
    // the first holds the lock until the second has asked for it: by signals, not by how fast the machine is
    let started!: () => void;
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow = fx.db.runTransaction(async (t: Loose) => {
      order.push('first start');
      const a = (await t.collection('accounts').doc('a').get()).data;
      started();
      await released;
      await setBalance(t, 'a', a.balance + 1);
      order.push('first end');
    });
    await firstStarted;
    const fast = fx.db.runTransaction(async (t: Loose) => {
      order.push('second start');
      const a = (await t.collection('accounts').doc('a').get()).data;
      await setBalance(t, 'a', a.balance + 1);
    });
    // however long the second's request takes to arrive, it cannot start before the first ends
    setTimeout(release, 100);
    await Promise.all([slow, fast]);
    expect(order).toEqual(['first start', 'first end', 'second start']);
    expect(balances().a).toBe(102);
  });

  it('keeps writes made outside the transaction to other documents', async () => {
    await fx.db.runTransaction(async (t: Loose) => {
      await setBalance(t, 'a', 1);
      await setBalance(fx.db, 'b', 5);
    });
    expect(balances()).toEqual({ a: 1, b: 5 });
  });
});

describe('what the cloud forbids in a transaction', () => {
  it('refuses a where() read: single-record operations only', async () => {
    await expect(
      fx.db.runTransaction(async (t: Loose) => {
        await t.collection('accounts').where({ balance: 100 }).get();
      }),
    ).rejects.toMatchObject({ errMsg: expect.stringContaining('事务中只支持单记录操作') });
  });

  it('a where() update or remove is not part of the transaction: the SDK sends it without the id', async () => {
    // A trap worth knowing: it is applied at once and survives the rollback, in the real cloud too.
    const t = await fx.db.startTransaction();
    await t
      .collection('accounts')
      .where({ balance: 0 })
      .update({ data: { balance: 1 } });
    await t.rollback();
    expect(balances()).toEqual({ a: 100, b: 1 });
  });
});

describe('startTransaction', () => {
  it('commit applies the writes', async () => {
    const t = await fx.db.startTransaction();
    await setBalance(t, 'b', 7);
    expect(balances().b).toBe(0);
    await t.commit();
    expect(balances().b).toBe(7);
  });

  it('rollback discards them, and the transaction id is then unknown', async () => {
    const t = await fx.db.startTransaction();
    await setBalance(t, 'b', 7);
    await t.rollback();
    expect(balances().b).toBe(0);
    await expect(t.collection('accounts').doc('b').get()).rejects.toMatchObject({
      errMsg: expect.stringContaining('does not exist or has ended'),
    });
  });

  it('reports a conflict when a document it wrote was changed outside meanwhile', async () => {
    const t = await fx.db.startTransaction();
    await setBalance(t, 'a', 1);
    await setBalance(fx.db, 'a', 2);
    await expect(t.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' });
    expect(balances().a).toBe(2);
  });
});

describe('the per-document transaction actions', () => {
  it('getInTransaction, updateDocInTransaction, deleteDocInTransaction, then abort or commit', async () => {
    const { transactionId } = await fx.post({ action: 'database.startTransaction' });
    const base = { collectionName: 'accounts', transactionId };
    const got = await fx.post({ ...base, action: 'database.getInTransaction', _id: 'a' });
    expect(EJSON.parse(got.data)).toEqual({ _id: 'a', balance: 100 });
    const updated = await fx.post({
      ...base,
      action: 'database.updateDocInTransaction',
      _id: 'a',
      data: EJSON.stringify({ $set: { balance: 60 } }),
    });
    expect(EJSON.parse(updated.updated)).toBe(1);
    const upserted = await fx.post({
      ...base,
      action: 'database.updateDocInTransaction',
      _id: 'c',
      data: EJSON.stringify({ balance: 40 }),
      upsert: true,
    });
    expect(JSON.parse(upserted.upserted)).toEqual([{ _id: 'c' }]);
    const deleted = await fx.post({ ...base, action: 'database.deleteDocInTransaction', _id: 'b' });
    expect(EJSON.parse(deleted.deleted)).toBe(1);
    expect(balances()).toEqual({ a: 100, b: 0 });
    await fx.post({ action: 'database.commitTransaction', transactionId });
    expect(balances()).toEqual({ a: 60, c: 40 });

    const second = await fx.post({ action: 'database.startTransaction' });
    await fx.post({
      action: 'database.deleteDocInTransaction',
      collectionName: 'accounts',
      transactionId: second.transactionId,
      _id: 'a',
    });
    await fx.post({ action: 'database.abortTransaction', transactionId: second.transactionId });
    expect(balances()).toEqual({ a: 60, c: 40 });
  });
});
