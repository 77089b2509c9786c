/**
 * Flows in the simulator with nothing mocked behind the pages: every `wx.cloud.callFunction` goes to
 * the real, built cloud functions on the local stack (child process), which call the WeChat API
 * stand-in and the CloudBase stand-in. WeChat's own bind mini program is played by the stand-in's
 * control endpoint, as the promoter's tap would open it on a phone.
 */
import type { Page, Promoter } from '../../typings/contract/index';
import { DEMO_STAFF, demoId } from '../../emulator/demo-data';
import { node, stubWx, tap, typeInto } from '../pages/kit';
import { flush, openPage, resetApp, textOf } from '../pages/helpers';
import {
  type Session,
  type StackProcess,
  bindInWechat,
  callAs,
  httpJson,
  routeCloudToGateway,
  startStackProcess,
  waitFor,
} from './harness';

const SH = 'SH-XUHUI';
const BJ = 'BJ-CHAOYANG';
const ADMIN = DEMO_STAFF.admin.openid;
const [MGR_SH, MGR_BJ] = DEMO_STAFF.managers.map((m) => m.openid);
const GUEST = demoId('Flow-guest');

let stack: StackProcess;
const session: Session = { openid: ADMIN };
let callFunction: jest.Mock;

/** Who holds the phone: the next calls speak as them, and the app's launch-time whoami is theirs. */
function actAs(openid: string): void {
  session.openid = openid;
  resetApp({ whoami: callAs(stack.gatewayUrl, openid, 'promoter', { action: 'me.whoami' }) });
}

async function declareDirectly(label: string, storeId: string): Promise<Promoter> {
  const openid = demoId(`Flow-${label}`);
  await callAs(stack.gatewayUrl, ADMIN, 'promoter', {
    action: 'promoter.declare',
    promoters: [{ openid, roleId: 1, storeId, name: label, phone: '13900000000' }],
  });
  const page = await callAs<Page<Promoter>>(stack.gatewayUrl, ADMIN, 'promoter', {
    action: 'promoter.list',
    openid,
  });
  return page.items[0];
}

beforeAll(async () => {
  stack = await startStackProcess();
  for (const [storeId, name] of [
    [SH, '上海徐汇店'],
    [BJ, '北京朝阳店'],
  ]) {
    await callAs(stack.gatewayUrl, ADMIN, 'admin', { action: 'store.add', storeId, name });
  }
  for (const m of DEMO_STAFF.managers) {
    await callAs(stack.gatewayUrl, ADMIN, 'admin', {
      action: 'manager.add',
      openid: m.openid,
      name: m.name,
      role: 'manager',
      storeIds: m.storeIds,
    });
  }
});

afterAll(() => stack?.stop());

beforeEach(() => {
  callFunction = routeCloudToGateway(stack.gatewayUrl, session);
  stubWx('openEmbeddedMiniProgram', 'stopPullDownRefresh', 'showModal');
});

test('invite → join request → approve → authorize in WeChat → bound on the list', async () => {
  // The store manager creates an invite for their store.
  actAs(MGR_SH);
  const invitePage = await openPage('pages/invite/index');
  await waitFor(() => expect(invitePage.instance.data.state).toBe('ready'));
  expect(invitePage.instance.data.storeOptions).toEqual([{ value: SH, label: '上海徐汇店' }]);
  await tap(invitePage, '.create >>> .t-button');
  await waitFor(() => expect(invitePage.instance.data.invite).toBeTruthy());
  const invite = invitePage.instance.data.invite;
  expect(invite).toMatchObject({ storeId: SH, roleId: 1, storeName: '上海徐汇店', roleName: '推广员' });
  const card = invitePage.instance.onShareAppMessage();
  expect(card.path).toBe(`/pages/join/index?invite=${invite.token}`);

  // The invited person opens the card, sees the store and role, and asks to join.
  actAs(GUEST);
  const joinPage = await openPage('pages/join/index', { invite: invite.token });
  await waitFor(() => expect(joinPage.instance.data.stage).toBe('invite'));
  expect(textOf(joinPage)).toContain('上海徐汇店');
  await typeInto(joinPage, '.join-name >>> .t-input__control', '周游');
  await typeInto(joinPage, '.join-phone >>> .t-input__control', '13700000009');
  await tap(joinPage, '.privacy-consent >>> .t-checkbox'); // 我同意… comes before anything is sent
  await tap(joinPage, '.submit >>> .t-button');
  await waitFor(() => expect(joinPage.instance.data.stage).toBe('requested'));
  expect(callFunction).toHaveBeenCalledWith({
    name: 'promoter',
    data: { action: 'join.request', inviteToken: invite.token, name: '周游', phone: '13700000009' },
  });

  // The manager approves the request: this declares the promoter with WeChat.
  actAs(MGR_SH);
  const requestsPage = await openPage('pages/join-requests/index');
  await waitFor(() => expect(textOf(requestsPage)).toContain('周游'));
  await tap(requestsPage, '.approve-one >>> .t-button');
  await tap(requestsPage, '.dialog-confirm >>> .t-button');
  await waitFor(() => expect(requestsPage.querySelector('.approve-one')).toBeFalsy());
  expect(callFunction).toHaveBeenCalledWith({
    name: 'promoter',
    data: { action: 'join.approve', ids: [expect.any(String)] },
  });

  // The promoter comes back: declared, so the page offers WeChat's bind mini program.
  actAs(GUEST);
  await joinPage.instance.onShow();
  await waitFor(() => expect(joinPage.instance.data.stage).toBe('authorize'));
  await tap(joinPage, '.authorize-btn >>> .t-button');
  const opened = (wx.openEmbeddedMiniProgram as jest.Mock).mock.calls[0][0];
  expect(opened.appId).toBe('wx97537671f13cd770');
  expect(opened.path).toMatch(
    /^\/pages\/bindPromoter\/bindPromoter\?appid=wx[0-9a-f]{16}&role=1&openType=2$/,
  );

  // …they authorize there; back in our app the page shows them bound at once.
  await bindInWechat(stack.wechatUrl, GUEST, 'authorize');
  await joinPage.instance.onShow();
  await waitFor(() => expect(joinPage.instance.data.stage).toBe('bound'));

  // The manager's list shows the new promoter as bound.
  actAs(MGR_SH);
  const listPage = await openPage('pages/promoter-list/index');
  await waitFor(() => expect(listPage.instance.data.state).toBe('ready'));
  const row = listPage.instance.data.items.find((r: { name: string }) => r.name === '周游');
  expect(row).toMatchObject({ storeId: SH, status: 'bound', storeName: '上海徐汇店', roleName: '推广员' });
  expect(textOf(listPage)).toContain('已绑定');
});

