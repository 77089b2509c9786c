/** The customparam function: the bound Open Platform account (with its yearly change guard) and custom params. */
import type { OpenAccountInfo } from '../../../typings/contract/customparam';
import { DEMO_OPEN_ACCOUNTS, demoId } from '../../../emulator/demo-data';
import { derivedUnionid } from '../../../emulator/wechat/state';
import { type StoredDoc, collection } from '../../../cloudfunctions/_shared/db';
import { useTestStack, wechatControl } from '../harness';
import { ADMIN, MANAGER_BJ, MANAGER_SH, STRANGER, errorOf, okData, seedStaff } from '../core/helpers';

type AnyDoc = StoredDoc & Record<string, unknown>;

const env = useTestStack();
const admin = env.as(ADMIN);

const [ACCOUNT_A, ACCOUNT_B] = DEMO_OPEN_ACCOUNTS;
const BIND = '/union/promoter/open_account/bind';
const ADD = '/union/promoter/open_account/add_customize_info';
const DEL = '/union/promoter/open_account/del_customize_info';
const calls = async (path: string) => (await wechatControl(env.stack).calls(path)).length;
const rows = (name: string) => env.stack.cloudbase.collections()[name] ?? [];
const YEAR = 365 * 86_400;

describe('openAccount', () => {
  test('first bind, same bind (no-op), two changes, then a third change is refused before WeChat is called', async () => {
    expect(okData(await admin('customparam', { action: 'openAccount.get' }))).toEqual({
      openAccount: null,
      rebindsInLastYear: 0,
      rebindsLeft: 2,
    });

    const first = okData<OpenAccountInfo & { warning: string }>(
      await admin('customparam', { action: 'openAccount.bind', openAccount: ACCOUNT_A }),
    );
    expect(first).toMatchObject({ openAccount: ACCOUNT_A, rebindsInLastYear: 0, rebindsLeft: 2 });
    expect(first.warning).toContain('每年只允许更换 2 次');
    expect(rows('open_account_binds')).toMatchObject([
      { from: null, to: ACCOUNT_A, change: false, by: ADMIN },
    ]);
    expect(rows('audit_log').at(-1)).toMatchObject({
      fn: 'customparam',
      action: 'openAccount.bind',
      target: ACCOUNT_A,
      before: { openAccount: null },
      after: { openAccount: ACCOUNT_A },
    });

    okData(await admin('customparam', { action: 'openAccount.bind', openAccount: ACCOUNT_A }));
    expect(await calls(BIND)).toBe(1);
    expect(rows('open_account_binds')).toHaveLength(1);

    const change1 = okData<OpenAccountInfo>(
      await admin('customparam', { action: 'openAccount.bind', openAccount: ACCOUNT_B }),
    );
    expect(change1).toMatchObject({ openAccount: ACCOUNT_B, rebindsInLastYear: 1, rebindsLeft: 1 });
    const firstChangeAt = rows('open_account_binds')[1].at as number;
    expect(change1.nextRebindFreeAt).toBe(firstChangeAt + YEAR);
    const change2 = okData<OpenAccountInfo>(
      await admin('customparam', { action: 'openAccount.bind', openAccount: ACCOUNT_A }),
    );
    expect(change2).toMatchObject({ openAccount: ACCOUNT_A, rebindsInLastYear: 2, rebindsLeft: 0 });

    const refused = errorOf(
      await admin('customparam', { action: 'openAccount.bind', openAccount: ACCOUNT_B }),
    );
    expect(refused).toMatchObject({ code: 'QUOTA_EXCEEDED', field: 'openAccount' });
    expect(refused.message).toContain('2 次');
    expect(await calls(BIND)).toBe(3);
    expect(rows('open_account_binds')).toHaveLength(3);
    expect(okData(await admin('customparam', { action: 'openAccount.get' }))).toMatchObject({
      openAccount: ACCOUNT_A,
      rebindsInLastYear: 2,
      rebindsLeft: 0,
    });
  });

  test('changes older than 365 days no longer count', async () => {
    okData(await admin('customparam', { action: 'openAccount.bind', openAccount: ACCOUNT_A }));
    const old = Math.floor(Date.now() / 1000) - YEAR - 60;
    for (const at of [old, old + 1]) {
      await collection<AnyDoc>('open_account_binds').add({
        data: { at, from: ACCOUNT_B, to: ACCOUNT_A, change: true, by: ADMIN },
      });
    }
    const info = okData<OpenAccountInfo>(
      await admin('customparam', { action: 'openAccount.bind', openAccount: ACCOUNT_B }),
    );
    expect(info).toMatchObject({ openAccount: ACCOUNT_B, rebindsInLastYear: 1, rebindsLeft: 1 });
  });

  test('bad or unknown accounts are INVALID_ARGUMENT naming openAccount; -1 on bind is not retried and records nothing', async () => {
    expect(
      errorOf(await admin('customparam', { action: 'openAccount.bind', openAccount: 'wx123' })),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'openAccount',
    });
    expect(await calls(BIND)).toBe(0);
    expect(
      errorOf(await admin('customparam', { action: 'openAccount.bind', openAccount: 'wx0000000000000000' })),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'openAccount',
      errcode: 25505,
    });
    await wechatControl(env.stack).faults([{ kind: 'errcode', errcode: -1, path: BIND, next: 1 }]);
    expect(
      errorOf(await admin('customparam', { action: 'openAccount.bind', openAccount: ACCOUNT_A })),
    ).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      errcode: -1,
    });
    expect(await calls(BIND)).toBe(2); // the unknown account, then the busy answer once (no retry)
    expect(rows('open_account_binds')).toHaveLength(0);
    expect(rows('audit_log')).toHaveLength(0);
  });

  describe('under concurrency (WeChat at 200 ms)', () => {
    const ACCOUNT_C = 'wx5e7a9c1b3d5f7a05';
    const latency = (ms: number) =>
      wechatControl(env.stack).raw('POST', '/__control/faults', { latencyMs: ms });
    const wechatChanges = async () =>
      (
        (await wechatControl(env.stack).raw('GET', '/__control/state')) as {
          miniProgram: { union: { openAccount: string | null; changeTimes: number[] } };
        }
      ).miniProgram.union;
    const bind = (openAccount: string) => admin('customparam', { action: 'openAccount.bind', openAccount });

    beforeEach(async () => {
      await wechatControl(env.stack).raw('POST', '/__control/open-accounts', { openAccounts: [ACCOUNT_C] });
    });

    test("three first binds at once: one first bind, then changes, our count equal to WeChat's", async () => {
      await latency(200);
      const answers = await Promise.all([ACCOUNT_A, ACCOUNT_B, ACCOUNT_C].map(bind));
      await latency(0);
      const union = await wechatChanges();
      const history = rows('open_account_binds');
      expect(history.filter((b) => b.change === false)).toHaveLength(1);
      expect(history.filter((b) => b.change === true)).toHaveLength(union.changeTimes.length);
      expect(history.at(-1)?.to).toBe(union.openAccount);
      expect(answers.filter((a) => (a as { ok: boolean }).ok)).toHaveLength(3);
      expect(await calls(BIND)).toBe(3);
      const info = okData<OpenAccountInfo>(await admin('customparam', { action: 'openAccount.get' }));
      expect(info).toMatchObject({
        openAccount: union.openAccount,
        rebindsInLastYear: union.changeTimes.length,
      });
      expect(rows('audit_log').filter((e) => e.action === 'openAccount.bind')).toHaveLength(3);
    });

    test("five binds at once after a first bind: serialized, WeChat never refuses, our count equal to WeChat's", async () => {
      okData(await bind(ACCOUNT_A));
      await latency(200);
      const answers = await Promise.all([ACCOUNT_B, ACCOUNT_C, ACCOUNT_B, ACCOUNT_C, ACCOUNT_A].map(bind));
      await latency(0);
      const union = await wechatChanges();
      // two changes go through; the rest are refused by our guard (or are no-ops) before WeChat is called
      expect(union.changeTimes).toHaveLength(2);
      const binds = await wechatControl(env.stack).calls(BIND);
      expect(binds.every((c) => (c.answer as { errcode?: number } | undefined)?.errcode === 0)).toBe(true);
      const history = rows('open_account_binds');
      expect(history.filter((b) => b.change === true)).toHaveLength(2);
      expect(history.at(-1)?.to).toBe(union.openAccount);
      const refused = answers.filter((a) => !(a as { ok: boolean }).ok).map((a) => errorOf(a).code);
      expect(refused.every((code) => code === 'QUOTA_EXCEEDED')).toBe(true);
      expect(
        okData<OpenAccountInfo>(await admin('customparam', { action: 'openAccount.get' })),
      ).toMatchObject({
        openAccount: union.openAccount,
        rebindsInLastYear: 2,
        rebindsLeft: 0,
      });
    });

    test('a change WeChat holds but we never recorded (a crash after WeChat said yes) is recorded before the next bind', async () => {
      okData(await bind(ACCOUNT_A));
      // WeChat changes to C without our record: call the stand-in's WeChat endpoint directly
      const base = env.stack.wechatUrl.replace(/\/+$/, '');
      const { miniProgram } = (await wechatControl(env.stack).raw('GET', '/__control/apps')) as {
        miniProgram: { appid: string; secret: string };
      };
      const token = (await (
        await fetch(`${base}/cgi-bin/stable_token`, {
          method: 'POST',
          body: JSON.stringify({ grant_type: 'client_credential', ...miniProgram }),
        })
      ).json()) as { access_token: string };
      await fetch(`${base}${BIND}?access_token=${token.access_token}`, {
        method: 'POST',
        body: JSON.stringify({ openAccount: ACCOUNT_C }),
      });
      expect((await wechatChanges()).changeTimes).toHaveLength(1);
      // our next bind sees WeChat's C, records the missed change, and counts it: one change left, used by B
      const info = okData<OpenAccountInfo>(await bind(ACCOUNT_B));
      expect(info).toMatchObject({ openAccount: ACCOUNT_B, rebindsInLastYear: 2, rebindsLeft: 0 });
      expect(rows('open_account_binds').map((b) => [b.from, b.to, b.change, b.inferred ?? false])).toEqual([
        [null, ACCOUNT_A, false, false],
        [ACCOUNT_A, ACCOUNT_C, true, true],
        [ACCOUNT_C, ACCOUNT_B, true, false],
      ]);
      expect((await wechatChanges()).changeTimes).toHaveLength(2);
    });

    test('a double-tapped change is one change: the repeat is a no-op, the second change still allowed', async () => {
      okData(await bind(ACCOUNT_A));
      await latency(200);
      const [x, y] = await Promise.all([bind(ACCOUNT_B), bind(ACCOUNT_B)]);
      expect([okData<OpenAccountInfo>(x).openAccount, okData<OpenAccountInfo>(y).openAccount]).toEqual([
        ACCOUNT_B,
        ACCOUNT_B,
      ]);
      await latency(0);
      expect(await calls(BIND)).toBe(2);
      expect(rows('open_account_binds').filter((b) => b.change === true)).toHaveLength(1);
      expect(okData<OpenAccountInfo>(await bind(ACCOUNT_C))).toMatchObject({
        rebindsInLastYear: 2,
        rebindsLeft: 0,
      });
      expect((await wechatChanges()).changeTimes).toHaveLength(2);
    });
  });

  test('managers may read but not bind; strangers neither', async () => {
    await seedStaff(env.stack);
    okData(await env.as(MANAGER_SH)('customparam', { action: 'openAccount.get' }));
    expect(
      errorOf(
        await env.as(MANAGER_SH)('customparam', {
          action: 'openAccount.bind',
          openAccount: ACCOUNT_A,
        }),
      ).code,
    ).toBe('FORBIDDEN');
    expect(errorOf(await env.as(STRANGER)('customparam', { action: 'openAccount.get' })).code).toBe(
      'FORBIDDEN',
    );
    expect(await calls(BIND)).toBe(0);
  });
});

