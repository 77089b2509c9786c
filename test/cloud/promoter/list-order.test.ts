/**
 * promoter.list's two orders and its tab counts: 最近变动 (updateTime newest first) and 等待最久
 * (oldest first) page by a cursor holding the time and the id, so rows with the same time are never
 * repeated or skipped, in either direction, even when rows change between pages; `counts` follows the
 * same filters as the rows (store, role, keyword), status aside.
 */
import type { Promoter, PromoterPage, Role } from '../../../typings/contract/index';
import { offContract } from '../harness';
import { BJ, SH, control, err, oid, ok, useStack } from './helpers';

const env = useStack();

/** Fixed update times, far in the past so that every row is "waiting" and ties are certain. */
const T1 = 1_700_000_000;
const T2 = T1 + 3_600;
const T3 = T1 + 7_200;

interface Seed {
  label: string;
  updateTime: number;
  authStatus?: 0 | 1 | 2;
  storeId?: string;
  roleId?: number;
  name?: string;
}

/** Promoters straight into the WeChat stand-in with the update times given (the list syncs them in). */
async function seed(rows: Seed[]): Promise<void> {
  await control(env.stack).raw('POST', '/__control/promoters', {
    promoters: rows.map((r) => ({
      openid: oid(r.label),
      roleId: r.roleId ?? 1,
      retailId: r.storeId ?? SH,
      name: r.name ?? r.label,
      phone: '13800000000',
      authStatus: r.authStatus ?? 0,
      declStatus: 1,
      updateTime: r.updateTime,
    })),
  });
}

/** Every page of a list, `limit` rows a page, running `between` after each page but the last. */
async function walk(
  filters: Record<string, unknown>,
  limit: number,
  between: (page: number) => Promise<void> = async () => {},
): Promise<{ ids: string[]; items: Promoter[] }> {
  const items: Promoter[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 50; n++) {
    const page = ok(
      await env.admin<PromoterPage>({
        action: 'promoter.list',
        limit,
        refresh: true,
        ...filters,
        ...(cursor ? { cursor } : {}),
      }),
    );
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
    await between(n);
  }
  return { ids: items.map((p) => p.id), items };
}

/** The order both lists promise: time in `direction`, then the id ascending (as the database compares strings). */
function expectedOrder(items: Promoter[], direction: 'asc' | 'desc'): string[] {
  return [...items]
    .sort((a, b) =>
      a.updateTime !== b.updateTime
        ? (a.updateTime - b.updateTime) * (direction === 'asc' ? 1 : -1)
        : a.id < b.id
          ? -1
          : 1,
    )
    .map((p) => p.id);
}

const waitingSeven: Seed[] = [
  { label: 'W-a', updateTime: T2 },
  { label: 'W-b', updateTime: T1 },
  { label: 'W-c', updateTime: T2 },
  { label: 'W-d', updateTime: T3 },
  { label: 'W-e', updateTime: T1 },
  { label: 'W-f', updateTime: T2 },
  { label: 'W-g', updateTime: T1 },
];

