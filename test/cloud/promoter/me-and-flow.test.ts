/**
 * me.whoami / me.status, and the whole flow:
 * invite.create → join.request (guest) → join.approve → bind in WeChat → list shows them bound.
 */
import {
  type BatchResult,
  type Invite,
  type MeStatus,
  type Page,
  type Promoter,
  type WhoAmI,
} from '../../../typings/contract/index';
import { DEMO_APPS } from '../../../emulator/demo-data';
import { ADMIN, BJ, GUEST, SH, ageSync, control, ok } from './helpers';
import { useJoinStack } from './join-helpers';

const env = useJoinStack();
const { invite, requestJoin } = env;

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
      authorizeTemplateId: expect.any(String),
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
}, 30_000); // about 15 function calls in one flow: legitimately heavy on a busy machine

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
