/**
 * Roles and invites: role.list/add/update, invite.create/get.
 */
import { type Invite, type InviteMaterial, type Role } from '../../../typings/contract/index';
import { BJ, GUEST, MGR_SH, SH, control, err, ok } from './helpers';
import { wechatControl } from '../harness';
import { db } from '../../../cloudfunctions/_shared/db';
import { useJoinStack } from './join-helpers';

const env = useJoinStack();
const { audits, invite } = env;

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
    await wechatControl(env.stack).bulkRoles(99); // the default role and 99 more: the cap, in one call
    const e = err(await env.admin({ action: 'role.add', name: '第101个' }));
    expect(e.code).toBe('QUOTA_EXCEEDED');
    expect(await control(env.stack).calls('/promoter/addrole')).toHaveLength(0); // refused before WeChat
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
    // the subscription template the join page asks the person to accept (the demo merchant's)
    expect(seen).toEqual({ ...inv, expired: false, authorizeTemplateId: expect.any(String) });
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
