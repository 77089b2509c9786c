/**
 * Demo data for the database, written by calling the real cloud functions as the demo admin, so
 * every document has the functions' own shape and the audit log records how it got there.
 * (The WeChat stand-in seeds its own side: roles, promoters in every state, OA users.)
 */
import { DEMO_STAFF, DEMO_STORES } from './demo-data';

interface SeedTarget {
  call(name: string, data: object, openid?: string): Promise<unknown>;
}

type Answer =
  { ok: true; data: unknown } | { ok: false; error: { code: string; message: string; field?: string } };

async function asAdmin(
  stack: SeedTarget,
  fn: string,
  data: { action: string } & Record<string, unknown>,
): Promise<unknown> {
  const answer = (await stack.call(fn, data, DEMO_STAFF.admin.openid)) as Answer;
  if (!answer || typeof answer !== 'object' || !('ok' in answer)) {
    throw new Error(`seed: ${fn} ${data.action} answered something that is not a CloudResponse`);
  }
  if (!answer.ok) {
    const { code, message, field } = answer.error;
    throw new Error(`seed: ${fn} ${data.action} failed: ${code} ${message}${field ? ` (${field})` : ''}`);
  }
  return answer.data;
}

/**
 * Stores, managers, then a promoter sync from WeChat. What a persisted database (DATA_FILE) already
 * holds is left alone, so a restart seeds only what is missing. Returns a one-line summary.
 */
export async function seedDemoData(stack: SeedTarget): Promise<string> {
  const stores = (await asAdmin(stack, 'admin', { action: 'store.list' })) as {
    items: Array<{ storeId: string }>;
  };
  const haveStores = new Set(stores.items.map((s) => s.storeId));
  const newStores = DEMO_STORES.filter((store) => !haveStores.has(store.storeId));
  for (const store of newStores) {
    await asAdmin(stack, 'admin', { action: 'store.add', storeId: store.storeId, name: store.name });
  }
  const staff = (await asAdmin(stack, 'admin', { action: 'manager.list' })) as {
    items: Array<{ openid: string }>;
  };
  const haveStaff = new Set(staff.items.map((s) => s.openid));
  const newManagers = DEMO_STAFF.managers.filter((manager) => !haveStaff.has(manager.openid));
  for (const manager of newManagers) {
    await asAdmin(stack, 'admin', {
      action: 'manager.add',
      openid: manager.openid,
      name: manager.name,
      role: manager.role,
      storeIds: [...manager.storeIds],
    });
  }
  const sync = (await asAdmin(stack, 'promoter', { action: 'promoter.sync' })) as { total: number };
  return `${newStores.length} stores and ${newManagers.length} managers added, ${sync.total} promoters synced from WeChat`;
}
