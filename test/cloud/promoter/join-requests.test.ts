/**
 * join.request / list / approve / reject, one call at a time.
 */
import { type BatchResult, type JoinRequest, type Page } from '../../../typings/contract/index';
import { BJ, GUEST, MGR_SH, SH, control, err, oid, ok } from './helpers';
import { useJoinStack } from './join-helpers';

const env = useJoinStack();
const { audits, invite, requestJoin } = env;

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
    // ids are claimed (and failures found) in id order, and request ids are random: compare as a set
    expect(Object.fromEntries(result.failed.map((f) => [f.id, f.code]))).toEqual({
      [b.id]: 'FORBIDDEN',
      nope: 'NOT_FOUND',
    });
    const [call] = await control(env.stack).calls('/promoter/addpromoter');
    expect(call.body).toEqual({
      promoter_list: [{ openid: oid('Ap-a'), role_id: 1, retail_id: SH, name: '甲', phone: '13700000001' }],
    });
    const approved = ok(await env.mgrSh<Page<JoinRequest>>({ action: 'join.list', status: 'approved' }))
      .items[0];
    expect(approved).toMatchObject({ id: a.id, status: 'approved', decidedBy: MGR_SH });
    expect(approved.promoterId).toBeTruthy();
    // approving it again is the success it already is, without calling WeChat again
    const again = ok(await env.mgrSh<BatchResult>({ action: 'join.approve', ids: [a.id] }));
    expect(again).toEqual({ done: [a.id], failed: [] });
    expect(await control(env.stack).calls('/promoter/addpromoter')).toHaveLength(1);
    expect(ok(await env.mgrSh<BatchResult>({ action: 'join.reject', ids: [a.id] })).failed[0].code).toBe(
      'CONFLICT',
    );
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

  test('reject with a reason; twice is done once; reason limit', async () => {
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
    expect(ok(await env.mgrSh<BatchResult>({ action: 'join.reject', ids: [a.id] }))).toEqual({
      done: [a.id],
      failed: [],
    });
    expect(ok(await env.mgrSh<BatchResult>({ action: 'join.approve', ids: [a.id] })).failed[0].code).toBe(
      'CONFLICT',
    );
    expect(audits('join.reject')).toHaveLength(1);
    expect(await control(env.stack).calls('/promoter/addpromoter')).toHaveLength(0);
  });
});
