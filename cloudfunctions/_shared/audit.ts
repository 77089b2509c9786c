/**
 * The audit log (collection `audit_log`): who (openid, role), when, fn, action, target, before, after.
 * The _id sorts by time (zero-padded milliseconds, then a per-instance sequence), so "newest first"
 * and cursor paging are one index on _id.
 */
import { randomBytes } from 'node:crypto';
import type { AuditEntry } from '../../typings/contract/admin';
import { type StoredDoc, type Transaction, collection } from './db';
import { COLLECTIONS } from './collections';

export const AUDIT_COLLECTION = COLLECTIONS.auditLog;

/** Stored as the contract's AuditEntry, with the id as _id. `before`/`after` are null for nothing. */
export type AuditDoc = StoredDoc & Omit<AuditEntry, 'id'>;

export interface AuditRecord {
  /** Defaults to the running action. */
  action?: string;
  target: string;
  before: unknown;
  after: unknown;
}

let sequence = 0;

/** A time-ordered, unique _id for an audit record. */
export function auditId(nowMs: number = Date.now()): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${String(nowMs).padStart(15, '0')}-${String(sequence).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
}

/** Undefined is not storable: it becomes null. Values go through JSON so they store as plain data. */
function plain(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

export function auditDoc(
  base: { fn: string; action: string; actor: { openid: string; role: string }; atMs: number },
  record: AuditRecord,
): AuditDoc {
  return {
    _id: auditId(base.atMs),
    at: Math.floor(base.atMs / 1000),
    actor: { ...base.actor },
    fn: base.fn,
    action: record.action ?? base.action,
    target: record.target,
    before: plain(record.before),
    after: plain(record.after),
  };
}

/** Writes an audit record, inside `tx` when given (so it commits or rolls back with the change). */
export async function writeAudit(doc: AuditDoc, tx?: Transaction): Promise<void> {
  const { _id, ...data } = doc;
  if (tx) await tx.collection<AuditDoc>(AUDIT_COLLECTION).doc(_id).set({ data });
  else await collection<AuditDoc>(AUDIT_COLLECTION).doc(_id).set({ data });
}

export function toAuditEntry(doc: AuditDoc): AuditEntry {
  return {
    id: doc._id,
    at: doc.at,
    actor: doc.actor,
    fn: doc.fn,
    action: doc.action,
    target: doc.target,
    before: doc.before,
    after: doc.after,
  };
}
