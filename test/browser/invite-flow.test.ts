/**
 * A store manager creates an invite, a new person opens it and asks to join, the manager approves, the
 * person authorizes in WeChat's half-screen bind panel, and the manager's list shows them as bound.
 * Real mouse clicks and typing through the simulator; a screenshot of the last step.
 */
import { DEMO_STAFF } from '../../emulator/demo-data';
import { idle, pageClass, search, shot, tap, tapButton, topPage, typeInto, useBrowserEnv } from './harness';

const env = useBrowserEnv();
const MGR_SH = DEMO_STAFF.managers[0].openid;
const NEWCOMER = 'oNewcomerE2e000000000000000x';

test('invite → ask to join → approve → authorize in the bind panel → bound on the manager’s list', async () => {
  // the manager makes an invite card and shares it
  const manager = await env.open(MGR_SH, 'pages/invite/index');
  await tapButton(manager, '生成邀请');
  await topPage(manager).getByText('邀请卡片').waitFor();
  await topPage(manager).getByText('分享给微信好友').click();
  const sharePath = await manager
    .locator('#sim-share [data-sim-share-path]')
    .getAttribute('data-sim-share-path');
  expect(sharePath).toMatch(/^\/?pages\/join\/index\?/);
  await manager.locator('#sim-share [data-sim-close]').click();

  // the new person opens the card and asks to join
  const [route, query] = sharePath!.replace(/^\//, '').split('?');
  const person = await env.open(NEWCOMER, route!, Object.fromEntries(new URLSearchParams(query)));
  await typeInto(topPage(person).getByPlaceholder('你的真实姓名'), '欧阳晨');
  await typeInto(topPage(person).getByPlaceholder('方便门店联系你'), '13612345678');
  // nothing is sent before they agree to hand name and phone to the store
  await tap(topPage(person).getByText(/我同意把姓名和手机号提供给/));
  await tapButton(person, '提交申请');
  // the submit tap asks whether they want the approval notice (WeChat's subscription sheet)
  await tap(person.locator('[data-sim-subscribe-action=allow]'));
  await topPage(person).locator(pageClass('result', 'requested')).waitFor();
  await expect(topPage(person).innerText()).resolves.toContain('审核通过时微信会通知你');

  // the manager approves it
  await manager.goto(env.link(MGR_SH, 'pages/join-requests/index'));
  await idle(manager);
  const request = topPage(manager).locator(pageClass('request'), { hasText: '欧阳晨' });
  await tap(request.getByText('通过', { exact: true }));
  await tap(topPage(manager).getByText('确认通过'));
  await request.locator(pageClass('request__result--ok')).waitFor();

  // the person refreshes, sees they are declared, and authorizes in the half-screen panel
  await tapButton(person, '刷新进度');
  await topPage(person).locator(pageClass('result', 'authorize')).waitFor();
  await topPage(person).locator('wx-button').getByText('去授权绑定').click();
  await person.locator('#sim-bind-panel').waitFor();
  await tap(person.locator('[data-sim-bind=authorize]'));
  await topPage(person).locator(pageClass('result', 'bound')).waitFor();

  // the manager's list shows them as bound
  await manager.goto(env.link(MGR_SH, 'pages/promoter-list/index'));
  await idle(manager);
  await search(manager, '欧阳晨');
  const row = topPage(manager).locator(pageClass('row'), { hasText: '欧阳晨' });
  await expect(row.innerText()).resolves.toContain('已绑定');
  await shot(manager, 'flow-invite-bound');
});
