/**
 * The one global transaction lock and the idle timeout, on the engine directly. The clock is jest's: a
 * busy machine that runs a 40 ms sleep late would otherwise let an 80 ms idle timer fire in between.
 */
import { Database, DbError } from '../../../emulator/cloudbase';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** Moves the fake clock on, running the timers and promise callbacks that fall due. */
const sleep = (ms: number): Promise<void> => jest.advanceTimersByTimeAsync(ms);

it('a waiter that gives up leaves the queue, so the next waiter still gets the lock', async () => {
  const db = new Database({ transactionWaitMs: 80 });
  const first = await db.startTransaction();
  const gaveUp = expect(db.startTransaction()).rejects.toEqual(
    new DbError('DATABASE_TRANSACTION_CONFLICT', 'database transaction conflict'),
  );
  await sleep(80);
  await gaveUp;

  const next = db.startTransaction();
  await sleep(20);
  db.commitTransaction(first);
  await expect(next).resolves.toMatch(/^tx-/);
  db.close();
});

it('aborts a transaction left idle, discarding its writes and freeing the lock', async () => {
  const db = new Database({ transactionIdleMs: 50 });
  const tx = await db.startTransaction();
  db.insert('things', [{ _id: 'a' }], tx);
  await sleep(120);
  expect(() => db.commitTransaction(tx)).toThrow(`transaction ${tx} does not exist or has ended`);
  expect(db.dump()).toEqual({});
  const again = await db.startTransaction();
  db.abortTransaction(again);
  db.close();
});

it('keeps an active transaction alive: every use restarts the idle timer', async () => {
  const db = new Database({ transactionIdleMs: 80 });
  const tx = await db.startTransaction();
  for (let i = 0; i < 4; i++) {
    await sleep(40);
    db.insert('things', [{ _id: `d${i}` }], tx);
  }
  db.commitTransaction(tx);
  expect(db.dump().things).toHaveLength(4);
  db.close();
});
