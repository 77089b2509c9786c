/**
 * Who the caller is. app.ts starts `me.whoami` at launch; a page awaits that promise, and when it
 * failed (offline at launch) asks again and keeps the new promise for the next page.
 */
import type { WhoAmI } from '../../typings/contract/index';
import { promoterService } from '../services/promoter';

export async function currentWhoami(): Promise<WhoAmI> {
  const app = getApp<IAppOption>();
  if (app.globalData.whoami) {
    try {
      return await app.globalData.whoami;
    } catch {
      // fall through: ask again below
    }
  }
  const retry = promoterService.whoami();
  app.globalData.whoami = retry;
  // a later page awaiting a failed retry asks again the same way; keep the rejection handled here
  retry.catch((): WhoAmI | void => undefined);
  return retry;
}

export const isStaff = (who: WhoAmI): boolean => who.role === 'admin' || who.role === 'manager';
