/**
 * Join requests as stored (collection `join_requests`) and the claim on a person's one pending request
 * (collection `join_request_claims`, _id = openid).
 *
 * One pending request per person, also when two requests arrive at the same moment. A transaction in
 * the cloud database reads and writes single documents by _id only (no where()), so "this person's
 * pending request" is a claim document whose _id is the openid, read and written in the same
 * transaction as the request it points to. Two first requests both write the claim: one commits, the
 * other fails with DATABASE_TRANSACTION_CONFLICT and runTransaction runs it again (up to 3 times), now
 * finding the claim and updating that request. A decision sets the claim's `pendingId` to null in its
 * own transaction (keeping `seq`); a claim pointing at a request that is no longer pending is stale and
 * simply replaced.
 */
import type { JoinRequest } from '../../../typings/contract/promoter';
import type { ActionContext } from '../../_shared/handler';
import type { Transaction } from '../../_shared/db';
import { AppError } from '../../_shared/errors';
import { COLLECTIONS } from '../../_shared/collections';
import { type Stored, findSome, getDoc, randomId } from '../../_shared/db';

/**
 * `seq` numbers one person's requests 1, 2, 3… (from their claim document, in the request's own
 * transaction), so "their latest request" never depends on two requests' createdAt seconds.
 */
export type JoinDoc = Omit<JoinRequest, 'id'> & { updatedAt: number; seq?: number };

/** `pendingId` is null once that request is decided; `seq` is the number of their newest request. */
export interface ClaimDoc {
  pendingId: string | null;
  seq?: number;
  updatedAt: number;
}

export function toJoinRequest(doc: Stored<JoinDoc>): JoinRequest {
  const out: JoinRequest = {
    id: doc._id,
    openid: doc.openid,
    name: doc.name,
    phone: doc.phone,
    storeId: doc.storeId,
    roleId: doc.roleId,
    inviteToken: doc.inviteToken,
    status: doc.status,
    createdAt: doc.createdAt,
  };
  if (doc.decidedAt !== undefined) out.decidedAt = doc.decidedAt;
  if (doc.decidedBy !== undefined) out.decidedBy = doc.decidedBy;
  if (doc.reason !== undefined) out.reason = doc.reason;
  if (doc.promoterId !== undefined) out.promoterId = doc.promoterId;
  return out;
}

/** What runTransaction rejects with once a commit conflict outlasts its own retries. */
export function isTransactionConflict(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { code?: unknown }).code === 'DATABASE_TRANSACTION_CONFLICT'
  );
}

/** Saves the caller's pending request: updates the one they have, or creates it (see the file comment). */
export async function savePendingRequest(
  ctx: ActionContext,
  openid: string,
  fields: Omit<JoinDoc, 'openid' | 'status' | 'createdAt'>,
  now: number,
  unclaimedId: string | undefined,
): Promise<JoinRequest> {
  try {
    return await ctx.transaction(async (tx) => {
      const requests = tx.collection<Stored<JoinDoc>>(COLLECTIONS.joinRequests);
      const claims = tx.collection<Stored<ClaimDoc>>(COLLECTIONS.joinRequestClaims);
      const claim = (await claims.doc(openid).get()).data;
      for (const id of new Set([claim?.pendingId, unclaimedId])) {
        if (!id) continue;
        const pending = (await requests.doc(id).get()).data;
        if (!pending || pending.status !== 'pending' || pending.openid !== openid) continue;
        await requests.doc(id).update({ data: fields });
        if (claim?.pendingId !== id) {
          const seq = Math.max(claim?.seq ?? 0, pending.seq ?? 0);
          await claims.doc(openid).set({ data: { pendingId: id, seq, updatedAt: now } });
        }
        return toJoinRequest({ ...pending, ...fields });
      }
      const id = randomId(12);
      const seq = (claim?.seq ?? 0) + 1;
      const doc: JoinDoc = { openid, status: 'pending', createdAt: now, seq, ...fields };
      await requests.doc(id).set({ data: doc });
      await claims.doc(openid).set({ data: { pendingId: id, seq, updatedAt: now } });
      return toJoinRequest({ ...doc, _id: id });
    });
  } catch (err) {
    if (!isTransactionConflict(err)) throw err;
    throw new AppError('CONFLICT', '你的入驻申请正在同时提交多次，请稍后重试');
  }
}

/**
 * Inside a decision's transaction: the person may ask again, so the decision releases their claim (if
 * it still points here) and keeps its seq, so their next request is numbered after this one.
 */
export async function releasePendingClaim(
  tx: Transaction,
  request: Stored<JoinDoc>,
  now: number,
): Promise<void> {
  const claims = tx.collection<Stored<ClaimDoc>>(COLLECTIONS.joinRequestClaims);
  const claim = (await claims.doc(request.openid).get()).data;
  if (claim?.pendingId === request._id) {
    await claims.doc(request.openid).update({ data: { pendingId: null, updatedAt: now } });
  }
}

export async function latestJoinRequest(openid: string): Promise<JoinRequest | null> {
  // The claimed pending request first, then the highest seq: two requests can share a createdAt
  // second. Requests stored before seq existed have none and sort after every numbered one.
  const claim = await getDoc<ClaimDoc>(COLLECTIONS.joinRequestClaims, openid);
  if (claim?.pendingId) {
    const pending = await getDoc<JoinDoc>(COLLECTIONS.joinRequests, claim.pendingId);
    if (pending && pending.status === 'pending' && pending.openid === openid) return toJoinRequest(pending);
  }
  const [doc] = await findSome<JoinDoc>(
    COLLECTIONS.joinRequests,
    { openid },
    {
      orderBy: [
        { field: 'seq', direction: 'desc' },
        { field: 'createdAt', direction: 'desc' },
        { field: '_id', direction: 'asc' },
      ],
      limit: 1,
    },
  );
  return doc ? toJoinRequest(doc) : null;
}
