/** The messages page: who may use it, its states, the template fields and sending (audience and history have their own files). */
import { fail, flush, ok, openPage, resetApp, textOf } from '../helpers';
import { deferred, firstThen, pick, renderLoading, tap, toastText, typeInto } from '../kit';
import { RECORD, ROLES, callsOf, cloud, fillContent, setUp } from './fixtures';

beforeEach(setUp);

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

  it('checks the audience and template fields before asking', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/messages/index');
    await tap(page, '.audience >>> .kind >>> .t-radio', 1);
    // 其他模板 and 其他页面 open the number and path fields, empty
    await pick(page, '.pick-template', 1);
    await pick(page, '.pick-page', 2);
    expect(page.instance.data.form).toMatchObject({ msgType: '', path: '' });
    await typeInto(page, '.f-msgType >>> .t-input__control', '0');
    await tap(page, '.send >>> .t-button');
    expect(page.instance.data.confirmVisible).toBe(false);
    expect(page.instance.data.errors).toMatchObject({
      audience: '请至少选择一个角色',
      msgType: '模板编号应为正整数',
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
    await tap(page, '.audience >>> .kind >>> .t-radio', 1);
    await tap(page, '.audience >>> .pick-roles >>> .t-checkbox', 0);
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
});
