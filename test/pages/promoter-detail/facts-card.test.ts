/**
 * The detail page's facts card (资料): each fact once — phone, store, role, parameter, when declared
 * and when the status last changed in days and as a time, the last reminder — and the technical ids
 * folded under 更多.
 */
import type { PromoterStatusChange } from '../../../typings/contract/index';
import { declaredAt, whenText } from '../../../miniprogram/pages/promoter-detail/components/facts-card/facts';
import { ok, textOf } from '../helpers';
import { promoter } from '../fixtures';
import { node, tap } from '../kit';
import { P, asCaller, cloud, detail, open } from './fixtures';

const DAY = 86_400;
const NOW = 1_763_700_000 + 3 * DAY + 3600;
const change = (at: number, declStatus: 1 | 2): PromoterStatusChange => ({
  at,
  status: declStatus === 1 ? 'awaiting' : 'cancelled',
  authStatus: 0,
  declStatus,
  source: 'us',
});
const facts = (page: any): string[] =>
  page.querySelectorAll('.facts-card >>> .fact >>> .t-cell').map((cell: any) => textOf(cell));

describe('whenText and declaredAt', () => {
  it('says days ago, then the time', () => {
    expect(whenText(1_763_700_000, NOW)).toBe('3 天前 · 2025-11-21 12:40');
    expect(whenText(NOW - 60, NOW)).toMatch(/^今天 · /);
    expect(whenText(0, NOW)).toBe('');
  });

  it('declared: the last redeclare, else the first declaration; 0 when the history does not say', () => {
    // newest first: declared again at 300 after a cancel at 200, first declared at 100
    expect(declaredAt([change(300, 1), change(200, 2), change(100, 1)])).toBe(300);
    expect(declaredAt([change(100, 1)])).toBe(100);
    expect(declaredAt([change(200, 2)])).toBe(0);
    expect(declaredAt([])).toBe(0);
  });
});

describe('facts card on promoter detail', () => {
  beforeEach(() => {
    asCaller();
    jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
  });
  afterEach(() => jest.restoreAllMocks());

  it('each fact once, times in words, no ids until 更多', async () => {
    cloud({
      'promoter/promoter.get': () => ok(detail(P, [change(1_763_600_000, 1)])),
    });
    const page = await open();
    expect(facts(page)).toEqual([
      '手机号13800000001',
      '门店上海徐汇店',
      '角色推广员',
      '推广员参数src=poster',
      '声明时间4 天前 · 2025-11-20 08:53',
      '最近状态变更3 天前 · 2025-11-21 12:40',
    ]);
    expect(textOf(page)).not.toContain(P.openid);
    await tap(page, '.facts-card >>> .ids-toggle >>> .t-cell');
    const text = textOf(node(page, '.facts-card'));
    for (const part of ['推广员编号p1', `openid${P.openid}`, 'unionid未获取']) expect(text).toContain(part);
    await tap(page, '.facts-card >>> .ids-toggle >>> .t-cell');
    expect(textOf(page)).not.toContain(P.openid);
  });

  it('declared and not changed since: one time, not the same one twice', async () => {
    const waiting = promoter(1, { authStatus: 0, status: 'awaiting', updateTime: 1_763_700_000 });
    cloud({ 'promoter/promoter.get': () => ok(detail(waiting, [change(1_763_700_000, 1)])) });
    const page = await open();
    const times = facts(page).filter((f) => f.includes('2025-11-21 12:40'));
    expect(times).toEqual(['声明时间3 天前 · 2025-11-21 12:40']);
  });

  it('empty fields read 未填写; the last reminder shows for someone the remind card is not for', async () => {
    cloud(
      {},
      promoter(1, { phone: '', extraInfo: '', reminder: { count: 3, lastRemindedAt: 1_763_700_000 } }),
    );
    const page = await open();
    expect(facts(page)).toEqual([
      '手机号未填写',
      '门店上海徐汇店',
      '角色推广员',
      '推广员参数未填写',
      '最近状态变更3 天前 · 2025-11-21 12:40',
      '最近提醒3 天前 · 2025-11-21 12:40（共 3 次）',
    ]);
  });
});
