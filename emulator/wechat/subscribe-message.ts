/**
 * Subscription messages (POST /cgi-bin/message/subscribe/send) and the phone number of the
 * getPhoneNumber button (POST /wxa/business/getuserphonenumber), as the official pages describe them:
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html
 *
 * What the phone does is played through control: `POST /__control/subscriptions` is a person tapping
 * 允许 in wx.requestSubscribeMessage (each acceptance allows one message), `POST /__control/phone-codes`
 * is a person allowing the getPhoneNumber button (a code that works once, for 5 minutes).
 */
import { randomBytes } from 'node:crypto';
import type { WxBody } from './errors';
import { ok, WxError } from './errors';
import { OPENID_SHAPE } from './state';
import type { World, WxRoute } from './world';

/** Keyword kinds of subscription templates and the length rule of each (characters). */
export const KEYWORD_RULES = {
  /** thing.DATA: 20 characters at most. */
  thing: 20,
  /** phrase.DATA: 5 characters at most (Chinese only at WeChat; the stand-in counts characters). */
  phrase: 5,
  /** name.DATA: 10 characters at most. */
  name: 10,
  /** character_string.DATA: 32 characters at most. */
  character_string: 32,
} as const;
export type KeywordKind = keyof typeof KEYWORD_RULES;

export interface SubscribeTemplate {
  id: string;
  keywords: Record<string, KeywordKind>;
}

export interface SentSubscribeMessage {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, string>;
  miniprogramState: string;
  sentAt: number;
}

/** A person's code from the getPhoneNumber button. */
interface PhoneCode {
  phoneNumber: string;
  countryCode: string;
  expiresAt: number;
  used: boolean;
}

export const PHONE_CODE_TTL_SECONDS = 300;
const PAGE_SHAPE = /^[A-Za-z0-9_\-./]+(\?[^\s]*)?$/;
const MINIPROGRAM_STATES = ['developer', 'trial', 'formal'];

/** What the stand-in holds for these two families (part of the mini program's data). */
export class MessagingState {
  readonly templates = new Map<string, SubscribeTemplate>();
  /** openid → templateId → unused acceptances. */
  readonly acceptances = new Map<string, Map<string, number>>();
  readonly sent: SentSubscribeMessage[] = [];
  readonly phoneCodes = new Map<string, PhoneCode>();

  accept(openid: string, templateId: string, count: number): number {
    const mine = this.acceptances.get(openid) ?? new Map<string, number>();
    const left = (mine.get(templateId) ?? 0) + count;
    mine.set(templateId, left);
    this.acceptances.set(openid, mine);
    return left;
  }

  acceptancesLeft(openid: string, templateId: string): number {
    return this.acceptances.get(openid)?.get(templateId) ?? 0;
  }

  issuePhoneCode(phoneNumber: string, countryCode: string, now: number): string {
    const code = randomBytes(16).toString('hex');
    this.phoneCodes.set(code, {
      phoneNumber,
      countryCode,
      expiresAt: now + PHONE_CODE_TTL_SECONDS,
      used: false,
    });
    return code;
  }
}

function checkData(template: SubscribeTemplate, data: unknown): Record<string, string> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new WxError(47003, 'data');
  const values: Record<string, string> = {};
  for (const [key, item] of Object.entries(data as WxBody)) {
    const kind = template.keywords[key];
    const value = typeof item === 'object' && item !== null ? (item as WxBody).value : undefined;
    if (!kind || typeof value !== 'string' || value === '') throw new WxError(47003, key);
    if ([...value].length > KEYWORD_RULES[kind]) throw new WxError(47003, `${key} too long`);
    values[key] = value;
  }
  for (const key of Object.keys(template.keywords)) {
    if (!(key in values)) throw new WxError(47003, `${key} missing`);
  }
  return values;
}

export const subscribeMessageRoutes: Record<string, WxRoute> = {
  '/cgi-bin/message/subscribe/send': {
    method: 'POST',
    auth: 'mp',
    handle(world: World, { body }) {
      const { touser, template_id: templateId, page, data } = body;
      // Every person who opened the mini program is its user at WeChat; one who never accepted gets 43101.
      if (typeof touser !== 'string' || !OPENID_SHAPE.test(touser)) throw new WxError(40003);
      const template = typeof templateId === 'string' ? world.messaging.templates.get(templateId) : undefined;
      if (!template) throw new WxError(40037);
      if (page !== undefined && (typeof page !== 'string' || !PAGE_SHAPE.test(page))) {
        throw new WxError(41030);
      }
      const state = body.miniprogram_state ?? 'formal';
      if (typeof state !== 'string' || !MINIPROGRAM_STATES.includes(state)) throw new WxError(47003, 'state');
      const values = checkData(template, data);
      if (world.messaging.acceptancesLeft(touser, template.id) < 1) throw new WxError(43101);
      world.messaging.accept(touser, template.id, -1);
      world.messaging.sent.push({
        touser,
        templateId: template.id,
        page: typeof page === 'string' ? page : '',
        data: values,
        miniprogramState: state,
        sentAt: world.clock.now(),
      });
      return ok();
    },
  },
  '/wxa/business/getuserphonenumber': {
    method: 'POST',
    auth: 'mp',
    handle(world: World, { body }) {
      const code = typeof body.code === 'string' ? world.messaging.phoneCodes.get(body.code) : undefined;
      if (!code || code.used || code.expiresAt <= world.clock.now()) throw new WxError(40029);
      code.used = true;
      return ok({
        phone_info: {
          phoneNumber:
            code.countryCode === '86' ? code.phoneNumber : `+${code.countryCode}${code.phoneNumber}`,
          purePhoneNumber: code.phoneNumber,
          countryCode: code.countryCode,
          watermark: { timestamp: world.clock.now(), appid: world.apps.miniProgram.appid },
        },
      });
    },
  },
};