test('an admin moves a promoter to another store from the detail page; WeChat and the list follow', async () => {
  const p = await declareDirectly('Mover', SH);
  actAs(ADMIN);
  const detail = await openPage('pages/promoter-detail/index', { id: p.id });
  await waitFor(() => expect(detail.instance.data.state).toBe('ready'));
  const storeIndex = detail.instance.data.storeOptions.findIndex((o: { value: string }) => o.value === BJ);
  expect(storeIndex).toBeGreaterThanOrEqual(0);
  // 修改角色/门店 in the action bar opens the popup with the store picker
  await tap(detail, '.action-bar >>> .change');
  node(detail, '.change-popup >>> .pick-store').dispatchEvent('change', { detail: { value: storeIndex } });
  await flush();
  await tap(detail, '.change-popup >>> .save >>> .t-button');
  await waitFor(() => expect(detail.instance.data.p.storeId).toBe(BJ));
  expect(callFunction).toHaveBeenCalledWith({
    name: 'promoter',
    data: { action: 'promoter.update', id: p.id, storeId: BJ },
  });

  // WeChat holds the new store (retail_id), and the BJ manager now sees them; the SH manager does not.
  const state = await httpJson('GET', `${stack.wechatUrl}/__control/state`);
  const inWechat = state.json.miniProgram.promoters.find((r: { id: string }) => r.id === p.id);
  expect(inWechat.retailId).toBe(BJ);
  const bj = await callAs<Page<Promoter>>(stack.gatewayUrl, MGR_BJ, 'promoter', {
    action: 'promoter.list',
    openid: p.openid,
  });
  expect(bj.items.map((i) => i.id)).toEqual([p.id]);
  const sh = await callAs<Page<Promoter>>(stack.gatewayUrl, MGR_SH, 'promoter', {
    action: 'promoter.list',
    openid: p.openid,
  });
  expect(sh.items).toEqual([]);
});

test('a store manager cancels a declaration behind the confirm dialog', async () => {
  const p = await declareDirectly('Leaver', SH);
  actAs(MGR_SH);
  const detail = await openPage('pages/promoter-detail/index', { id: p.id });
  await waitFor(() => expect(detail.instance.data.state).toBe('ready'));
  await tap(detail, '.cancel >>> .t-button');
  const buttons = detail.querySelectorAll('.cancel-dialog >>> .t-dialog__footer >>> .t-button');
  buttons[1].dispatchEvent('tap');
  await waitFor(() => expect(detail.instance.data.p.status).toBe('cancelled'));
  expect(callFunction).toHaveBeenCalledWith({
    name: 'promoter',
    data: { action: 'promoter.cancel', id: p.id },
  });
  expect(textOf(detail)).toContain('已取消声明');

  const list = await openPage('pages/promoter-list/index', { status: 'cancelled' });
  await waitFor(() => expect(list.instance.data.state).toBe('ready'));
  expect(list.instance.data.items.map((r: { id: string }) => r.id)).toContain(p.id);
});

test("a manager who opens another store's promoter is refused, and the page says so", async () => {
  const p = await declareDirectly('Elsewhere', SH);
  actAs(MGR_BJ);
  const detail = await openPage('pages/promoter-detail/index', { id: p.id });
  await waitFor(() => expect(detail.instance.data.state).toBe('error'));
  // the cloud's own sentence, whole (no general lead-in before it)
  expect(textOf(detail)).toContain('不属于你负责的门店，不能查看或修改');
  expect(textOf(detail)).not.toContain(p.phone);
});
