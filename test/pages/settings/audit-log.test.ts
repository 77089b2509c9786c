/** settings → 操作记录 (components/audit-log) */
import { fail, flush, ok, openPage, textOf } from '../helpers';
import { firstThen, expectAppendedByPath, reachBottom, node, tap } from '../kit';
import { AUDIT, asAdmin, cloud, oid, openTab, panelOf } from './fixtures';

beforeEach(asAdmin);

describe('settings → 操作记录', () => {
  it('audit tab: who, when, what and before → after; reach-bottom pages on', async () => {
    const callFunction = cloud({
      'audit.list': (d) =>
        d.cursor
          ? ok({
              items: [
                AUDIT('a2', {
                  action: 'manager.remove',
                  target: oid(1),
                  before: { name: '王店长' },
                  after: null,
                }),
              ],
              total: 2,
            })
          : ok({ items: [AUDIT('a1')], total: 2, nextCursor: 'c2' }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 3);
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'audit.list', limit: 20 },
    });
    let text = textOf(page);
    expect(text).toContain('总部 把门店 上海店 改名为 上海旗舰店');
    expect(text).toContain('2023-11-15 06:13');
    expect(text).not.toContain(oid(0));
    expect(text).not.toContain('{');
    const setData = jest.spyOn(panelOf(page, 'audit').instance, 'setData');
    await reachBottom(page);
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'audit.list', cursor: 'c2', limit: 20 },
    });
    expectAppendedByPath(setData, 'audit', 1, expect.objectContaining({ id: 'a2' }));
    text = textOf(page);
    expect(text).toContain('总部 移除了员工 王店长');
    expect(text).toContain('没有更多了');
  });

  it('audit tab: empty, error, and pull-down reloads the open tab', async () => {
    const callFunction = cloud({
      'audit.list': firstThen(fail('FORBIDDEN', '仅管理员'), () => ok({ items: [], total: 0 })),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 3);
    expect(textOf(page)).toContain('仅管理员');
    await page.instance.onPullDownRefresh();
    await flush();
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
    expect(textOf(page)).toContain('还没有操作记录');
    expect(callFunction.mock.calls.filter(([c]) => c.data.action === 'audit.list')).toHaveLength(2);
    expect(node(page, '#audit >>> .audit-state')).toBeTruthy();
  });

  it('filters by kind of change and by person; an empty result offers 清除筛选', async () => {
    const callFunction = cloud({
      'audit.list': (d) =>
        d.auditActions || d.actor ? ok({ items: [], total: 0 }) : ok({ items: [AUDIT('a1')], total: 1 }),
    });
    const page = await openPage('pages/settings/index');
    await openTab(page, 3);
    await tap(page, '#audit >>> .chip', 1);
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: {
        action: 'audit.list',
        limit: 20,
        auditActions: ['promoter.declare', 'promoter.update', 'promoter.cancel', 'promoter.redeclare'],
      },
    });
    expect(textOf(page)).toContain('没有符合筛选条件的记录');
    await tap(page, '#audit >>> .audit-clear >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'audit.list', limit: 20 },
    });
    expect(textOf(page)).toContain('总部 把门店 上海店 改名为 上海旗舰店');
    // the person picker lists staff by name (全部人员 first)
    node(page, '#audit >>> .audit-actor').dispatchEvent('change', { detail: { value: 2 } });
    await flush();
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'admin',
      data: { action: 'audit.list', limit: 20, actor: oid(1) },
    });
    expect(textOf(page)).toContain('操作人：王店长');
  });
});
