/**
 * The real wx-server-sdk 4.0.2 pointed at a CloudBase stand-in. The env vars must be set before the
 * SDK's first call: without credentials 4.0.2 crashes the process on an unhandled rejection.
 */
import {
  type CloudbaseEmulator,
  type CloudbaseEmulatorOptions,
  sdkEnv,
  startCloudbaseEmulator,
} from '../../../emulator/cloudbase';

// The SDK's .d.ts does not type-check under --strict (its init env is typed string, its get() a union with void); tests use it loosely.
export type Loose = any;

export interface SdkFixture {
  emulator: CloudbaseEmulator;
  db: Loose;
  _: Loose;
  /** A raw wire request, for actions wx-server-sdk does not expose (modifyAndReturnDoc, the old transaction API). */
  post(params: Record<string, unknown>): Promise<Record<string, Loose>>;
}

export async function startWithSdk(options: CloudbaseEmulatorOptions = {}): Promise<SdkFixture> {
  const emulator = await startCloudbaseEmulator(options);
  Object.assign(process.env, sdkEnv(emulator.url));
  const cloud = require('wx-server-sdk') as Loose;
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
  const db = cloud.database();
  const post = async (params: Record<string, unknown>): Promise<Record<string, Loose>> => {
    const res = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    return (await res.json()) as Record<string, Loose>;
  };
  return { emulator, db, _: db.command, post };
}

/**
 * The usual test file setup: one stand-in with the SDK for the whole file, emptied before each test.
 * The returned object is filled in beforeAll; read its fields inside tests and hooks.
 */
export function useSdk(options: CloudbaseEmulatorOptions = {}): SdkFixture {
  const fx = {} as SdkFixture;
  beforeAll(async () => {
    Object.assign(fx, await startWithSdk(options));
  });
  afterAll(() => fx.emulator.close());
  beforeEach(() => fx.emulator.reset());
  return fx;
}
