/** Who opens each page of app.json, with what query (tokens made through the real functions). */
import { DEMO_GUEST, DEMO_PROMOTERS, DEMO_STAFF } from '../../emulator/demo-data';
import type { BrowserEnv } from './harness';

const ADMIN = DEMO_STAFF.admin.openid;
const MGR_SH = DEMO_STAFF.managers[0].openid;

export interface Visit {
  route: string;
  openid: string;
  query?: Record<string, string>;
}

/** The visits, in app.json's order of pages (the join page twice: a guest's and a promoter's view). */
export async function pageVisits(env: BrowserEnv): Promise<Visit[]> {
  const invite = env.stack.cloudbase.collections().invites![0] as { _id: string };
  const staffInvite = await env.callAs<{ token: string }>(ADMIN, 'admin', {
    action: 'manager.invite',
    name: '孙店长',
    role: 'manager',
    storeIds: ['SH-XUHUI'],
  });
  const zhang = DEMO_PROMOTERS[0];
  return [
    { route: 'pages/home/index', openid: MGR_SH },
    { route: 'pages/join/index', openid: DEMO_GUEST.openid, query: { invite: invite._id } },
    { route: 'pages/promoter-list/index', openid: MGR_SH },
    { route: 'pages/promoter-detail/index', openid: MGR_SH, query: { id: '1' } },
    { route: 'pages/invite/index', openid: MGR_SH },
    { route: 'pages/join-requests/index', openid: MGR_SH },
    { route: 'pages/declare/index', openid: ADMIN },
    { route: 'pages/import/index', openid: ADMIN },
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
