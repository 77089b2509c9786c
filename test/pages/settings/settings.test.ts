/** the settings page: admins only, tabs, what it routes to the open panel */
import { openPage, resetApp, textOf } from '../helpers';
import { asAdmin, cloud } from './fixtures';

beforeEach(asAdmin);

describe('the settings page: admins only, tabs, what it routes to the open panel', () => {
  it('non-admins get a clear "admins only" state and no admin calls', async () => {
    resetApp({ whoami: Promise.resolve({ openid: 'o-m', role: 'manager', storeIds: ['SH-01'] }) });
    const callFunction = cloud();
    const page = await openPage('pages/settings/index');
    expect(textOf(page)).toContain('仅总部管理员可用');
    expect(page.querySelector('.settings-tabs')).toBeFalsy();
    expect(callFunction).not.toHaveBeenCalled();
  });
});