describe('customParam', () => {
  const SH_UNIONID = demoId('Union-sh', 'u');
  const BJ_UNIONID = demoId('Union-bj', 'u');

  beforeEach(async () => {
    await seedStaff(env.stack);
    // the promoter read model the promoter function keeps: one promoter per store
    for (const [id, unionid, storeId] of [
      ['1', SH_UNIONID, 'SH-XUHUI'],
      ['2', BJ_UNIONID, 'BJ-CHAOYANG'],
    ]) {
      await collection<AnyDoc>('promoters').add({
        data: { _id: id, id, openid: demoId(`P-${id}`), unionid, roleId: 1, storeId },
      });
    }
  });

  test('without a bound open account: FAILED_PRECONDITION', async () => {
    const error = errorOf(
      await admin('customparam', { action: 'customParam.set', unionid: SH_UNIONID, value: 'vip' }),
    );
    expect(error).toMatchObject({ code: 'FAILED_PRECONDITION', errcode: 25505 });
    expect(rows('audit_log').filter((e) => e.fn === 'customparam')).toHaveLength(0);
  });

  describe('with a bound open account', () => {
    beforeEach(async () => {
      okData(await admin('customparam', { action: 'openAccount.bind', openAccount: ACCOUNT_A }));
    });

    test('set overwrites, get reads, remove deletes; each change audited with before and after', async () => {
      expect(okData(await admin('customparam', { action: 'customParam.get', unionid: SH_UNIONID }))).toEqual({
        unionid: SH_UNIONID,
        value: null,
      });
      expect(
        okData(
          await admin('customparam', { action: 'customParam.set', unionid: SH_UNIONID, value: 'src=poster' }),
        ),
      ).toEqual({
        unionid: SH_UNIONID,
        value: 'src=poster',
      });
      okData(
        await admin('customparam', { action: 'customParam.set', unionid: SH_UNIONID, value: 'src=qr&v=2' }),
      );
      expect(okData(await admin('customparam', { action: 'customParam.get', unionid: SH_UNIONID }))).toEqual({
        unionid: SH_UNIONID,
        value: 'src=qr&v=2',
      });
      // the same value again: nothing to change, no WeChat write, no audit record
      okData(
        await admin('customparam', { action: 'customParam.set', unionid: SH_UNIONID, value: 'src=qr&v=2' }),
      );
      expect(await calls(ADD)).toBe(2);

      expect(
        okData(await admin('customparam', { action: 'customParam.remove', unionid: SH_UNIONID })),
      ).toEqual({
        unionid: SH_UNIONID,
        removed: true,
      });
      expect(
        okData(await admin('customparam', { action: 'customParam.remove', unionid: SH_UNIONID })),
      ).toEqual({
        unionid: SH_UNIONID,
        removed: false,
      });
      expect(await calls(DEL)).toBe(1);

      const entries = rows('audit_log').filter((e) => e.target === SH_UNIONID);
      expect(entries.map((e) => [e.action, e.before, e.after])).toEqual([
        ['customParam.set', { value: null }, { value: 'src=poster' }],
        ['customParam.set', { value: 'src=poster' }, { value: 'src=qr&v=2' }],
        ['customParam.remove', { value: 'src=qr&v=2' }, { value: null }],
      ]);
    });

    test('the value rule: visible ASCII only, at most 80 bytes; checked before WeChat', async () => {
      for (const value of ['has space', '汉字', '', 'x'.repeat(81)]) {
        const error = errorOf(
          await admin('customparam', { action: 'customParam.set', unionid: SH_UNIONID, value }),
        );
        expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'value' });
      }
      expect(
        errorOf(
          await admin('customparam', {
            action: 'customParam.set',
            unionid: SH_UNIONID,
            value: 'x'.repeat(81),
          }),
        ).message,
      ).toContain('最多 80 位');
      expect(errorOf(await admin('customparam', { action: 'customParam.get', unionid: 'nope' })).field).toBe(
        'unionid',
      );
      expect(
        okData(
          await admin('customparam', {
            action: 'customParam.set',
            unionid: SH_UNIONID,
            value: 'x'.repeat(80),
          }),
        ),
      ).toBeTruthy();
      expect(await calls(ADD)).toBe(1);
    });

    test('a manager only for promoters of their own stores', async () => {
      const sh = env.as(MANAGER_SH);
      okData(await sh('customparam', { action: 'customParam.set', unionid: SH_UNIONID, value: 'sh' }));
      expect(
        okData(await sh('customparam', { action: 'customParam.get', unionid: SH_UNIONID })),
      ).toMatchObject({ value: 'sh' });
      expect(rows('audit_log').at(-1)).toMatchObject({ actor: { openid: MANAGER_SH, role: 'manager' } });

      for (const action of ['customParam.get', 'customParam.set', 'customParam.remove'] as const) {
        const data = action === 'customParam.set' ? { value: 'x' } : {};
        const other = errorOf(await sh('customparam', { action, unionid: BJ_UNIONID, ...data }));
        expect(other).toMatchObject({ code: 'FORBIDDEN', field: 'unionid' });
        const unknown = errorOf(await sh('customparam', { action, unionid: demoId('Nobody', 'u'), ...data }));
        expect(unknown.code).toBe('FORBIDDEN');
      }
      okData(
        await env.as(MANAGER_BJ)('customparam', {
          action: 'customParam.get',
          unionid: BJ_UNIONID,
        }),
      );
      expect(
        errorOf(
          await env.as(STRANGER)('customparam', {
            action: 'customParam.get',
            unionid: SH_UNIONID,
          }),
        ).code,
      ).toBe('FORBIDDEN');
      expect(await calls(ADD)).toBe(1);
    });

    test("a manager's own promoter whose detail nobody opened: the unionid is resolved with WeChat when needed", async () => {
      const openid = demoId('Fresh-sh');
      const unionid = derivedUnionid(openid);
      // the mirror as the promoter function keeps it, not the hand-made rows of this describe
      for (const id of ['1', '2']) await collection<AnyDoc>('promoters').doc(id).remove();
      okData(
        await admin('promoter', {
          action: 'promoter.declare',
          promoters: [{ openid, roleId: 1, storeId: 'SH-XUHUI', name: '新人' }],
        }),
      );
      okData(await admin('promoter', { action: 'promoter.list' })); // the mirror holds the row, no unionid
      expect(rows('promoters').find((p) => p.openid === openid)?.unionid).toBeUndefined();
      const sh = env.as(MANAGER_SH);
      okData(await sh('customparam', { action: 'customParam.set', unionid, value: 'fresh' }));
      expect(okData(await sh('customparam', { action: 'customParam.get', unionid }))).toMatchObject({
        value: 'fresh',
      });
      // the other store's manager is still refused, and the unionid now sits in the mirror
      const other = errorOf(await env.as(MANAGER_BJ)('customparam', { action: 'customParam.get', unionid }));
      expect(other).toMatchObject({ code: 'FORBIDDEN', field: 'unionid' });
      expect(rows('promoters').find((p) => p.openid === openid)).toMatchObject({ unionid });
    });

    test('a WeChat failure on set writes no audit record', async () => {
      await wechatControl(env.stack).faults([{ kind: 'errcode', errcode: 45009, path: ADD, next: 1 }]);
      const error = errorOf(
        await admin('customparam', { action: 'customParam.set', unionid: SH_UNIONID, value: 'v' }),
      );
      expect(error).toMatchObject({ code: 'QUOTA_EXCEEDED', errcode: 45009 });
      expect(rows('audit_log').filter((e) => e.target === SH_UNIONID)).toHaveLength(0);
    });
  });
});
