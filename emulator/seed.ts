/**
 * Demo data for the database, written by calling the real cloud functions as the demo admin, so
 * every document has the functions' own shape and the audit log records how it got there.
 * (The WeChat stand-in seeds its own side: roles, promoters in every state, OA users.)
 */
import { DEMO_CROWD_STORES, demoCrowd, demoJoiners } from './demo-crowd';
import { DEMO_STAFF, DEMO_STORES } from './demo-data';

interface SeedTarget {
  call(name: string, data: object, openid?: string): Promise<unknown>;
  /** The WeChat stand-in's base URL (its control API seeds the crowd); absent for an outside WeChat API. */
  wechatControlUrl?: string;
}

export interface SeedOptions {
  /** Made-up promoters (emulator/demo-crowd.ts) added to the stand-in before the sync; default 0. */
  crowd?: number;
}

type Answer =
  { ok: true; data: unknown } | { ok: false; error: { code: string; message: string; field?: string } };

async function asAdmin(
  stack: SeedTarget,
  fn: string,
  data: { action: string } & Record<string, unknown>,
  openid: string = DEMO_STAFF.admin.openid,
): Promise<unknown> {
  const answer = (await stack.call(fn, data, openid)) as Answer;
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
export async function seedDemoData(stack: SeedTarget, opts: SeedOptions = {}): Promise<string> {
  const crowd = stack.wechatControlUrl ? (opts.crowd ?? 0) : 0;
  const stores = (await asAdmin(stack, 'admin', { action: 'store.list' })) as {
    items: Array<{ storeId: string }>;
  };
  const haveStores = new Set(stores.items.map((s) => s.storeId));
  const wanted = crowd > 0 ? [...DEMO_STORES, ...DEMO_CROWD_STORES] : DEMO_STORES;
  const newStores = wanted.filter((store) => !haveStores.has(store.storeId));
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
  const crowdNote = crowd > 0 ? await seedCrowd(stack.wechatControlUrl!, crowd) : '';
  const sync = (await asAdmin(stack, 'promoter', { action: 'promoter.sync' })) as { total: number };
  const joins = crowd > 0 && newManagers.length > 0 ? await seedInvitesAndRequests(stack) : '';
  const results = crowd > 0 ? await refreshResults(stack) : '';
  return `${newStores.length} stores and ${newManagers.length} managers added${crowdNote}, ${sync.total} promoters synced from WeChat${joins}${results}`;
}

/**
 * The home page's promotion results from the crowd's reach and order rows: the refresh pass the
 * promotionResults timer would run within a minute, run now so the first screen has figures. When the
 * timer got there first (npm start fires it at second 30), its pass is waited for instead.
 */
async function refreshResults(stack: SeedTarget): Promise<string> {
  const admin = DEMO_STAFF.admin.openid;
  let timerFirst = false;
  for (let slice = 1; slice <= 200; slice++) {
    if (timerFirst) {
      // the timer's slice held the refresh: once its pass has finished there is nothing left to do
      const shown = (await asAdmin(stack, 'promoter', { action: 'stats.results', days: 7 })) as {
        asOf: number;
      };
      if (shown.asOf > 0) return ', promotion results read by the timer';
    }
    const answer = (await stack.call('promoter', { action: 'stats.refreshResults' }, admin)) as Answer;
    if (answer.ok) {
      const pass = answer.data as { done: boolean; promoters: number; calls: number };
      if (pass.done) {
        return `, promotion results of ${pass.promoters} bound promoters read (${pass.calls} WeChat calls)`;
      }
      continue;
    }
    if (answer.error.code !== 'CONFLICT') {
      throw new Error(
        `seed: promoter stats.refreshResults failed: ${answer.error.code} ${answer.error.message}`,
      );
    }
    timerFirst = true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return ', promotion results still refreshing (the timer goes on)';
}

async function control(base: string, op: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}/__control/${op}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`seed: WeChat stand-in ${op}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

/** The crowd straight into the stand-in: three control calls, whatever the count. Skipped when already there. */
async function seedCrowd(base: string, count: number): Promise<string> {
  const { now } = (await control(base, 'clock')) as { now: number };
  const people = demoCrowd(count, now);
  const state = (await control(base, 'state')) as { miniProgram: { promoters: Array<{ openid: string }> } };
  if (state.miniProgram.promoters.some((p) => p.openid === people.promoters[0].openid)) return '';
  await control(base, 'promoters', { promoters: people.promoters });
  if (people.relations.length > 0) await control(base, 'relations', { rows: people.relations });
  if (people.orders.length > 0) await control(base, 'orders', { rows: people.orders });
  return `, ${count} made-up promoters (${people.relations.length} reach rows, ${people.orders.length} orders) put in WeChat`;
}

/** An open invite from each demo manager, and a few people who asked to join through them. */
async function seedInvitesAndRequests(stack: SeedTarget): Promise<string> {
  const joiners = demoJoiners(5);
  let requests = 0;
  for (const [index, manager] of DEMO_STAFF.managers.entries()) {
    const { invite } = (await asAdmin(
      stack,
      'promoter',
      { action: 'invite.create', storeId: manager.storeIds[0], roleId: 1 },
      manager.openid,
    )) as { invite: { token: string } };
    for (const person of joiners.filter((_, n) => n % DEMO_STAFF.managers.length === index)) {
      await asAdmin(
        stack,
        'promoter',
        { action: 'join.request', inviteToken: invite.token, name: person.name, phone: person.phone },
        person.openid,
      );
      requests++;
    }
  }
  return `, ${DEMO_STAFF.managers.length} invites and ${requests} join requests`;
}
