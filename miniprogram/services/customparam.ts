/** Typed calls to the `customparam` cloud function. */
import { cloudFunction } from './cloud';

const call = cloudFunction('customparam');

export const customParamService = {
  getOpenAccount: () => call('openAccount.get', {}),
  bindOpenAccount: (openAccount: string) => call('openAccount.bind', { openAccount }),
  get: (unionid: string) => call('customParam.get', { unionid }),
  set: (unionid: string, value: string) => call('customParam.set', { unionid, value }),
  remove: (unionid: string) => call('customParam.remove', { unionid }),
};
