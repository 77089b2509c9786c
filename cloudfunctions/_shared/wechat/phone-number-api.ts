/**
 * The phone number behind the getPhoneNumber button, mini program family:
 * POST /wxa/business/getuserphonenumber
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html).
 * A code works once and for 5 minutes, so the call is never repeated (a retry would answer 40029).
 */
import { getWechatClient } from './client';

export const PHONE_NUMBER_PATH = '/wxa/business/getuserphonenumber';
/** "invalid code": expired, used, another app's, or a wx.login code sent by mistake. */
export const ERR_INVALID_CODE = 40029;

export interface PhoneNumber {
  /** Without the country code, as a person types it in China. */
  purePhoneNumber: string;
  countryCode: string;
}

interface RawPhoneInfo {
  phone_info?: { phoneNumber?: string; purePhoneNumber?: string; countryCode?: string };
}

export async function getPhoneNumber(code: string): Promise<PhoneNumber> {
  const answer = await getWechatClient('miniProgram').call<RawPhoneInfo>({
    method: 'POST',
    path: PHONE_NUMBER_PATH,
    body: { code },
    idempotent: false,
  });
  const info = answer.phone_info ?? {};
  return { purePhoneNumber: info.purePhoneNumber ?? '', countryCode: info.countryCode ?? '' };
}
