/**
 * The detail page's union custom parameter card: read for the promoter's unionid with its own error
 * and retry, set with the cloud's rule, removed behind a confirm; without a unionid it says why not.
 */
import { fail, ok, textOf } from '../helpers';
import { UNIONID } from '../fixtures';
import { callOf, node, tap, typeInto } from '../kit';
import { OPEN_CALLS, P, asCaller, cloud, detail, open } from './fixtures';

const WITH_UNIONID = { ...P, unionid: UNIONID };
const customCall = (action: string, params: Record<string, unknown>) => callOf('customparam', action, params);
const card = (page: any) => textOf(node(page, '.custom-param-card'));

beforeEach(() => asCaller());

describe('custom parameter card on promoter detail', () => {
  it('without a unionid: says why there is nothing to set, and asks nothing', async () => {
    const callFunction = cloud();
    const page = await open();
    expect(card(page)).toContain('还没有这位推广员的 unionid');
    expect(callFunction).toHaveBeenCalledTimes(OPEN_CALLS);
  });

  it('shows, sets and removes the union custom parameter of the unionid', async () => {
    let value: string | null = 'store-sh';
    const callFunction = cloud({
      'promoter/promoter.get': () => ok(detail(WITH_UNIONID)),
      'customparam/customParam.get': () => ok({ unionid: UNIONID, value }),
      'customparam/customParam.set': (d) => {
        value = d.value;
        return ok({ unionid: UNIONID, value: d.value });
      },
      'customparam/customParam.remove': () => ok({ unionid: UNIONID, removed: true }),
    });
    const page = await open();
    expect(callFunction).toHaveBeenCalledWith(customCall('customParam.get', { unionid: UNIONID }));
    expect(card(page)).toContain('当前：store-sh');
    const input = '.custom-param-card >>> .custom-input >>> .t-input__control';
    await typeInto(page, input, '门店 A');
    await tap(page, '.custom-param-card >>> .custom-save >>> .t-button');
    expect(card(page)).toContain(
      '自定义参数格式不正确：只能是可见的英文字符（字母、数字和符号），不能有空格或汉字',
    );
    await typeInto(page, input, 'store-bj');
    await tap(page, '.custom-param-card >>> .custom-save >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith(
      customCall('customParam.set', { unionid: UNIONID, value: 'store-bj' }),
    );
    expect(card(page)).toContain('当前：store-bj');
    (wx.showModal as jest.Mock).mockResolvedValueOnce({ confirm: false, cancel: true });
    await tap(page, '.custom-param-card >>> .custom-remove >>> .t-button');
    expect(callFunction).toHaveBeenCalledTimes(OPEN_CALLS + 2);
    (wx.showModal as jest.Mock).mockResolvedValueOnce({ confirm: true, cancel: false });
    await tap(page, '.custom-param-card >>> .custom-remove >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith(customCall('customParam.remove', { unionid: UNIONID }));
    expect(card(page)).toContain('当前：未设置');
  });

  it('keeps the page when only the custom parameter fails, with its own retry', async () => {
    let answer: unknown = fail('UPSTREAM_ERROR', '开放平台账号未绑定');
    const callFunction = cloud({
      'promoter/promoter.get': () => ok(detail(WITH_UNIONID)),
      'customparam/customParam.get': () => answer,
    });
    const page = await open();
    expect(page.instance.data.state).toBe('ready');
    expect(card(page)).toContain('开放平台账号未绑定');
    answer = ok({ unionid: UNIONID, value: null });
    await tap(page, '.custom-param-card >>> .custom-retry >>> .t-button');
    expect(callFunction).toHaveBeenCalledTimes(OPEN_CALLS + 2);
    expect(card(page)).toContain('当前：未设置');
  });
});
