/**
 * One pending request per person under concurrency (the claim in join_request_claims).
 */
import {
  type BatchResult,
  type Invite,
  type JoinRequest,
  type MeStatus,
  type Page,
} from '../../../typings/contract/index';
import { db } from '../../../cloudfunctions/_shared/db';
import { GUEST, SH, err, oid, ok } from './helpers';
import { useJoinStack } from './join-helpers';

const env = useJoinStack();
const { audits, invite } = env;

describe('one pending request per person under concurrency', () => {
  const CLAIMS = 'join_request_claims';
  const stored = () => env.stack.cloudbase.collections();
  const requestsOf = (openid: string) => (stored().join_requests ?? []).filter((d) => d.openid === openid);
  const claimOf = (openid: string) => (stored()[CLAIMS] ?? []).find((d) => d._id === openid);
  const ask = (openid: string, token: string, name = '周游') =>
    env.as(openid)<JoinRequest>({ action: 'join.request', inviteToken: token, name, phone: '13712345678' });

  /** The guest's first request, decided by the manager: the decision releases the claim. */
  async function decidedRequest(action: 'join.approve' | 'join.reject') {
    const { invite: inv } = await invite();
    const first = ok(await ask(GUEST, inv.token));
    expect(ok(await env.mgrSh<BatchResult>({ action, ids: [first.id] })).done).toEqual([first.id]);
    expect(claimOf(GUEST)).toMatchObject({ pendingId: null, seq: 1 });
    return { inv, first };
  }

  /** The guest's claim, written straight into the collection. */
  async function putClaim(pendingId: string, updatedAt: number): Promise<void> {
    await db()
      .collection<{ _id: string; pendingId: string; updatedAt: number }>(CLAIMS)
      .doc(GUEST)
      .set({ data: { pendingId, updatedAt } });
  }

  /** A pending request of the guest written straight into the collection (not through join.request). */
  async function storePending(id: string, inv: Invite, name: string): Promise<void> {
    const doc = {
      openid: GUEST,
      name,
      phone: '13700000000',
      storeId: SH,
      roleId: 1,
      inviteToken: inv.token,
      status: 'pending',
      createdAt: inv.createdAt,
      updatedAt: inv.createdAt,
    };
    await db().collection<{ _id: string }>('join_requests').doc(id).set({ data: doc });
  }

  test('10 first requests at the same moment: one pending request, every answer is it', async () => {
    const { invite: inv } = await invite();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ask(GUEST, inv.token, `周游${i}`)),
    );
    const requests = answers.map(ok);
    const [only] = requestsOf(GUEST);
    expect(requestsOf(GUEST)).toHaveLength(1);
    expect(only.status).toBe('pending');
    expect(new Set(requests.map((r) => r.id))).toEqual(new Set([only._id]));
    for (const r of requests) expect(r).toMatchObject({ openid: GUEST, status: 'pending', storeId: SH });
    // every answer carries its own name; the stored one is the last writer's, one of them
    expect(requests.map((r) => r.name).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `周游${i}`).sort(),
    );
    expect(requests.map((r) => r.name)).toContain(only.name);
    expect(claimOf(GUEST)).toMatchObject({ pendingId: only._id });
    const status = ok(await env.as(GUEST)<MeStatus>({ action: 'me.status' }));
    expect(status.joinRequest).toMatchObject({ id: only._id, status: 'pending' });
    expect(ok(await env.mgrSh<Page<JoinRequest>>({ action: 'join.list' })).total).toBe(1);
  });

  test('two guests at the same moment each get their own pending request', async () => {
    const { invite: inv } = await invite();
    const other = oid('Other-joiner');
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => ask(i % 2 ? other : GUEST, inv.token)),
    );
    const requests = answers.map(ok);
    expect(requestsOf(GUEST)).toHaveLength(1);
    expect(requestsOf(other)).toHaveLength(1);
    const mine = requestsOf(GUEST)[0]._id;
    const theirs = requestsOf(other)[0]._id;
    expect(mine).not.toBe(theirs);
    requests.forEach((r, i) => expect([r.openid, r.id]).toEqual(i % 2 ? [other, theirs] : [GUEST, mine]));
    expect(claimOf(GUEST)).toMatchObject({ pendingId: mine });
    expect(claimOf(other)).toMatchObject({ pendingId: theirs });
  });

  test('after a rejection a request creates a new pending one; again at once, still one', async () => {
    const { inv, first } = await decidedRequest('join.reject');
    const again = (await Promise.all([ask(GUEST, inv.token), ask(GUEST, inv.token)])).map(ok);
    expect(again[0].id).not.toBe(first.id);
    expect(again[1].id).toBe(again[0].id);
    expect(
      requestsOf(GUEST)
        .map((d) => [d._id, d.status])
        .sort(),
    ).toEqual(
      [
        [first.id, 'rejected'],
        [again[0].id, 'pending'],
      ].sort(),
    );
    expect(claimOf(GUEST)).toMatchObject({ pendingId: again[0].id, seq: 2 });
    expect(ok(await env.as(GUEST)<MeStatus>({ action: 'me.status' })).joinRequest?.id).toBe(again[0].id);
    // the decision's audit record is as before: one, for the rejected request
    expect(audits('join.reject')).toHaveLength(1);
    expect(audits('join.reject')[0]).toMatchObject({ target: `join:${first.id}` });
  });

  test('requests decided within one second: the newest is the one numbered last, whatever the ids', async () => {
    // Every request and decision in the same second, as on a fast machine: only seq can tell them apart.
    const second = Math.floor(Date.now() / 1000);
    const clock = jest.spyOn(Date, 'now').mockReturnValue(second * 1000);
    try {
      const { invite: inv } = await invite();
      const ids: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const r = ok(await ask(GUEST, inv.token));
        ids.push(r.id);
        ok(await env.mgrSh<BatchResult>({ action: 'join.reject', ids: [r.id] }));
        const status = ok(await env.as(GUEST)<MeStatus>({ action: 'me.status' }));
        expect(status.joinRequest).toMatchObject({ id: r.id, status: 'rejected', createdAt: second });
      }
      expect(new Set(ids).size).toBe(4);
      expect(
        requestsOf(GUEST)
          .map((d) => d.seq)
          .sort(),
      ).toEqual([1, 2, 3, 4]);
    } finally {
      clock.mockRestore();
    }
  });

  test('after approval the claim is released and a new request is CONFLICT (already a promoter)', async () => {
    const { inv } = await decidedRequest('join.approve');
    const answers = await Promise.all([ask(GUEST, inv.token), ask(GUEST, inv.token)]);
    for (const answer of answers) expect(err(answer).code).toBe('CONFLICT');
    expect(requestsOf(GUEST).map((d) => d.status)).toEqual(['approved']);
  });

  test('a pending request stored without a claim (before claims existed) is the one updated', async () => {
    const { invite: inv } = await invite();
    await storePending('legacy-request-1', inv, '旧申请');
    const answers = (await Promise.all([ask(GUEST, inv.token), ask(GUEST, inv.token)])).map(ok);
    expect(answers.map((r) => r.id)).toEqual(['legacy-request-1', 'legacy-request-1']);
    expect(answers[0]).toMatchObject({ name: '周游', createdAt: inv.createdAt });
    expect(requestsOf(GUEST)).toHaveLength(1);
    expect(claimOf(GUEST)).toMatchObject({ pendingId: 'legacy-request-1' });
  });

  test('another writer committing the claim first: the commit conflicts, the retry updates its request', async () => {
    const { invite: inv } = await invite();
    const database = db();
    const runTransaction = database.runTransaction.bind(database);
    let raced = false;
    // The rival's request and claim land between our reads and our commit (the cloud refuses the
    // commit of a transaction whose documents another writer changed; the stand-in does the same).
    const spy = jest.spyOn(database, 'runTransaction').mockImplementation((work, retries) =>
      runTransaction(async (tx) => {
        const result = await work(tx);
        if (!raced) {
          raced = true;
          await storePending('rival-request', inv, '另一次申请');
          await putClaim('rival-request', inv.createdAt);
        }
        return result;
      }, retries),
    );
    try {
      const answer = ok(await ask(GUEST, inv.token));
      expect(answer).toMatchObject({ id: 'rival-request', name: '周游', status: 'pending' });
    } finally {
      spy.mockRestore();
    }
    expect(raced).toBe(true);
    expect(requestsOf(GUEST).map((d) => d._id)).toEqual(['rival-request']);
    expect(claimOf(GUEST)).toMatchObject({ pendingId: 'rival-request' });
  });

  test('a conflict on every attempt (beyond the database retries) is a retryable CONFLICT, nothing written', async () => {
    const { invite: inv } = await invite();
    // The mirror synced first, so the sync's lease transactions are not among those counted below.
    ok(await env.admin({ action: 'promoter.sync' }));
    const database = db();
    const runTransaction = database.runTransaction.bind(database);
    let attempts = 0;
    // Another writer changes the claim before every commit, so each attempt's commit is refused.
    const spy = jest.spyOn(database, 'runTransaction').mockImplementation((work, retries) =>
      runTransaction(async (tx) => {
        const result = await work(tx);
        attempts += 1;
        await putClaim(`rival-${attempts}`, inv.createdAt);
        return result;
      }, retries),
    );
    try {
      const e = err(await ask(GUEST, inv.token));
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toContain('请稍后重试');
    } finally {
      spy.mockRestore();
    }
    expect(attempts).toBe(4); // the first try and the SDK's 3 retries
    expect(requestsOf(GUEST)).toHaveLength(0);
    const retried = ok(await ask(GUEST, inv.token));
    expect(claimOf(GUEST)).toMatchObject({ pendingId: retried.id });
  });

  test('a claim left pointing at a decided request does not block a new one', async () => {
    const { inv, first } = await decidedRequest('join.reject');
    // as if a decision had been written without clearing the claim (e.g. by an older version)
    await putClaim(first.id, inv.createdAt);
    const next = ok(await ask(GUEST, inv.token));
    expect(next.id).not.toBe(first.id);
    expect(next.status).toBe('pending');
    expect(claimOf(GUEST)).toMatchObject({ pendingId: next.id });
  });
});
