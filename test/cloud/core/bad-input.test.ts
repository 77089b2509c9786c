/**
 * The bad-input corpus: every action of the four functions, each fed the same families of bad input —
 * an unknown parameter, a `__proto__` key, a query operator (`{ "$ne": null }`) in each string field, a
 * number in each string field, an oversize string in each string field, a non-array and an oversize array
 * in each list field, a fraction or a string in each number field — plus unknown and missing actions.
 * Each must answer INVALID_ARGUMENT naming the field, write nothing and call WeChat not at all.
 * Generated from one table of well-formed params per action, so a new action needs one line here.
 */
import type { FunctionName } from '../../../typings/contract/index';
import { offContract, useTestStack, wechatControl } from '../harness';
import { ADMIN, seedStaff } from './helpers';

const OID = 'o'.padEnd(28, 'x');
const UID = 'u'.padEnd(28, 'x');
/** A well-formed invite or staff-invite code (24 url-safe characters). */
const TOKEN = 'T'.padEnd(24, 'k');

/** Well-formed params per action (the fields whose shape is checked); values need not exist. */
const ACTIONS: Record<FunctionName, Record<string, Record<string, unknown>>> = {
  promoter: {
    'me.whoami': {},
    'me.status': {},
    'me.subscribe': { templateIds: ['tmpl'] },
    'me.phoneNumber': { code: 'code' },
    'role.list': {},
    'role.add': { name: '导购', desc: '说明' },
    'role.update': { roleId: 2, name: '导购' },
    'promoter.declare': { promoters: [{ openid: OID, roleId: 1, storeId: 'SH-XUHUI', name: '张伟' }] },
    'promoter.list': { keyword: '张', storeId: 'SH-XUHUI', limit: 20 },
    'promoter.get': { id: '1' },
    'promoter.update': { id: '1', name: '张伟', phone: '13800000000' },
    'promoter.cancel': { id: '1' },
    'promoter.redeclare': { id: '1' },
    'promoter.remind': { ids: ['1'] },
    'promoter.sync': {},
    'import.upload': { text: 'openid,roleId' },
    'import.start': { csv: 'openid,roleId', identity: 'openid' },
    'import.status': { jobId: 'job' },
    'import.resume': { jobId: 'job' },
    'import.cancel': { jobId: 'job' },
    'import.list': { limit: 10 },
    'invite.create': { storeId: 'SH-XUHUI', roleId: 1 },
    'invite.get': { token: TOKEN },
    'join.request': { inviteToken: TOKEN, name: '周游', phone: '13800000000' },
    'join.list': { storeId: 'SH-XUHUI' },
    'join.approve': { ids: ['req'] },
    'join.reject': { ids: ['req'], reason: '资料不全' },
    'share.material': { id: '1', path: 'pages/home/index', title: '标题' },
    'message.send': {
      msgType: 1,
      content: { title: '标题' },
      path: 'pages/home/index',
      audience: { kind: 'store', storeIds: ['SH-XUHUI'] },
    },
    'message.list': { limit: 10 },
    'message.status': { id: 'msg' },
    'message.clicks': { sendDate: '2026-12-01', dimension: 'msg', msgId: 'm1' },
    'stats.summary': { storeId: 'SH-XUHUI' },
    'stats.relations': { id: '1' },
    'stats.orders': { id: '1' },
    'stats.results': { storeId: 'SH-XUHUI', days: 7 },
    'stats.refreshResults': {},
  },
  userinfo: {
    'user.get': { openid: OID },
    'user.batchGet': { openids: [OID] },
  },
  customparam: {
    'openAccount.get': {},
    'openAccount.bind': { openAccount: 'wx0123456789abcdef' },
    'customParam.get': { unionid: UID },
    'customParam.set': { unionid: UID, value: 'src_poster' },
    'customParam.remove': { unionid: UID },
  },
  admin: {
    'store.list': {},
    'store.add': { storeId: 'GZ-01', name: '广州店' },
    'store.update': { storeId: 'GZ-01', name: '广州店' },
    'manager.list': {},
    'manager.add': { openid: OID, name: '赵店长', role: 'manager', storeIds: ['SH-XUHUI'] },
    'manager.update': { openid: OID, name: '赵店长' },
    'manager.remove': { openid: OID },
    'manager.invite': { name: '赵店长', role: 'manager', storeIds: ['SH-XUHUI'] },
    'manager.invites': {},
    'manager.inviteRevoke': { token: TOKEN },
    'manager.inviteInfo': { token: TOKEN },
    'manager.accept': { token: TOKEN },
    'audit.list': { limit: 10 },
  },
};

interface Case {
  fn: FunctionName;
  action: string;
  what: string;
  params: Record<string, unknown>;
  /** The field the error must name (its start: `promoters[0].openid` for `promoters`). */
  field: string;
}

