/**
 * The detail page's action bar, at the top: 拨打电话 when a number is known, 提醒授权 for someone
 * declared and not authorized (its own test: remind-card.test.ts), 修改角色/门店 (change-popup.test.ts).
 */
import { textOf } from '../helpers';
import { promoter } from '../fixtures';
import { tap } from '../kit';
import { P, asCaller, cloud, open } from './fixtures';

const labels = (page: any): string[] =>
  page.querySelectorAll('.action-bar >>> .bar__label').map((label: any) => textOf(label));

beforeEach(() => asCaller());

describe('action bar on promoter detail', () => {
  it('bound with a phone: 拨打电话 and 修改角色/门店, no 提醒授权', async () => {
    cloud();
    const page = await open();
    expect(labels(page)).toEqual(['拨打电话', '修改角色/门店']);
    await tap(page, '.action-bar >>> .call');
    expect(wx.makePhoneCall).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: P.phone }));
  });

  it('no phone number: no call button', async () => {
    cloud({}, promoter(1, { phone: '' }));
    const page = await open();
    expect(page.querySelector('.action-bar >>> .call')).toBeFalsy();
    expect(labels(page)).toEqual(['修改角色/门店']);
  });

  it('待授权 and 已解除授权 get 提醒授权; a cancelled declaration does not', async () => {
    cloud({}, promoter(1, { authStatus: 0, status: 'awaiting' }));
    expect(labels(await open())).toEqual(['拨打电话', '提醒授权', '修改角色/门店']);
    cloud({}, promoter(1, { authStatus: 2, status: 'revoked' }));
    expect(labels(await open())).toEqual(['拨打电话', '提醒授权', '修改角色/门店']);
    cloud({}, promoter(1, { authStatus: 0, declStatus: 2, status: 'cancelled' }));
    expect(labels(await open())).toEqual(['拨打电话', '修改角色/门店']);
  }, 30_000); // three pages rendered in one test
});
