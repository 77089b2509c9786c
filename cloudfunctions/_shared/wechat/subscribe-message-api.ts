/**
 * Subscription messages, mini program family: POST /cgi-bin/message/subscribe/send
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html).
 * Each 允许 a person taps in wx.requestSubscribeMessage allows one message; after that WeChat answers 43101.
 * Not repeated on a timeout: a send WeChat accepted but we did not hear about would reach the person twice.
 */
import { getWechatClient } from './client';

export const SUBSCRIBE_SEND_PATH = '/cgi-bin/message/subscribe/send';
/** "user refuse to accept the msg": no acceptance left for this template. */
export const ERR_NOT_SUBSCRIBED = 43101;

export type MiniprogramState = 'developer' | 'trial' | 'formal';

export interface SubscribeMessage {
  toOpenid: string;
  templateId: string;
  /** The page the message opens, with its query (no leading slash). */
  page: string;
  /** keyword → value, e.g. { phrase1: '待授权' }. */
  data: Record<string, string>;
  state: MiniprogramState;
}

export async function sendSubscribeMessage(message: SubscribeMessage): Promise<void> {
  await getWechatClient('miniProgram').call({
    method: 'POST',
    path: SUBSCRIBE_SEND_PATH,
    body: {
      touser: message.toOpenid,
      template_id: message.templateId,
      page: message.page,
      miniprogram_state: message.state,
      lang: 'zh_CN',
      data: Object.fromEntries(Object.entries(message.data).map(([key, value]) => [key, { value }])),
    },
    idempotent: false,
  });
}
