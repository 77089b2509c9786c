import type { WhoAmI } from '../typings/contract/index';
import { promoterService } from './services/promoter';

App<IAppOption>({
  globalData: {},
  onLaunch() {
    // The default cloud env (the one this mini program is linked to); nothing secret lives here.
    wx.cloud.init({ traceUser: true });
    this.globalData.whoami = promoterService.whoami();
    // A failed whoami is retried by the page that needs it; keep the rejection from going unhandled.
    this.globalData.whoami.catch((): WhoAmI | void => undefined);
  },
});
