/** Small helpers shared by the tests of the core and of the admin/userinfo/customparam functions. */
import type { CloudError, CloudResponse } from '../../../typings/contract/common';
import { DEMO_STAFF, demoId } from '../../../emulator/demo-data';
import { type Stack, asCaller } from '../harness';

export const ADMIN = DEMO_STAFF.admin.openid;
export const MANAGER_SH = DEMO_STAFF.managers[0].openid; // runs SH-XUHUI
export const MANAGER_BJ = DEMO_STAFF.managers[1].openid; // runs BJ-CHAOYANG
export const STRANGER = demoId('Stranger');

/** The data of a successful answer; fails the test with the error otherwise. */
export function okData<T>(answer: unknown): T {
  const response = answer as CloudResponse<T>;
  if (!response.ok) throw new Error(`expected ok, got ${JSON.stringify(response.error)}`);
  return response.data;
}

/** The error of a failed answer; fails the test on success. */
export function errorOf(answer: unknown): CloudError {
  const response = answer as CloudResponse<unknown>;
  if (response.ok) throw new Error(`expected an error, got ${JSON.stringify(response.data)}`);
  return response.error;
}

/** The two demo stores and their managers, created through the admin function as the builtIn admin. */
export async function seedStaff(stack: Stack): Promise<void> {
  const admin = asCaller(stack, ADMIN);
  okData(await admin('admin', { action: 'store.add', storeId: 'SH-XUHUI', name: '上海徐汇店' }));
  okData(await admin('admin', { action: 'store.add', storeId: 'BJ-CHAOYANG', name: '北京朝阳店' }));
  for (const manager of DEMO_STAFF.managers) {
    okData(
      await admin('admin', {
        action: 'manager.add',
        openid: manager.openid,
        name: manager.name,
        role: 'manager',
        storeIds: [...manager.storeIds],
      }),
    );
  }
}

/**
 * The same stores and managers as seedStaff, written straight into the CloudBase stand-in in one step:
 * the documents the admin function writes, without its audit records and without 4 function calls per
 * test. For files that need the staff but do not test the admin function.
 */
export function seedStaffDocs(stack: Stack): void {
  const at = Math.floor(Date.now() / 1000);
  stack.cloudbase.insert(
    'stores',
    [
      ['SH-XUHUI', '上海徐汇店'],
      ['BJ-CHAOYANG', '北京朝阳店'],
    ].map(([storeId, name]) => ({ _id: storeId, storeId, name, createdAt: at, updatedAt: at })),
  );
  stack.cloudbase.insert(
    'staff',
    DEMO_STAFF.managers.map((m) => ({
      _id: m.openid,
      openid: m.openid,
      name: m.name,
      role: 'manager',
      storeIds: [...m.storeIds],
      createdAt: at,
      createdBy: ADMIN,
    })),
  );
}

/** Collects everything written to the console while `work` runs. */
export async function captureConsole<T>(work: () => Promise<T>): Promise<{ result: T; output: string }> {
  const lines: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    }),
  );
  try {
    const result = await work();
    return { result, output: lines.join('\n') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
