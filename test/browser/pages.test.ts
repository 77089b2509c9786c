/**
 * Every page in app.json opens by deep link as someone allowed to see it, renders without a console
 * error or a failed request, is not blank, and shows no undefined / null / NaN / [object Object].
 */
import appJson from '../../miniprogram/app.json';
import { DEMO_GUEST, DEMO_PROMOTERS, DEMO_STAFF } from '../../emulator/demo-data';
import { LEAKS, shot, topPage, topRoute, useBrowserEnv } from './harness';

const env = useBrowserEnv();
const ADMIN = DEMO_STAFF.admin.openid;
const MGR_SH = DEMO_STAFF.managers[0].openid;

type Ok<T> = { ok: true; data: T };

async function asData<T>(answer: Promise<unknown>): Promise<T> {
  const result = (await answer) as Ok<T> | { ok: false; error: { message: string } };
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
}

/** Who opens each page, with what query (tokens made through the real functions). */
async function visits(): Promise<Array<{ route: string; openid: string; query?: Record<string, string> }>> {
  const invite = env.stack.cloudbase.collections().invites![0] as { _id: string };
  const staffInvite = await asData<{ token: string }>(
    env.stack.call(
      'admin',
      { action: 'manager.invite', name: '孙店长', role: 'manager', storeIds: ['SH-XUHUI'] },
      ADMIN,
    ),
  );
  const zhang = DEMO_PROMOTERS[0];
  return [
    { route: 'pages/home/index', openid: MGR_SH },
    { route: 'pages/join/index', openid: DEMO_GUEST.openid, query: { invite: invite._id } },
    { route: 'pages/promoter-list/index', openid: MGR_SH },
    { route: 'pages/promoter-detail/index', openid: MGR_SH, query: { id: '1' } },
    { route: 'pages/invite/index', openid: MGR_SH },
    { route: 'pages/join-requests/index', openid: MGR_SH },
    { route: 'pages/declare/index', openid: ADMIN },
    { route: 'pages/roles/index', openid: ADMIN },
    { route: 'pages/messages/index', openid: ADMIN },
    { route: 'pages/settings/index', openid: ADMIN },
    {
      route: 'pages/staff-join/index',
      openid: 'oNewStaff000000000000000000x',
      query: { token: staffInvite.token },
    },
    // a promoter's own view too: home sends them to join, which shows their status
    { route: 'pages/join/index', openid: zhang.openid },
  ];
}

test('app.json lists the pages this suite opens', async () => {
  const routes = new Set((await visits()).map((v) => v.route));
  expect([...routes].sort()).toEqual([...appJson.pages].sort());
});

test('every page renders as someone allowed to see it: no error, not blank, no leaked values', async () => {
  for (const visit of await visits()) {
    const page = await env.open(visit.openid, visit.route, visit.query);
    const route = await topRoute(page);
    expect({ visit: visit.route, route }).toEqual({
      visit: visit.route,
      route: expect.stringMatching(/^pages\//),
    });
    const text = (await topPage(page).innerText()).trim();
    const title = (await page.locator('#sim-nav-title').innerText()).trim();
    expect({ route, blank: text.length < 4, title: title.length > 0 }).toEqual({
      route,
      blank: false,
      title: true,
    });
    expect({ route, leak: LEAKS.exec(text)?.[0] ?? null }).toEqual({ route, leak: null });
    // nothing left loading or failed on screen
    expect({ route, error: /加载失败|出错了/.test(text) }).toEqual({ route, error: false });
    expect({ route, errors: await page.evaluate(() => window.__sim.errors) }).toEqual({ route, errors: [] });
    await shot(
      page,
      `page-${visit.route.split('/')[1]}${visit.openid === DEMO_PROMOTERS[0].openid ? '-promoter' : ''}`,
    );
    await page.context().close();
  }
});
