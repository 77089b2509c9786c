/** Cloud function `userinfo`: Official Account user info with UnionID (typings/contract/userinfo.ts). Staff only. */
import * as v from 'valibot';
import { LIMITS } from '../../../miniprogram/shared/field-rules';
import { defineAction, createHandler } from '../../_shared/handler';
import { list, oneOf, openid, params } from '../../_shared/validation';
import { lookupUser, lookupUsers } from './user-cache';

const lang = v.optional(oneOf(['zh_CN', 'zh_TW', 'en'] as const, '语言'), 'zh_CN');

export const main = createHandler('userinfo', {
  'user.get': defineAction({
    access: 'staff',
    schema: params({ openid, lang }),
    run: (input) => lookupUser(input.openid, input.lang),
  }),
  'user.batchGet': defineAction({
    access: 'staff',
    schema: params({ openids: list(openid, 'openids', 1, LIMITS.userInfo.maxOpenids), lang }),
    async run(input) {
      const { users } = await lookupUsers(input.openids, input.lang);
      return { users };
    },
  }),
});
