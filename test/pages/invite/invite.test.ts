import { fail, flush, ok, openPage, resetApp, textOf } from '../helpers';
import { INVITE, MANAGER, ROLES, STORES } from '../fixtures';
import { cloudWith, pick, stubWx, tap, toastText, type ActionHandlers } from '../kit';

const MATERIAL = { poster: 'UE9TVEVS', qrcode: 'UVJDT0RF', tag: '#小程序://推广员管理/inv7Hk2' };

const DEFAULTS: ActionHandlers = {
  'admin/store.list': () => ok({ items: STORES }),
  'promoter/role.list': () => ok({ items: ROLES }),
  'promoter/invite.create': () => ok({ invite: INVITE, material: MATERIAL }),
};
const cloud = (handlers: ActionHandlers = {}) => cloudWith(handlers, DEFAULTS);

const open = () => openPage('pages/invite/index');

beforeEach(() => {
  resetApp({ whoami: Promise.resolve(MANAGER) });
  stubWx('setClipboardData', 'saveImageToPhotosAlbum', 'showModal', 'openSetting');
});

describe('invite page', () => {
  it('first render: stores and roles to pick, no invite yet', async () => {
    const callFunction = cloud();
    const page = await open();
    expect(callFunction).toHaveBeenCalledTimes(2);
    expect(callFunction).toHaveBeenCalledWith({ name: 'admin', data: { action: 'store.list' } });
    expect(callFunction).toHaveBeenCalledWith({ name: 'promoter', data: { action: 'role.list' } });
    const text = textOf(page);
    expect(text).toContain('门店上海徐汇店 ▾');
    expect(text).toContain('角色推广员 ▾');
    expect(text).toContain('邀请素材海报 ▾');
    expect(page.querySelector('.invite-card')).toBeFalsy();
    expect(page.instance.onShareAppMessage()).toEqual({ title: '推广员管理', path: '/pages/home/index' });
  });

  it('creates an invite for the picked store, role and material, and shares the card with the token', async () => {
    const callFunction = cloud();
    const page = await open();
    await pick(page, '.pick-role', 1);
    await pick(page, '.pick-type', 1);
    await tap(page, '.create >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'promoter',
      data: { action: 'invite.create', storeId: 'SH-XUHUI', roleId: 2, invitationType: 1 },
    });
    const text = textOf(page);
    expect(text).toContain('上海徐汇店 · 金牌推广员');
    expect(text).toContain('邀请有效期至 2025-12-21');
    expect(text).toContain('分享给微信好友');
    expect(page.instance.onShareAppMessage()).toEqual({
      title: '上海徐汇店邀请你成为金牌推广员',
      path: '/pages/join/index?invite=inv_7Hk2pQ9xYz',
    });
  });

  it('drops the invite on screen when the choice changes', async () => {
    cloud();
    const page = await open();
    await tap(page, '.create >>> .t-button');
    expect(page.instance.data.invite).not.toBeNull();
    await pick(page, '.pick-store', 1);
    expect(page.instance.data.invite).toBeNull();
    expect(page.querySelector('.invite-card')).toBeFalsy();
    expect(page.instance.onShareAppMessage().path).toBe('/pages/home/index');
  });

  it('saves the poster to the album and copies the short link', async () => {
    cloud();
    const writeFile = jest.fn((o: any) => o.success());
    jest.spyOn(wx, 'getFileSystemManager').mockReturnValue({ writeFile } as any);
    (wx.saveImageToPhotosAlbum as jest.Mock).mockImplementation((o: any) => o.success());
    (wx.setClipboardData as jest.Mock).mockImplementation((o: any) => o.success());
    const page = await open();
    await tap(page, '.create >>> .t-button');
    await tap(page, '.save-poster >>> .t-button');
    const written = writeFile.mock.calls[0][0];
    expect(written).toMatchObject({ data: 'UE9TVEVS', encoding: 'base64' });
    expect(written.filePath).toMatch(new RegExp(`^${wx.env.USER_DATA_PATH}/invite-poster-\\d+\\.png$`));
    expect((wx.saveImageToPhotosAlbum as jest.Mock).mock.calls[0][0].filePath).toBe(written.filePath);
    expect(toastText(page)).toBe('已保存到相册');
    await tap(page, '.save-qrcode >>> .t-button');
    expect(writeFile.mock.calls[1][0].data).toBe('UVJDT0RF');
    await tap(page, '.copy-link >>> .t-button');
    expect((wx.setClipboardData as jest.Mock).mock.calls[0][0].data).toBe('#小程序://推广员管理/inv7Hk2');
  });

  it('handles a refused album permission by offering the settings', async () => {
    cloud();
    jest.spyOn(wx, 'getFileSystemManager').mockReturnValue({ writeFile: (o: any) => o.success() } as any);
    (wx.saveImageToPhotosAlbum as jest.Mock).mockImplementation((o: any) =>
      o.fail({ errMsg: 'saveImageToPhotosAlbum:fail authorize no response' }),
    );
    (wx.showModal as jest.Mock).mockResolvedValue({ confirm: false, cancel: true });
    const page = await open();
    await tap(page, '.create >>> .t-button');
    await tap(page, '.save-poster >>> .t-button');
    expect(wx.showModal).toHaveBeenCalledTimes(1);
    expect(wx.openSetting).not.toHaveBeenCalled();
    expect(toastText(page) ?? '').not.toBe('已保存到相册');
  });

  it('says when saving failed for another reason, and when the user cancelled nothing is said', async () => {
    cloud();
    jest.spyOn(wx, 'getFileSystemManager').mockReturnValue({ writeFile: (o: any) => o.success() } as any);
    (wx.saveImageToPhotosAlbum as jest.Mock).mockImplementationOnce((o: any) =>
      o.fail({ errMsg: 'saveImageToPhotosAlbum:fail cancel' }),
    );
    const page = await open();
    await tap(page, '.create >>> .t-button');
    await tap(page, '.save-poster >>> .t-button');
    expect(wx.showModal).not.toHaveBeenCalled();
    (wx.saveImageToPhotosAlbum as jest.Mock).mockImplementationOnce((o: any) =>
      o.fail({ errMsg: 'fail disk full' }),
    );
    await tap(page, '.save-poster >>> .t-button');
    expect(toastText(page)).toBe('保存失败，请稍后重试');
  });

  it('shows only the material WeChat returned', async () => {
    cloud({ 'promoter/invite.create': () => ok({ invite: INVITE, material: { tag: MATERIAL.tag } }) });
    const page = await open();
    await pick(page, '.pick-type', 2);
    await tap(page, '.create >>> .t-button');
    expect(page.querySelector('.save-poster')).toBeFalsy();
    expect(page.querySelector('.save-qrcode')).toBeFalsy();
    expect(textOf(page)).toContain(MATERIAL.tag);
  });

  it('toasts a failed invite and keeps the form', async () => {
    cloud({ 'promoter/invite.create': () => fail('FORBIDDEN', '不能邀请到其他门店') });
    const page = await open();
    await tap(page, '.create >>> .t-button');
    expect(toastText(page)).toBe('不能邀请到其他门店');
    expect(page.instance.data.invite).toBeNull();
    expect(page.instance.data.creating).toBe(false);
  });

  it('shows the empty state without stores, and without roles', async () => {
    cloud({ 'admin/store.list': () => ok({ items: [] }) });
    const page = await open();
    expect(page.instance.data.state).toBe('empty');
    expect(textOf(page)).toContain('还没有可邀请的门店，请先在“设置”里添加门店');
    cloud({ 'promoter/role.list': () => ok({ items: [] }) });
    await page.instance.onRetry();
    await flush();
    expect(textOf(page)).toContain('还没有推广员角色，请先在“推广员角色”里添加');
  });

  it('shows the error state and retries', async () => {
    let answer: unknown = fail('UPSTREAM_UNAVAILABLE', 'busy');
    const callFunction = cloud({ 'promoter/role.list': () => answer });
    const page = await open();
    expect(page.instance.data.state).toBe('error');
    expect(textOf(page)).toContain('微信服务繁忙，请稍后重试');
    answer = ok({ items: ROLES });
    await tap(page, '.invite-state >>> .state-view__retry >>> .t-button');
    expect(callFunction).toHaveBeenCalledTimes(4);
    expect(page.instance.data.state).toBe('ready');
  });
});
