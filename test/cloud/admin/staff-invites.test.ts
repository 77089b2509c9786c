/** Staff invites: HQ onboards a store manager by an invite card instead of their openid. */
import type { Staff, StaffInvite, StaffInviteInfo, Store, WhoAmI } from '../../../typings/contract/index';
import { demoId } from '../../../emulator/demo-data';
import { offContract, useTestStack } from '../harness';
import { ADMIN, MANAGER_BJ, MANAGER_SH, STRANGER, errorOf, okData, seedStaffDocs } from '../core/helpers';

const env = useTestStack();
const admin = env.as(ADMIN);
const NEWCOMER = demoId('Newcomer');
const OTHER = demoId('Other-person');

const stored = () => env.stack.cloudbase.collections();
const audits = (action: string) => (stored().audit_log ?? []).filter((d) => d.action === action);

beforeEach(() => seedStaffDocs(env.stack));

function invite(params: Record<string, unknown> = {}): Promise<StaffInvite> {
  return admin('admin', {
    action: 'manager.invite',
    name: '陈店长',
    role: 'manager',
    storeIds: ['SH-XUHUI'],
    ...params,
  }).then((a) => okData<StaffInvite>(a));
}

const accept = (openid: string, token: string, name?: string) =>
  env.as(openid)('admin', { action: 'manager.accept', token, ...(name ? { name } : {}) });

test('HQ invites by name and store; the person who accepts becomes that store’s manager, audited', async () => {
  const inv = await invite();
  expect(inv).toMatchObject({
    role: 'manager',
    storeIds: ['SH-XUHUI'],
    storeNames: ['上海徐汇店'],
    name: '陈店长',
    status: 'open',
    sharePath: `/pages/staff-join/index?token=${inv.token}`,
  });
  expect(inv.expiresAt - inv.createdAt).toBe(7 * 86_400);

  const info = okData<StaffInviteInfo>(
    await env.as(NEWCOMER)('admin', { action: 'manager.inviteInfo', token: inv.token }),
  );
  expect(info).toEqual({
    role: 'manager',
    storeNames: ['上海徐汇店'],
    name: '陈店长',
    inviterName: '总部管理员',
    expiresAt: inv.expiresAt,
    status: 'open',
    alreadyStaff: false,
  });
  expect(JSON.stringify(info)).not.toContain(ADMIN);

  const staff = okData<Staff>(await accept(NEWCOMER, inv.token, '陈晓'));
  expect(staff).toMatchObject({ openid: NEWCOMER, name: '陈晓', role: 'manager', storeIds: ['SH-XUHUI'] });
  const who = okData<WhoAmI>(await env.as(NEWCOMER)('promoter', { action: 'me.whoami' }));
  expect(who).toMatchObject({ role: 'manager', storeIds: ['SH-XUHUI'] });
  const stores = okData<{ items: Store[] }>(await env.as(NEWCOMER)('admin', { action: 'store.list' }));
  expect(stores.items.map((s) => s.storeId)).toEqual(['SH-XUHUI']);

  expect(audits('manager.invite')).toHaveLength(1);
  expect(audits('manager.invite')[0]).toMatchObject({ target: `staffInvite:${inv.token}`, before: null });
  expect(audits('manager.accept')).toHaveLength(1);
  expect(audits('manager.accept')[0]).toMatchObject({
    actor: { openid: NEWCOMER },
    target: NEWCOMER,
    before: null,
    after: { openid: NEWCOMER, role: 'manager', storeIds: ['SH-XUHUI'], staffInvite: inv.token },
  });
  const listed = okData<{ items: StaffInvite[] }>(await admin('admin', { action: 'manager.invites' }));
  expect(listed.items).toEqual([]);
});

