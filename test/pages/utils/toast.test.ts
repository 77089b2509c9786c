/**
 * toastError: a short error is a toast; one that would end in "…" in tdesign's 3-line toast is a dialog
 * with a title by kind and the whole sentence, and the sentence is the cloud's own, without a lead-in.
 */
import '../helpers'; // miniprogram-simulate: the wx global
import { CloudCallError, errorText } from '../../../miniprogram/services/cloud';
import { TOAST_MAX_CHARS, toastError } from '../../../miniprogram/utils/toast';

const toastMock = jest.fn();
jest.mock('tdesign-miniprogram/toast/index', () => ({
  __esModule: true,
  default: (o: unknown) => toastMock(o),
}));

const context = {} as WechatMiniprogram.Page.TrivialInstance;
const refusal = (message: string) => new CloudCallError({ code: 'FORBIDDEN', message });

let modal: jest.SpyInstance;
beforeEach(() => {
  toastMock.mockClear();
  modal = jest.spyOn(wx, 'showModal').mockImplementation((() => Promise.resolve({ confirm: true })) as never);
});

it('a short sentence is a toast', () => {
  toastError(context, refusal('只有总部可以这样做'));
  expect(toastMock).toHaveBeenCalledWith(
    expect.objectContaining({ message: '只有总部可以这样做', theme: 'error' }),
  );
  expect(modal).not.toHaveBeenCalled();
});

it('a sentence that would not fit goes whole into a dialog titled by its kind', () => {
  const long = '你不是门店「上海徐汇店」的店长，不能查看或修改该门店的推广员';
  expect([...long].length).toBeGreaterThan(TOAST_MAX_CHARS);
  toastError(context, refusal(long));
  expect(toastMock).not.toHaveBeenCalled();
  expect(modal).toHaveBeenCalledWith({
    title: '没有权限',
    content: long,
    showCancel: false,
    confirmText: '知道了',
  });
});

it('no stacked colons: the cloud sentence alone, the general one only when the cloud gave none', () => {
  expect(errorText(new CloudCallError({ code: 'CONFLICT', message: '角色名称「导购」已存在' }))).toBe(
    '角色名称「导购」已存在',
  );
  expect(errorText(new CloudCallError({ code: 'CONFLICT', message: '' }))).toBe(
    '操作冲突：记录已存在或状态已变化',
  );
  // WeChat's own words never reach the screen for a fault
  expect(errorText(new CloudCallError({ code: 'UPSTREAM_UNAVAILABLE', message: 'system error' }))).toBe(
    '微信服务繁忙，请稍后重试',
  );
});