const HUGE = 'x'.repeat(5_000);
/** CSV text may be up to 256 KiB a call (import.upload / import.start): past that is too big. */
const HUGE_CSV = 'x'.repeat(300_000);

/** The bad variants of one action's params. */
function variants(fn: FunctionName, action: string, base: Record<string, unknown>): Case[] {
  const out: Case[] = [];
  const at = (what: string, params: Record<string, unknown>, field: string) =>
    out.push({ fn, action, what, params, field });
  at('an unknown parameter', { ...base, unexpected: 1 }, 'unexpected');
  at('a __proto__ key', { ...base, ...(JSON.parse('{"__proto__": {"polluted": true}}') as object) }, '');
  for (const [key, value] of Object.entries(base)) {
    if (typeof value === 'string') {
      at(`{ $ne: null } in ${key}`, { ...base, [key]: { $ne: null } }, key);
      at(`a number in ${key}`, { ...base, [key]: 12345 }, key);
      const huge = key === 'csv' || key === 'text' ? HUGE_CSV : HUGE;
      at(`${huge.length} characters in ${key}`, { ...base, [key]: huge }, key);
    } else if (typeof value === 'number') {
      at(`a fraction in ${key}`, { ...base, [key]: 1.5 }, key);
      at(`a string in ${key}`, { ...base, [key]: '1' }, key);
    } else if (Array.isArray(value)) {
      at(`a string instead of the list ${key}`, { ...base, [key]: 'x' }, key);
      at(`10 001 items in ${key}`, { ...base, [key]: Array.from({ length: 10_001 }, () => value[0]) }, key);
      if (typeof value[0] === 'string')
        at(`{ $ne: null } inside ${key}`, { ...base, [key]: [{ $ne: null }] }, key);
    } else if (value && typeof value === 'object') {
      at(`an operator object as ${key}`, { ...base, [key]: { $where: 'sleep(1000)' } }, key);
    }
  }
  return out;
}

const CASES: Case[] = (Object.keys(ACTIONS) as FunctionName[]).flatMap((fn) =>
  Object.entries(ACTIONS[fn]).flatMap(([action, base]) => variants(fn, action, base)),
);

const env = useTestStack();
beforeEach(() => seedStaff(env.stack));

/** Every collection's size: a refused call must leave them as they were. */
const sizes = () =>
  Object.fromEntries(
    Object.entries(env.stack.cloudbase.collections()).map(([name, docs]) => [name, docs.length]),
  );

test('the corpus covers every action of the contract with at least 200 cases', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(200);
});

test.each(CASES.map((c) => [`${c.fn} ${c.action}: ${c.what}`, c] as const))('%s', async (_name, c) => {
  const before = sizes();
  await wechatControl(env.stack).clearCalls();
  const answer = (await env.as(ADMIN)(c.fn, offContract({ action: c.action, ...c.params }))) as {
    ok: boolean;
    error?: { code: string; field?: string; message: string };
  };
  expect(answer.ok).toBe(false);
  expect(answer.error?.code).toBe('INVALID_ARGUMENT');
  // the field is named, in the error's field and in its sentence
  if (c.field)
    expect(answer.error?.field ?? '').toMatch(new RegExp(`^${c.field.replace(/[.[\]]/g, '\\$&')}`));
  expect(answer.error?.message).toMatch(/[\u4e00-\u9fff]/);
  expect(sizes()).toEqual(before);
  expect(await wechatControl(env.stack).calls()).toEqual([]);
  // nothing was polluted
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test.each([
  ['an unknown action', { action: 'promoter.explode' }],
  ['no action', {}],
  ['an action that is not a string', { action: 42 }],
])('%s is refused naming action', async (_name, data) => {
  const answer = (await env.as(ADMIN)('promoter', offContract(data as { action: string }))) as {
    ok: boolean;
    error?: { code: string; field?: string };
  };
  expect(answer.ok).toBe(false);
  expect(answer.error?.field).toBe('action');
});

test.each([
  ['a window other than 7 or 30 days', { days: 14 }],
  ['no window', {}],
  ['a refresh that is not true or false', { days: 7, refresh: 'yes' }],
])('stats.results: %s is refused naming the field', async (_name, params) => {
  await wechatControl(env.stack).clearCalls();
  const answer = (await env.as(ADMIN)('promoter', offContract({ action: 'stats.results', ...params }))) as {
    ok: boolean;
    error?: { code: string; field?: string; message: string };
  };
  expect(answer.ok).toBe(false);
  expect(answer.error).toMatchObject({
    code: 'INVALID_ARGUMENT',
    field: 'refresh' in params ? 'refresh' : 'days',
  });
  expect(answer.error?.message).toMatch(/[\u4e00-\u9fff]/);
  expect(await wechatControl(env.stack).calls()).toEqual([]);
});
