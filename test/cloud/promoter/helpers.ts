/**
 * Shared set-up for the promoter function's tests: the stack, callers for every kind of user, the
 * stores and managers (seeded through the real admin function) and the WeChat stand-in's control
 * endpoints used here.
 */
import type { CloudError, CloudResponse } from '../../../typings/contract/common';
import { db } from '../../../cloudfunctions/_shared/db';
import { DEMO_STAFF, demoId } from '../../../emulator/demo-data';
import {
  type BulkPromotersInput,
  type FaultInput,
  type RecordedCall,
  type Stack,
  type TestRequest,
  useTestStack,
  wechatControl,
} from '../harness';
import { seedStaff, seedStaffDocs } from '../core/helpers';
import type { Readings } from '../../../emulator/wechat/readings';

export { seedStaff, seedStaffDocs };

export const SH = 'SH-XUHUI';
export const BJ = 'BJ-CHAOYANG';
export const ADMIN = DEMO_STAFF.admin.openid;
export const MGR_SH = DEMO_STAFF.managers[0].openid;
export const MGR_BJ = DEMO_STAFF.managers[1].openid;
export const STRANGER = demoId('Stranger');
export const GUEST = demoId('Guest-joiner');

/** Calls the promoter function; `data` is typed by the contract (TestRequest). */
export type Call = <T = unknown>(data: TestRequest<'promoter'>) => Promise<CloudResponse<T>>;

export interface Env {
  readonly stack: Stack;
  admin: Call;
  mgrSh: Call;
  mgrBj: Call;
  stranger: Call;
  as(openid: string): Call;
}

/**
 * The harness's useTestStack (one stack per file, empty database and WeChat state per test) plus the
 * two stores and their managers before each test (written straight into the database: seedStaffDocs),
 * and callers of the promoter function; call in a describe's top level (or the file's).
 */
export function useStack(): Env {
  const base = useTestStack();
  beforeEach(() => seedStaffDocs(base.stack));
  const promoterCaller = (openid: string): Call => {
    const call = base.as(openid);
    return <T>(data: TestRequest<'promoter'>) => call<CloudResponse<T>, 'promoter'>('promoter', data);
  };
  return {
    get stack() {
      return base.stack;
    },
    admin: promoterCaller(ADMIN),
    mgrSh: promoterCaller(MGR_SH),
    mgrBj: promoterCaller(MGR_BJ),
    stranger: promoterCaller(STRANGER),
    as: promoterCaller,
  };
}

/** The data of a successful answer (fails the test with the error otherwise). */
export function ok<T>(answer: CloudResponse<T>): T {
  if (!answer.ok) throw new Error(`expected ok, got ${JSON.stringify(answer.error)}`);
  return answer.data;
}

/** The error of a failed answer. */
export function err(answer: CloudResponse<unknown>): CloudError {
  if (answer.ok) throw new Error(`expected an error, got ${JSON.stringify(answer.data).slice(0, 300)}`);
  return answer.error;
}

/** The stand-in's control endpoints, by their real routes (emulator/wechat/control.ts). */
export function control(stack: Stack) {
  const c = wechatControl(stack);
  return {
    bulk: (options: BulkPromotersInput) =>
      c.bulkPromoters(options) as Promise<{
        created: number;
        firstId: string;
        firstOpenid: string;
        lastOpenid: string;
      }>,
    bind: (openid: string, action: 'authorize' | 'revoke') => c.bind(openid, action),
    calls: (path: string): Promise<RecordedCall[]> => c.calls(path),
    clearCalls: () => c.clearCalls(),
    faults: (rules: FaultInput[]) => c.faults(rules),
    clearFaults: () => c.clearFaults(),
    /** Every WeChat call takes `ms` (the stand-in's latency), so parallel calls overlap as in production. */
    latency: (ms: number) => c.raw('POST', '/__control/faults', { latencyMs: ms }),
    state: () =>
      c.raw('GET', '/__control/state') as Promise<{
        miniProgram: { promoters: Array<Record<string, unknown>>; roles: Array<Record<string, unknown>> };
      }>,
    relations: (body: Record<string, unknown>) => c.raw('POST', '/__control/relations', body),
    orders: (body: Record<string, unknown>) => c.raw('POST', '/__control/orders', body),
    clicks: (body: Record<string, unknown>) => c.raw('POST', '/__control/clicks', body),
    limits: (body: Record<string, unknown>) => c.raw('POST', '/__control/limits', body),
    /** Switches readings where WeChat's sources disagree (emulator/wechat/readings.ts). */
    readings: (body: Partial<Readings>) => c.raw('POST', '/__control/readings', body),
    mpUsers: (users: Array<Record<string, unknown>>) => c.raw('POST', '/__control/mp-users', { users }),
    raw: (method: 'GET' | 'POST', path: string, body?: unknown) => c.raw(method, path, body),
  };
}

/** A well-formed openid for a test label ('x' padding, so `A-1` and `A-10` stay distinct). */
export const oid = (label: string) => `o${label}`.padEnd(28, 'x').slice(0, 28);

/** Pretends the last syncs happened `seconds` earlier (the freshness rules read these stamps). */
export async function ageSync(seconds: number): Promise<void> {
  const ref = db().collection<{ _id: string; lastFullSyncAt?: number; lastIncrementalAt?: number }>(
    'sync_state',
  );
  const { data } = await ref.doc('promoters').get();
  if (!data) return;
  await ref.doc('promoters').update({
    data: {
      lastFullSyncAt: (data.lastFullSyncAt ?? 0) - seconds,
      lastIncrementalAt: (data.lastIncrementalAt ?? 0) - seconds,
    },
  });
}
