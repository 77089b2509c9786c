/**
 * Deciding join requests under concurrency, repeats and faults (the claim protocol in
 * cloudfunctions/promoter/src/join-decisions.ts).
 */
import type { BatchResult, JoinRequest, MeStatus, Page, Promoter } from '../../../typings/contract/index';
import { db } from '../../../cloudfunctions/_shared/db';
import { LEASES_COLLECTION } from '../../../cloudfunctions/_shared/lease';
import { wechatControl } from '../harness';
import { ADMIN, GUEST, MGR_SH, SH, control, ok } from './helpers';
import { useJoinStack } from './join-helpers';

const env = useJoinStack();
const { audits, invite, requestJoin } = env;

describe('deciding under concurrency', () => {
  /** Every WeChat call takes `ms` (the stand-in's latency), so calls overlap as in production. */
  const latency = (ms: number) =>
    wechatControl(env.stack).raw('POST', '/__control/faults', { latencyMs: ms });
  const requestOf = (id: string) =>
    (env.stack.cloudbase.collections().join_requests ?? []).find((d) => d._id === id) as
      (JoinRequest & { _id: string }) | undefined;
  const declaredInWechat = async (openid: string) =>
    (await control(env.stack).state()).miniProgram.promoters.filter(
      (p) => p.openid === openid && p.declStatus === 1,
    );

  test('two rejects of one request at the same moment: both answer done, one decision, one audit record', async () => {
    const { invite: inv } = await invite();
    const { id } = await requestJoin(GUEST, inv.token);
    const [a, b] = await Promise.all([
      env.mgrSh<BatchResult>({ action: 'join.reject', ids: [id], reason: '名额已满' }),
      env.admin<BatchResult>({ action: 'join.reject', ids: [id] }),
    ]);
    expect([ok(a), ok(b)]).toEqual([
      { done: [id], failed: [] },
      { done: [id], failed: [] },
    ]);
    expect(audits('join.reject')).toHaveLength(1);
    expect(env.stack.cloudbase.collections()[LEASES_COLLECTION] ?? []).toEqual([]);
  });

  test('approve and reject of one request at once (WeChat at 300 ms): one decision, consistent with WeChat', async () => {
    const { invite: inv } = await invite();
    const { id } = await requestJoin(GUEST, inv.token);
    await latency(300);
    const [approve, reject] = await Promise.all([
      env.mgrSh<BatchResult>({ action: 'join.approve', ids: [id] }),
      env.admin<BatchResult>({ action: 'join.reject', ids: [id] }),
    ]);
    const answers = [ok(approve), ok(reject)];
    expect(answers.flatMap((r) => r.done)).toEqual([id]);
    expect(answers.flatMap((r) => r.failed.map((f) => f.code))).toEqual(['CONFLICT']);
    const stored = requestOf(id);
    const declared = await declaredInWechat(GUEST);
    if (stored?.status === 'approved') {
      expect(declared).toHaveLength(1);
      expect(audits('join.approve')).toHaveLength(1);
      expect(audits('join.reject')).toHaveLength(0);
    } else {
      expect(stored?.status).toBe('rejected');
      expect(declared).toHaveLength(0);
      expect(await control(env.stack).calls('/promoter/addpromoter')).toHaveLength(0);
      expect(audits('join.reject')).toHaveLength(1);
      expect(audits('join.approve')).toHaveLength(0);
    }
  });

  test('20 approves of one request at once (WeChat at 300 ms): one addpromoter, every answer done', async () => {
    const { invite: inv } = await invite();
    const { id } = await requestJoin(GUEST, inv.token);
    await latency(300);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? env.admin : env.mgrSh)<BatchResult>({ action: 'join.approve', ids: [id] }),
      ),
    );
    for (const answer of answers) expect(ok(answer)).toEqual({ done: [id], failed: [] });
    expect(await control(env.stack).calls('/promoter/addpromoter')).toHaveLength(1);
    expect(audits('join.approve')).toHaveLength(1);
    expect(requestOf(id)).toMatchObject({ status: 'approved', promoterId: expect.any(String) });
  }, 30_000);

  test('WeChat failing right after the declaration: the request is approved and audited all the same', async () => {
    const { invite: inv } = await invite();
    const { id } = await requestJoin(GUEST, inv.token);
    // getpromoter (learning the new promoter's id) fails once, after addpromoter accepted the row
    await control(env.stack).faults([{ kind: 'errcode', errcode: 48001, path: '/promoter/getpromoter' }]);
    const result = ok(await env.mgrSh<BatchResult>({ action: 'join.approve', ids: [id] }));
    expect(result).toEqual({ done: [id], failed: [] });
    expect(requestOf(id)).toMatchObject({ status: 'approved', decidedBy: MGR_SH });
    expect(audits('join.approve')).toHaveLength(1);
    expect(await declaredInWechat(GUEST)).toHaveLength(1);
    // the mirror was marked stale: the next read learns the promoter and its id
    const listed = ok(await env.mgrSh<Page<Promoter>>({ action: 'promoter.list', openid: GUEST })).items;
    expect(listed.map((p) => p.openid)).toEqual([GUEST]);
  });

  /** A lease of `join:<id>` left by an approve that crashed `ageS` seconds ago. */
  async function crashedApprove(id: string, ageS: number): Promise<void> {
    await db()
      .collection<{ _id: string }>(LEASES_COLLECTION)
      .doc(`join:${id}`)
      .set({
        data: {
          token: 'crashed',
          action: 'join.approve',
          by: MGR_SH,
          at: Math.floor(Date.now() / 1000) - ageS,
        },
      });
  }

  test('an approve that crashed after declaring: a reject taking its stale claim over completes the approval', async () => {
    const { invite: inv } = await invite();
    const { id } = await requestJoin(GUEST, inv.token);
    // what the crashed approve got done in WeChat before dying
    ok(
      await env.admin({ action: 'promoter.declare', promoters: [{ openid: GUEST, roleId: 1, storeId: SH }] }),
    );
    await crashedApprove(id, 100);
    const result = ok(await env.admin<BatchResult>({ action: 'join.reject', ids: [id] }));
    expect(result.done).toEqual([]);
    expect(result.failed).toEqual([{ id, code: 'CONFLICT', message: expect.stringContaining('已通过') }]);
    expect(requestOf(id)).toMatchObject({
      status: 'approved',
      decidedBy: MGR_SH,
      promoterId: expect.any(String),
    });
    expect(audits('join.approve')).toHaveLength(1);
    expect(audits('join.reject')).toHaveLength(0);
    expect(env.stack.cloudbase.collections()[LEASES_COLLECTION] ?? []).toEqual([]);
  });

  test('a crashed claim that declared nothing is taken over after 70 s; a live one is waited for', async () => {
    const { invite: inv } = await invite();
    const first = await requestJoin(GUEST, inv.token);
    await crashedApprove(first.id, 100);
    expect(ok(await env.admin<BatchResult>({ action: 'join.reject', ids: [first.id] })).done).toEqual([
      first.id,
    ]);
    expect(requestOf(first.id)?.status).toBe('rejected');

    // A live claim (10 s old): the approve waits until its holder is done, then finds the decision.
    const second = await requestJoin(GUEST, inv.token);
    await crashedApprove(second.id, 10);
    const waiting = env.mgrSh<BatchResult>({ action: 'join.approve', ids: [second.id] });
    const leases = db().collection<{ _id: string }>(LEASES_COLLECTION);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(requestOf(second.id)?.status).toBe('pending');
    await leases.doc(`join:${second.id}`).remove();
    expect(ok(await waiting)).toEqual({ done: [second.id], failed: [] });
    expect(requestOf(second.id)).toMatchObject({ status: 'approved', decidedBy: MGR_SH });
    expect(audits('join.approve').map((a) => (a.actor as { openid: string }).openid)).toEqual([MGR_SH]);
    expect(ADMIN).not.toBe(MGR_SH);
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
