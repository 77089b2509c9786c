/**
 * The caller's role for pages that show staff-only controls. app.ts starts `me.whoami` at launch and
 * keeps the promise in globalData; when it is missing (page opened directly) or failed, ask again.
 */
import type { WhoAmI } from '../../../typings/contract/index';
import { promoterService } from '../../services/promoter';

export async function currentCaller(): Promise<WhoAmI> {
  const app = getApp<IAppOption>();
  const pending = app?.globalData?.whoami;
  if (pending) {
    try {
      return await pending;
    } catch {
      // fall through: a failed launch-time whoami is retried here
    }
  }
  const fresh = promoterService.whoami();
  if (app?.globalData) app.globalData.whoami = fresh;
  return fresh;
}

export async function callerRole(): Promise<WhoAmI['role']> {
  return (await currentCaller()).role;
}
