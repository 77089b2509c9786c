/**
 * Leases: one holder at a time for a decision that calls WeChat (collection `leases`, _id = the key,
 * e.g. `join:<requestId>`, `promoter:<id>`, `open-account`).
 *
 * A WeChat call cannot run inside a database transaction, so "claim, then call WeChat, then record" is
 * how two people doing the same thing at once get one result: the lease is taken in a transaction
 * (who, what, when, a token), the holder calls WeChat and records, then releases it. Whoever finds the
 * lease taken waits for it (polling, bounded by `waitMs`), then takes it and reads what the first holder
 * did: a repeat then sees the change already made and answers as the success it is.
 *
 * Recovery: a holder that crashed (function timeout, instance killed) never releases. A lease older than
 * LEASE_STALE_S is taken over: the cloud function's timeout is at most 60 s (config.json), so a holder
 * past 70 s is certainly gone. The new holder is told (`takenOver`) so it can first check with WeChat
 * what the crashed one may already have done.
 */
import crypto from 'node:crypto';
import { type StoredDoc, collection, db, nowSeconds } from './db';
import { AppError } from './errors';
import { log } from './log';
import { COLLECTIONS } from './collections';

export const LEASES_COLLECTION = COLLECTIONS.leases;
/** A lease this old (seconds) belongs to a holder that is no longer running. */
export const LEASE_STALE_S = 70;
const DEFAULT_WAIT_MS = 20_000;

export interface LeaseDoc extends StoredDoc {
  token: string;
  /** The action that holds it (e.g. `join.approve`). */
  action: string;
  by: string;
  /** Unix seconds. */
  at: number;
}

export interface Lease {
  key: string;
  token: string;
  /** The stale lease this one replaced (its holder crashed), if any. */
  takenOver?: LeaseDoc;
}

export interface LeaseOptions {
  action: string;
  by: string;
  /** How long to wait for a busy lease before answering CONFLICT (default 20 s). */
  waitMs?: number;
  /** The message of that CONFLICT. */
  busyMessage?: string;
  /**
   * Seconds after which the lease counts as abandoned (default LEASE_STALE_S). Only a holder that
   * renews its lease (renewLease) well within this may pass a shorter one.
   */
  staleS?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One attempt: the lease, or the live lease of someone else. */
async function tryTake(key: string, options: LeaseOptions): Promise<Lease | LeaseDoc> {
  const token = crypto.randomBytes(12).toString('base64url');
  return db().runTransaction(async (tx) => {
    const ref = tx.collection<LeaseDoc>(LEASES_COLLECTION).doc(key);
    const current = (await ref.get()).data;
    const at = nowSeconds();
    if (current && at - current.at < (options.staleS ?? LEASE_STALE_S)) return current;
    await ref.set({ data: { token, action: options.action, by: options.by, at } });
    return current ? { key, token, takenOver: current } : { key, token };
  });
}

const isLease = (value: Lease | LeaseDoc): value is Lease => !('at' in value);

/** Takes the lease `key`, waiting while someone else holds it. */
export async function acquireLease(key: string, options: LeaseOptions): Promise<Lease> {
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  let pause = 40;
  for (;;) {
    // A plain read first: cheaper than a transaction while the lease is busy.
    const { data } = await collection<LeaseDoc>(LEASES_COLLECTION).doc(key).get();
    if (!data || nowSeconds() - data.at >= (options.staleS ?? LEASE_STALE_S)) {
      try {
        const taken = await tryTake(key, options);
        if (isLease(taken)) return taken;
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'DATABASE_TRANSACTION_CONFLICT') throw err;
      }
    }
    if (Date.now() + pause > deadline) {
      throw new AppError('CONFLICT', options.busyMessage ?? '有人正在处理同一项操作，请稍后刷新查看结果');
    }
    await sleep(pause + Math.floor(Math.random() * pause));
    pause = Math.min(pause * 2, 400);
  }
}

/**
 * Moves the lease's time to now, if it is still ours; false when someone took it over (the holder
 * must then stop: the new holder works on the same thing).
 */
export async function renewLease(lease: Lease): Promise<boolean> {
  // One conditional update (no transaction): it matches only while the token is still ours.
  const { stats } = await collection<LeaseDoc>(LEASES_COLLECTION)
    .where({ _id: lease.key, token: lease.token })
    .update({ data: { at: nowSeconds() } });
  if (stats.updated === 1) return true;
  // Nothing changed can also mean the same second as the last renewal: ours if the token still is.
  const { data } = await collection<LeaseDoc>(LEASES_COLLECTION).doc(lease.key).get();
  return data?.token === lease.token;
}

/** The lease `key` if it is free (or stale) right now, otherwise null: no waiting. */
export async function tryAcquireLease(key: string, options: LeaseOptions): Promise<Lease | null> {
  const { data } = await collection<LeaseDoc>(LEASES_COLLECTION).doc(key).get();
  if (data && nowSeconds() - data.at < LEASE_STALE_S) return null;
  try {
    const taken = await tryTake(key, options);
    return isLease(taken) ? taken : null;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'DATABASE_TRANSACTION_CONFLICT') return null;
    throw err;
  }
}

/** Whether someone holds the lease `key` now (a stale one counts as free). */
export async function leaseBusy(key: string): Promise<boolean> {
  const { data } = await collection<LeaseDoc>(LEASES_COLLECTION).doc(key).get();
  return data !== null && data !== undefined && nowSeconds() - data.at < LEASE_STALE_S;
}

/** Gives the lease back (only if it is still ours: a taken-over lease belongs to its new holder). */
export async function releaseLease(lease: Lease): Promise<void> {
  await db().runTransaction(async (tx) => {
    const ref = tx.collection<LeaseDoc>(LEASES_COLLECTION).doc(lease.key);
    const current = (await ref.get()).data;
    if (current?.token === lease.token) await ref.remove();
  });
}

/** Runs `work` holding the lease `key`; the lease is released however `work` ends. */
export async function withLease<R>(
  key: string,
  options: LeaseOptions,
  work: (lease: Lease) => Promise<R>,
): Promise<R> {
  const lease = await acquireLease(key, options);
  try {
    return await work(lease);
  } finally {
    // A lease that cannot be released goes stale after LEASE_STALE_S; the work's own answer stands.
    await releaseLease(lease).catch((err: unknown) => log.warn('lease_release_failed', { key, error: err }));
  }
}
