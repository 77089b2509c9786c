/** app.ts: initialises wx.cloud and starts `me.whoami` once, for the pages to await. */
import { fail, mockCloud, ok } from '../helpers';
import { ADMIN } from '../fixtures';

type AppDefinition = { globalData: IAppOption['globalData']; onLaunch: () => void };

function launch(): AppDefinition {
  let definition: AppDefinition | undefined;
  (global as any).App = (def: AppDefinition) => {
    definition = def;
  };
  jest.isolateModules(() => {
    require('../../../miniprogram/app');
  });
  if (!definition) throw new Error('app.ts did not call App()');
  definition.onLaunch.call(definition);
  return definition;
}

afterEach(() => {
  delete (global as any).App;
});

describe('app', () => {
  it('initialises the cloud and starts whoami', async () => {
    const callFunction = mockCloud(() => ok(ADMIN));
    const app = launch();
    expect((wx.cloud.init as jest.Mock).mock.calls).toEqual([[{ traceUser: true }]]);
    expect(callFunction).toHaveBeenCalledWith({ name: 'promoter', data: { action: 'me.whoami' } });
    await expect(app.globalData.whoami).resolves.toEqual(ADMIN);
  });

  it('keeps a failed whoami for the page to retry, without an unhandled rejection', async () => {
    mockCloud(() => fail('INTERNAL', 'db'));
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    const app = launch();
    await expect(app.globalData.whoami).rejects.toMatchObject({ code: 'INTERNAL' });
    await new Promise((r) => setTimeout(r, 10));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });
});
