import { fail, flush, mockCloud, ok, openPage, resetApp, textOf } from '../helpers';
import {
  cloudWith,
  firstThen,
  expectAppendedByPath,
  reachBottom,
  deferred,
  renderLoading,
  stubWx,
  tap,
  toastText,
  typeInto,
  type ActionHandlers,
} from '../kit';

const REQ = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  openid: `o-${id}`,
  name: `申请人${id}`,
  phone: '13800000000',
  storeId: 'SH-01',
  roleId: 1,
  inviteToken: 'tok',
  status: 'pending',
  createdAt: 1700000000, // 2023-11-15 06:13 China time
  ...extra,
});
const ROLES = [{ roleId: 1, name: '导购', desc: '' }];

const STORES = [{ storeId: 'SH-01', name: '上海店', createdAt: 1, updatedAt: 1 }];
/** role.list and store.list only decorate the rows. */
const LOOKUPS = 2;

const DEFAULTS: ActionHandlers = {
  'promoter/role.list': () => ok({ items: ROLES }),
  'admin/store.list': () => ok({ items: STORES }),
  'promoter/join.list': () => ok({ items: [REQ('a'), REQ('b')], total: 2 }),
};
const cloud = (handlers: ActionHandlers = {}) => cloudWith(handlers, DEFAULTS);
const confirmDialog = (page: any) => tap(page, '.dialog-confirm >>> .t-button');

beforeEach(() => {
  resetApp({});
  stubWx('stopPullDownRefresh');
});

/** Hundreds of rendered rows take a few seconds in jsdom when test files run side by side. */
const BIG_LIST_TIMEOUT_MS = 30_000;

