/**
 * Every page in app.json opens by deep link as someone allowed to see it, renders without a console
 * error or a failed request, is not blank, and shows no undefined / null / NaN / [object Object].
 */
import appJson from '../../miniprogram/app.json';
import { DEMO_PROMOTERS } from '../../emulator/demo-data';
import { LEAKS, shot, topPage, topRoute, LOOP_TIMEOUT_MS, useBrowserEnv } from './harness';
import { pageVisits } from './visits';

const env = useBrowserEnv();
const visits = () => pageVisits(env);

test('app.json lists the pages this suite opens', async () => {
  const routes = new Set((await visits()).map((v) => v.route));
  expect([...routes].sort()).toEqual([...appJson.pages].sort());
});

test(
  'every page renders as someone allowed to see it: no error, not blank, no leaked values',
  async () => {
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
      expect({ route, errors: await page.evaluate(() => window.__sim.errors) }).toEqual({
        route,
        errors: [],
      });
      await shot(
        page,
        `page-${visit.route.split('/')[1]}${visit.openid === DEMO_PROMOTERS[0].openid ? '-promoter' : ''}`,
      );
      await page.context().close();
    }
  },
  LOOP_TIMEOUT_MS,
);
