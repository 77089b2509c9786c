/**
 * The import page: HQ only; paste or choose a CSV, pick the identity kind, start; progress, counts,
 * failures paged, the failed rows as CSV on the clipboard, cancel behind a confirm; coming back shows
 * the newest job; loading and error states.
 */
import { fail, load, ok, openPage, resetApp, textOf } from '../helpers';
import {
  callOf,
  cloudWith,
  deferred,
  node,
  renderLoading,
  stubWx,
  tap,
  toastText,
  typeInto,
  type ActionHandlers,
} from '../kit';

const PAGE = 'pages/import/index';
const ADMIN = { openid: 'o-admin', role: 'admin', storeIds: [] };
const MANAGER = { openid: 'o-mgr', role: 'manager', storeIds: ['SH-01'] };

const counts = (c: Partial<Record<string, number>> = {}) => ({
  declared: 0,
  alreadyDeclared: 0,
  invalid: 0,
  duplicate: 0,
  failed: 0,
  ...c,
});

function status(over: Record<string, unknown> = {}) {
  return {
    jobId: 'job-1',
    state: 'running',
    identity: 'openid',
    total: 100,
    counts: counts({ declared: 40, invalid: 2 }),
    processed: 42,
    progress: 0.42,
    etaSeconds: 90,
    createdAt: 1,
    updatedAt: 2,
    createdBy: 'o-admin',
    failures: [] as unknown[],
    ...over,
  };
}

const failure = (index: number, message = '手机号格式不对（rows[0].phone）', field = 'phone') => ({
  index,
  kind: 'invalid',
  code: 'INVALID_ARGUMENT',
  message,
  field: `rows[${index}].${field}`,
  row: { openid: `o${index}`, roleId: 1, phone: 'call me' },
});

const NO_JOBS: ActionHandlers = { 'promoter/import.list': () => ok({ items: [], total: 0 }) };
let pages: any[] = [];
async function open(handlers: ActionHandlers) {
  const callFunction = cloudWith(handlers, NO_JOBS);
  const page = await openPage(PAGE);
  pages.push(page);
  return { page, callFunction };
}
const actions = (callFunction: jest.Mock, action: string) =>
  callFunction.mock.calls.map(([c]) => c).filter((c) => c.data.action === action);

// Compiling the page (wcc) is the slow part: once, outside any test's time.
beforeAll(() => load(PAGE), 60_000);
beforeEach(() => {
  pages = [];
  resetApp({ whoami: Promise.resolve(ADMIN) });
});
// the page's polling stops when it goes away: nothing of this file runs after it
afterEach(() => pages.forEach((p) => p.instance.onUnload()));

test('a store manager is told the page is for HQ; nothing is asked of the import actions', async () => {
  resetApp({ whoami: Promise.resolve(MANAGER) });
  const { page, callFunction } = await open({});
  expect(textOf(page)).toContain('仅总部管理员可以批量导入推广员');
  expect(callFunction).not.toHaveBeenCalled();
});

test('loading, then the form when there is no job yet', async () => {
  const list = deferred();
  cloudWith({ 'promoter/import.list': () => list.promise });
  const { page, loaded } = await renderLoading(PAGE);
  pages.push(page);
  expect(page.querySelector('.page-state')!.data.state).toBe('loading');
  list.resolve(ok({ items: [], total: 0 }));
  await loaded;
  expect(textOf(page)).toContain('名单里的用户身份是');
  expect(textOf(page)).toContain('小程序 openid');
  expect(textOf(page)).toContain('公众号 openid');
});

test('an error loading the newest job shows the error state; retry loads again', async () => {
  let calls = 0;
  const { page } = await open({
    'promoter/import.list': () =>
      ++calls === 1 ? fail('UPSTREAM_UNAVAILABLE', '微信暂时不可用') : ok({ items: [], total: 0 }),
  });
  expect(page.querySelector('.page-state')!.data.state).toBe('error');
  await page.instance.onRetry();
  expect(page.querySelector('.page-state')!.data.state).toBe('ready');
});

