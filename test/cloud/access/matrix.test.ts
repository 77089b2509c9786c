/**
 * The access-control matrix of the admin, userinfo and customparam actions: HQ admin, the manager of
 * the store concerned, the manager of another store, a promoter and a stranger. A refused call is
 * FORBIDDEN, changes nothing and calls no WeChat API.
 */
import { DEMO_OPEN_ACCOUNTS, demoId } from '../../../emulator/demo-data';
import { type StoredDoc, collection } from '../../../cloudfunctions/_shared/db';
import type { FunctionName } from '../../../typings/contract/index';
import { offContract, useTestStack, wechatControl } from '../harness';
import { ADMIN, MANAGER_BJ, MANAGER_SH, STRANGER, errorOf, okData, seedStaff } from '../core/helpers';

type AnyDoc = StoredDoc & Record<string, unknown>;

const env = useTestStack();

const PROMOTER = demoId('Matrix-promoter');
const SH_UNIONID = demoId('Matrix-u-sh', 'u');
const FAN = demoId('Matrix-fan');
const NEW_STAFF = demoId('Matrix-new');

type Who = 'admin' | 'storeManager' | 'otherManager' | 'promoter' | 'stranger';
const OPENIDS: Record<Who, string> = {
  admin: ADMIN,
  storeManager: MANAGER_SH, // runs SH-XUHUI, the store every case below is about
  otherManager: MANAGER_BJ,
  promoter: PROMOTER,
  stranger: STRANGER,
};
const ALL: Who[] = ['admin', 'storeManager', 'otherManager', 'promoter', 'stranger'];
const STAFF: Who[] = ['admin', 'storeManager', 'otherManager'];
const ADMIN_ONLY: Who[] = ['admin'];
const STORE_STAFF: Who[] = ['admin', 'storeManager'];

const CASES: Array<[FunctionName, Record<string, unknown> & { action: string }, Who[]]> = [
  ['admin', { action: 'manager.list' }, ADMIN_ONLY],
  [
    'admin',
    { action: 'manager.add', openid: NEW_STAFF, name: '新店长', role: 'manager', storeIds: ['SH-XUHUI'] },
    ADMIN_ONLY,
  ],
  ['admin', { action: 'manager.update', openid: MANAGER_BJ, name: '李经理' }, ADMIN_ONLY],
  ['admin', { action: 'manager.remove', openid: MANAGER_BJ }, ADMIN_ONLY],
  [
    'admin',
    { action: 'manager.invite', name: '新店长', role: 'manager', storeIds: ['SH-XUHUI'] },
    ADMIN_ONLY,
  ],
  ['admin', { action: 'manager.invites' }, ADMIN_ONLY],
  ['admin', { action: 'store.list' }, STAFF],
  ['admin', { action: 'store.add', storeId: 'GZ-TIANHE', name: '广州天河店' }, ADMIN_ONLY],
  ['admin', { action: 'store.update', storeId: 'SH-XUHUI', name: '上海徐汇旗舰店' }, ADMIN_ONLY],
  ['admin', { action: 'audit.list' }, ADMIN_ONLY],
  ['userinfo', { action: 'user.get', openid: FAN }, STAFF],
  ['userinfo', { action: 'user.batchGet', openids: [FAN] }, STAFF],
  ['customparam', { action: 'openAccount.get' }, STAFF],
  ['customparam', { action: 'openAccount.bind', openAccount: DEMO_OPEN_ACCOUNTS[1] }, ADMIN_ONLY],
  ['customparam', { action: 'customParam.get', unionid: SH_UNIONID }, STORE_STAFF],
  ['customparam', { action: 'customParam.set', unionid: SH_UNIONID, value: 'matrix' }, STORE_STAFF],
  ['customparam', { action: 'customParam.remove', unionid: SH_UNIONID }, STORE_STAFF],
];

beforeEach(async () => {
  const control = wechatControl(env.stack);
  await control.users([{ openid: FAN, subscribed: true }]);
  await seedStaff(env.stack);
  okData(
    await env.as(ADMIN)('customparam', {
      action: 'openAccount.bind',
      openAccount: DEMO_OPEN_ACCOUNTS[0],
    }),
  );
  await collection<AnyDoc>('promoters').add({
    data: { _id: '7', id: '7', openid: PROMOTER, unionid: SH_UNIONID, roleId: 1, storeId: 'SH-XUHUI' },
  });
  await control.clearCalls();
});

const snapshot = () => JSON.stringify(env.stack.cloudbase.collections());

test.each(CASES.map(([fn, data, allowed]) => [`${fn} ${data.action}`, fn, data, allowed] as const))(
  '%s',
  async (_name, fn, data, allowed) => {
    // refused callers first: they must leave no trace
    for (const who of ALL.filter((w) => !allowed.includes(w))) {
      const before = snapshot();
      const error = errorOf(await env.as(OPENIDS[who])(fn, offContract(data)));
      expect({ who, code: error.code }).toEqual({ who, code: 'FORBIDDEN' });
      expect(error.message).toMatch(/[\u4e00-\u9fff]/);
      expect(snapshot()).toBe(before);
      expect(await wechatControl(env.stack).calls()).toHaveLength(0);
    }
    for (const who of allowed) {
      const answer = (await env.as(OPENIDS[who])(fn, offContract(data))) as { ok: boolean; error?: unknown };
      expect({ who, ok: answer.ok, error: answer.error }).toEqual({ who, ok: true, error: undefined });
    }
  },
);

test('store.list is scoped: each manager sees only their own store', async () => {
  for (const [who, store] of [
    ['storeManager', 'SH-XUHUI'],
    ['otherManager', 'BJ-CHAOYANG'],
  ] as const) {
    const { items } = okData<{ items: Array<{ storeId: string }> }>(
      await env.as(OPENIDS[who])('admin', { action: 'store.list' }),
    );
    expect(items.map((s) => s.storeId)).toEqual([store]);
  }
});
