/**
 * Roles, invites, join requests, me.status / me.whoami, and the whole flow:
 * invite.create → join.request (guest) → join.approve → bind in WeChat → list shows them bound.
 */
import type {
  BatchResult,
  Invite,
  InviteMaterial,
  JoinRequest,
  MeStatus,
  Page,
  Promoter,
  Role,
  WhoAmI,
} from '../../../typings/contract/index';
import { AUDIT_COLLECTION } from '../../../cloudfunctions/_shared/audit';
import { db } from '../../../cloudfunctions/_shared/db';
import { DEMO_APPS } from '../../../emulator/demo-data';
import { ADMIN, BJ, GUEST, MGR_SH, SH, ageSync, control, err, oid, ok, useStack } from './helpers';

const env = useStack();

const audits = (action: string) =>
  (env.stack.cloudbase.collections()[AUDIT_COLLECTION] ?? []).filter((a) => a.action === action);

async function invite(call = env.mgrSh, storeId = SH, roleId = 1) {
  return ok(
    await call<{ invite: Invite; material: InviteMaterial }>({ action: 'invite.create', storeId, roleId }),
  );
}

async function requestJoin(openid: string, token: string, name = '周游', phone = '13712345678') {
  return ok(await env.as(openid)<JoinRequest>({ action: 'join.request', inviteToken: token, name, phone }));
}

