import { fail, flush, ok, openPage, resetApp, textOf } from '../helpers';
import {
  cloudWith,
  firstThen,
  deferred,
  node,
  pick,
  renderLoading,
  stubWx,
  tap,
  toastText,
  typeInto,
  type ActionHandlers,
} from '../kit';

const ADMIN = { openid: 'o-admin', role: 'admin', storeIds: [] };
const MANAGER = { openid: 'o-mgr', role: 'manager', storeIds: ['SH-01'] };
const ROLES = [
  { roleId: 1, name: '导购', desc: '' },
  { roleId: 2, name: '店长', desc: '' },
];
const STORES = [
  { storeId: 'SH-01', name: '上海店', createdAt: 1, updatedAt: 1 },
  { storeId: 'BJ-01', name: '北京店', createdAt: 1, updatedAt: 1 },
];
const oid = (i: number) => `o${String(i).padStart(27, '0')}`;
const uid = (i: number) => `u${String(i).padStart(27, '0')}`;

const DEFAULTS: ActionHandlers = {
  'promoter/role.list': () => ok({ items: ROLES }),
  'admin/store.list': () => ok({ items: STORES }),
  'promoter/promoter.declare': (d) =>
    ok({ declaredCount: d.promoters.length, alreadyDeclaredCount: 0, failed: [] }),
};
const cloud = (handlers: ActionHandlers = {}) => cloudWith(handlers, DEFAULTS);
const declareCalls = (callFunction: jest.Mock) =>
  callFunction.mock.calls.map(([c]) => c).filter((c) => c.data.action === 'promoter.declare');

async function fillRow(
  page: any,
  i: number,
  row: { id: string; role?: number; store?: number; name?: string; phone?: string },
) {
  await typeInto(page, '.f-id >>> .t-input__control', row.id, i);
  if (row.role !== undefined) await pick(page, '.role-picker', row.role, i);
  if (row.store !== undefined) await pick(page, '.store-picker', row.store, i);
  if (row.name) await typeInto(page, '.f-name >>> .t-input__control', row.name, i);
  if (row.phone) await typeInto(page, '.f-phone >>> .t-input__control', row.phone, i);
}
const submit = (page: any) => tap(page, '.submit >>> .t-button');
const pasteCsv = async (page: any, text: string) => {
  await tap(page, '.mode-tabs >>> .t-tabs__item', 1);
  await typeInto(page, '.csv-input >>> .t-textarea__wrapper-inner', text);
  await tap(page, '.csv-import >>> .t-button');
};

beforeEach(() => resetApp({ whoami: Promise.resolve(ADMIN) }));

/** Hundreds of rendered rows take a few seconds in jsdom when test files run side by side. */
const BIG_LIST_TIMEOUT_MS = 30_000;

