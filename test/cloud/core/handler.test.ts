/**
 * createHandler: identity read synchronously (concurrent callers each get their own), dispatch,
 * access levels, the platform's userInfo stripped before strict validation, and ctx.transaction
 * keeping a change and its audit record together.
 */
import * as v from 'valibot';
import { createHandler, defineAction } from '../../../cloudfunctions/_shared/handler';
import { AppError } from '../../../cloudfunctions/_shared/errors';
import { params, storeId } from '../../../cloudfunctions/_shared/validation';
import type { StoredDoc } from '../../../cloudfunctions/_shared/db';
import { asCaller, invokeFunction, useTestStack } from '../harness';
import { ADMIN, MANAGER_SH, STRANGER, errorOf, okData, seedStaff } from './helpers';

const env = useTestStack();

type Note = StoredDoc & { text: string };

/** A function of our own, built with the core, to test the core's behaviour directly. */
const testFunction = {
  main: createHandler('admin', {
    whoami: defineAction({
      access: 'anyone',
      schema: params({ delayMs: v.optional(v.number()) }),
      async run(input, ctx) {
        await new Promise((resolve) => setTimeout(resolve, input.delayMs ?? 0));
        return { openid: ctx.caller.openid, role: ctx.caller.role };
      },
    }),
    staffOnly: defineAction({
      access: 'staff',
      schema: params({}),
      run: async (_input, ctx) => ctx.caller.storeIds,
    }),
    adminOnly: defineAction({ access: 'admin', schema: params({}), run: async () => 'yes' }),
    note: defineAction({
      access: 'admin',
      schema: params({ storeId, failAfterWrite: v.optional(v.boolean()) }),
      async run(input, ctx) {
        await ctx.transaction(async (tx) => {
          await tx
            .collection<Note>('notes')
            .doc(input.storeId)
            .set({ data: { text: 'written' } });
          await ctx.audit({ target: input.storeId, before: null, after: { text: 'written' } }, tx);
          if (input.failAfterWrite) throw new AppError('CONFLICT', '写入后失败，应整体回滚');
        });
        return 'ok';
      },
    }),
  } as never),
};
const call = (data: Record<string, unknown>, openid?: string) =>
  invokeFunction(testFunction, data, { openid });

test('50 concurrent calls by alternating callers each see their own identity', async () => {
  await seedStaff(env.stack);
  const callers = Array.from({ length: 50 }, (_, i) => [ADMIN, MANAGER_SH, STRANGER][i % 3]);
  const answers = await Promise.all(
    callers.map((openid, i) => call({ action: 'whoami', delayMs: (i * 7) % 20 }, openid)),
  );
  answers.forEach((answer, i) => {
    expect(okData<{ openid: string }>(answer).openid).toBe(callers[i]);
  });
  expect(okData<{ role: string }>(answers[2]).role).toBe('guest');
  expect(okData<{ role: string }>(answers[1]).role).toBe('manager');
});

test('access levels: anyone, staff, admin', async () => {
  await seedStaff(env.stack);
  expect(okData(await call({ action: 'staffOnly' }, MANAGER_SH))).toEqual(['SH-XUHUI']);
  expect(errorOf(await call({ action: 'staffOnly' }, STRANGER)).code).toBe('FORBIDDEN');
  expect(errorOf(await call({ action: 'adminOnly' }, MANAGER_SH)).code).toBe('FORBIDDEN');
  expect(okData(await call({ action: 'adminOnly' }, ADMIN))).toBe('yes');
});

test('dispatch errors name `action`; the platform userInfo is not an unknown param; other extras are', async () => {
  expect(errorOf(await call({}, ADMIN))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'action' });
  expect(errorOf(await call({ action: 'toString' }, ADMIN))).toMatchObject({
    code: 'INVALID_ARGUMENT',
    field: 'action',
  });
  // invokeFunction adds userInfo to every event, as CloudBase does
  expect(okData(await call({ action: 'adminOnly' }, ADMIN))).toBe('yes');
  expect(errorOf(await call({ action: 'adminOnly', extra: 1 }, ADMIN))).toMatchObject({
    code: 'INVALID_ARGUMENT',
    field: 'extra',
  });
  const notAnObject = await testFunction.main('just a string');
  expect(errorOf(notAnObject)).toMatchObject({ field: 'action' });
});

test('ctx.transaction: the change and its audit record commit together, or neither does', async () => {
  expect(errorOf(await call({ action: 'note', storeId: 'S-1', failAfterWrite: true }, ADMIN)).code).toBe(
    'CONFLICT',
  );
  expect(env.stack.cloudbase.collections().notes ?? []).toHaveLength(0);
  expect(env.stack.cloudbase.collections().audit_log ?? []).toHaveLength(0);

  expect(okData(await call({ action: 'note', storeId: 'S-1' }, ADMIN))).toBe('ok');
  expect(env.stack.cloudbase.collections().notes).toHaveLength(1);
  expect(env.stack.cloudbase.collections().audit_log).toMatchObject([
    { fn: 'admin', action: 'note', target: 'S-1', actor: { openid: ADMIN, role: 'admin' }, before: null },
  ]);
});

test('asCaller and invokeFunction agree (the real admin function answers through the same path)', async () => {
  expect(okData(await asCaller(env.stack, ADMIN)('admin', { action: 'store.list' }))).toEqual({ items: [] });
});