test('paste a CSV, say the rows are OA openids, start: the job shows and is driven to its end', async () => {
  const finished = status({
    state: 'done',
    counts: counts({ declared: 98, invalid: 2 }),
    processed: 100,
    progress: 1,
    etaSeconds: 0,
  });
  const { page, callFunction } = await open({
    'promoter/import.start': () =>
      ok(status({ state: 'queued', counts: counts(), processed: 0, progress: 0, etaSeconds: null })),
    'promoter/import.resume': () => ok(finished),
    'promoter/import.status': () => ok({ ...finished, failures: [failure(3)] }),
  });
  await tap(page, '.identity', 2);
  expect(textOf(page)).toContain('系统先换成 UnionID 再声明');
  await typeInto(page, '.csv-input >>> .t-textarea__wrapper-inner', 'openid,roleId\noA,1');
  await tap(page, '.start >>> .t-button');
  await new Promise((resolve) => setTimeout(resolve, 0));
  await page.instance.refresh();
  expect(actions(callFunction, 'import.start')).toEqual([
    callOf('promoter', 'import.start', { csv: 'openid,roleId\noA,1', identity: 'oaOpenid' }),
  ]);
  expect(actions(callFunction, 'import.resume')[0]).toEqual(
    callOf('promoter', 'import.resume', { jobId: 'job-1', limit: 1 }),
  );
  const text = textOf(page);
  expect(text).toContain('已完成');
  expect(text).toContain('98已声明');
  expect(text).toContain('第 4 行');
  expect(text).toContain('手机号格式不对');
  expect(page.instance.data.job.percent).toBe(100);
});

test('coming back shows the newest job with its progress and ETA; a paused job says why and until when', async () => {
  const paused = status({
    state: 'paused',
    pauseReason: '微信接口今日调用次数已用完（45009），明天 0 点后自动继续',
    resumeAt: 1796572800,
  });
  const { page, callFunction } = await open({
    'promoter/import.list': () => ok({ items: [paused], total: 1 }),
    'promoter/import.status': () => ok(paused),
  });
  expect(actions(callFunction, 'import.list')).toEqual([callOf('promoter', 'import.list', { limit: 1 })]);
  expect(actions(callFunction, 'import.status')[0]).toEqual(
    callOf('promoter', 'import.status', { jobId: 'job-1', limit: 20 }),
  );
  const text = textOf(page);
  expect(text).toContain('已暂停');
  expect(text).toContain('45009');
  expect(text).toContain('起继续');
  expect(page.instance.data.job.percent).toBe(42);
  // a paused job is not resumed by the page; the timer trigger goes on at resumeAt
  expect(actions(callFunction, 'import.resume')).toEqual([]);
});

test('failures come a page at a time; the failed rows are copied as a CSV to fix and import again', async () => {
  stubWx('setClipboardData');
  (wx.setClipboardData as jest.Mock).mockImplementation((o: { success: () => void }) => o.success());
  const pagesOfFailures: Record<string, unknown> = {
    first: status({ state: 'done', failures: [failure(0)], failuresCursor: '0' }),
  };
  const { page, callFunction } = await open({
    'promoter/import.list': () => ok({ items: [status({ state: 'done' })], total: 1 }),
    'promoter/import.status': (d) =>
      ok(
        d.cursor === '0'
          ? status({ state: 'done', failures: [failure(5, '9 不存在（rows[5].roleId）', 'roleId')] })
          : pagesOfFailures.first,
      ),
  });
  expect(page.querySelectorAll('.failure')).toHaveLength(1);
  await tap(page, '.more-failures >>> .t-button');
  expect(page.querySelectorAll('.failure')).toHaveLength(2);
  // the field's label, never the param path
  expect(textOf(page)).toContain('角色：9 不存在');
  expect(textOf(page)).toContain('手机号格式不对');
  expect(textOf(page)).not.toContain('rows[');

  await tap(page, '.copy-failed >>> .t-button');
  const copied = (wx.setClipboardData as jest.Mock).mock.calls[0][0].data as string;
  expect(copied.split('\n')).toEqual([
    'openid,unionid,roleId,storeId,name,phone,extraInfo,失败原因',
    'o0,,1,,,call me,,第 1 行 手机号格式不对',
    'o5,,1,,,call me,,第 6 行 角色：9 不存在',
    '',
  ]);
  expect(
    actions(callFunction, 'import.status')
      .slice(-2)
      .map((c) => c.data.limit),
  ).toEqual([100, 100]);
  expect(toastText(page)).toContain('已复制 2 行失败数据');
});