describe('declare page', () => {
  it('first render: roles and stores loaded, one empty row', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/declare/index');
    expect(callFunction).toHaveBeenCalledWith({ name: 'promoter', data: { action: 'role.list' } });
    expect(callFunction).toHaveBeenCalledWith({ name: 'admin', data: { action: 'store.list' } });
    expect(callFunction).toHaveBeenCalledTimes(2);
    expect(page.instance.data.storeLabels).toEqual(['不指定门店', '上海店（SH-01）', '北京店（BJ-01）']);
    const text = textOf(page);
    expect(text).toContain('第 1 行');
    expect(text).toContain('角色：请选择');
    expect(text).toContain('门店：不指定门店');
    expect(text).toContain('提交声明（1 行）');
    expect(text).toContain('每次最多提交 200 行');
  });

  it('shows loading, then the error state, and retries', async () => {
    const reply = deferred();
    cloud({ 'role.list': firstThen(reply.promise, () => ok({ items: ROLES })) });
    const { page, loaded } = await renderLoading('pages/declare/index');
    expect(page.querySelector('.page-state >>> .state-view__loading')).toBeTruthy();
    reply.resolve(fail('INTERNAL', 'boom'));
    await loaded;
    expect(page.instance.data.state).toBe('error');
    expect(textOf(page)).toContain('服务出错了，请稍后重试');
    await tap(page, '.page-state >>> .state-view__retry >>> .t-button');
    expect(page.instance.data.state).toBe('ready');
  });

  it('leads HQ (not a store manager) to the import page for large lists', async () => {
    cloud();
    stubWx('navigateTo');
    const page = await openPage('pages/declare/index');
    expect(textOf(page)).toContain('批量导入');
    await tap(page, '.import-link');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/import/index' });
    resetApp({ whoami: Promise.resolve(MANAGER) });
    const mine = await openPage('pages/declare/index');
    expect(mine.querySelectorAll('.import-link')).toHaveLength(0);
  });

  it('is closed to promoters and guests', async () => {
    resetApp({ whoami: Promise.resolve({ openid: 'o-p', role: 'promoter', storeIds: [] }) });
    const callFunction = cloud();
    const page = await openPage('pages/declare/index');
    expect(textOf(page)).toContain('仅总部管理员和店长可以声明推广员');
    expect(callFunction).not.toHaveBeenCalled();
  });

  it('declares the rows typed in the editor and shows each row as declared', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/declare/index');
    await fillRow(page, 0, { id: oid(1), role: 1, store: 1, name: '张三', phone: '13800000000' });
    expect(textOf(page)).toContain('角色：店长（2）');
    expect(textOf(page)).toContain('门店：上海店（SH-01）');
    await tap(page, '.add-row >>> .t-button');
    await pick(page, '.id-kind', 1, 1);
    await fillRow(page, 1, { id: uid(2), role: 0 });
    expect(textOf(page)).toContain('提交声明（2 行）');
    await submit(page);
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: {
        action: 'promoter.declare',
        promoters: [
          { openid: oid(1), roleId: 2, storeId: 'SH-01', name: '张三', phone: '13800000000' },
          { unionid: uid(2), roleId: 1 },
        ],
      },
    });
    expect(page.instance.data.rows.map((r: any) => r.result)).toEqual([
      { state: 'declared', text: '已声明' },
      { state: 'declared', text: '已声明' },
    ]);
    const text = textOf(page);
    expect(text).toContain('声明成功 2 行');
    expect(text).toContain('移除已声明的 2 行');
    expect(page.instance.data.pendingCount).toBe(0);
    await tap(page, '.remove-declared >>> .t-button');
    expect(page.instance.data.rows).toEqual([]);
    expect(textOf(page)).toContain('还没有要声明的行');
    expect(textOf(page)).toContain('提交声明（0 行）');
  });

  it('checks every row before sending and shows the errors next to the fields', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/declare/index');
    await typeInto(page, '.f-id >>> .t-input__control', 'short');
    await typeInto(page, '.f-phone >>> .t-input__control', 'abc');
    await tap(page, '.add-row >>> .t-button'); // a blank row is ignored, not an error
    await submit(page);
    expect(declareCalls(callFunction)).toEqual([]);
    expect(toastText(page)).toBe('有 1 行需要修改，请按提示填写后再提交');
    const text = textOf(page);
    expect(text).toContain('openid 格式不正确：应为 28 位字母、数字、- 或 _');
    expect(text).toContain('请选择角色');
    expect(text).toContain('手机号格式不正确');
    // typing into a field clears its error, the others stay
    await typeInto(page, '.f-id >>> .t-input__control', oid(1));
    expect(page.instance.data.rows[0].errors.id).toBe('');
    expect(page.instance.data.rows[0].errors.roleId).toBe('请选择角色');
  });

  it('row errors from the cloud read as the person counts rows, with the field label, never a param path', async () => {
    let round = 0;
    const callFunction = cloud({
      'promoter.declare': () =>
        ++round === 1
          ? ok({
              declaredCount: 2,
              alreadyDeclaredCount: 0,
              failed: [
                {
                  index: 1,
                  code: 'INVALID_ARGUMENT',
                  message: '门店 S9 不存在（promoters[1].storeId）',
                  field: 'promoters[1].storeId',
                },
                {
                  index: 3,
                  code: 'INVALID_ARGUMENT',
                  message: 'openid 与第 3 行重复（promoters[3].openid）',
                  field: 'promoters[3].openid',
                },
              ],
            })
          : // the retry sends rows 2 and 4 only: the call's row 1 is the page's row 2
            ok({
              declaredCount: 0,
              alreadyDeclaredCount: 0,
              failed: [
                {
                  index: 1,
                  code: 'INVALID_ARGUMENT',
                  message: 'openid 与第 1 行重复（promoters[1].openid）',
                  field: 'promoters[1].openid',
                },
                { index: 0, code: 'FORBIDDEN', message: '第 1 行：没有权限', field: 'promoters[0]' },
              ],
            }),
    });
    const page = await openPage('pages/declare/index');
    for (let i = 0; i < 4; i++) {
      if (i > 0) await tap(page, '.add-row >>> .t-button');
      await fillRow(page, i, { id: oid(i + 1), role: 0 });
    }
    await submit(page);
    let rows = page.instance.data.rows;
    expect(rows[1].result.text).toBe('第 2 行 门店编号：门店 S9 不存在');
    expect(rows[1].errors.storeId).toBe('门店 S9 不存在');
    expect(rows[3].result.text).toBe('第 4 行 openid 与第 3 行重复');
    expect(rows[3].errors.id).toBe('openid 与第 3 行重复');
    expect(textOf(page)).not.toMatch(/promoters\[/);
    await submit(page);
    expect(declareCalls(callFunction)[1].data.promoters).toHaveLength(2);
    rows = page.instance.data.rows;
    expect(rows[1].result.text).toBe('第 2 行 没有权限');
    expect(rows[3].result.text).toBe('第 4 行 openid 与第 2 行重复');
    expect(textOf(page)).not.toMatch(/promoters\[/);
  });

  it('partial failure: the failed row shows why, keeps its data, and retry sends only it', async () => {
    let round = 0;
    const callFunction = cloud({
      'promoter.declare': (d) =>
        ++round === 1
          ? ok({
              declaredCount: 1,
              alreadyDeclaredCount: 1,
              failed: [
                {
                  index: 1,
                  code: 'INVALID_ARGUMENT',
                  message: '手机号不是有效号码',
                  field: 'promoters[1].phone',
                },
              ],
            })
          : ok({ declaredCount: d.promoters.length, alreadyDeclaredCount: 0, failed: [] }),
    });
    const page = await openPage('pages/declare/index');
    await fillRow(page, 0, { id: oid(1), role: 0 });
    await tap(page, '.add-row >>> .t-button');
    await fillRow(page, 1, { id: oid(2), role: 0, phone: '12345' });
    await submit(page);
    let text = textOf(page);
    expect(text).toContain('声明成功 1 行（其中 1 行此前已声明）；失败 1 行，失败的行已保留，可修改后重试');
    expect(text).toContain('手机号不是有效号码');
    expect(page.instance.data.rows[1].errors.phone).toBe('手机号不是有效号码');
    expect(page.instance.data.rows[1].phone).toBe('12345');
    expect(text).toContain('重试未成功的 1 行');
    await typeInto(page, '.f-phone >>> .t-input__control', '13900000000', 1);
    await submit(page);
    expect(declareCalls(callFunction)[1]).toEqual({
      name: 'promoter',
      data: { action: 'promoter.declare', promoters: [{ openid: oid(2), roleId: 1, phone: '13900000000' }] },
    });
    text = textOf(page);
    expect(page.instance.data.rows[1].result).toEqual({ state: 'declared', text: '已声明' });
    expect(text).toContain('声明成功 1 行');
  });

  it('a network failure of the whole call keeps every row as typed, and retry sends them again', async () => {
    let round = 0;
    const callFunction = cloud({
      'promoter/promoter.declare': (d) => {
        if (++round === 1) throw new Error('offline');
        return ok({ declaredCount: d.promoters.length, alreadyDeclaredCount: 0, failed: [] });
      },
    });
    const page = await openPage('pages/declare/index');
    await fillRow(page, 0, { id: oid(1), role: 0, name: '张三' });
    await submit(page);
    expect(page.instance.data.rows[0]).toMatchObject({
      id: oid(1),
      roleId: '1',
      name: '张三',
      result: { state: 'failed', text: '未提交：网络异常，请检查网络后重试' },
    });
    expect(textOf(page)).toContain('提交中断：网络异常，请检查网络后重试');
    expect(page.instance.data.sending).toBe(false);
    await submit(page);
    const calls = declareCalls(callFunction);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(calls[0]);
    expect(page.instance.data.rows[0].result.state).toBe('declared');
  });

  it('imports pasted CSV into the editor with a Chinese message per broken line', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/declare/index');
    await pasteCsv(page, `openid,roleId,storeId,name\n${oid(1)},1,SH-01,张三\nbad,9,,李四\n`);
    const text = textOf(page);
    expect(text).toContain('第 3 行：openid 格式不正确：应为 28 位字母、数字、- 或 _');
    expect(text).toContain('第 3 行：角色 9 不存在');
    expect(toastText(page)).toBe('已导入 2 行，2 处需要修改');
    expect(page.instance.data.mode).toBe('csv');
    // the blank starting row gave way to the two imported ones
    expect(page.instance.data.rows.map((r: any) => r.id)).toEqual([oid(1), 'bad']);
    expect(page.instance.data.rows[1].errors.roleId).toBe('角色 9 不存在');
    await tap(page, '.mode-tabs >>> .t-tabs__item', 0);
    expect(textOf(page)).toContain('角色：角色 9（未找到）');
    // the valid row is collapsed to a summary line; the broken one is open for editing
    expect(textOf(page)).toContain('上海店（SH-01） · 张三');
    await tap(page, '.row__remove >>> .t-button', 0);
    expect(page.instance.data.rows).toHaveLength(1);
    await tap(page, '.row__summary');
    expect(page.instance.data.rows[0].open).toBe(true);
    await tap(page, '.row__toggle >>> .t-button');
    expect(page.instance.data.rows[0].open).toBe(false);
    await submit(page);
    expect(declareCalls(callFunction)[0].data.promoters).toEqual([
      { openid: oid(1), roleId: 1, storeId: 'SH-01', name: '张三' },
    ]);
  });

  it('a wrong CSV header imports nothing and says what the header must be', async () => {
    cloud();
    const page = await openPage('pages/declare/index');
    await pasteCsv(page, 'id,role\nx,1');
    expect(textOf(page)).toContain(
      '第 1 行：表头应为 openid（或 unionid）,roleId,storeId,name,phone,extraInfo',
    );
    expect(page.instance.data.rows).toHaveLength(1);
  });

  it(
    'splits more than 200 rows into sequential calls and shows progress',
    async () => {
      const callFunction = cloud({
        'promoter.declare': (d) =>
          ok({ declaredCount: d.promoters.length, alreadyDeclaredCount: 2, failed: [] }),
      });
      const page = await openPage('pages/declare/index');
      const lines = Array.from({ length: 401 }, (_, i) => `${oid(i)},1`);
      await pasteCsv(page, `openid,roleId\n${lines.join('\n')}`);
      expect(page.instance.data.mode).toBe('rows');
      expect(toastText(page)).toBe('已导入 401 行');
      const setData = jest.spyOn(page.instance, 'setData');
      await submit(page);
      await flush();
      const calls = declareCalls(callFunction);
      expect(calls.map((c) => c.data.promoters.length)).toEqual([200, 200, 1]);
      expect(calls[1].data.promoters[0]).toEqual({ openid: oid(200), roleId: 1 });
      const progress = setData.mock.calls.map(([d]) => (d as any).progress).filter(Boolean);
      expect(progress).toEqual([
        '正在提交第 1/3 批（第 1–200 行，共 401 行）',
        '正在提交第 2/3 批（第 201–400 行，共 401 行）',
        '正在提交第 3/3 批（第 401 行，共 401 行）',
      ]);
      expect(textOf(page)).toContain('声明成功 401 行（其中 6 行此前已声明）');
      expect(page.instance.data.declaredCount).toBe(401);
    },
    BIG_LIST_TIMEOUT_MS,
  );

  it(
    'a failed middle batch stops the run; the rest stay for retry',
    async () => {
      let round = 0;
      cloud({
        'promoter/promoter.declare': (d) =>
          ++round === 2
            ? fail('UPSTREAM_UNAVAILABLE', 'busy')
            : ok({ declaredCount: d.promoters.length, alreadyDeclaredCount: 0, failed: [] }),
      });
      const page = await openPage('pages/declare/index');
      await pasteCsv(
        page,
        `openid,roleId\n${Array.from({ length: 201 }, (_, i) => `${oid(i)},1`).join('\n')}`,
      );
      await submit(page);
      const rows = page.instance.data.rows;
      expect(rows.filter((r: any) => r.result.state === 'declared')).toHaveLength(200);
      expect(rows[200].result).toEqual({ state: 'failed', text: '未提交：微信服务繁忙，请稍后重试' });
      expect(textOf(page)).toContain('重试未成功的 1 行');
    },
    BIG_LIST_TIMEOUT_MS,
  );

  it('a manager declares only into their own stores', async () => {
    resetApp({ whoami: Promise.resolve(MANAGER) });
    const callFunction = cloud();
    const page = await openPage('pages/declare/index');
    expect(page.instance.data.storeLabels).toEqual(['上海店（SH-01）']);
    // told the easier way in, with a button to it
    expect(textOf(page)).toContain('店长添加推广员，用「邀请推广员」最方便');
    const navigate = jest.spyOn(wx, 'navigateTo').mockImplementation((() => undefined) as never);
    await tap(page, '.to-invite >>> .t-button');
    expect(navigate).toHaveBeenCalledWith({ url: '/pages/invite/index' });
    // the row starts in their store: 不指定门店 is not offered, so it is never the default either
    expect(page.instance.data.rows[0].storeLabel).toBe('上海店（SH-01）');
    await fillRow(page, 0, { id: oid(1), role: 0 });
    await submit(page);
    expect(declareCalls(callFunction)[0].data.promoters).toEqual([
      { openid: oid(1), roleId: 1, storeId: 'SH-01' },
    ]);
    expect(node(page, '.row').dom.className).toContain('row--done');
  });
});
