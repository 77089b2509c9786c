/// <reference types="miniprogram-api-typings" />
import type { WhoAmI } from './contract/index';

declare global {
  interface IAppOption {
    globalData: {
      /** Resolved once at launch by app.ts (promoter `me.whoami`); pages await it to pick what to show. */
      whoami?: Promise<WhoAmI>;
      /** Set by a page that changed data, read by the list it returns to (starter-retail's backRefresh). */
      promoterListDirty?: boolean;
    };
  }
}
export {};
