/**
 * The access-control matrix: every promoter / invite / join / message / stats action as an admin, the
 * manager of the store, the manager of another store, a promoter and a stranger.
 * `ok` = allowed; `F` = FORBIDDEN for the whole call; `rowF` = the call answers, the item is FORBIDDEN.
 */
import type { CloudResponse, Page, Promoter } from '../../../typings/contract/index';
import { offContract, resetDatabase, wechatControl } from '../harness';
import { ADMIN, MGR_BJ, MGR_SH, SH, STRANGER, control, oid, ok, seedStaffDocs, useStack } from './helpers';

const env = useStack();
const PROMOTER = oid('Matrix-promoter');
const JOINER = oid('Matrix-joiner');

interface Fixture {
  id: string;
  token: string;
  requestId: string;
}

async function fixture(): Promise<Fixture> {
  ok(
    await env.admin({
      action: 'promoter.declare',
      promoters: [{ openid: PROMOTER, roleId: 1, storeId: SH }],
    }),
  );
  await control(env.stack).bind(PROMOTER, 'authorize');
  const id = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list' })).items[0].id;
  const token = ok(
    await env.admin<{ invite: { token: string } }>({ action: 'invite.create', storeId: SH, roleId: 1 }),
  ).invite.token;
  const request = ok(
    await env.as(JOINER)<{ id: string }>({
      action: 'join.request',
      inviteToken: token,
      name: '申请人',
      phone: '13700000000',
    }),
  );
  return { id, token, requestId: request.id };
}

type Outcome = 'ok' | 'F' | 'rowF' | string;

function outcome(answer: CloudResponse<unknown>): Outcome {
  if (!answer.ok) return answer.error.code === 'FORBIDDEN' ? 'F' : answer.error.code;
  const { failed, rows } = answer.data as { failed?: { code: string }[]; rows?: { outcome: string }[] };
  if (failed?.some((f) => f.code === 'FORBIDDEN')) return 'rowF';
  if (rows?.some((r) => r.outcome === 'forbidden')) return 'rowF';
  return 'ok';
}

const CALLERS = {
  admin: ADMIN,
  mgrOfStore: MGR_SH,
  mgrOther: MGR_BJ,
  promoter: PROMOTER,
  stranger: STRANGER,
};
type CallerName = keyof typeof CALLERS;

