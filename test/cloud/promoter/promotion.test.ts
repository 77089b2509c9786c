/**
 * share.material, stats.summary, stats.relations and stats.orders.
 */
import type {
  Page,
  Promoter,
  PromotionOrder,
  Relation,
  ShareMaterial,
  StatsSummary,
} from '../../../typings/contract/index';
import { BJ, GUEST, SH, control, err, oid, ok, useStack } from './helpers';

const env = useStack();

async function declared(): Promise<Record<string, Promoter>> {
  ok(
    await env.admin({
      action: 'promoter.declare',
      promoters: [
        { openid: oid('S-bound'), roleId: 1, storeId: SH, name: '绑定' },
        { openid: oid('S-wait'), roleId: 1, storeId: SH, name: '等待' },
        { openid: oid('S-bj'), roleId: 1, storeId: BJ, name: '北京' },
        { openid: oid('S-gone'), roleId: 1, storeId: BJ, name: '离职' },
      ],
    }),
  );
  await control(env.stack).bind(oid('S-bound'), 'authorize');
  await control(env.stack).bind(oid('S-bj'), 'authorize');
  const items = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list', limit: 100 })).items;
  const gone = items.find((p) => p.name === '离职') as Promoter;
  ok(await env.admin({ action: 'promoter.cancel', id: gone.id }));
  return Object.fromEntries(items.map((p) => [p.name, p]));
}

describe('share.material', () => {
  test('for a bound promoter: WeChat material plus a 30-day expiry', async () => {
    const p = await declared();
    const material = ok(
      await env.mgrSh<ShareMaterial>({
        action: 'share.material',
        id: p['绑定'].id,
        path: 'pages/goods/index?id=1',
        title: '春季上新',
      }),
    );
    expect(material.tag).toBeTruthy();
    expect(material.sharePath).toContain('pages/goods/index?id=1');
    expect(material.qrcode).toBeTruthy();
    expect(material.expiresAt - Math.floor(Date.now() / 1000)).toBeGreaterThan(30 * 86400 - 10);
    const [call] = await control(env.stack).calls('/promoter/getsharematerial');
    expect(call.body).toEqual({ openid: oid('S-bound'), path: 'pages/goods/index?id=1', title: '春季上新' });
  });

  // WeChat's answer for an unbound promoter is 103006 (the Chinese doc) or 103014 (the error table):
  // docs/wechat-api.md, getsharematerial. Both map the same.
  test.each([103006, 103014] as const)(
    'not authorized → FAILED_PRECONDITION before calling WeChat; WeChat %i maps the same',
    async (errcode) => {
      await control(env.stack).readings({ shareMaterialUnbound: errcode });
      const p = await declared();
      const e = err(
        await env.mgrSh({ action: 'share.material', id: p['等待'].id, path: 'pages/index/index' }),
      );
      expect(e.code).toBe('FAILED_PRECONDITION');
      expect(e.message).toContain('待授权');
      expect(await control(env.stack).calls('/promoter/getsharematerial')).toHaveLength(0);
      // the promoter revokes in WeChat; our mirror is still within its 15 s window and says bound
      await control(env.stack).bind(oid('S-bound'), 'revoke');
      const stale = err(
        await env.mgrSh({ action: 'share.material', id: p['绑定'].id, path: 'pages/index/index' }),
      );
      expect(stale).toMatchObject({ code: 'FAILED_PRECONDITION', errcode, field: 'id' });
    },
  );

  test('store-checked and validated', async () => {
    const p = await declared();
    expect(err(await env.mgrBj({ action: 'share.material', id: p['绑定'].id, path: 'p' })).code).toBe(
      'FORBIDDEN',
    );
    expect(
      err(await env.mgrSh({ action: 'share.material', id: p['绑定'].id, path: 'p', title: '标'.repeat(7) }))
        .field,
    ).toBe('title');
    expect(err(await env.mgrSh({ action: 'share.material', id: p['绑定'].id })).field).toBe('path');
  });

  test('a trial or develop version only as a short link: refused first, naming shareType, under either reading', async () => {
    const p = await declared();
    await control(env.stack).clearCalls();
    const share = (extra: Record<string, unknown>) =>
      env.mgrSh<ShareMaterial>({
        action: 'share.material',
        id: p['绑定'].id,
        path: 'pages/index/index',
        ...extra,
      });
    const refused = err(await share({ envVersion: 'trial' }));
    expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'shareType' });
    expect(refused.message).toContain('短链接');
    expect(await control(env.stack).calls('/promoter/getsharematerial')).toHaveLength(0);
    for (const reading of ['accept', 'refuse'] as const) {
      await control(env.stack).readings({ shareEnvVersion: reading });
      expect(ok(await share({ envVersion: 'trial', shareType: 1 })).tag).toEqual(expect.any(String));
    }
  });
});

