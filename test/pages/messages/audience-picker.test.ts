/** <audience-picker>: who a message goes to, and the count that decides group or single send. */
import { fail, flush, ok, openPage, textOf } from '../helpers';
import { node, tap } from '../kit';
import { PROMOTER, callsOf, cloud, setUp } from './fixtures';

beforeEach(setUp);

describe('messages → 发给谁 (audience-picker)', () => {
  it('by role: counts the chosen roles and says it will go as single sends', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/messages/index');
    await tap(page, '.audience >>> .kind >>> .t-radio', 1);
    expect(textOf(page)).toContain('当前没有符合条件的已绑定推广员');
    await tap(page, '.audience >>> .pick-roles >>> .t-checkbox', 0);
    await flush();
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'promoter.list', roleId: 1, status: 'bound', limit: 1 },
    });
    expect(textOf(page)).toContain('预计 12 人，将逐个单发（少于 50 人）');
    await tap(page, '.audience >>> .pick-roles >>> .t-checkbox', 1);
    await flush();
    expect(textOf(page)).toContain('预计 24 人');
  });

  it('by store, and a failed count still lets the cloud decide', async () => {
    let calls = 0;
    cloud({
      'promoter.list': (d) =>
        d.storeId && ++calls > 1 ? fail('INTERNAL', 'x') : ok({ items: [], total: d.storeId ? 7 : 120 }),
    });
    const page = await openPage('pages/messages/index');
    await tap(page, '.audience >>> .kind >>> .t-radio', 2);
    await tap(page, '.audience >>> .pick-stores >>> .t-checkbox', 0);
    await flush();
    expect(textOf(page)).toContain('预计 7 人，将逐个单发');
    await node(page, '.audience').instance.recount();
    expect(textOf(page)).toContain('接收人数暂时无法计算，发送时按实际人数决定群发或单发');
  });

  it('chosen promoters come from the bound list, with more on demand', async () => {
    const callFunction = cloud({
      'promoter.list': (d) => {
        if (d.limit === 1) return ok({ items: [], total: 120 });
        return d.cursor
          ? ok({ items: [PROMOTER('p3')], total: 3 })
          : ok({ items: [PROMOTER('p1'), PROMOTER('p2')], total: 3, nextCursor: 'c2' });
      },
    });
    const page = await openPage('pages/messages/index');
    await tap(page, '.audience >>> .kind >>> .t-radio', 3);
    await flush();
    expect(callFunction).toHaveBeenCalledWith({
      name: 'promoter',
      data: { action: 'promoter.list', status: 'bound', limit: 100 },
    });
    expect(textOf(page)).toContain('推广员p1');
    await tap(page, '.audience >>> .more-candidates >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'promoter.list', status: 'bound', cursor: 'c2', limit: 100 },
    });
    expect(textOf(page)).toContain('推广员p3');
    await tap(page, '.audience >>> .pick-promoters >>> .t-checkbox', 0);
    await tap(page, '.audience >>> .pick-promoters >>> .t-checkbox', 2);
    expect(page.instance.data.audience).toEqual({ kind: 'promoters', ids: ['p1', 'p3'] });
    expect(textOf(page)).toContain('预计 2 人，将逐个单发');
  });

  it('chosen promoters read as name, phone and store name: never an openid or a store code', async () => {
    cloud({
      'promoter.list': (d) =>
        d.limit === 1
          ? ok({ items: [], total: 120 })
          : ok({ items: [PROMOTER('p1'), { ...PROMOTER('p2'), name: '', storeId: '' }], total: 2 }),
    });
    const page = await openPage('pages/messages/index');
    await tap(page, '.audience >>> .kind >>> .t-radio', 3);
    await flush();
    const text = textOf(node(page, '.audience'));
    expect(text).toContain('推广员p1');
    expect(text).toContain('13800000000 · 上海店');
    expect(text).toContain('未填姓名');
    expect(text).toContain('未分配门店');
    expect(text).not.toContain('o-p');
    expect(text).not.toContain('SH-01');
  });

  it('sending with nothing chosen says so under 发给谁, and choosing clears it', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/messages/index');
    await tap(page, '.audience >>> .kind >>> .t-radio', 2);
    await tap(page, '.send >>> .t-button');
    expect(textOf(node(page, '.audience'))).toContain('请至少选择一家门店');
    await tap(page, '.audience >>> .pick-stores >>> .t-checkbox', 0);
    await flush();
    expect(textOf(node(page, '.audience'))).not.toContain('请至少选择一家门店');
    expect(page.instance.data.audience).toEqual({ kind: 'store', storeIds: ['SH-01'] });
    expect(callsOf(callFunction, 'message.send')).toEqual([]);
  });
});