describe('promoter.list order and cursor', () => {
  test.each([
    ['waitingLongest', 'asc'],
    ['recent', 'desc'],
  ] as const)('sort %s pages through ties by time then id: each row once, in order', async (sort, dir) => {
    await seed(waitingSeven);
    const everyone = await walk({ status: 'awaiting', sort }, 100);
    expect(everyone.ids).toHaveLength(7);
    expect(everyone.ids).toEqual(expectedOrder(everyone.items, dir));
    if (dir === 'asc') expect(everyone.items[0].updateTime).toBe(T1);
    // two rows a page: the pages break inside runs of equal times
    for (const limit of [1, 2, 3]) {
      const paged = await walk({ status: 'awaiting', sort }, limit);
      expect(paged.ids).toEqual(everyone.ids);
    }
  });

  test.each(['waitingLongest', 'recent'] as const)(
    'sort %s: rows that change between pages do not make the others repeat or go missing',
    async (sort) => {
      await seed(waitingSeven);
      const before = await walk({ status: 'awaiting', sort }, 100);
      const [first, second] = before.ids;
      const seenFirst: string[] = [];
      const during = await walk({ status: 'awaiting', sort }, 2, async (page) => {
        if (page !== 0) return;
        seenFirst.push(first, second);
        // after the first page: one not yet shown authorizes (leaves 待授权), someone new is declared
        await control(env.stack).bind(unseen(before, seenFirst), 'authorize');
        ok(
          await env.admin({
            action: 'promoter.declare',
            promoters: [{ openid: oid('W-new'), roleId: 1, storeId: SH, name: 'W-new' }],
          }),
        );
      });
      const gone = before.items.find((p) => p.openid === unseen(before, seenFirst))!.id;
      const stayed = before.ids.filter((id) => id !== gone);
      // every row that did not change: exactly once, in the original order
      const shown = during.ids.filter((id) => stayed.includes(id));
      expect(shown).toEqual(stayed);
      expect(new Set(during.ids).size).toBe(during.ids.length);
      expect(during.ids).not.toContain(gone);
      // the new person waited least: last when the longest waiting come first
      if (sort === 'waitingLongest') expect(during.items[during.items.length - 1].name).toBe('W-new');
    },
  );

  test('等待最久 only for 待授权 / 已解除授权; a cursor of one order is refused by the other', async () => {
    await seed(waitingSeven);
    expect(err(await env.admin({ action: 'promoter.list', sort: 'waitingLongest' }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'sort',
    });
    expect(
      err(await env.admin({ action: 'promoter.list', status: 'bound', sort: 'waitingLongest' })).field,
    ).toBe('sort');
    expect(err(await env.admin(offContract({ action: 'promoter.list', sort: 'oldest' }))).field).toBe('sort');
    const asc = ok(
      await env.admin<PromoterPage>({
        action: 'promoter.list',
        status: 'revoked',
        sort: 'waitingLongest',
        limit: 1,
      }),
    );
    expect(asc.items).toEqual([]);
    const ascPage = ok(
      await env.admin<PromoterPage>({
        action: 'promoter.list',
        status: 'awaiting',
        sort: 'waitingLongest',
        limit: 2,
      }),
    );
    const descPage = ok(
      await env.admin<PromoterPage>({ action: 'promoter.list', status: 'awaiting', limit: 2 }),
    );
    const wrongWay = await env.admin({
      action: 'promoter.list',
      status: 'awaiting',
      cursor: ascPage.nextCursor,
    });
    expect(err(wrongWay).field).toBe('cursor');
    const otherWay = await env.admin({
      action: 'promoter.list',
      status: 'awaiting',
      sort: 'waitingLongest',
      cursor: descPage.nextCursor,
    });
    expect(err(otherWay).field).toBe('cursor');
  });
});

/** The openid of the first row of `before` not yet seen. */
function unseen(before: { items: Promoter[] }, seen: string[]): string {
  return before.items.find((p) => !seen.includes(p.id))!.openid;
}

describe('promoter.list counts', () => {
  test('the tab counts follow store, role and keyword, whatever the status asked', async () => {
    const gold = ok(await env.admin<Role>({ action: 'role.add', name: '金牌推广员' }));
    await seed([
      { label: 'C-zhang', name: '张伟', updateTime: T1, authStatus: 1 },
      { label: 'C-zhangli', name: '张丽', updateTime: T1, roleId: gold.roleId },
      { label: 'C-li', name: '李娜', updateTime: T2, authStatus: 2 },
      { label: 'C-wang', name: '王芳', updateTime: T3, storeId: BJ },
    ]);
    const countsOf = async (filters: Record<string, unknown>) =>
      ok(await env.admin<PromoterPage>({ action: 'promoter.list', counts: true, ...filters })).counts;

    expect(await countsOf({})).toEqual({
      total: 4,
      byStatus: { bound: 1, awaiting: 2, revoked: 1, cancelled: 0 },
    });
    // a keyword: the tabs count only the matching names, whichever tab is open
    const zhang = { total: 2, byStatus: { bound: 1, awaiting: 1, revoked: 0, cancelled: 0 } };
    expect(await countsOf({ keyword: '张' })).toEqual(zhang);
    expect(await countsOf({ keyword: '张', status: 'revoked' })).toEqual(zhang);
    expect(await countsOf({ keyword: ' 张 ' })).toEqual(zhang);
    expect(await countsOf({ keyword: '.*' })).toMatchObject({ total: 0 }); // a literal, as the rows
    expect(await countsOf({ roleId: gold.roleId })).toEqual({
      total: 1,
      byStatus: { bound: 0, awaiting: 1, revoked: 0, cancelled: 0 },
    });
    expect(await countsOf({ storeId: BJ })).toMatchObject({ total: 1, byStatus: { awaiting: 1 } });
    // the counts and the rows agree, tab by tab
    for (const status of ['bound', 'awaiting', 'revoked', 'cancelled'] as const) {
      const page = ok(
        await env.admin<PromoterPage>({ action: 'promoter.list', keyword: '张', status, counts: true }),
      );
      expect(page.total).toBe(page.counts!.byStatus[status]);
    }
    // a manager's counts stay inside their stores
    const mine = ok(await env.mgrSh<PromoterPage>({ action: 'promoter.list', counts: true })).counts;
    expect(mine).toMatchObject({ total: 3 });
    // not asked, or a later page: no counts
    expect(ok(await env.admin<PromoterPage>({ action: 'promoter.list' })).counts).toBeUndefined();
    const first = ok(await env.admin<PromoterPage>({ action: 'promoter.list', limit: 1, counts: true }));
    const next = ok(
      await env.admin<PromoterPage>({
        action: 'promoter.list',
        limit: 1,
        counts: true,
        cursor: first.nextCursor,
      }),
    );
    expect(next.counts).toBeUndefined();
  });
});
