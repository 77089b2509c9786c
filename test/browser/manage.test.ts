/**
 * A manager's work on one promoter (role and store in the popup, then cancelling behind the confirm dialog), HQ's
 * CSV declare of 30 people with the bad rows named, and a store-B manager kept out of store A.
 */
import { DEMO_PROMOTERS, DEMO_STAFF } from '../../emulator/demo-data';
import {
  idle,
  pageClass,
  pick,
  search,
  shot,
  tap,
  tapButton,
  tapText,
  topPage,
  useBrowserEnv,
} from './harness';

const env = useBrowserEnv();
const ADMIN = DEMO_STAFF.admin.openid;
const [MGR_SH, MGR_BJ] = DEMO_STAFF.managers;

test('a manager changes a promoter’s role and store, then cancels the declaration behind its confirm dialog', async () => {
  // 王店长 runs a second store, so a promoter can move between his stores
  await env.callAs(ADMIN, 'admin', {
    action: 'manager.update',
    openid: MGR_SH!.openid,
    storeIds: ['SH-XUHUI', 'GZ-TIANHE'],
  });
  const li = DEMO_PROMOTERS.find((p) => p.name === '李娜')!;
  const page = await env.open(MGR_SH!.openid, 'pages/promoter-list/index');
  await search(page, li.name);
  await tap(topPage(page).locator(pageClass('row'), { hasText: li.name }));
  expect(await topPage(page).getAttribute('data-route')).toBe('pages/promoter-detail/index');

  // 修改角色/门店 at the top opens the bottom popup, preset to the current role and store
  await tapText(page, '修改角色/门店');
  const popup = topPage(page).locator('.change-popup--sheet');
  await expect(popup.innerText()).resolves.toMatch(/门店\s*上海徐汇店/);
  await pick(page, popup.locator('.change-popup--pick-role'), '店员');
  await pick(page, popup.locator('.change-popup--pick-store'), '广州天河店');
  await shot(page, 'flow-change-popup');
  await tapButton(page, '保存');
  await popup.waitFor({ state: 'hidden' });
  const detail = topPage(page);
  const facts = detail.locator(pageClass('facts-card'));
  await expect(facts.innerText()).resolves.toMatch(/广州天河店[\s\S]*店员/);

  await tapButton(page, '取消声明');
  const dialog = page.locator(pageClass('cancel-dialog'));
  await dialog.getByText('确定取消声明').waitFor();
  await tap(dialog.getByText('确定取消声明'));
  await detail.getByText('已取消声明').first().waitFor();
  await detail.locator('wx-button').getByText('重新声明').waitFor();
  await shot(page, 'flow-edit-cancel');
});

test('the actions at the top of a detail page: 提醒授权 for someone who took it back, and 拨打电话', async () => {
  const wang = DEMO_PROMOTERS.find((p) => p.name === '王芳')!; // 已解除授权
  const page = await env.open(MGR_SH!.openid, 'pages/promoter-detail/index', {
    id: String(DEMO_PROMOTERS.indexOf(wang) + 1),
  });
  const detail = topPage(page);
  const card = detail.locator(pageClass('remind-card'));
  await expect(card.innerText()).resolves.toContain('王芳 已解除授权');
  await tapText(page, '提醒授权');
  // what came of it and the new count, on the card under the bar
  await card.getByText('已提醒 1 次', { exact: false }).waitFor();
  await expect(card.innerText()).resolves.toMatch(/已提醒|已记下这次提醒/);
  await shot(page, 'flow-detail-remind');

  await tapText(page, '拨打电话');
  const call = page.locator('#sim-phone-call');
  await expect(call.innerText()).resolves.toContain(`将呼叫 ${wang.phone}`);
  await tap(call.getByText('取消', { exact: true }));
  await call.waitFor({ state: 'hidden' });
});

test('HQ declares 30 people from pasted CSV and sees a result on every row, the bad rows named', async () => {
  const good = Array.from({ length: 27 }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return `oCsvPerson${n}000000000000000000`.slice(0, 28) + `,1,SH-XUHUI,导入${n},1390000${n}00,src=csv`;
  });
  const lines = [
    'openid,roleId,storeId,name,phone,extraInfo',
    ...good.slice(0, 10),
    'not-an-openid,1,SH-XUHUI,坏行一,13900000000,',
    ...good.slice(10, 20),
    `oCsvPhone00000000000000000000`.slice(0, 28) + ',1,SH-XUHUI,坏行二,12345678901234567890123,',
    ...good.slice(20, 26),
    // valid as typed, refused by the function: no such store
    `oCsvStore0000000000000000000000`.slice(0, 28) + ',1,NO-SUCH-STORE,坏行三,13900009999,',
    ...good.slice(26),
  ];
  expect(lines).toHaveLength(31); // a header and 30 people
  const page = await env.open(ADMIN, 'pages/declare/index');
  await tapText(page, '粘贴 CSV');
  const area = topPage(page).getByPlaceholder('粘贴 CSV 内容');
  await area.click();
  await page.keyboard.insertText(lines.join('\n'));
  await idle(page);
  await tapButton(page, '解析并导入');
  const text = await topPage(page).innerText();
  // the two bad rows are named by their line (the header is line 1)
  expect(text).toContain('第 12 行');
  expect(text).toContain('第 23 行');
  // the two rows that cannot be sent as typed are taken out (rows 11 and 22 of the editor), the other 28 sent
  await tapText(page, '逐行填写');
  for (const row of [22, 11]) await tap(topPage(page).locator(`[aria-label="删除第 ${row} 行"]`));
  await tapButton(page, /^提交声明/);
  await topPage(page).locator(pageClass('summary')).waitFor();
  const after = await topPage(page).innerText();
  expect(after).toContain('声明成功 27 行');
  expect(after).toContain('失败 1 行');
  await expect(topPage(page).locator(pageClass('row__badge--ok')).count()).resolves.toBe(27);
  // the refused row keeps its place, says why, and is the one left to retry
  const refused = topPage(page).locator(pageClass('row'), {
    has: page.getByText('第 27 行', { exact: true }),
  });
  // as the person counts rows and names fields, never the cloud's param path (promoters[26].storeId)
  const why = await refused.locator(pageClass('row__failure')).innerText();
  expect(why).toContain('第 27 行 门店编号：门店 NO-SUCH-STORE 不存在');
  expect(why).not.toContain('promoters[');
  await topPage(page).locator('wx-button').getByText('重试未成功的 1 行').waitFor();
  expect(after).not.toMatch(/坏行一|坏行二/);
  await shot(page, 'flow-declare-csv');
});

test('a store-B manager sees none of store A’s promoters, by list or by deep link', async () => {
  const zhang = DEMO_PROMOTERS.find((p) => p.storeId === 'SH-XUHUI')!;
  const page = await env.open(MGR_BJ!.openid, 'pages/promoter-list/index');
  const list = await topPage(page).innerText();
  expect(list).toContain('北京朝阳店');
  expect(list).not.toContain('上海徐汇店');
  await search(page, zhang.name);
  await expect(topPage(page).locator(pageClass('row'), { hasText: zhang.name }).count()).resolves.toBe(0);

  await page.goto(env.link(MGR_BJ!.openid, 'pages/promoter-detail/index', { id: '1' }));
  await idle(page);
  const detail = await topPage(page).innerText();
  expect(detail).not.toContain(zhang.name);
  expect(detail).not.toContain(zhang.phone);
  expect(detail).toMatch(/不属于你负责的门店/);
  await shot(page, 'flow-store-scope');
});