test.each([
  [{ storeIds: [] }, 'storeIds', '店长至少要负责 1 家门店'],
  [{ role: 'admin' }, 'storeIds', '总部管理员可查看全部门店，不用选门店'],
  [{ storeIds: ['NOPE'] }, 'storeIds[0]', '门店 NOPE 不存在，请先添加门店'],
  [{ name: '陈'.repeat(21) }, 'name', '姓名太长了，最多 20 个汉字或 60 个字母数字'],
  [{ name: ' ' }, 'name', '姓名不能为空'],
  [{ role: 'boss' }, 'role', '角色'],
  [{ openid: NEWCOMER }, 'openid', ''],
])('manager.invite refuses %j naming %s, and writes nothing', async (change, field, words) => {
  const e = errorOf(
    await admin(
      'admin',
      offContract({
        action: 'manager.invite',
        name: '陈店长',
        role: 'manager',
        storeIds: ['SH-XUHUI'],
        ...change,
      }),
    ),
  );
  expect(e.field).toBe(field);
  expect(e.message).toContain(words);
  expect(stored().staff_invites ?? []).toHaveLength(0);
  expect(audits('manager.invite')).toHaveLength(0);
});

test('only HQ invites, lists and revokes; anyone with the card may look at it and accept it', async () => {
  const inv = await invite();
  for (const who of [MANAGER_SH, MANAGER_BJ, STRANGER]) {
    for (const data of [
      { action: 'manager.invite', name: '某人', role: 'manager', storeIds: ['SH-XUHUI'] },
      { action: 'manager.invites' },
      { action: 'manager.inviteRevoke', token: inv.token },
    ]) {
      expect(errorOf(await env.as(who)('admin', offContract(data))).code).toBe('FORBIDDEN');
    }
  }
  expect(stored().staff_invites).toHaveLength(1);
  expect(stored().staff_invites[0]).toMatchObject({ status: 'open' });
  okData(await env.as(STRANGER)('admin', { action: 'manager.inviteInfo', token: inv.token }));
});

test('two people accepting one invite at the same moment: one becomes manager, the other is told it is taken', async () => {
  const inv = await invite();
  const answers = await Promise.all([accept(NEWCOMER, inv.token), accept(OTHER, inv.token)]);
  const won = answers.filter((a) => (a as { ok: boolean }).ok);
  const lost = answers.filter((a) => !(a as { ok: boolean }).ok).map(errorOf);
  expect(won).toHaveLength(1);
  expect(lost).toEqual([expect.objectContaining({ code: 'CONFLICT', field: 'token' })]);
  expect(lost[0].message).toBe('这个邀请已被他人接受，请联系总部管理员重新邀请你');
  const winner = okData<Staff>(won[0]).openid;
  const staffIds = (stored().staff ?? []).map((d) => d._id);
  expect(staffIds).toContain(winner);
  expect(staffIds).not.toContain(winner === NEWCOMER ? OTHER : NEWCOMER);
  expect(stored().staff_invites[0]).toMatchObject({ status: 'accepted', acceptedBy: winner });
  expect(audits('manager.accept')).toHaveLength(1);
});

test('the same person tapping accept twice at once: both answers are their staff record, one audit record', async () => {
  const inv = await invite();
  const [a, b] = await Promise.all([accept(NEWCOMER, inv.token), accept(NEWCOMER, inv.token)]);
  expect(okData<Staff>(a)).toEqual(okData<Staff>(b));
  expect(audits('manager.accept')).toHaveLength(1);
});