test('cancel asks first (red confirm); keeping the job changes nothing, confirming cancels it', async () => {
  const { page, callFunction } = await open({
    'promoter/import.list': () => ok({ items: [status()], total: 1 }),
    'promoter/import.status': () => ok(status()),
    'promoter/import.resume': () => ok(status()),
    'promoter/import.cancel': () => ok(status({ state: 'cancelled', etaSeconds: 0 })),
  });
  await tap(page, '.cancel >>> .t-button');
  expect(page.instance.data.confirmCancel).toBe(true);
  expect(node(page, '.cancel-confirm >>> .t-button')).toBeDefined();
  await tap(page, '.cancel-keep >>> .t-button');
  expect(actions(callFunction, 'import.cancel')).toEqual([]);
  await tap(page, '.cancel >>> .t-button');
  await tap(page, '.cancel-confirm >>> .t-button');
  expect(actions(callFunction, 'import.cancel')).toEqual([
    callOf('promoter', 'import.cancel', { jobId: 'job-1' }),
  ]);
  expect(textOf(page)).toContain('已取消');
  expect(textOf(page)).toContain('新的导入');
});

test('choose a CSV file from a chat: it is read as UTF-8 into the box', async () => {
  const api = wx as unknown as Record<string, unknown>;
  api.chooseMessageFile = jest.fn((o: { success: (r: unknown) => void }) =>
    o.success({ tempFiles: [{ path: 'wxfile://tmp/list.csv', name: 'list.csv', size: 20 }] }),
  );
  const readFile = jest.fn((o: { success: (r: unknown) => void }) =>
    o.success({ data: 'openid,roleId\noX,1' }),
  );
  api.getFileSystemManager = jest.fn(() => ({ readFile }));
  const { page } = await open({});
  await tap(page, '.choose-file >>> .t-button');
  expect(readFile).toHaveBeenCalledWith(
    expect.objectContaining({ filePath: 'wxfile://tmp/list.csv', encoding: 'utf8' }),
  );
  expect(page.instance.data.csvText).toBe('openid,roleId\noX,1');
});

test('a large CSV goes up in parts cut between lines, then the job starts from the upload', async () => {
  const line = `o${'x'.repeat(27)},1,推广员名字很长很长很长很长很长很长很长很长\n`;
  const csv = 'openid,roleId,name\n' + line.repeat(6000); // about 600 KB: three parts
  const texts: string[] = [];
  const { page, callFunction } = await open({
    'promoter/import.upload': (d) => {
      texts.push(d.text);
      return ok({ uploadId: 'up-1', parts: texts.length, bytes: 0 });
    },
    'promoter/import.start': () => ok(status({ state: 'done', progress: 1, etaSeconds: 0 })),
    'promoter/import.status': () => ok(status({ state: 'done', progress: 1, etaSeconds: 0 })),
  });
  page.instance.setData({ csvText: csv });
  await tap(page, '.start >>> .t-button');
  const uploads = actions(callFunction, 'import.upload');
  expect(uploads.length).toBe(3);
  expect(uploads[0].data.uploadId).toBeUndefined();
  expect(uploads.slice(1).map((c) => c.data.uploadId)).toEqual(['up-1', 'up-1']);
  expect(texts.join('')).toBe(csv.trim()); // the page trims the text it was given
  expect(texts.slice(0, -1).every((t) => t.endsWith('\n'))).toBe(true);
  expect(actions(callFunction, 'import.start')).toEqual([
    callOf('promoter', 'import.start', { uploadId: 'up-1', identity: 'openid' }),
  ]);
});
