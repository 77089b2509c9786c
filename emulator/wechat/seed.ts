/**
 * `seed: 'demo'`: the demo roles, promoters in every state, OA followers, and some reach, order and
 * click figures for the bound demo promoters so the data pages show something.
 */
import { DEMO_OA_USERS, DEMO_PROMOTERS, DEMO_ROLES, DEMO_GUEST, demoId } from '../demo-data';
import type { AuthStatus, DeclStatus } from './state';
import type { World } from './world';

const DAY = 86400;

/** demoId('Demo-p-zhang') → demoId('Demo-u-zhang', 'u'): the unionid that ties a promoter to its OA follower. */
function demoUnionid(openid: string): string {
  const label = openid
    .slice(1)
    .replace(/0+$/, '')
    .replace(/^Demo-p-/, '');
  return demoId(`Demo-u-${label}`, 'u');
}

export function applySeed(world: World): void {
  const { mp } = world;
  const now = world.clock.now();
  for (const role of DEMO_ROLES)
    mp.roles.set(role.roleId, { roleId: role.roleId, name: role.name, desc: role.desc });
  mp.nextRoleId = Math.max(...DEMO_ROLES.map((role) => role.roleId)) + 1;

  DEMO_PROMOTERS.forEach((demo, index) => {
    mp.putUser(demo.openid, demoUnionid(demo.openid), false);
    mp.addPromoter({
      openid: demo.openid,
      roleId: demo.roleId,
      retailId: demo.storeId,
      extraInfo: demo.extraInfo,
      name: demo.name,
      phone: demo.phone,
      authStatus: demo.authStatus as AuthStatus,
      declStatus: demo.declStatus as DeclStatus,
      updateTime: now - (DEMO_PROMOTERS.length - index) * DAY,
    });
  });
  mp.ensureUser(DEMO_GUEST.openid);

  DEMO_OA_USERS.forEach((user, index) => {
    world.oa.users.set(user.openid, {
      openid: user.openid,
      unionid: user.unionid,
      subscribed: user.subscribed,
      remark: '',
      subscribeTime: now - (30 + index) * DAY,
      subscribeScene: 'ADD_SCENE_QR_CODE',
      tagIds: [],
    });
  });

  // Reach and orders for the bound promoters (declared and authorized).
  const bound = mp.promoters.filter((p) => p.declStatus === 1 && p.authStatus === 1);
  bound.forEach((promoter, promoterIndex) => {
    for (let visit = 0; visit < 3; visit++) {
      const visitor = demoId(`Demo-v-${promoterIndex}-${visit}`);
      mp.ensureUser(visitor);
      const createTime = now - (visit + 1) * DAY;
      const row = {
        seq: mp.nextRowSeq++,
        promoterId: promoter.id,
        visitorOpenid: visitor,
        createTime,
        path: 'pages/index/index',
        scene: 1007,
        shareExtraInfo: promoter.extraInfo,
      };
      mp.relations.push(row);
      if (visit < 2) {
        mp.orders.push({
          ...row,
          seq: mp.nextRowSeq++,
          mchId: '1900000001',
          tradeNo: `4200000000${String(row.seq).padStart(18, '0')}`,
          outTradeNo: `DEMO${String(row.seq).padStart(12, '0')}`,
          status: visit === 0 ? 1 : 2,
          paidAmount: 1990 + visit * 1000,
          paidTime: createTime + 600,
          refundedTime: visit === 0 ? 0 : createTime + DAY / 2,
        });
      }
    }
  });

  // One delivered message to the bound promoters, with its click figures.
  const sendTime = now - DAY;
  const msgId = String(mp.nextMsgId++);
  mp.messages.set(msgId, {
    msgId,
    kind: 'group',
    msgType: 1,
    content: JSON.stringify({
      title: '双十一活动',
      topic: '推广活动',
      desc: '本周末门店满减',
      date: '2026-11-11',
    }),
    appid: world.apps.miniProgram.appid,
    path: 'pages/index/index',
    listType: 3,
    roleIds: [],
    retailIds: [],
    ids: bound.map((p) => String(p.id)),
    sendTime,
    recipientIds: bound.map((p) => p.id),
    failures: [],
  });
  mp.clicks.set(msgId, { msgId, msgType: 1, sendTime, clickUv: bound.length, clickPv: bound.length * 3 });
}