describe('join requests page', () => {
  it('first render: pending requests with role names, dates and the batch bar', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/join-requests/index');
    expect(callFunction).toHaveBeenCalledWith({ name: 'promoter', data: { action: 'role.list' } });
    expect(callFunction).toHaveBeenCalledWith({
      name: 'promoter',
      data: { action: 'join.list', status: 'pending', limit: 20 },
    });
    expect(callFunction).toHaveBeenCalledTimes(LOOKUPS + 1);
    const text = textOf(page);
    expect(text).toContain('申请人a');
    expect(text).toContain('手机 13800000000 · 上海店 · 导购');
    expect(callFunction).toHaveBeenCalledWith({ name: 'admin', data: { action: 'store.list' } });
    expect(text).toContain('申请于 2023-11-15 06:13');
    expect(text).toContain('待审核');
    expect(text).toContain('已选 0 条');
    expect(text).toContain('共 2 条');
  });

  it('shows the loading state while join.list is out', async () => {
    const reply = deferred();
    cloud({ 'join.list': () => reply.promise });
    const { page, loaded: loading } = await renderLoading('pages/join-requests/index');
    expect(page.querySelector('.list-state >>> .state-view__loading')).toBeTruthy();
    reply.resolve(ok({ items: [REQ('a')], total: 1 }));
    await loading;
    expect(page.instance.data.state).toBe('ready');
  });

  it('shows the empty state', async () => {
    cloud({ 'join.list': () => ok({ items: [], total: 0 }) });
    const page = await openPage('pages/join-requests/index');
    expect(page.instance.data.state).toBe('empty');
    expect(textOf(page)).toContain('没有待审核的申请');
  });

  it('shows the error state and retries; role names are optional', async () => {
    const callFunction = cloud({
      'role.list': () => fail('FORBIDDEN', 'no'),
      'join.list': firstThen(fail('FORBIDDEN', '只有店长和总部可以查看'), () =>
        ok({ items: [REQ('a')], total: 1 }),
      ),
    });
    const page = await openPage('pages/join-requests/index');
    expect(page.instance.data.state).toBe('error');
    expect(textOf(page)).toContain('只有店长和总部可以查看');
    await tap(page, '.list-state >>> .state-view__retry >>> .t-button');
    expect(callFunction).toHaveBeenCalledTimes(LOOKUPS + 2);
    expect(page.instance.data.state).toBe('ready');
    expect(textOf(page)).toContain('角色 1');
  });

  it('switching tabs lists that status, read-only', async () => {
    const callFunction = cloud({
      'join.list': (d) =>
        d.status === 'rejected'
          ? ok({
              items: [REQ('r', { status: 'rejected', decidedAt: 1700003600, reason: '资料不全' })],
              total: 1,
            })
          : ok({ items: [REQ('a')], total: 1 }),
    });
    const page = await openPage('pages/join-requests/index');
    await tap(page, '.status-tabs >>> .t-tabs__item', 2);
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'join.list', status: 'rejected', limit: 20 },
    });
    expect(page.instance.data.tab).toBe('rejected');
    const text = textOf(page);
    expect(text).toContain('处理于 2023-11-15 07:13');
    expect(text).toContain('原因：资料不全');
    expect(text).toContain('已拒绝');
    expect(page.querySelector('.batch-bar')).toBeFalsy();
    expect(page.querySelector('.approve-one')).toBeFalsy();
    expect(page.querySelector('.request__check')).toBeFalsy();
  });

  it('reach-bottom appends the next page by path; the end shows "no more"', async () => {
    const callFunction = cloud({
      'join.list': (d) =>
        d.cursor
          ? ok({ items: [REQ('c')], total: 3 })
          : ok({ items: [REQ('a'), REQ('b')], total: 3, nextCursor: 'p2' }),
    });
    const page = await openPage('pages/join-requests/index');
    const setData = await reachBottom(page);
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'join.list', status: 'pending', cursor: 'p2', limit: 20 },
    });
    expectAppendedByPath(setData, 'items', 2, expect.objectContaining({ id: 'c' }));
    expect(textOf(page)).toContain('申请人c');
    expect(textOf(page)).toContain('没有更多了');
    await page.instance.onReachBottom();
    expect(callFunction).toHaveBeenCalledTimes(LOOKUPS + 2); // no cursor left: no call
  });

  it('a failed next page shows the load-more error and retries on tap', async () => {
    let more = 0;
    cloud({
      'join.list': (d) =>
        d.cursor
          ? ++more === 1
            ? fail('UPSTREAM_UNAVAILABLE', 'busy')
            : ok({ items: [REQ('c')], total: 3 })
          : ok({ items: [REQ('a')], total: 3, nextCursor: 'p2' }),
    });
    const page = await openPage('pages/join-requests/index');
    await page.instance.onReachBottom();
    await flush();
    expect(textOf(page)).toContain('加载失败，点击重试');
    await tap(page, '.more >>> .load-more');
    expect(textOf(page)).toContain('申请人c');
  });

  it('pull-down reloads the first page', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/join-requests/index');
    await page.instance.onPullDownRefresh();
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'join.list', status: 'pending', limit: 20 },
    });
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });

  it('approves one request after the confirm dialog', async () => {
    const callFunction = cloud({ 'join.approve': (d) => ok({ done: d.ids, failed: [] }) });
    const page = await openPage('pages/join-requests/index');
    await tap(page, '.approve-one >>> .t-button', 1);
    expect(page.instance.data.dialog).toMatchObject({ visible: true, kind: 'approve', ids: ['b'] });
    expect(textOf(page)).toContain('将通过 1 条申请，并向微信声明为推广员。');
    await confirmDialog(page);
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'join.approve', ids: ['b'] },
    });
    expect(page.instance.data.items[1].status).toBe('approved');
    expect(textOf(page)).toContain('已通过，已声明为推广员');
    expect(textOf(page)).toContain('已通过 1 条');
    expect(page.querySelectorAll('.approve-one')).toHaveLength(1);
  });

  it('cancelling the dialog sends nothing', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/join-requests/index');
    await tap(page, '.reject-one >>> .t-button');
    await tap(page, '.dialog-cancel >>> .t-button');
    expect(page.instance.data.dialog.visible).toBe(false);
    expect(callFunction).toHaveBeenCalledTimes(LOOKUPS + 1);
  });

  it('batch approve shows per-id results on partial failure and keeps failed ones selected', async () => {
    const callFunction = cloud({
      'join.approve': () =>
        ok({
          done: ['a'],
          failed: [
            {
              id: 'b',
              code: 'UPSTREAM_ERROR',
              message: '微信返回 103001：推广员已被其他商家声明',
              errcode: 103001,
            },
          ],
        }),
    });
    const page = await openPage('pages/join-requests/index');
    await tap(page, '.request__check >>> .t-checkbox', 0);
    expect(page.instance.data.selectedIds).toEqual(['a']);
    await tap(page, '.select-all >>> .t-button');
    expect(page.instance.data.selectedIds).toEqual(['a', 'b']);
    expect(textOf(page)).toContain('已选 2 条');
    await tap(page, '.batch-approve >>> .t-button');
    expect(textOf(page)).toContain('将通过 2 条申请');
    await confirmDialog(page);
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'join.approve', ids: ['a', 'b'] },
    });
    const text = textOf(page);
    expect(text).toContain('已通过 1 条，1 条失败');
    expect(text).toContain('通过失败：微信返回 103001：推广员已被其他商家声明');
    expect(page.instance.data.items[0].result).toEqual({ ok: true, text: '已通过，已声明为推广员' });
    expect(page.instance.data.items[1].status).toBe('pending');
    expect(page.instance.data.selectedIds).toEqual(['b']);
    expect(page.querySelector('.summary')!.dom!.className).toContain('summary--warn');
    // select-all now toggles only what is still open
    await tap(page, '.select-all >>> .t-button');
    expect(page.instance.data.selectedIds).toEqual([]);
  });

  it('rejects with a reason, and without one', async () => {
    const callFunction = cloud({ 'join.reject': (d) => ok({ done: d.ids, failed: [] }) });
    const page = await openPage('pages/join-requests/index');
    await tap(page, '.reject-one >>> .t-button', 0);
    await typeInto(page, '.reason-input >>> .t-textarea__wrapper-inner', ' 资料不全 ');
    // 200 bytes: ' 资料不全 ' (14) leaves 62 汉字
    expect(textOf(page)).toContain('还能输入 62 个字');
    await confirmDialog(page);
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'join.reject', ids: ['a'], reason: '资料不全' },
    });
    expect(textOf(page)).toContain('已拒绝 1 条');
    await tap(page, '.reject-one >>> .t-button', 0);
    await confirmDialog(page);
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'join.reject', ids: ['b'] },
    });
  });

  it('a reason over the limit (200 bytes: 66 汉字) is refused before sending', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/join-requests/index');
    await tap(page, '.request__check >>> .t-checkbox', 1);
    await tap(page, '.batch-reject >>> .t-button');
    await typeInto(page, '.reason-input >>> .t-textarea__wrapper-inner', '长'.repeat(67));
    await confirmDialog(page);
    expect(callFunction).toHaveBeenCalledTimes(LOOKUPS + 1);
    expect(textOf(page)).toContain('原因太长了，最多 66 个汉字或 200 个字母数字');
    expect(textOf(page)).not.toContain('字节');
  });

  it('a network failure of the whole call decides nothing and keeps the selection', async () => {
    mockCloud((_n, d) => {
      if (d.action === 'role.list') return ok({ items: ROLES });
      if (d.action === 'join.list') return ok({ items: [REQ('a'), REQ('b')], total: 2 });
      throw new Error('offline');
    });
    const page = await openPage('pages/join-requests/index');
    await tap(page, '.select-all >>> .t-button');
    await tap(page, '.batch-approve >>> .t-button');
    await confirmDialog(page);
    expect(toastText(page)).toBe('网络异常，请检查网络后重试');
    expect(textOf(page)).toContain('2 条未处理：网络异常，请检查网络后重试');
    expect(page.instance.data.selectedIds).toEqual(['a', 'b']);
    expect(page.instance.data.items.every((r: any) => r.result === null && r.status === 'pending')).toBe(
      true,
    );
    expect(page.instance.data.busy).toBe(false);
  });

  it(
    'more than 50 selected go in batches of 50',
    async () => {
      const many = Array.from({ length: 60 }, (_, i) => REQ(`r${i}`));
      const callFunction = cloud({
        'join.list': () => ok({ items: many, total: 60 }),
        'join.approve': (d) => ok({ done: d.ids, failed: [] }),
      });
      const page = await openPage('pages/join-requests/index');
      await tap(page, '.select-all >>> .t-button');
      await tap(page, '.batch-approve >>> .t-button');
      await confirmDialog(page);
      await flush();
      const approves = callFunction.mock.calls.filter(([c]) => c.data.action === 'join.approve');
      expect(approves).toHaveLength(2);
      expect(approves[0][0].data.ids).toEqual(many.slice(0, 50).map((r) => r.id));
      expect(approves[1][0].data.ids).toEqual(many.slice(50).map((r) => r.id));
      expect(textOf(page)).toContain('已通过 60 条');
    },
    BIG_LIST_TIMEOUT_MS,
  );
});
