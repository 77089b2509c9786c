/** The admin function: staff, stores and the audit log, on the real SDK against the stand-ins. */
import type { AuditEntry, Page, Staff, Store } from '../../../typings/contract/index';
import { demoId } from '../../../emulator/demo-data';
import { offContract, useTestStack } from '../harness';
import { ADMIN, MANAGER_BJ, MANAGER_SH, STRANGER, errorOf, okData, seedStaffDocs } from '../core/helpers';

const env = useTestStack();
const admin = env.as(ADMIN);

const auditLog = () => env.stack.cloudbase.collections().audit_log ?? [];
const NEW_MANAGER = demoId('New-mgr');

describe('stores', () => {
  test('store.add creates a store and audits it; a second add of the same id is CONFLICT and changes nothing', async () => {
    const store = okData<Store>(
      await admin('admin', { action: 'store.add', storeId: 'SH-1', name: '上海一店' }),
    );
    expect(store).toEqual({
      storeId: 'SH-1',
      name: '上海一店',
      createdAt: expect.any(Number),
      updatedAt: store.createdAt,
    });
    expect(auditLog()).toHaveLength(1);
    expect(auditLog()[0]).toMatchObject({
      actor: { openid: ADMIN, role: 'admin' },
      fn: 'admin',
      action: 'store.add',
      target: 'SH-1',
      before: null,
      after: store,
    });

    const again = errorOf(await admin('admin', { action: 'store.add', storeId: 'SH-1', name: '别的名字' }));
    expect(again).toMatchObject({ code: 'CONFLICT', field: 'storeId' });
    expect(env.stack.cloudbase.collections().stores).toHaveLength(1);
    expect(env.stack.cloudbase.collections().stores[0].name).toBe('上海一店');
    expect(auditLog()).toHaveLength(1);
  });

  test('store.add validates the id (retail_id: ≤ 20 bytes, letters/digits/_/-) and the name in bytes', async () => {
    const long = errorOf(await admin('admin', { action: 'store.add', storeId: 'A'.repeat(21), name: 'x' }));
    expect(long).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'storeId' });
    expect(long.message).toBe('门店编号最多 20 位（storeId）');
    const charset = errorOf(await admin('admin', { action: 'store.add', storeId: '上海', name: 'x' }));
    expect(charset).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'storeId' });
    const name = errorOf(await admin('admin', { action: 'store.add', storeId: 'S1', name: '店'.repeat(21) }));
    expect(name).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'name' });
    expect(name.message).toBe('门店名称太长了，最多 20 个汉字或 60 个字母数字（name）');
    const unknown = errorOf(
      await admin('admin', { action: 'store.add', storeId: 'S1', name: 'x', city: '上海' }),
    );
    expect(unknown).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'city' });
    const missing = errorOf(await admin('admin', { action: 'store.add', storeId: 'S1' }));
    expect(missing).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'name' });
    expect(env.stack.cloudbase.collections().stores ?? []).toHaveLength(0);
    expect(auditLog()).toHaveLength(0);
  });

  test('store.update renames with before/after in the audit log; unknown store is NOT_FOUND; same name is a no-op', async () => {
    const created = okData<Store>(
      await admin('admin', { action: 'store.add', storeId: 'SH-1', name: '上海一店' }),
    );
    const renamed = okData<Store>(
      await admin('admin', { action: 'store.update', storeId: 'SH-1', name: '上海旗舰店' }),
    );
    expect(renamed).toMatchObject({ storeId: 'SH-1', name: '上海旗舰店', createdAt: created.createdAt });
    expect(auditLog()[1]).toMatchObject({
      action: 'store.update',
      target: 'SH-1',
      before: created,
      after: renamed,
    });

    okData(await admin('admin', { action: 'store.update', storeId: 'SH-1', name: '上海旗舰店' }));
    expect(auditLog()).toHaveLength(2);

    const missing = errorOf(await admin('admin', { action: 'store.update', storeId: 'NOPE', name: 'x' }));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', field: 'storeId' });
  });

  test('store.list: admins see all stores, managers only theirs', async () => {
    seedStaffDocs(env.stack);
    const all = okData<{ items: Store[] }>(await admin('admin', { action: 'store.list' }));
    expect(all.items.map((s) => s.storeId).sort()).toEqual(['BJ-CHAOYANG', 'SH-XUHUI']);
    const sh = okData<{ items: Store[] }>(await env.as(MANAGER_SH)('admin', { action: 'store.list' }));
    expect(sh.items.map((s) => s.storeId)).toEqual(['SH-XUHUI']);
    const denied = errorOf(await env.as(STRANGER)('admin', { action: 'store.list' }));
    expect(denied.code).toBe('FORBIDDEN');
  });
});

