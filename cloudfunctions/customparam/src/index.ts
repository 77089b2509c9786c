/**
 * Cloud function `customparam`: union 推客 custom user parameters and the bound Open Platform account
 * (typings/contract/customparam.ts), with the mini program's token.
 */
import { createHandler } from '../../_shared/handler';
import { customParamGet, customParamRemove, customParamSet } from './custom-param';
import { openAccountBind, openAccountGet } from './open-account';

export const main = createHandler('customparam', {
  'openAccount.get': openAccountGet,
  'openAccount.bind': openAccountBind,
  'customParam.get': customParamGet,
  'customParam.set': customParamSet,
  'customParam.remove': customParamRemove,
});
