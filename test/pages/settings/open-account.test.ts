/** settings → 开放平台 (components/open-account) */
import { fail, ok, openPage, textOf } from '../helpers';
import { firstThen, deferred, renderLoading, tap, toastText, typeInto } from '../kit';
import { ACCOUNT, asAdmin, cloud, data, panelOf } from './fixtures';

beforeEach(asAdmin);

describe('settings → 开放平台', () => {
  it('first render: the bound Open Platform account and the rebinds left', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/settings/index');
    expect(callFunction).toHaveBeenCalledTimes(1);
    expect(callFunction).toHaveBeenCalledWith({ name: 'customparam', data: { action: 'openAccount.get' } });
    const text = textOf(page);
    expect(text).toContain('当前绑定：wx0123456789abcdef');
    expect(text).toContain('近一年已绑定 1 次，还可换绑 1 次（微信每年最多 2 次）');
    expect(text).toContain('2025-01-01 起恢复 1 次');
    expect(text).toContain('换绑');
  });

  it('shows the loading state, then an error with retry for the account', async () => {
    const reply = deferred();
    cloud({
      'openAccount.get': firstThen(reply.promise, () =>
        ok({ ...ACCOUNT, openAccount: null, rebindsInLastYear: 0, rebindsLeft: 2 }),
      ),
    });
    const { page, loaded } = await renderLoading('pages/settings/index');
    expect(page.querySelector('#account >>> .account-state >>> .state-view__loading')).toBeTruthy();
    reply.resolve(fail('CONFIG_ERROR', 'OPEN_APPID missing'));
    await loaded;
    expect(textOf(page)).toContain('服务配置不完整，请联系管理员');
    await tap(page, '#account >>> .account-state >>> .state-view__retry >>> .t-button');
    expect(textOf(page)).toContain('尚未绑定开放平台账号');
  });

  it('rebinding asks first, with the yearly limit and what is left, then binds', async () => {
    const callFunction = cloud({
      'openAccount.bind': (d) =>
        ok({
          openAccount: d.openAccount,
          rebindsInLastYear: 2,
          rebindsLeft: 0,
          warning: '换绑后原账号下的 unionid 将不再对应',
        }),
    });
    const page = await openPage('pages/settings/index');
    await typeInto(page, '#account >>> .bind-input >>> .t-input__control', 'wxfedcba9876543210');
    await tap(page, '#account >>> .bind-button >>> .t-button');
    expect(data(page, 'account').bindDialog).toBe(true);
    const text = textOf(page);
    expect(text).toContain('将从 wx0123456789abcdef 换绑为 wxfedcba9876543210。');
    expect(text).toContain('微信每年最多换绑 2 次开放平台账号，当前还可换绑 1 次，确认后剩 0 次。');
    expect(callFunction).toHaveBeenCalledTimes(1);
    await tap(page, '#account >>> .bind-confirm >>> .t-button');
    expect(callFunction).toHaveBeenLastCalledWith({
      name: 'customparam',
      data: { action: 'openAccount.bind', openAccount: 'wxfedcba9876543210' },
    });
    expect(textOf(page)).toContain('当前绑定：wxfedcba9876543210');
    expect(textOf(page)).toContain('换绑后原账号下的 unionid 将不再对应');
    expect(toastText(panelOf(page, 'account'))).toBe('已绑定 wxfedcba9876543210');
  });

  it('cancelling the confirm binds nothing; bad input is refused before asking', async () => {
    const callFunction = cloud();
    const page = await openPage('pages/settings/index');
    await typeInto(page, '#account >>> .bind-input >>> .t-input__control', 'wx123');
    await tap(page, '#account >>> .bind-button >>> .t-button');
    expect(data(page, 'account').bindDialog).toBe(false);
    expect(data(page, 'account').bindError).toBe(
      '开放平台账号应为 wx 开头、共 18 位的 appid（小写字母和数字）',
    );
    await typeInto(page, '#account >>> .bind-input >>> .t-input__control', 'wx0123456789abcdef');
    await tap(page, '#account >>> .bind-button >>> .t-button');
    expect(data(page, 'account').bindError).toBe('已绑定该开放平台账号');
    await typeInto(page, '#account >>> .bind-input >>> .t-input__control', 'wxfedcba9876543210');
    await tap(page, '#account >>> .bind-button >>> .t-button');
    await tap(page, '#account >>> .bind-cancel >>> .t-button');
    expect(data(page, 'account').bindDialog).toBe(false);
    expect(callFunction).toHaveBeenCalledTimes(1);
  });

  it('no rebinds left: refused before asking; a cloud QUOTA error is a toast', async () => {
    cloud({
      'openAccount.get': () => ok({ ...ACCOUNT, rebindsLeft: 0 }),
    });
    const page = await openPage('pages/settings/index');
    await typeInto(page, '#account >>> .bind-input >>> .t-input__control', 'wxfedcba9876543210');
    await tap(page, '#account >>> .bind-button >>> .t-button');
    expect(data(page, 'account').bindError).toBe('近一年的绑定次数已用完');

    const second = cloud({ 'openAccount.bind': () => fail('QUOTA_EXCEEDED', '一年内最多换绑 2 次') });
    page.instance.setData({ 'account.rebindsLeft': 1 });
    await tap(page, '#account >>> .bind-button >>> .t-button');
    await tap(page, '#account >>> .bind-confirm >>> .t-button');
    expect(second).toHaveBeenCalledTimes(1);
    expect(toastText(panelOf(page, 'account'))).toBe('一年内最多换绑 2 次');
    expect(data(page, 'account').bindInput).toBe('wxfedcba9876543210');
  });
});