describe('managers', () => {
  beforeEach(() => seedStaffDocs(env.stack));

  test('manager.list shows the builtIn admin first, then staff', async () => {
    const { items } = okData<{ items: Staff[] }>(await admin('admin', { action: 'manager.list' }));
    expect(items[0]).toMatchObject({ openid: ADMIN, role: 'admin', builtIn: true, storeIds: [] });
    expect(items.slice(1).map((s) => s.openid)).toEqual([MANAGER_BJ, MANAGER_SH]); // same second: by openid
    expect(items.find((s) => s.openid === MANAGER_SH)).toMatchObject({
      role: 'manager',
      storeIds: ['SH-XUHUI'],
      builtIn: false,
      createdBy: ADMIN,
    });
  });

  /** manager.add of NEW_MANAGER as a manager of SH-XUHUI, with `fields` changed. */
  const addManager = (fields: Record<string, unknown>) =>
    admin('admin', {
      action: 'manager.add',
      openid: NEW_MANAGER,
      name: '赵店长',
      role: 'manager',
      storeIds: ['SH-XUHUI'],
      ...fields,
    });

  test.each([
    [
      'a store that does not exist',
      { storeIds: ['SH-XUHUI', 'NOPE'] },
      { code: 'NOT_FOUND', field: 'storeIds[1]' },
    ],
    ['a manager without a store', { storeIds: [] }, { code: 'INVALID_ARGUMENT', field: 'storeIds' }],
    [
      'an admin with stores',
      { name: '钱总', role: 'admin', storeIds: ['SH-XUHUI'] },
      { code: 'INVALID_ARGUMENT', field: 'storeIds' },
    ],
    [
      'an unknown role',
      { name: '钱总', role: 'owner', storeIds: [] },
      { code: 'INVALID_ARGUMENT', field: 'role' },
    ],
    [
      'a malformed store id',
      { name: '钱总', storeIds: ['ok', 'bad id'] },
      { code: 'INVALID_ARGUMENT', field: 'storeIds[1]' },
    ],
  ])('manager.add refuses %s, naming the field, and adds nobody', async (_case, fields, expected) => {
    expect(errorOf(await addManager(fields))).toMatchObject(expected);
    expect(env.stack.cloudbase.collections().staff).toHaveLength(2);
  });

  test('manager.add keeps each store once and audits the add; an existing openid (staff or the builtIn admin) is CONFLICT', async () => {
    const added = okData<Staff>(await addManager({ storeIds: ['SH-XUHUI', 'SH-XUHUI'] }));
    expect(added).toMatchObject({
      openid: NEW_MANAGER,
      role: 'manager',
      storeIds: ['SH-XUHUI'],
      builtIn: false,
      createdBy: ADMIN,
    });
    expect(auditLog().at(-1)).toMatchObject({
      action: 'manager.add',
      target: NEW_MANAGER,
      before: null,
      after: added,
    });

    const dup = errorOf(await addManager({ name: '又一个', storeIds: ['BJ-CHAOYANG'] }));
    expect(dup).toMatchObject({ code: 'CONFLICT', field: 'openid' });
    const builtIn = errorOf(await addManager({ openid: ADMIN, name: '总部', role: 'admin', storeIds: [] }));
    expect(builtIn).toMatchObject({ code: 'CONFLICT', field: 'openid' });
  });

  test('manager.update changes name/stores/role with an audit record; promoting to admin drops the stores', async () => {
    const moved = okData<Staff>(
      await admin('admin', {
        action: 'manager.update',
        openid: MANAGER_SH,
        storeIds: ['BJ-CHAOYANG', 'SH-XUHUI'],
      }),
    );
    expect(moved.storeIds).toEqual(['BJ-CHAOYANG', 'SH-XUHUI']);
    const entry = auditLog().at(-1)!;
    expect(entry).toMatchObject({ action: 'manager.update', target: MANAGER_SH });
    expect((entry.before as Staff).storeIds).toEqual(['SH-XUHUI']);
    expect((entry.after as Staff).storeIds).toEqual(['BJ-CHAOYANG', 'SH-XUHUI']);

    const promoted = okData<Staff>(
      await admin('admin', { action: 'manager.update', openid: MANAGER_SH, role: 'admin' }),
    );
    expect(promoted).toMatchObject({ role: 'admin', storeIds: [] });
    // now an admin: may list managers
    okData(await env.as(MANAGER_SH)('admin', { action: 'manager.list' }));

    const demoteWithoutStores = errorOf(
      await admin('admin', { action: 'manager.update', openid: MANAGER_SH, role: 'manager' }),
    );
    expect(demoteWithoutStores).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'storeIds' });
    const demoted = okData<Staff>(
      await admin('admin', {
        action: 'manager.update',
        openid: MANAGER_SH,
        role: 'manager',
        storeIds: ['SH-XUHUI'],
        name: '王经理',
      }),
    );
    expect(demoted).toMatchObject({ role: 'manager', storeIds: ['SH-XUHUI'], name: '王经理' });

    const nothing = errorOf(await admin('admin', { action: 'manager.update', openid: MANAGER_SH }));
    expect(nothing.code).toBe('INVALID_ARGUMENT');
    const missing = errorOf(
      await admin('admin', { action: 'manager.update', openid: NEW_MANAGER, name: 'x' }),
    );
    expect(missing).toMatchObject({ code: 'NOT_FOUND', field: 'openid' });
  });

  test('builtIn admins cannot be demoted or removed; nobody removes themselves; their name can be set', async () => {
    expect(
      errorOf(
        await admin('admin', {
          action: 'manager.update',
          openid: ADMIN,
          role: 'manager',
          storeIds: ['SH-XUHUI'],
        }),
      ),
    ).toMatchObject({
      code: 'FORBIDDEN',
      field: 'role',
    });
    expect(errorOf(await admin('admin', { action: 'manager.remove', openid: ADMIN }))).toMatchObject({
      code: 'FORBIDDEN',
      field: 'openid',
    });
    const named = okData<Staff>(
      await admin('admin', { action: 'manager.update', openid: ADMIN, name: '总部张总' }),
    );
    expect(named).toMatchObject({ openid: ADMIN, name: '总部张总', role: 'admin', builtIn: true });
    const { items } = okData<{ items: Staff[] }>(await admin('admin', { action: 'manager.list' }));
    expect(items[0]).toMatchObject({ openid: ADMIN, name: '总部张总', builtIn: true });

    okData(await admin('admin', { action: 'manager.update', openid: MANAGER_SH, role: 'admin' }));
    const self = errorOf(await env.as(MANAGER_SH)('admin', { action: 'manager.remove', openid: MANAGER_SH }));
    expect(self).toMatchObject({ code: 'FORBIDDEN', field: 'openid' });
  });

  test('manager.remove deletes the staff record and audits before/after', async () => {
    const before = env.stack.cloudbase.collections().staff.find((d) => d._id === MANAGER_BJ)!;
    expect(okData(await admin('admin', { action: 'manager.remove', openid: MANAGER_BJ }))).toEqual({
      openid: MANAGER_BJ,
    });
    expect(env.stack.cloudbase.collections().staff.map((d) => d._id)).toEqual([MANAGER_SH]);
    expect(auditLog().at(-1)).toMatchObject({
      action: 'manager.remove',
      target: MANAGER_BJ,
      before: { openid: MANAGER_BJ, name: before.name, storeIds: ['BJ-CHAOYANG'] },
      after: null,
    });
    // the removed manager is a stranger now
    expect(errorOf(await env.as(MANAGER_BJ)('admin', { action: 'store.list' })).code).toBe('FORBIDDEN');
    expect(errorOf(await admin('admin', { action: 'manager.remove', openid: MANAGER_BJ }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('audit.list', () => {
  test('newest first, cursor paging without gaps or repeats, filters by action, actor and target', async () => {
    for (let i = 1; i <= 7; i++)
      okData(await admin('admin', { action: 'store.add', storeId: `S-${i}`, name: `店${i}` }));
    okData(await admin('admin', { action: 'store.update', storeId: 'S-3', name: '三号店' }));

    const first = okData<Page<AuditEntry>>(await admin('admin', { action: 'audit.list', limit: 3 }));
    expect(first.total).toBe(8);
    expect(first.items.map((e) => e.target)).toEqual(['S-3', 'S-7', 'S-6']);
    expect(first.items[0]).toMatchObject({
      action: 'store.update',
      fn: 'admin',
      actor: { openid: ADMIN, role: 'admin' },
    });
    const seen = [...first.items];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = okData<Page<AuditEntry>>(await admin('admin', { action: 'audit.list', limit: 3, cursor }));
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(seen.map((e) => e.target)).toEqual(['S-3', 'S-7', 'S-6', 'S-5', 'S-4', 'S-3', 'S-2', 'S-1']);
    expect(new Set(seen.map((e) => e.id)).size).toBe(8);

    const s3 = okData<Page<AuditEntry>>(await admin('admin', { action: 'audit.list', target: 'S-3' }));
    expect(s3.items.map((e) => e.action)).toEqual(['store.update', 'store.add']);
    // `action` is the dispatch key of every call, so the action filter travels as `auditAction`
    const updates = okData<Page<AuditEntry>>(
      await admin('admin', { action: 'audit.list', auditAction: 'store.update' }),
    );
    expect(updates.items.map((e) => e.target)).toEqual(['S-3']);
    expect(updates.total).toBe(1);
    const either = okData<Page<AuditEntry>>(
      await admin('admin', { action: 'audit.list', auditActions: ['store.update', 'store.add'], limit: 100 }),
    );
    expect(either.total).toBe(8);
    const both = errorOf(
      await admin('admin', { action: 'audit.list', auditAction: 'store.add', auditActions: ['store.add'] }),
    );
    expect(both).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'auditActions' });
    const none = errorOf(await admin('admin', { action: 'audit.list', auditActions: [] }));
    expect(none).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'auditActions' });
    const byActor = okData<Page<AuditEntry>>(
      await admin('admin', { action: 'audit.list', actor: MANAGER_SH }),
    );
    expect(byActor).toEqual({ items: [], total: 0 });

    const bad = errorOf(await admin('admin', { action: 'audit.list', cursor: 'not-a-cursor' }));
    expect(bad).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'cursor' });
    // a bare id (the old cursor) or a cursor of another list is not this list's cursor
    for (const cursor of [first.items[0]!.id, Buffer.from('{"id":"x"}').toString('base64url')]) {
      const wrong = errorOf(await admin('admin', { action: 'audit.list', cursor }));
      expect(wrong).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'cursor' });
    }
    const limit = errorOf(await admin('admin', { action: 'audit.list', limit: 101 }));
    expect(limit).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'limit' });
  });
});

test('an unknown action is INVALID_ARGUMENT naming `action`; a missing caller is FORBIDDEN', async () => {
  expect(errorOf(await admin('admin', offContract({ action: 'store.delete' })))).toMatchObject({
    code: 'INVALID_ARGUMENT',
    field: 'action',
  });
  expect(errorOf(await env.as(undefined)('admin', { action: 'store.list' }))).toMatchObject({
    code: 'FORBIDDEN',
  });
});
