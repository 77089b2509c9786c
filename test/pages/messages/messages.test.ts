import { fail, flush, ok, openPage, resetApp, textOf } from '../helpers';
import {
  cloudWith,
  firstThen,
  expectAppendedByPath,
  reachBottom,
  deferred,
  pick,
  renderLoading,
  stubWx,
  tap,
  toastText,
  typeInto,
  type ActionHandlers,
} from '../kit';

const ADMIN = { openid: 'o-admin', role: 'admin', storeIds: [] };
const ROLES = [
  { roleId: 1, name: '导购', desc: '' },
  { roleId: 2, name: '店长', desc: '' },
];
const STORES = [{ storeId: 'SH-01', name: '上海店', createdAt: 1, updatedAt: 1 }];
const NOW = 1700000000; // 2023-11-15 06:13 China time
const RECORD = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  mode: 'group',
  msgId: `m-${id}`,
  msgType: 1,
  content: { title: '双十一活动', topic: '促销', desc: '全场八折', date: '2023-11-11' },
  path: 'pages/join/index',
  audience: { kind: 'all' },
  recipientCount: 120,
  sentCount: 0,
  failed: [],
  sentBy: 'o-admin',
  sentAt: NOW - 3600,
  ...extra,
});
const PROMOTER = (id: string) => ({
  id,
  openid: `o-${id}`,
  roleId: 1,
  storeId: 'SH-01',
  extraInfo: '',
  name: `推广员${id}`,
  phone: '13800000000',
  authStatus: 1,
  declStatus: 1,
  status: 'bound',
  updateTime: NOW,
});

const DEFAULTS: ActionHandlers = {
  'promoter/role.list': () => ok({ items: ROLES }),
  'admin/store.list': () => ok({ items: STORES }),
  'promoter/promoter.list': (d) => ok({ items: [], total: d.roleId ? 12 : d.storeId ? 7 : 120 }),
  'promoter/message.list': () => ok({ items: [RECORD('r1')], total: 1 }),
};
const cloud = (handlers: ActionHandlers = {}) => cloudWith(handlers, DEFAULTS);
const callsOf = (callFunction: jest.Mock, action: string) =>
  callFunction.mock.calls.map(([c]) => c.data).filter((d) => d.action === action);

async function fillContent(page: any) {
  await typeInto(page, '.f-title >>> .t-input__control', '新品上市');
  await typeInto(page, '.f-topic >>> .t-input__control', '上新');
  await typeInto(page, '.f-desc >>> .t-input__control', '本周新品到店');
}

beforeEach(() => {
  resetApp({ whoami: Promise.resolve(ADMIN) });
  jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
  stubWx('stopPullDownRefresh');
});