//            action               params                                                   admin  mgrSH   mgrBJ   promoter stranger
const MATRIX: [string, (f: Fixture) => Record<string, unknown>, Outcome[]][] = [
  [
    'promoter.declare',
    () => ({ promoters: [{ openid: oid('New-one'), roleId: 1, storeId: SH }] }),
    ['ok', 'ok', 'rowF', 'F', 'F'],
  ],
  ['promoter.list', () => ({ storeId: SH }), ['ok', 'ok', 'F', 'F', 'F']],
  ['promoter.get', (f) => ({ id: f.id }), ['ok', 'ok', 'F', 'F', 'F']],
  ['promoter.update', (f) => ({ id: f.id, name: '改名' }), ['ok', 'ok', 'F', 'F', 'F']],
  ['promoter.cancel', (f) => ({ id: f.id }), ['ok', 'ok', 'F', 'F', 'F']],
  // redeclaring someone already declared is a repeat: it answers the promoter, WeChat untouched
  ['promoter.redeclare', (f) => ({ id: f.id }), ['ok', 'ok', 'F', 'F', 'F']],
  ['promoter.sync', () => ({}), ['ok', 'F', 'F', 'F', 'F']],
  ['promoter.remind', (f) => ({ ids: [f.id] }), ['ok', 'ok', 'rowF', 'F', 'F']],
  ['promoter.remind', () => ({ waitingDays: 0, storeId: SH }), ['ok', 'ok', 'F', 'F', 'F']],
  ['role.list', () => ({}), ['ok', 'ok', 'ok', 'F', 'F']],
  ['role.add', () => ({ name: '新角色' }), ['ok', 'F', 'F', 'F', 'F']],
  ['invite.create', () => ({ storeId: SH, roleId: 1 }), ['ok', 'ok', 'F', 'F', 'F']],
  ['invite.get', (f) => ({ token: f.token }), ['ok', 'ok', 'ok', 'ok', 'ok']],
  [
    'join.request',
    (f) => ({ inviteToken: f.token, name: '某人', phone: '13700000001' }),
    ['ok', 'ok', 'ok', 'CONFLICT', 'ok'],
  ],
  ['join.list', () => ({ storeId: SH }), ['ok', 'ok', 'F', 'F', 'F']],
  ['join.approve', (f) => ({ ids: [f.requestId] }), ['ok', 'ok', 'rowF', 'F', 'F']],
  ['join.reject', (f) => ({ ids: [f.requestId] }), ['ok', 'ok', 'rowF', 'F', 'F']],
  ['share.material', (f) => ({ id: f.id, path: 'pages/index/index' }), ['ok', 'ok', 'F', 'F', 'F']],
  [
    'message.send',
    () => ({
      msgType: 1,
      content: { title: 't' },
      path: 'pages/index/index',
      audience: { kind: 'store', storeIds: [SH] },
    }),
    ['ok', 'ok', 'F', 'F', 'F'],
  ],
  ['message.list', () => ({}), ['ok', 'ok', 'ok', 'F', 'F']],
  // by type WeChat sums every sender's messages: admins only; by message a manager gets their own rows
  [
    'message.clicks',
    () => ({ sendDate: '2026-11-22', dimension: 'type', msgType: 1 }),
    ['ok', 'F', 'F', 'F', 'F'],
  ],
  [
    'message.clicks',
    () => ({ sendDate: '2026-11-22', dimension: 'msg', msgType: 1 }),
    ['ok', 'ok', 'ok', 'F', 'F'],
  ],
  ['stats.summary', () => ({ storeId: SH }), ['ok', 'ok', 'F', 'F', 'F']],
  ['stats.relations', (f) => ({ id: f.id }), ['ok', 'ok', 'F', 'F', 'F']],
  ['stats.orders', (f) => ({ id: f.id }), ['ok', 'ok', 'F', 'F', 'F']],
  ['stats.results', () => ({ storeId: SH, days: 7 }), ['ok', 'ok', 'F', 'F', 'F']],
  // without a store: everyone on staff gets their own stores' results
  ['stats.results', () => ({ days: 30 }), ['ok', 'ok', 'ok', 'F', 'F']],
  ['stats.refreshResults', () => ({}), ['ok', 'F', 'F', 'F', 'F']],
  ['me.status', () => ({}), ['ok', 'ok', 'ok', 'ok', 'ok']],
  ['me.whoami', () => ({}), ['ok', 'ok', 'ok', 'ok', 'ok']],
  ['me.subscribe', () => ({ templateIds: ['any-template'] }), ['ok', 'ok', 'ok', 'ok', 'ok']],
];

/** Actions whose first success changes what the next caller sees: each caller gets a fresh world. */
const STATEFUL = new Set(['promoter.cancel', 'join.approve', 'join.reject']);

async function freshWorld(): Promise<void> {
  resetDatabase(env.stack);
  await wechatControl(env.stack).reset({ keepTokens: true });
  seedStaffDocs(env.stack);
}

test.each(MATRIX)('%s', async (action, params, expected) => {
  const outcomes: Outcome[] = [];
  let f = await fixture();
  for (const [i, caller] of (Object.keys(CALLERS) as CallerName[]).entries()) {
    if (STATEFUL.has(action) && i > 0) {
      await freshWorld();
      f = await fixture();
    }
    outcomes.push(outcome(await env.as(CALLERS[caller])(offContract({ action, ...params(f) }))));
  }
  // one row of the matrix: admin, manager of the store, manager of another store, promoter, stranger
  expect(outcomes).toEqual(expected);
});

test('a forbidden write leaves WeChat untouched', async () => {
  const f = await fixture();
  await control(env.stack).clearCalls();
  for (const action of ['promoter.update', 'promoter.cancel'] as const) {
    expect(
      outcome(await env.mgrBj({ action, id: f.id, ...(action === 'promoter.update' ? { name: 'x' } : {}) })),
    ).toBe('F');
  }
  expect(await control(env.stack).calls('/promoter/updatepromoter')).toHaveLength(0);
});
