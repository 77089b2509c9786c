/**
 * Union 推客 custom user parameters (/union/promoter/open_account/*, docs/wechat-api.md#union-custom-user-parameters), with the mini
 * program's token. WeChat's fields are already camelCase here (openAccount, customizeInfo).
 */
import { getWechatClient } from './client';

export const OPEN_ACCOUNT_GET_PATH = '/union/promoter/open_account/get';
export const OPEN_ACCOUNT_BIND_PATH = '/union/promoter/open_account/bind';
export const CUSTOMIZE_GET_PATH = '/union/promoter/open_account/get_customize_info';
export const CUSTOMIZE_ADD_PATH = '/union/promoter/open_account/add_customize_info';
export const CUSTOMIZE_DEL_PATH = '/union/promoter/open_account/del_customize_info';

const client = () => getWechatClient('miniProgram');

const nonEmpty = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/** The bound Open Platform appid, or null when none is bound. */
export async function getOpenAccount(): Promise<string | null> {
  const answer = await client().call<{ openAccount?: string }>({
    method: 'GET',
    path: OPEN_ACCOUNT_GET_PATH,
    idempotent: true,
  });
  return nonEmpty(answer.openAccount);
}

/** Binds (or re-binds) the Open Platform account. Not repeated automatically: each bind may count as a change. */
export async function bindOpenAccount(openAccount: string): Promise<void> {
  await client().call({
    method: 'POST',
    path: OPEN_ACCOUNT_BIND_PATH,
    body: { openAccount },
    idempotent: false,
  });
}

/** The custom parameter of a unionid, or null when none is set. */
export async function getCustomizeInfo(unionid: string): Promise<string | null> {
  const answer = await client().call<{ customizeInfo?: string }>({
    method: 'GET',
    path: CUSTOMIZE_GET_PATH,
    query: { unionid },
    idempotent: true,
  });
  return nonEmpty(answer.customizeInfo);
}

/** Sets (overwrites) the custom parameter of a unionid. Repeating it gives the same result, so it retries. */
export async function setCustomizeInfo(unionid: string, customizeInfo: string): Promise<void> {
  await client().call({
    method: 'POST',
    path: CUSTOMIZE_ADD_PATH,
    body: { unionid, customizeInfo },
    idempotent: true,
  });
}

/** Deletes the custom parameter of a unionid. */
export async function deleteCustomizeInfo(unionid: string): Promise<void> {
  await client().call({ method: 'POST', path: CUSTOMIZE_DEL_PATH, body: { unionid }, idempotent: true });
}
