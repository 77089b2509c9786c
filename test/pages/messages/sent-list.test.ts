/** <sent-list>: what was sent, newest first, and how each went (delivery by name and reason, clicks). */
import { fail, flush, ok, openPage, resetApp, textOf } from '../helpers';
import { expectAppendedByPath, node, tap } from '../kit';
import { NOW, RECORD, callsOf, cloud, setUp } from './fixtures';

beforeEach(setUp);

describe('messages → 已发送 (sent-list)', () => {
  it('group message effect: delivery by msg_id and clicks of that message', async () => {
    const callFunction = cloud({
      'message.status': () =>
        ok({
          id: 'r1',
          mode: 'group',
          sendCount: 120,
          percent: 100,
          failCount: 1,
          failures: [{ id: 'p9', errcode: 103010, name: '李娜', reason: 'TA 设置了不接收推广消息' }],
        }),
      'message.clicks': () =>
        ok({
          items: [
            { msgType: 1, msgId: 'm-r1', sendTime: NOW, clickUv: 30, clickPv: 45 },
            { msgType: 1, msgId: 'other', sendTime: NOW, clickUv: 9, clickPv: 9 },
          ],
        }),
    });
    const page = await openPage('pages/messages/index');
    await tap(page, '#sent >>> .effect >>> .t-button');
    await flush();
    expect(callFunction).toHaveBeenCalledWith({
      name: 'promoter',
      data: { action: 'message.status', id: 'r1' },
    });
    expect(callFunction).toHaveBeenCalledWith({
      name: 'promoter',
      data: { action: 'message.clicks', sendDate: '2023-11-15', dimension: 'msg', msgType: 1, msgId: 'm-r1' },
    });
    const text = textOf(page);
    expect(text).toContain('送达进度 100%：已发送 120 人，没收到 1 人');
    // who did not get it, by name and why: never an id or an errcode
    expect(text).toContain('李娜：TA 设置了不接收推广消息');
    expect(text).not.toContain('p9');
    expect(text).toContain('点击 30 人，共 45 次');
    expect(text).toContain('刷新效果');
  });

  it('single message effect uses the day figure by type; a failed half says so', async () => {
    const callFunction = cloud({
      'message.list': () =>
        ok({ items: [RECORD('r4', { mode: 'single', msgId: undefined, recipientCount: 3 })], total: 1 }),
      'message.status': () => fail('NOT_FOUND', '没有送达记录'),
      'message.clicks': () =>
        ok({ items: [{ msgType: 1, msgId: '', sendTime: NOW, clickUv: 2, clickPv: 3 }] }),
    });
    const page = await openPage('pages/messages/index');
    await tap(page, '#sent >>> .effect >>> .t-button');
    await flush();
    expect(callFunction).toHaveBeenCalledWith({
      name: 'promoter',
      data: { action: 'message.clicks', sendDate: '2023-11-15', dimension: 'type', msgType: 1 },
    });
    const text = textOf(page);
    expect(text).toContain('点击 2 人，共 3 次（单发消息按消息模板统计，为 2023-11-15 当天同模板消息合计）');
    expect(text).toContain('送达情况：没有送达记录');
  });

  it("a manager's single message effect: delivery only, clicks by type are not asked", async () => {
    resetApp({ whoami: Promise.resolve({ openid: 'o-mgr', role: 'manager', storeIds: ['SH'] }) });
    const callFunction = cloud({
      'message.list': () =>
        ok({ items: [RECORD('r4', { mode: 'single', msgId: undefined, recipientCount: 3 })], total: 1 }),
      'message.status': () =>
        ok({ id: 'r4', mode: 'single', sendCount: 3, percent: 100, failCount: 0, failures: [] }),
    });
    const page = await openPage('pages/messages/index');
    await tap(page, '#sent >>> .effect >>> .t-button');
    await flush();
    expect(callsOf(callFunction, 'message.clicks')).toHaveLength(0);
    const text = textOf(page);
    expect(text).toContain('送达进度 100%：已发送 3 人，没收到 0 人');
    expect(text).toContain('单发消息没有单独的点击数据');
  });

  it('sent list: empty, paging by reach-bottom, pull-down reload', async () => {
    let lists = 0;
    const callFunction = cloud({
      'message.list': (d) => {
        lists++;
        if (lists === 1) return ok({ items: [], total: 0 });
        return d.cursor
          ? ok({ items: [RECORD('r9', { content: { title: '第二页' } })], total: 2 })
          : ok({ items: [RECORD('r1')], total: 2, nextCursor: 'n2' });
      },
    });
    const page = await openPage('pages/messages/index');
    expect(textOf(page)).toContain('还没有发过消息');
    await page.instance.onPullDownRefresh();
    await flush();
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
    expect(textOf(page)).toContain('双十一活动');
    // rows are appended by path in <sent-list>, the page only passes reach-bottom on
    const setData = jest.spyOn(node(page, '#sent').instance, 'setData');
    await page.instance.onReachBottom();
    await flush();
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'message.list', cursor: 'n2', limit: 20 },
    });
    expectAppendedByPath(setData, 'sent', 1, expect.objectContaining({ title: '第二页' }));
    expect(textOf(page)).toContain('没有更多了');
  });

  it('sent list error with retry', async () => {
    let lists = 0;
    cloud({
      'message.list': () => (++lists === 1 ? fail('INTERNAL', 'x') : ok({ items: [RECORD('r1')], total: 1 })),
    });
    const page = await openPage('pages/messages/index');
    expect(node(page, '#sent').instance.data.sentState).toBe('error');
    await tap(page, '#sent >>> .sent-state >>> .state-view__retry >>> .t-button');
    expect(textOf(page)).toContain('双十一活动');
  });

  it('who did not get a message: the first 10 by name and why, then how many in all', async () => {
    const failures = Array.from({ length: 12 }, (_, i) => ({
      id: `p${i}`,
      errcode: 103014,
      reason: 'TA 还没有完成授权，或已解除授权',
      ...(i === 1 ? {} : { name: `推广员${i}` }),
    }));
    cloud({
      'message.status': () =>
        ok({ id: 'r1', mode: 'group', sendCount: 120, percent: 100, failCount: 12, failures }),
      'message.clicks': () => ok({ items: [] }),
    });
    const page = await openPage('pages/messages/index');
    await tap(page, '#sent >>> .effect >>> .t-button');
    await flush();
    const text = textOf(node(page, '#sent'));
    expect(text).toContain('推广员0：TA 还没有完成授权，或已解除授权');
    // someone the read model no longer has is still a person, not an id
    expect(text).toContain('一位已不在名单中的推广员：TA 还没有完成授权');
    expect(text).toContain('推广员9：');
    expect(text).not.toContain('推广员10：');
    expect(text).toContain('等 12 人');
    expect(text).not.toContain('103014');
  });

  it('a message without a title is named by its template, never by a bare number', async () => {
    cloud({
      'message.list': () =>
        ok({
          items: [
            RECORD('r5', { content: { desc: '只有内容' } }),
            RECORD('r6', { msgType: 7, content: { desc: '其他模板' } }),
          ],
          total: 2,
        }),
    });
    const page = await openPage('pages/messages/index');
    const text = textOf(node(page, '#sent'));
    expect(text).toContain('活动通知');
    expect(text).toContain('其他模板（编号 7）');
  });
});