describe('roles', () => {
  test('list for staff; add and update for admins only, with audit', async () => {
    expect(
      ok(await env.mgrSh<{ items: Role[] }>({ action: 'role.list' })).items.map((r) => r.roleId),
    ).toEqual([1]);
    expect(err(await env.stranger({ action: 'role.list' })).code).toBe('FORBIDDEN');
    expect(err(await env.mgrSh({ action: 'role.add', name: '店员' })).code).toBe('FORBIDDEN');
    const role = ok(await env.admin<Role>({ action: 'role.add', name: '店员', desc: '门店在职员工' }));
    expect(role).toEqual({ roleId: 2, name: '店员', desc: '门店在职员工' });
    expect(err(await env.admin({ action: 'role.add', name: '店员' }))).toMatchObject({
      code: 'CONFLICT',
      field: 'name',
    });
    expect((await control(env.stack).calls('/promoter/addrole')).length).toBe(1);
    expect(err(await env.mgrSh({ action: 'role.update', roleId: 2, name: 'x' })).code).toBe('FORBIDDEN');
    const renamed = ok(await env.admin<Role>({ action: 'role.update', roleId: 2, name: '资深店员' }));
    expect(renamed).toEqual({ roleId: 2, name: '资深店员', desc: '门店在职员工' });
    expect(err(await env.admin({ action: 'role.update', roleId: 9, name: 'x' })).code).toBe('NOT_FOUND');
    expect(err(await env.admin({ action: 'role.update', roleId: 2 })).code).toBe('INVALID_ARGUMENT');
    expect(err(await env.admin({ action: 'role.add', name: '名'.repeat(17) }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'name',
    });
    expect(audits('role.add')[0]).toMatchObject({ before: null, after: { roleId: 2, name: '店员' } });
    expect(audits('role.update')[0]).toMatchObject({ before: { name: '店员' }, after: { name: '资深店员' } });
  });

  test('the 100-role cap is QUOTA_EXCEEDED before calling WeChat', async () => {
    for (let i = 2; i <= 100; i++) ok(await env.admin({ action: 'role.add', name: `角色${i}` }));
    const e = err(await env.admin({ action: 'role.add', name: '第101个' }));
    expect(e.code).toBe('QUOTA_EXCEEDED');
    expect((await control(env.stack).calls('/promoter/addrole')).length).toBe(99);
  });
});

describe('invites', () => {
  test('create: token, share path, 30-day expiry, material; get for anyone', async () => {
    const { invite: inv, material } = await invite();
    expect(inv.token).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect(inv).toMatchObject({
      storeId: SH,
      storeName: '上海徐汇店',
      roleId: 1,
      roleName: '推广员',
      createdBy: MGR_SH,
    });
    expect(inv.sharePath).toBe(`/pages/join/index?invite=${inv.token}`);
    expect(inv.expiresAt - inv.createdAt).toBe(30 * 86400);
    expect(material.poster).toBeTruthy();
    const [call] = await control(env.stack).calls('/promoter/getinvitationmaterial');
    expect(call.body).toEqual({ role_id: 1, invitation_type: 0 });
    const seen = ok(
      await env.as(GUEST)<Invite & { expired: boolean }>({ action: 'invite.get', token: inv.token }),
    );
    expect(seen).toEqual({ ...inv, expired: false });
    expect(audits('invite.create')).toHaveLength(1);
    const link = ok(
      await env.admin<{ material: InviteMaterial }>({
        action: 'invite.create',
        storeId: BJ,
        roleId: 1,
        invitationType: 2,
      }),
    );
    expect(link.material.tag).toBeTruthy();
  });

  test('create: store-checked, known store and role; get: unknown token NOT_FOUND', async () => {
    expect(err(await env.mgrSh({ action: 'invite.create', storeId: BJ, roleId: 1 })).code).toBe('FORBIDDEN');
    expect(err(await env.stranger({ action: 'invite.create', storeId: SH, roleId: 1 })).code).toBe(
      'FORBIDDEN',
    );
    expect(err(await env.admin({ action: 'invite.create', storeId: 'NOPE', roleId: 1 }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'storeId',
    });
    expect(err(await env.admin({ action: 'invite.create', storeId: SH, roleId: 5 }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'roleId',
    });
    expect(await control(env.stack).calls('/promoter/getinvitationmaterial')).toHaveLength(0);
    expect(err(await env.as(GUEST)({ action: 'invite.get', token: 'x'.repeat(24) })).code).toBe('NOT_FOUND');
    expect(err(await env.as(GUEST)({ action: 'invite.get', token: 'bad token' })).field).toBe('token');
  });

  test('an expired invite shows expired and refuses join requests', async () => {
    const { invite: inv } = await invite();
    await db()
      .collection<{ _id: string; expiresAt: number }>('invites')
      .doc(inv.token)
      .update({ data: { expiresAt: inv.createdAt - 1 } });
    expect(
      ok(await env.as(GUEST)<{ expired: boolean }>({ action: 'invite.get', token: inv.token })).expired,
    ).toBe(true);
    const e = err(
      await env.as(GUEST)({
        action: 'join.request',
        inviteToken: inv.token,
        name: '周游',
        phone: '13712345678',
      }),
    );
    expect(e).toMatchObject({ code: 'FAILED_PRECONDITION', field: 'inviteToken' });
  });
});

describe('join requests', () => {
  test('request uses the caller openid, one pending per person, rules per field', async () => {
    const { invite: inv } = await invite();
    const first = await requestJoin(GUEST, inv.token);
    expect(first).toMatchObject({ openid: GUEST, storeId: SH, roleId: 1, status: 'pending', name: '周游' });
    const second = await requestJoin(GUEST, inv.token, '周游二', '13700000000');
    expect(second.id).toBe(first.id);
    expect(second.name).toBe('周游二');
    expect(env.stack.cloudbase.collections().join_requests).toHaveLength(1);
    // an openid in params is not accepted at all
    expect(
      err(
        await env.as(GUEST)({
          action: 'join.request',
          inviteToken: inv.token,
          name: 'a',
          phone: '1',
          openid: oid('X'),
        }),
      ).code,
    ).toBe('INVALID_ARGUMENT');
    expect(
      err(await env.as(GUEST)({ action: 'join.request', inviteToken: inv.token, name: '', phone: '137' }))
        .field,
    ).toBe('name');
    expect(
      err(await env.as(GUEST)({ action: 'join.request', inviteToken: inv.token, name: 'a', phone: 'abc' }))
        .field,
    ).toBe('phone');
    expect(
      err(
        await env.as(GUEST)({ action: 'join.request', inviteToken: 'y'.repeat(24), name: 'a', phone: '137' }),
      ).code,
    ).toBe('NOT_FOUND');
  });

  test('a declared promoter asking again is CONFLICT', async () => {
    ok(
      await env.admin({ action: 'promoter.declare', promoters: [{ openid: GUEST, roleId: 1, storeId: SH }] }),
    );
    const { invite: inv } = await invite();
    expect(
      err(await env.as(GUEST)({ action: 'join.request', inviteToken: inv.token, name: '周游', phone: '137' }))
        .code,
    ).toBe('CONFLICT');
  });

  test('list: managers see their stores only, status filter, paging', async () => {
    const sh = (await invite()).invite;
    const bj = (await invite(env.admin, BJ)).invite;
    for (let i = 0; i < 3; i++) await requestJoin(oid(`J-sh-${i}`), sh.token);
    await requestJoin(oid('J-bj'), bj.token);
    const mine = ok(await env.mgrSh<Page<JoinRequest>>({ action: 'join.list', limit: 2 }));
    expect(mine.total).toBe(3);
    expect(mine.items).toHaveLength(2);
    const rest = ok(
      await env.mgrSh<Page<JoinRequest>>({ action: 'join.list', limit: 2, cursor: mine.nextCursor }),
    );
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeUndefined();
    expect(new Set([...mine.items, ...rest.items].map((r) => r.id)).size).toBe(3);
    expect(ok(await env.admin<Page<JoinRequest>>({ action: 'join.list' })).total).toBe(4);
    expect(ok(await env.admin<Page<JoinRequest>>({ action: 'join.list', status: 'approved' })).total).toBe(0);
    expect(err(await env.mgrSh({ action: 'join.list', storeId: BJ })).code).toBe('FORBIDDEN');
    expect(err(await env.as(GUEST)({ action: 'join.list' })).code).toBe('FORBIDDEN');
  });

  test('approve declares through the declare path; per-id results; managers only their stores', async () => {
    const sh = (await invite()).invite;
    const bj = (await invite(env.admin, BJ)).invite;
    const a = await requestJoin(oid('Ap-a'), sh.token, '甲', '13700000001');
    const b = await requestJoin(oid('Ap-b'), bj.token);
    const result = ok(await env.mgrSh<BatchResult>({ action: 'join.approve', ids: [a.id, b.id, 'nope'] }));
    expect(result.done).toEqual([a.id]);
    expect(result.failed.map((f) => [f.id, f.code])).toEqual([
      [b.id, 'FORBIDDEN'],
      ['nope', 'NOT_FOUND'],
    ]);
    const [call] = await control(env.stack).calls('/promoter/addpromoter');
    expect(call.body).toEqual({
      promoter_list: [{ openid: oid('Ap-a'), role_id: 1, retail_id: SH, name: '甲', phone: '13700000001' }],
    });
    const approved = ok(await env.mgrSh<Page<JoinRequest>>({ action: 'join.list', status: 'approved' }))
      .items[0];
    expect(approved).toMatchObject({ id: a.id, status: 'approved', decidedBy: MGR_SH });
    expect(approved.promoterId).toBeTruthy();
    const again = ok(await env.mgrSh<BatchResult>({ action: 'join.approve', ids: [a.id] }));
    expect(again.failed[0].code).toBe('CONFLICT');
    expect(audits('join.approve')[0]).toMatchObject({
      before: { status: 'pending' },
      after: { status: 'approved' },
    });
    expect(err(await env.mgrSh({ action: 'join.approve', ids: [] })).field).toBe('ids');
    expect(err(await env.mgrSh({ action: 'join.approve', ids: Array(51).fill('x') })).field).toBe('ids');
  });

  test('approve: a WeChat failure leaves the request pending', async () => {
    const sh = (await invite()).invite;
    const a = await requestJoin(oid('Ap-fail'), sh.token);
    await control(env.stack).faults([{ kind: 'errcode', errcode: 48001, path: '/promoter/addpromoter' }]);
    const result = ok(await env.mgrSh<BatchResult>({ action: 'join.approve', ids: [a.id] }));
    expect(result.done).toEqual([]);
    expect(result.failed[0]).toMatchObject({ id: a.id, code: 'UPSTREAM_ERROR' });
    expect(ok(await env.mgrSh<Page<JoinRequest>>({ action: 'join.list' })).items[0].status).toBe('pending');
    expect(audits('join.approve')).toHaveLength(0);
  });

  test('reject with a reason; twice is CONFLICT; reason limit', async () => {
    const sh = (await invite()).invite;
    const a = await requestJoin(oid('Rj-a'), sh.token);
    expect(err(await env.mgrSh({ action: 'join.reject', ids: [a.id], reason: '长'.repeat(67) })).field).toBe(
      'reason',
    );
    expect(ok(await env.mgrBj<BatchResult>({ action: 'join.reject', ids: [a.id] })).failed[0].code).toBe(
      'FORBIDDEN',
    );
    const result = ok(
      await env.mgrSh<BatchResult>({ action: 'join.reject', ids: [a.id], reason: '名额已满' }),
    );
    expect(result).toEqual({ done: [a.id], failed: [] });
    const [doc] = ok(await env.mgrSh<Page<JoinRequest>>({ action: 'join.list' })).items;
    expect(doc).toMatchObject({ status: 'rejected', reason: '名额已满', decidedBy: MGR_SH });
    expect(ok(await env.mgrSh<BatchResult>({ action: 'join.reject', ids: [a.id] })).failed[0].code).toBe(
      'CONFLICT',
    );
    expect(audits('join.reject')).toHaveLength(1);
    expect(await control(env.stack).calls('/promoter/addpromoter')).toHaveLength(0);
  });
});

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

describe('deciding under concurrency', () => {
  test('two rejects of one request at the same moment: one is done, the other CONFLICT; one audit record', async () => {
    const { invite: inv } = await invite();
    const request = requestJoin(GUEST, inv.token);
    const { id } = await request;
    const [a, b] = await Promise.all([
      env.mgrSh<BatchResult>({ action: 'join.reject', ids: [id], reason: '名额已满' }),
      env.admin<BatchResult>({ action: 'join.reject', ids: [id] }),
    ]);
    const results = [ok(a), ok(b)];
    expect(results.flatMap((r) => r.done)).toEqual([id]);
    expect(results.flatMap((r) => r.failed)).toEqual([
      { id, code: 'CONFLICT', message: expect.stringContaining('已被他人处理') },
    ]);
    expect(audits('join.reject')).toHaveLength(1);
  });

  test('me.status shows the new pending request even when a rejected one has the same createdAt second', async () => {
    const { invite: inv } = await invite();
    const first = await requestJoin(GUEST, inv.token, '周游');
    ok(await env.mgrSh<BatchResult>({ action: 'join.reject', ids: [first.id] }));
    const second = await requestJoin(GUEST, inv.token, '周游游');
    // the same second on purpose: the rejected one must not win the tie
    await db()
      .collection('join_requests')
      .doc(second.id)
      .update({ data: { createdAt: first.createdAt } });
    const status = ok(await env.as(GUEST)<MeStatus>({ action: 'me.status' }));
    expect(status.joinRequest).toMatchObject({ id: second.id, status: 'pending', name: '周游游' });
  });
});

describe('me', () => {
  test('whoami: admin (all stores), manager (their stores), promoter, guest', async () => {
    expect(ok(await env.admin<WhoAmI>({ action: 'me.whoami' }))).toMatchObject({
      openid: ADMIN,
      role: 'admin',
      storeIds: [BJ, SH].sort(),
    });
    expect(ok(await env.mgrSh<WhoAmI>({ action: 'me.whoami' }))).toMatchObject({
      role: 'manager',
      storeIds: [SH],
    });
    expect(ok(await env.as(GUEST)<WhoAmI>({ action: 'me.whoami' }))).toEqual({
      openid: GUEST,
      role: 'guest',
      storeIds: [],
    });
    const { invite: inv } = await invite();
    await requestJoin(GUEST, inv.token);
    expect(ok(await env.as(GUEST)<WhoAmI>({ action: 'me.whoami' }))).toMatchObject({
      role: 'promoter',
      name: '周游',
    });
  });

  test('status for a stranger: nothing', async () => {
    expect(ok(await env.stranger<MeStatus>({ action: 'me.status' }))).toEqual({
      openid: expect.any(String),
      promoter: null,
      joinRequest: null,
    });
  });
});

test('the whole flow: invite → join request → approve → bind in WeChat → listed as bound', async () => {
  const { invite: inv } = await invite();
  const guest = env.as(GUEST);
  const seen = ok(await guest<Invite & { expired: boolean }>({ action: 'invite.get', token: inv.token }));
  expect(seen.expired).toBe(false);
  const request = await requestJoin(GUEST, inv.token);
  const pending = ok(await guest<MeStatus>({ action: 'me.status' }));
  expect(pending.promoter).toBeNull();
  expect(pending.joinRequest).toMatchObject({ id: request.id, status: 'pending' });

  const approved = ok(await env.mgrSh<BatchResult>({ action: 'join.approve', ids: [request.id] }));
  expect(approved.done).toEqual([request.id]);

  const awaiting = ok(await guest<MeStatus>({ action: 'me.status' }));
  expect(awaiting.promoter).toMatchObject({ openid: GUEST, storeId: SH, status: 'awaiting' });
  expect(awaiting.joinRequest?.status).toBe('approved');
  expect(awaiting.bind).toEqual({
    appId: 'wx97537671f13cd770',
    path: `/pages/bindPromoter/bindPromoter?appid=${DEMO_APPS.miniProgram.appid}&role=1&openType=2`,
  });

  // The promoter authorizes in WeChat's bind mini program.
  await control(env.stack).bind(GUEST, 'authorize');
  await ageSync(20);
  const listed = ok(await env.mgrSh<Page<Promoter>>({ action: 'promoter.list', status: 'bound' }));
  expect(listed.items.map((p) => p.openid)).toEqual([GUEST]);
  const bound = ok(await guest<MeStatus>({ action: 'me.status' }));
  expect(bound.promoter?.status).toBe('bound');
  expect(bound.bind).toBeUndefined();
});

test('someone whose declaration was cancelled comes back through an invite and is approved again', async () => {
  const { invite: first } = await invite();
  const request = await requestJoin(GUEST, first.token);
  ok(await env.mgrSh<BatchResult>({ action: 'join.approve', ids: [request.id] }));
  const [p] = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list', openid: GUEST })).items;
  ok(await env.mgrSh({ action: 'promoter.cancel', id: p.id }));

  // They ask again, this time through an invite of the other store with role 1.
  const { invite: second } = await invite(env.admin, BJ);
  const again = await requestJoin(GUEST, second.token, '周游', '13700000000');
  const decided = ok(await env.admin<BatchResult>({ action: 'join.approve', ids: [again.id] }));
  expect(decided).toEqual({ done: [again.id], failed: [] });
  const status = ok(await env.as(GUEST)<MeStatus>({ action: 'me.status' }));
  expect(status.promoter).toMatchObject({ id: p.id, storeId: BJ, declStatus: 1, status: 'awaiting' });
  expect(status.joinRequest).toMatchObject({ id: again.id, status: 'approved', promoterId: p.id });
});