describe('role names', () => {
  test('a missing role name is called 角色名称, not 姓名; control characters are refused', async () => {
    expect(err(await env.admin({ action: 'role.add' }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'name',
      message: '角色名称为必填项（name）',
    });
    expect(err(await env.admin({ action: 'role.add', name: '金牌\u0000' })).message).toBe(
      '角色名称含有空字符（NUL），请删除后重试（name）',
    );
    expect(
      ok(await env.admin<{ desc: string }>({ action: 'role.add', name: '金牌', desc: '第一行\n第二行' }))
        .desc,
    ).toBe('第一行\n第二行');
  });
});

describe('stats.summary', () => {
  test('counts by status, role and store, limited to the caller; pending join requests', async () => {
    await declared();
    const { invite } = ok(
      await env.mgrSh<{ invite: { token: string } }>({ action: 'invite.create', storeId: SH, roleId: 1 }),
    );
    ok(
      await env.as(GUEST)({
        action: 'join.request',
        inviteToken: invite.token,
        name: '周游',
        phone: '13700000000',
      }),
    );
    const all = ok(await env.admin<StatsSummary>({ action: 'stats.summary' }));
    expect(all).toEqual({
      total: 4,
      byStatus: { bound: 2, awaiting: 1, revoked: 0, cancelled: 1 },
      byRole: [{ roleId: 1, count: 4 }],
      byStore: [
        { storeId: BJ, count: 2 },
        { storeId: SH, count: 2 },
      ],
      pendingJoinRequests: 1,
      asOf: expect.any(Number),
      stale: false,
    });
    expect(all.asOf).toBeGreaterThan(0);
    const sh = ok(await env.mgrSh<StatsSummary>({ action: 'stats.summary' }));
    expect(sh).toMatchObject({
      total: 2,
      byStatus: { bound: 1, awaiting: 1 },
      byStore: [{ storeId: SH, count: 2 }],
    });
    expect(sh.pendingJoinRequests).toBe(1);
    const bj = ok(await env.mgrBj<StatsSummary>({ action: 'stats.summary' }));
    expect(bj).toMatchObject({ total: 2, byStatus: { bound: 1, cancelled: 1 }, pendingJoinRequests: 0 });
    expect(ok(await env.admin<StatsSummary>({ action: 'stats.summary', storeId: BJ })).total).toBe(2);
    expect(err(await env.mgrSh({ action: 'stats.summary', storeId: BJ })).code).toBe('FORBIDDEN');
  });
});

describe('stats.relations / stats.orders', () => {
  test('pages of `limit` rows (default 20) across WeChat pulls of ≤ 1000; 103006 is an empty page', async () => {
    const p = await declared();
    const id = p['绑定'].id;
    const empty = ok(await env.mgrSh<Page<Relation>>({ action: 'stats.relations', id }));
    expect(empty).toEqual({ items: [], total: 0 });
    await control(env.stack).relations({
      openid: oid('S-bound'),
      rows: Array.from({ length: 1001 }, (_, i) => ({
        openid: oid(`Visitor-${i}`),
        scene: 1007,
        path: 'pages/index/index',
      })),
    });
    await control(env.stack).clearCalls();
    const first = ok(await env.mgrSh<Page<Relation>>({ action: 'stats.relations', id }));
    expect(first.items).toHaveLength(20);
    expect(first.total).toBe(1001);
    expect(first.items[0]).toMatchObject({
      promoterOpenid: oid('S-bound'),
      openid: oid('Visitor-0'),
      scene: 1007,
      storeId: SH,
    });
    // walk the rest 100 at a time: every visitor once, in order, and the pages end
    const seen = first.items.map((r) => r.openid);
    let cursor = first.nextCursor;
    let pages = 1;
    while (cursor) {
      const page = ok(await env.mgrSh<Page<Relation>>({ action: 'stats.relations', id, cursor, limit: 100 }));
      seen.push(...page.items.map((r) => r.openid));
      cursor = page.nextCursor;
      pages++;
    }
    expect(seen).toEqual(Array.from({ length: 1001 }, (_, i) => oid(`Visitor-${i}`)));
    // 20, then 100 × 9 (to 920), 80 (to the pull's end at 1000), 1; no empty page after the short pull
    expect(pages).toBe(12);
    const starts = (await control(env.stack).calls('/promoter/getrelation')).map(
      (c) => (c.body as { start_id?: string }).start_id,
    );
    // one WeChat call per page; the first 11 from the first pull, the last from WeChat's next start_id
    expect(starts).toHaveLength(12);
    expect(new Set(starts.slice(0, 11))).toEqual(new Set([undefined]));
    expect(starts[11]).toEqual(expect.any(String));
    expect(err(await env.mgrSh({ action: 'stats.relations', id, cursor: 'not-a-cursor' }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'cursor',
    });
    expect(err(await env.mgrSh({ action: 'stats.relations', id, limit: 101 })).field).toBe('limit');
  });

  test("orders: filters are sent in WeChat's shapes (date as yyyyMMdd); store-checked", async () => {
    const p = await declared();
    const id = p['绑定'].id;
    await control(env.stack).orders({
      openid: oid('S-bound'),
      rows: [
        { openid: oid('Buyer-1'), paidAmount: 990, status: 1 },
        { openid: oid('Buyer-2'), paidAmount: 1990, status: 2, refundedTime: 1800000000 },
      ],
    });
    const all = ok(await env.admin<Page<PromotionOrder>>({ action: 'stats.orders', id }));
    expect(all.total).toBe(2);
    expect(all.items[0]).toMatchObject({ openid: oid('Buyer-1'), paidAmount: 990, status: 1 });
    expect(all.items[0].refundedTime).toBeUndefined();
    expect(all.items[1]).toMatchObject({ status: 2, refundedTime: 1800000000 });
    const refunds = ok(
      await env.admin<Page<PromotionOrder>>({ action: 'stats.orders', id, status: 2, date: '2020-01-01' }),
    );
    expect(refunds.items).toEqual([]);
    const calls = await control(env.stack).calls('/promoter/getorder');
    expect(calls[1].body).toMatchObject({ openid: oid('S-bound'), status: 2, date: '20200101' });
    expect(err(await env.mgrBj({ action: 'stats.orders', id })).code).toBe('FORBIDDEN');
    expect(err(await env.admin({ action: 'stats.orders', id, date: '2020/01/01' })).field).toBe('date');
    expect(err(await env.admin({ action: 'stats.orders', id: '9999' })).code).toBe('NOT_FOUND');
  });
});
