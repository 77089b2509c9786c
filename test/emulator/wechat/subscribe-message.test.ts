/**
 * Subscription messages and getPhoneNumber codes in the WeChat stand-in: each acceptance allows one
 * message (43101 after), each code works once for 5 minutes (40029 after), data checked per keyword.
 */
import { DEMO_AUTHORIZE_TEMPLATE } from '../../../emulator/demo-data';
import { oid, useEmulator } from './helpers';

const wx = useEmulator();
const PERSON = oid('Subscriber');
const TEMPLATE = DEMO_AUTHORIZE_TEMPLATE.id;

const message = (data: Record<string, string> = {}) => ({
  touser: PERSON,
  template_id: TEMPLATE,
  page: 'pages/join/index?from=remind',
  miniprogram_state: 'developer',
  lang: 'zh_CN',
  data: Object.fromEntries(
    Object.entries({ phrase1: '待授权', thing2: '点击完成推广员授权', thing3: '上海徐汇店', ...data }).map(
      ([key, value]) => [key, { value }],
    ),
  ),
});

describe('POST /cgi-bin/message/subscribe/send', () => {
  test('one acceptance, one message; the next is 43101 until the person accepts again', async () => {
    expect((await wx.post('/cgi-bin/message/subscribe/send', message())).errcode).toBe(43101);
    await wx.ctl('POST', '/subscriptions', { openid: PERSON, templateId: TEMPLATE });
    expect(await wx.post('/cgi-bin/message/subscribe/send', message())).toMatchObject({ errcode: 0 });
    expect((await wx.post('/cgi-bin/message/subscribe/send', message())).errcode).toBe(43101);
    const { sent } = await wx.ctl('GET', `/subscriptions?openid=${PERSON}`);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ touser: PERSON, page: 'pages/join/index?from=remind' });
    expect(sent[0].data.thing3).toBe('上海徐汇店');
  });

  test.each([
    ['an unknown template', 40037, { template_id: 'no-such-template' }],
    ['a malformed openid', 40003, { touser: 'short' }],
    ['a page with a space', 41030, { page: 'pages/join/index?x=a b' }],
    ['a thing over 20 characters', 47003, { data: { thing2: { value: '一'.repeat(21) } } }],
    ['a phrase over 5 characters', 47003, { data: { phrase1: { value: '已经等待很久了' } } }],
    ['a keyword missing', 47003, { data: { phrase1: { value: '待授权' } } }],
    ['an unknown state', 47003, { miniprogram_state: 'beta' }],
  ])('%s → errcode %d, and no acceptance is used', async (_name, errcode, change) => {
    await wx.ctl('POST', '/subscriptions', { openid: PERSON, templateId: TEMPLATE });
    const body = { ...message(), ...change };
    expect((await wx.post('/cgi-bin/message/subscribe/send', body)).errcode).toBe(errcode);
    // the acceptance is still there for a correct message
    expect((await wx.post('/cgi-bin/message/subscribe/send', message())).errcode).toBe(0);
  });

  test('20 characters of thing (not bytes) are accepted', async () => {
    await wx.ctl('POST', '/subscriptions', { openid: PERSON, templateId: TEMPLATE });
    const answer = await wx.post('/cgi-bin/message/subscribe/send', message({ thing2: '一'.repeat(20) }));
    expect(answer.errcode).toBe(0);
  });
});

describe('POST /wxa/business/getuserphonenumber', () => {
  test('a code gives the number once', async () => {
    const { code } = await wx.ctl('POST', '/phone-codes', { phoneNumber: '13800138000' });
    const answer = await wx.post('/wxa/business/getuserphonenumber', { code });
    expect(answer).toMatchObject({
      errcode: 0,
      phone_info: { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' },
    });
    expect((await wx.post('/wxa/business/getuserphonenumber', { code })).errcode).toBe(40029);
  });

  test('a code expires after 5 minutes; an unknown code is 40029', async () => {
    const { code } = await wx.ctl('POST', '/phone-codes', { phoneNumber: '13800138000' });
    await wx.advance(300);
    expect((await wx.post('/wxa/business/getuserphonenumber', { code })).errcode).toBe(40029);
    expect((await wx.post('/wxa/business/getuserphonenumber', { code: 'nope' })).errcode).toBe(40029);
  });

  test('control refuses a number that is not digits', async () => {
    await expect(wx.ctl('POST', '/phone-codes', { phoneNumber: '138-0013' })).rejects.toThrow(/phoneNumber/);
  });
});
