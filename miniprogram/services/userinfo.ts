/** Typed calls to the `userinfo` cloud function. */
import type { OaLang } from '../../typings/contract/index';
import { cloudFunction } from './cloud';

const call = cloudFunction('userinfo');

export const userinfoService = {
  get: (openid: string, lang?: OaLang) => call('user.get', lang ? { openid, lang } : { openid }),
  batchGet: (openids: string[], lang?: OaLang) =>
    call('user.batchGet', lang ? { openids, lang } : { openids }),
};
