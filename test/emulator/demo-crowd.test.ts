/** The demo crowd: deterministic, every state, realistic names and numbers, named demo people kept unique. */
import { DEMO_CROWD_STORES, demoCrowd, demoJoiners } from '../../emulator/demo-crowd';
import { DEMO_PROMOTERS, DEMO_STORES } from '../../emulator/demo-data';
import { promoterStatus } from '../../miniprogram/shared/promoter-status';

const NOW = 1_796_000_000;

test('the same count gives the same people; names are Chinese, phones are mainland mobiles, all distinct', () => {
  const crowd = demoCrowd(360, NOW);
  expect(demoCrowd(360, NOW)).toEqual(crowd);
  expect(crowd.promoters).toHaveLength(360);
  for (const p of crowd.promoters) {
    expect(p.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
    expect(p.phone).toMatch(/^1[3-9]\d{9}$/);
    expect(p.openid).toMatch(/^[A-Za-z0-9_-]{28}$/);
    expect(p.updateTime).toBeLessThan(NOW);
  }
  expect(new Set(crowd.promoters.map((p) => p.phone)).size).toBe(360);
  expect(new Set(crowd.promoters.map((p) => p.openid)).size).toBe(360);
  const named = new Set<string>(DEMO_PROMOTERS.map((p) => p.name));
  expect(crowd.promoters.filter((p) => named.has(p.name))).toEqual([]);
});

test('every status, every demo store, reach and orders only for bound promoters', () => {
  const crowd = demoCrowd(360, NOW);
  const count = (status: string) =>
    crowd.promoters.filter((p) => promoterStatus(p.authStatus, p.declStatus) === status).length;
  for (const status of ['bound', 'awaiting', 'revoked', 'cancelled'])
    expect(count(status)).toBeGreaterThan(20);
  const stores = new Set(crowd.promoters.map((p) => p.retailId));
  expect([...stores].sort()).toEqual([...DEMO_STORES, ...DEMO_CROWD_STORES].map((s) => s.storeId).sort());
  const bound = new Set(
    crowd.promoters.filter((p) => p.authStatus === 1 && p.declStatus === 1).map((p) => p.openid),
  );
  expect(crowd.relations.length).toBeGreaterThan(100);
  expect(crowd.orders.length).toBeGreaterThan(30);
  for (const row of [...crowd.relations, ...crowd.orders]) expect(bound.has(row.promoter)).toBe(true);
  expect(demoJoiners(5).map((j) => j.openid)).toEqual(demoJoiners(5).map((j) => j.openid));
});