describe('messages page', () => {
  it('first render: audience count for all bound promoters, today as the date, and the sent list', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/messages/index');
    expect(callFunction).toHaveBeenCalledWith({ name: 'promoter', data: { action: 'role.list' } });
    expect(callFunction).toHaveBeenCalledWith({ name: 'admin', data: { action: 'store.list' } });
    expect(callFunction).toHaveBeenCalledWith({
      name: 'promoter',
      data: { action: 'promoter.list', status: 'bound', limit: 1 },
    });
    expect(callFunction).toHaveBeenCalledWith({
      name: 'promoter',
      data: { action: 'message.list', limit: 20 },
    });
    expect(callFunction).toHaveBeenCalledTimes(4);
    const text = textOf(page);
    expect(text).toContain('预计 120 人，将以群发方式发送（50 人及以上）');
    expect(page.instance.data.form.date).toBe('2023-11-15');
    expect(page.instance.data.form.msgType).toBe('1');
    expect(text).toContain('双十一活动');
    expect(text).toContain('2023-11-15 05:13 · 全部已绑定推广员 · 120 人');
    expect(text).toContain('群发');
  });

  it('is closed to promoters', async () => {
    resetApp({ whoami: Promise.resolve({ openid: 'o', role: 'guest', storeIds: [] }) });
    const callFunction = cloud();
    const page = await openPage('pages/messages/index');
    expect(textOf(page)).toContain('仅总部管理员和店长可以给推广员发消息');
    expect(callFunction).not.toHaveBeenCalled();
  });

  it('loading, error and retry', async () => {
    const reply = deferred();
    cloud({ 'role.list': firstThen(reply.promise, () => ok({ items: ROLES })) });
    const { page, loaded } = await renderLoading('pages/messages/index');
    expect(page.querySelector('.page-state >>> .state-view__loading')).toBeTruthy();
    reply.resolve(fail('UPSTREAM_UNAVAILABLE', 'busy'));
    await loaded;
    expect(textOf(page)).toContain('微信服务繁忙，请稍后重试');
    await tap(page, '.page-state >>> .state-view__retry >>> .t-button');
    expect(page.instance.data.state).toBe('ready');
  });

  it('by role: counts the chosen roles and says it will go as single sends', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/messages/index');
    await tap(page, '.kind >>> .t-radio', 1);
    expect(textOf(page)).toContain('当前没有符合条件的已绑定推广员');
    await tap(page, '.pick-roles >>> .t-checkbox', 0);
    await flush();
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'promoter.list', roleId: 1, status: 'bound', limit: 1 },
    });
    expect(textOf(page)).toContain('预计 12 人，将逐个单发（少于 50 人）');
    await tap(page, '.pick-roles >>> .t-checkbox', 1);
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
    await tap(page, '.kind >>> .t-radio', 2);
    await tap(page, '.pick-stores >>> .t-checkbox', 0);
    await flush();
    expect(textOf(page)).toContain('预计 7 人，将逐个单发');
    await page.instance.recount();
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
    await tap(page, '.kind >>> .t-radio', 3);
    await flush();
    expect(callFunction).toHaveBeenCalledWith({
      name: 'promoter',
      data: { action: 'promoter.list', status: 'bound', limit: 100 },
    });
    expect(textOf(page)).toContain('推广员p1');
    await tap(page, '.more-candidates >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'promoter.list', status: 'bound', cursor: 'c2', limit: 100 },
    });
    expect(textOf(page)).toContain('推广员p3');
    await tap(page, '.pick-promoters >>> .t-checkbox', 0);
    await tap(page, '.pick-promoters >>> .t-checkbox', 2);
    expect(page.instance.data.form.promoterIds).toEqual(['p1', 'p3']);
    expect(textOf(page)).toContain('预计 2 人，将逐个单发');
  });

  it('checks the audience and template fields before asking', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/messages/index');
    await tap(page, '.kind >>> .t-radio', 1);
    // 其他模板 and 其他页面 open the number and path fields, empty
    await pick(page, '.pick-template', 1);
    await pick(page, '.pick-page', 2);
    expect(page.instance.data.form).toMatchObject({ msgType: '', path: '' });
    await typeInto(page, '.f-msgType >>> .t-input__control', '0');
    await tap(page, '.send >>> .t-button');
    expect(page.instance.data.confirmVisible).toBe(false);
    expect(page.instance.data.errors).toMatchObject({
      audience: '请至少选择一个角色',
      msgType: '消息类型应为正整数',
      title: '请填写标题',
      topic: '请填写主题',
      desc: '请填写内容',
      path: '请填写页面路径',
    });
    expect(textOf(page)).toContain('请至少选择一个角色');
    // the counter counts what the person wrote; the limit (WeChat's JSON bytes) is said in 字
    await typeInto(page, '.f-desc >>> .t-input__control', '长'.repeat(340));
    expect(textOf(page)).toContain('已写 350 字'); // 340 + the date field's 10
    await tap(page, '.send >>> .t-button');
    expect(page.instance.data.errors.content).toMatch(/^消息内容太长了，请删掉约 \d+ 个字$/);
    expect(callsOf(callFunction, 'message.send')).toEqual([]);
  });

  it('sends after the confirm, shows how it went, and reloads the sent list', async () => {
    const callFunction = cloud({
      'message.send': (d) =>
        ok(RECORD('r2', { content: d.content, audience: d.audience, recipientCount: 120 })),
    });
    const page = await openPage('pages/messages/index');
    await fillContent(page);
    await tap(page, '.send >>> .t-button');
    expect(page.instance.data.confirmVisible).toBe(true);
    expect(textOf(page)).toContain('「新品上市」');
    await tap(page, '.send-cancel >>> .t-button');
    expect(callsOf(callFunction, 'message.send')).toEqual([]);
    await tap(page, '.send >>> .t-button');
    await tap(page, '.send-confirm >>> .t-button');
    await flush();
    expect(callFunction).toHaveBeenCalledWith({
      name: 'promoter',
      data: {
        action: 'message.send',
        msgType: 1,
        content: { title: '新品上市', topic: '上新', desc: '本周新品到店', date: '2023-11-15' },
        path: 'pages/join/index',
        audience: { kind: 'all' },
      },
    });
    expect(textOf(page)).toContain('已群发：共 120 人');
    expect(toastText(page)).toBe('已群发给 120 人');
    expect(callsOf(callFunction, 'message.list')).toHaveLength(2);
  });

  it('single sends with failures list who failed', async () => {
    cloud({
      'message.send': () =>
        ok(
          RECORD('r3', {
            mode: 'single',
            msgId: undefined,
            recipientCount: 3,
            sentCount: 2,
            failed: [
              {
                id: 'p2',
                name: '推广员2',
                code: 'UPSTREAM_ERROR',
                message: '推广员已解除授权',
                errcode: 103010,
              },
            ],
          }),
        ),
    });
    const page = await openPage('pages/messages/index');
    await tap(page, '.kind >>> .t-radio', 1);
    await tap(page, '.pick-roles >>> .t-checkbox', 0);
    await fillContent(page);
    await tap(page, '.send >>> .t-button');
    await tap(page, '.send-confirm >>> .t-button');
    expect(textOf(page)).toContain('已逐个单发：共 3 人，微信已接收 2 人');
    // by name, never a bare id
    expect(textOf(page)).toContain('推广员2：推广员已解除授权');
    expect(toastText(page)).toBe('已逐个单发，1 人失败');
  });

  it('a failed send keeps everything typed and says why', async () => {
    const callFunction = cloud({
      'promoter/message.send': () => {
        throw new Error('offline');
      },
    });
    const page = await openPage('pages/messages/index');
    await fillContent(page);
    await tap(page, '.send >>> .t-button');
    await tap(page, '.send-confirm >>> .t-button');
    expect(toastText(page)).toBe('网络异常，请检查网络后重试');
    expect(page.instance.data.form.title).toBe('新品上市');
    expect(page.instance.data.sending).toBe(false);
    expect(callsOf(callFunction, 'message.list')).toHaveLength(1);
  });

  it('a path rejected by the cloud is shown at the path field', async () => {
    cloud({ 'message.send': () => fail('INVALID_ARGUMENT', '页面路径不存在', { field: 'path' }) });
    const page = await openPage('pages/messages/index');
    await fillContent(page);
    await tap(page, '.send >>> .t-button');
    await tap(page, '.send-confirm >>> .t-button');
    expect(page.instance.data.errors.path).toBe('页面路径不存在');
  });

  it('group message effect: delivery by msg_id and clicks of that message', async () => {
    const callFunction = cloud({
      'message.status': () =>
        ok({
          id: 'r1',
          mode: 'group',
          sendCount: 120,
          percent: 100,
          failCount: 1,
          failures: [{ id: 'p9', errcode: 103010 }],
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
    await tap(page, '.effect >>> .t-button');
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
    expect(text).toContain('送达进度 100%：已发送 120 人，失败 1 人');
    expect(text).toContain('失败明细：p9（错误码 103010）');
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
    await tap(page, '.effect >>> .t-button');
    await flush();
    expect(callFunction).toHaveBeenCalledWith({
      name: 'promoter',
      data: { action: 'message.clicks', sendDate: '2023-11-15', dimension: 'type', msgType: 1 },
    });
    const text = textOf(page);
    expect(text).toContain('点击 2 人，共 3 次（单发消息按消息类型统计，为 2023-11-15 当天同类型消息合计）');
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
    await tap(page, '.effect >>> .t-button');
    await flush();
    expect(callsOf(callFunction, 'message.clicks')).toHaveLength(0);
    const text = textOf(page);
    expect(text).toContain('送达进度 100%：已发送 3 人，失败 0 人');
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
    const setData = await reachBottom(page);
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
    expect(page.instance.data.sentState).toBe('error');
    await tap(page, '.sent-state >>> .state-view__retry >>> .t-button');
    expect(textOf(page)).toContain('双十一活动');
  });
});