test('an expired or revoked invite cannot be accepted; revoking twice answers the same, once audited', async () => {
  const expiring = await invite();
  const later = jest.spyOn(Date, 'now').mockReturnValue((expiring.expiresAt + 1) * 1000);
  try {
    const e = errorOf(await accept(NEWCOMER, expiring.token));
    expect(e).toMatchObject({ code: 'FAILED_PRECONDITION', field: 'token' });
    expect(e.message).toBe('这个邀请已过期，请联系总部管理员重新发送');
    const info = okData<StaffInviteInfo>(
      await env.as(NEWCOMER)('admin', { action: 'manager.inviteInfo', token: expiring.token }),
    );
    expect(info.status).toBe('expired');
  } finally {
    later.mockRestore();
  }

  const inv = await invite({ name: '刘店长' });
  const first = okData<StaffInvite>(
    await admin('admin', { action: 'manager.inviteRevoke', token: inv.token }),
  );
  const again = okData<StaffInvite>(
    await admin('admin', { action: 'manager.inviteRevoke', token: inv.token }),
  );
  expect(first.status).toBe('revoked');
  expect(again).toEqual(first);
  expect(audits('manager.inviteRevoke')).toHaveLength(1);
  const e = errorOf(await accept(NEWCOMER, inv.token));
  expect(e).toMatchObject({ code: 'FAILED_PRECONDITION', message: '这个邀请已被总部撤回，请联系总部管理员' });
  expect((stored().staff ?? []).map((d) => d._id)).not.toContain(NEWCOMER);
});

test('an accepted invite cannot be revoked; an unknown or malformed token names the field', async () => {
  const inv = await invite();
  okData(await accept(NEWCOMER, inv.token, '陈晓'));
  const e = errorOf(await admin('admin', { action: 'manager.inviteRevoke', token: inv.token }));
  expect(e).toMatchObject({ code: 'CONFLICT', message: '陈晓已接受这个邀请，不能撤回' });
  const unknown = errorOf(await accept(OTHER, 'A'.repeat(24)));
  expect(unknown).toMatchObject({ code: 'NOT_FOUND', field: 'token' });
  const malformed = errorOf(await accept(OTHER, 'short'));
  expect(malformed).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'token' });
  const injected = errorOf(
    await env.as(OTHER)('admin', offContract({ action: 'manager.accept', token: { $ne: null } })),
  );
  expect(injected).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'token' });
});

test('a manager invited to another store keeps their own; an HQ admin is told they need no invite', async () => {
  const inv = await invite({ storeIds: ['BJ-CHAOYANG'] });
  const info = okData<StaffInviteInfo>(
    await env.as(MANAGER_SH)('admin', { action: 'manager.inviteInfo', token: inv.token }),
  );
  expect(info.alreadyStaff).toBe(false);
  const staff = okData<Staff>(await accept(MANAGER_SH, inv.token));
  expect(staff.storeIds.sort()).toEqual(['BJ-CHAOYANG', 'SH-XUHUI']);
  expect(audits('manager.accept')[0]).toMatchObject({ before: { storeIds: ['SH-XUHUI'] } });

  const next = await invite();
  const adminInfo = okData<StaffInviteInfo>(
    await admin('admin', { action: 'manager.inviteInfo', token: next.token }),
  );
  expect(adminInfo.alreadyStaff).toBe(true);
  const e = errorOf(await accept(ADMIN, next.token));
  expect(e.code).toBe('CONFLICT');
  expect(stored().staff_invites.find((d) => d._id === next.token)).toMatchObject({ status: 'open' });
});

test('an admin invite makes an HQ admin; manager.invites lists the open ones newest first', async () => {
  const clock = jest.spyOn(Date, 'now');
  const t0 = Math.floor(Date.now() / 1000);
  try {
    clock.mockReturnValue(t0 * 1000);
    const older = await invite({ name: '甲' });
    clock.mockReturnValue((t0 + 5) * 1000);
    const asAdmin = await invite({ name: '乙', role: 'admin', storeIds: [] });
    clock.mockReturnValue((t0 + 10) * 1000);
    const listed = okData<{ items: StaffInvite[] }>(await admin('admin', { action: 'manager.invites' }));
    expect(listed.items.map((i) => i.token)).toEqual([asAdmin.token, older.token]);
    const staff = okData<Staff>(await accept(NEWCOMER, asAdmin.token));
    expect(staff).toMatchObject({ role: 'admin', storeIds: [], name: '乙' });
    const who = okData<WhoAmI>(await env.as(NEWCOMER)('promoter', { action: 'me.whoami' }));
    expect(who.role).toBe('admin');
  } finally {
    clock.mockRestore();
  }
});
