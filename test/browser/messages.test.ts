/**
 * HQ sends a message to two chosen promoters, one of whom refuses promotion messages: the send result
 * and the sent message's delivery name that person and say why, never an id or an errcode.
 */
import { DEMO_PROMOTERS, DEMO_STAFF } from '../../emulator/demo-data';
import { LEAKS, idle, shot, tap, tapButton, tapText, topPage, typeInto, useBrowserEnv } from './harness';

const env = useBrowserEnv();
const ADMIN = DEMO_STAFF.admin.openid;

test('who did not get a message reads by name and reason, after sending and in 已发送', async () => {
  const [zhang, chen] = ['张伟', '陈静'].map((name) => DEMO_PROMOTERS.find((p) => p.name === name)!);
  await env.control('POST', 'mp-users', { users: [{ openid: zhang!.openid, rejectsMessages: true }] });
  const page = await env.open(ADMIN, 'pages/messages/index');
  const top = topPage(page);
  const picker = top.locator('.audience-picker--pick-promoters');

  await tapText(page, '指定推广员');
  for (const person of [zhang!, chen!]) {
    await tap(picker.locator('.t-checkbox--t-checkbox', { hasText: person.name }).first());
  }
  await top.getByText('预计 2 人，将逐个单发（少于 50 人）').waitFor();
  // the manager reads who they picked by phone and store name: no openid anywhere on the page
  await expect(picker.textContent()).resolves.toContain(`${zhang!.phone} · 上海徐汇店`);
  await expect(top.textContent()).resolves.not.toContain(zhang!.openid);

  for (const [field, words] of [
    ['title', '周末活动'],
    ['topic', '满减'],
    ['desc', '到店满 200 减 30'],
  ] as const) {
    await typeInto(top.locator(`.main--f-${field} input`), words);
  }
  await tapButton(page, '发送');
  await tapButton(page, '确认发送');
  await idle(page);
  const result = top.locator('.main--last-send');
  await expect(result.textContent()).resolves.toContain('已逐个单发：共 2 人，微信已接收 1 人');
  await expect(result.textContent()).resolves.toContain('张伟：TA 设置了不接收推广消息');

  const sent = top.locator('.sent-list--sent').first();
  await tap(sent.locator('wx-button').getByText('查看送达和点击'));
  await sent.getByText('没收到 1 人', { exact: false }).waitFor();
  const detail = (await sent.textContent()) ?? '';
  expect(detail).toContain('张伟：TA 设置了不接收推广消息');
  expect(detail).not.toMatch(/103010|errcode|错误码/);
  expect(detail).not.toMatch(LEAKS);
  await shot(page, 'messages-failures');
});
