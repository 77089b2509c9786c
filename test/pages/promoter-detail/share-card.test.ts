/**
 * The detail page's share material card (推广素材): the page picked from the app's page choices with
 * 小程序首页 preselected, 其他页面 by path for HQ only, then the link, path and QR code with copy and
 * save; nothing to make for someone not bound.
 */
import { ok, textOf } from '../helpers';
import { MANAGER, promoter } from '../fixtures';
import { node, pick, tap, typeInto } from '../kit';
import { asCaller, call, cloud, open } from './fixtures';

const MATERIAL = {
  tag: '#小程序://门店/abc',
  sharePath: 'pages/home/index?promoter=p1',
  qrcode: 'iVBORw0KGgo=',
  expiresAt: 1_766_292_000,
};
const share = (page: any) => page.instance.selectComponent('#share-card');
const toastOf = (page: any) => node(page, '.share-card >>> #t-toast').data.message;
const generate = (page: any) => tap(page, '.share-card >>> .generate >>> .t-button');

beforeEach(() => asCaller());

describe('share material card on promoter detail', () => {
  it('not bound: says why there is nothing to make', async () => {
    cloud({}, promoter(1, { authStatus: 0, status: 'awaiting' }));
    const page = await open();
    expect(textOf(node(page, '.share-card'))).toBe('推广员已声明并完成授权（已绑定）后，才能生成推广素材。');
  });

  it('小程序首页 is preselected: one tap makes the material; link copied, QR code saved', async () => {
    const callFunction = cloud({ 'promoter/share.material': () => ok(MATERIAL) });
    const writeFile = jest.fn((o: any) => o.success());
    jest.spyOn(wx, 'getFileSystemManager').mockReturnValue({ writeFile } as any);
    (wx.saveImageToPhotosAlbum as jest.Mock).mockImplementation((o: any) => o.success());
    (wx.setClipboardData as jest.Mock).mockImplementation((o: any) => o.success());
    const page = await open();
    expect(textOf(node(page, '.share-card >>> .pick-page'))).toBe('推广页面小程序首页 ▾');
    // no typed path unless 其他页面 is picked
    expect(page.querySelector('.share-card >>> .share-path')).toBeFalsy();
    await typeInto(page, '.share-card >>> .share-title >>> .t-input__control', '双十一');
    await generate(page);
    expect(callFunction).toHaveBeenLastCalledWith(
      call('share.material', { id: 'p1', path: 'pages/home/index', title: '双十一' }),
    );
    const text = textOf(node(page, '.share-card'));
    expect(text).toContain('有效期至 2025-12-21（30 天，过期后请重新生成）');
    expect(text).toContain('#小程序://门店/abc');
    await tap(page, '.share-card >>> .copy-tag >>> .t-button');
    expect((wx.setClipboardData as jest.Mock).mock.calls[0][0].data).toBe('#小程序://门店/abc');
    await tap(page, '.share-card >>> .save-qr >>> .t-button');
    expect(writeFile.mock.calls[0][0]).toMatchObject({ data: 'iVBORw0KGgo=', encoding: 'base64' });
    expect(writeFile.mock.calls[0][0].filePath).toMatch(/^.+\/promoter-p1-\d+\.png$/);
    expect(toastOf(page)).toBe('已保存到相册');
  });

  it('HQ may pick 其他页面 and type a path, checked with the cloud words', async () => {
    const callFunction = cloud({ 'promoter/share.material': () => ok(MATERIAL) });
    const page = await open();
    const labels = share(page).data.choices.map((c: any) => c.label);
    expect(labels).toEqual(['小程序首页', '其他页面（填写路径）']);
    await pick(page, '.share-card >>> .pick-page', 1);
    await generate(page);
    expect(textOf(node(page, '.share-card >>> .share-path'))).toContain('页面路径不能为空');
    await typeInto(page, '.share-card >>> .share-path >>> .t-input__control', 'pages/sale/index');
    await generate(page);
    expect(callFunction).toHaveBeenLastCalledWith(
      call('share.material', { id: 'p1', path: 'pages/sale/index' }),
    );
  });

  it('a manager picks among the listed pages only', async () => {
    asCaller(MANAGER);
    cloud();
    const page = await open();
    expect(share(page).data.choices.map((c: any) => c.label)).toEqual(['小程序首页']);
  });

  it('offers the settings page when album access was refused', async () => {
    cloud({ 'promoter/share.material': () => ok({ qrcode: 'iVBORw0KGgo=', expiresAt: 1_766_292_000 }) });
    jest.spyOn(wx, 'getFileSystemManager').mockReturnValue({ writeFile: (o: any) => o.success() } as any);
    (wx.saveImageToPhotosAlbum as jest.Mock).mockImplementation((o: any) =>
      o.fail({ errMsg: 'saveImageToPhotosAlbum:fail auth deny' }),
    );
    (wx.showModal as jest.Mock).mockResolvedValue({ confirm: true, cancel: false });
    const page = await open();
    await generate(page);
    await tap(page, '.share-card >>> .save-qr >>> .t-button');
    expect((wx.showModal as jest.Mock).mock.calls[0][0]).toMatchObject({
      title: '需要相册权限',
      confirmText: '去设置',
    });
    expect(wx.openSetting).toHaveBeenCalled();
  });
});
