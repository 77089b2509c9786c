/**
 * Demo apps and identities shared by the WeChat stand-in, the CloudBase seed, `npm start` and the
 * flow tests. Nothing here is read by production code: the cloud functions get their settings from
 * environment variables only, which `npm start` fills from here when they are unset.
 */

/** A well-formed 28-character openid/unionid for a demo label. */
export const demoId = (label: string, prefix = 'o'): string =>
  `${prefix}${label}`.padEnd(28, '0').slice(0, 28);

export interface AppCredentials {
  appid: string;
  secret: string;
}

/** Defaults when WX_APPID / WX_APPSECRET / WX_OA_APPID / WX_OA_APPSECRET are unset. */
export const DEMO_APPS = {
  miniProgram: { appid: 'wx5f3a1c2b4d6e8f01', secret: 'demo-mp-secret-5f3a1c2b4d6e8f01' },
  officialAccount: { appid: 'wx7b9d2e4f6a8c0e02', secret: 'demo-oa-secret-7b9d2e4f6a8c0e02' },
} as const;

/** The apps the stand-in and the functions use: env first, demo defaults otherwise. */
export function appsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  miniProgram: AppCredentials;
  officialAccount: AppCredentials;
} {
  return {
    miniProgram: {
      appid: env.WX_APPID || DEMO_APPS.miniProgram.appid,
      secret: env.WX_APPSECRET || DEMO_APPS.miniProgram.secret,
    },
    officialAccount: {
      appid: env.WX_OA_APPID || DEMO_APPS.officialAccount.appid,
      secret: env.WX_OA_APPSECRET || DEMO_APPS.officialAccount.secret,
    },
  };
}

/** Open Platform accounts the union stand-in knows (same principal as our mini program). */
export const DEMO_OPEN_ACCOUNTS = ['wx9c1e3a5b7d9f1a03', 'wx2d4f6a8c0e2b4d04'] as const;

export const DEMO_STORES = [
  { storeId: 'SH-XUHUI', name: '上海徐汇店' },
  { storeId: 'BJ-CHAOYANG', name: '北京朝阳店' },
] as const;

export const DEMO_STAFF = {
  admin: {
    openid: demoId('Demo-admin'),
    name: '总部管理员',
    role: 'admin' as const,
    storeIds: [] as string[],
  },
  managers: [
    { openid: demoId('Demo-mgr-sh'), name: '王店长', role: 'manager' as const, storeIds: ['SH-XUHUI'] },
    { openid: demoId('Demo-mgr-bj'), name: '李店长', role: 'manager' as const, storeIds: ['BJ-CHAOYANG'] },
  ],
};

/** role 1 is WeChat's default "推广员"; the others are added by the seed. */
export const DEMO_ROLES = [
  { roleId: 1, name: '推广员', desc: '平台默认角色' },
  { roleId: 2, name: '金牌推广员', desc: '月度业绩前十' },
  { roleId: 3, name: '店员', desc: '门店在职员工' },
] as const;

/** Promoters in every state; authStatus 0/1/2, declStatus 1/2. */
export const DEMO_PROMOTERS = [
  {
    openid: demoId('Demo-p-zhang'),
    name: '张伟',
    phone: '13800000001',
    roleId: 1,
    storeId: 'SH-XUHUI',
    extraInfo: 'src=poster',
    authStatus: 1,
    declStatus: 1,
  },
  {
    openid: demoId('Demo-p-li'),
    name: '李娜',
    phone: '13800000002',
    roleId: 2,
    storeId: 'SH-XUHUI',
    extraInfo: '',
    authStatus: 0,
    declStatus: 1,
  },
  {
    openid: demoId('Demo-p-wang'),
    name: '王芳',
    phone: '13800000003',
    roleId: 3,
    storeId: 'SH-XUHUI',
    extraInfo: '',
    authStatus: 2,
    declStatus: 1,
  },
  {
    openid: demoId('Demo-p-zhao'),
    name: '赵磊',
    phone: '13800000004',
    roleId: 1,
    storeId: 'SH-XUHUI',
    extraInfo: '',
    authStatus: 1,
    declStatus: 2,
  },
  {
    openid: demoId('Demo-p-chen'),
    name: '陈静',
    phone: '13800000005',
    roleId: 1,
    storeId: 'BJ-CHAOYANG',
    extraInfo: 'vip',
    authStatus: 1,
    declStatus: 1,
  },
  {
    openid: demoId('Demo-p-liu'),
    name: '刘洋',
    phone: '13800000006',
    roleId: 2,
    storeId: 'BJ-CHAOYANG',
    extraInfo: '',
    authStatus: 0,
    declStatus: 1,
  },
] as const;

/** Official Account users (their OA openids differ from mini program openids; unionids tie them). */
export const DEMO_OA_USERS = [
  { openid: demoId('Demo-oa-zhang'), unionid: demoId('Demo-u-zhang', 'u'), subscribed: true },
  { openid: demoId('Demo-oa-chen'), unionid: demoId('Demo-u-chen', 'u'), subscribed: true },
  { openid: demoId('Demo-oa-li'), unionid: demoId('Demo-u-li', 'u'), subscribed: false },
] as const;

/** Someone who is not staff and not yet a promoter: opens an invite in the demo. */
export const DEMO_GUEST = { openid: demoId('Demo-guest'), name: '周游' } as const;

/**
 * The subscription message template the demo merchant picked for "approved / please authorize"
 * (WX_TEMPLATE_AUTHORIZE when unset). Its keywords are the ones docs/wechat-api.md asks a merchant's
 * template to have: phrase1 进度, thing2 温馨提示, thing3 门店.
 */
export const DEMO_AUTHORIZE_TEMPLATE = {
  id: 'demo-authorize-tmpl-5f3a1c2b4d6e8f01aZ',
  keywords: { phrase1: 'phrase', thing2: 'thing', thing3: 'thing' },
} as const;
