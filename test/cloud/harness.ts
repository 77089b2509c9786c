/**
 * Test harness for the cloud functions: the real functions (from source, under ts-jest) running
 * against the real wx-server-sdk, the CloudBase stand-in and the WeChat stand-in, all on loopback.
 *
 *   const env = useTestStack(); // one stack per file; empty database and WeChat state per test
 *   const admin = env.as(DEMO_STAFF.admin.openid);
 *   const answer = await admin('admin', { action: 'store.add', storeId: 'SH-1', name: '上海一店' });
 *   // env.stack is the running stack inside hooks and tests (not at module load).
 *
 * Identity: each call sets the caller in process.env right before main() runs (see
 * emulator/gateway/invoke.ts), so calls may run concurrently as long as handlers read
 * cloud.getWXContext() before their first await — ours do.
 *
 * Cold starts: a function module keeps state between calls (token cache, cloud.init). Under jest a
 * fresh instance comes from `jest.isolateModules(() => require(...))`; loadFreshFunction(name) does
 * that, and invokeFunction(fresh, data, { openid }) calls it.
 */
import path from 'node:path';
import type { ActionName, ActionParams, FunctionName } from '../../typings/contract/index';
import { type CloudFunctionModule, functionEntry, invokeFunction } from '../../emulator/gateway';
import { type Stack, type StackOptions, startStack } from '../../emulator/stack';
import { wechatControl } from '../../emulator/wechat/control-client';

export type { Stack } from '../../emulator/stack';
export { invokeFunction } from '../../emulator/gateway';

/** Seed off, functions from source, free ports, no logging. Options override. */
export function startTestStack(overrides: StackOptions = {}): Promise<Stack> {
  return startStack({ seed: false, functions: 'source', ports: {}, quiet: true, ...overrides });
}

/**
 * What a test sends to function `F`: a contract action, its params as the contract types them (each
 * optional, so a test can leave one out to see it refused) and any other key (to see it refused). A
 * renamed action or a param whose type changed breaks the tests that use it.
 */
export type TestRequest<F extends FunctionName> = {
  [A in ActionName<F>]: { action: A } & ParamsPart<ActionParams<F, A>> & Record<string, unknown>;
}[ActionName<F>];
/** The contract's params, each optional; nothing for `Record<string, never>` (no params). */
type ParamsPart<P> = string extends keyof P ? unknown : Partial<P>;

/**
 * A request the contract does not allow (an unknown action, an operator object, a computed action
 * name), sent as it is: the one way around TestRequest, for tests that try exactly that.
 */
export function offContract(data: { action: string } & Record<string, unknown>): never {
  return data as never;
}

/** Calls a function as one caller: `(fn, data) => result` (the function's CloudResponse). */
export type Caller = <T = unknown, F extends FunctionName = FunctionName>(
  fn: F,
  data: TestRequest<F>,
) => Promise<T>;

/** A caller bound to one openid: `(fn, data) => result` (the function's CloudResponse). */
export function asCaller(stack: Stack, openid: string | undefined): Caller {
  return <T = unknown, F extends FunctionName = FunctionName>(fn: F, data: TestRequest<F>): Promise<T> =>
    stack.call(fn, data, openid) as Promise<T>;
}

/** What useTestStack gives a test file. */
export interface TestStack {
  /** The running stack; set in beforeAll, so read it inside hooks and tests only. */
  readonly stack: Stack;
  /** A caller bound to `openid`; may be made at module load, it finds the stack when called. */
  as(openid: string | undefined): Caller;
}

/**
 * The usual set-up of a file of cloud tests: one stack for the file (startTestStack with `overrides`,
 * closed after it), and before each test an empty database and a reset WeChat stand-in. Hooks a file
 * registers after this call run after these ones (e.g. a beforeEach that seeds data).
 */
export function useTestStack(overrides: StackOptions = {}): TestStack {
  let running: Stack | undefined;
  const current = (): Stack => {
    if (!running) throw new Error('useTestStack: the stack is only there inside hooks and tests');
    return running;
  };
  // Calls still running when their test ends (a test that failed or timed out) are waited for before
  // the next test resets the stand-ins, and before the stack closes: no call outlives its test's file
  // or lands in the next test's data.
  const inFlight = new Set<Promise<unknown>>();
  const settle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
  beforeAll(async () => {
    running = await startTestStack(overrides);
  });
  afterAll(async () => {
    await settle();
    await running?.close();
  }, 120_000);
  afterEach(settle, 120_000);
  beforeEach(async () => {
    resetDatabase(current());
    await wechatControl(current()).reset();
  });
  return {
    get stack() {
      return current();
    },
    as:
      (openid) =>
      <T = unknown, F extends FunctionName = FunctionName>(fn: F, data: TestRequest<F>) => {
        const call = asCaller(current(), openid)<T, F>(fn, data);
        inFlight.add(call);
        void call.then(
          () => inFlight.delete(call),
          () => inFlight.delete(call),
        );
        return call;
      },
  };
}

/** Empties every collection (and drops any open transaction). */
export function resetDatabase(stack: Stack): void {
  stack.cloudbase.reset();
}

/** Sets (or, with undefined, deletes) one environment variable. */
export type SetEnv = (name: string, value: string | undefined) => void;

/**
 * Lets the tests of a file or describe change environment variables: each variable a test changed
 * through the returned setEnv gets its value from before the test back after it (or is deleted again).
 */
export function useEnvOverrides(): SetEnv {
  const saved = new Map<string, string | undefined>();
  const assign = (name: string, value: string | undefined): void => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  afterEach(() => {
    for (const [name, value] of saved) assign(name, value);
    saved.clear();
  });
  return (name, value) => {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    assign(name, value);
  };
}

/** A fresh copy of a function's module (a cold start). Jest only. */
export function loadFreshFunction(name: FunctionName): CloudFunctionModule {
  let mod: CloudFunctionModule | undefined;
  jest.isolateModules(() => {
    mod = require(path.resolve(functionEntry(name, 'source'))) as CloudFunctionModule;
  });
  return mod!;
}

/** Invokes a module obtained by loadFreshFunction as `openid`. */
export function callFresh(fn: CloudFunctionModule, data: object, openid?: string): Promise<unknown> {
  return invokeFunction(fn, data, { openid });
}

// ---- the WeChat stand-in's control API: emulator/wechat/control-client.ts ----

export {
  type BulkPromotersInput,
  type CallRecord,
  type FaultInput,
  type OaUserInput,
  type RecordedCall,
  type WechatControl,
  wechatControl,
} from '../../emulator/wechat/control-client';
