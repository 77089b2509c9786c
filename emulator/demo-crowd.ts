/**
 * The demo crowd: a few hundred made-up promoters across the demo stores, in every state, with
 * realistic Chinese names and mobile numbers, some with reach and order rows, so the list pages page,
 * the counts mean something and search finds people. Deterministic: a seeded PRNG (mulberry32), so the
 * same count gives the same people on every start. Nothing here is read by production code.
 */
import { DEMO_PROMOTERS, DEMO_STORES } from './demo-data';

/** Stores only the crowd uses (no manager: HQ sees them). */
export const DEMO_CROWD_STORES = [
  { storeId: 'GZ-TIANHE', name: '广州天河店' },
  { storeId: 'SZ-NANSHAN', name: '深圳南山店' },
] as const;

/** What `npm start` seeds unless SEED_PROMOTERS says otherwise. */
export const DEFAULT_CROWD = 360;

export interface CrowdPromoter {
  openid: string;
  name: string;
  phone: string;
  roleId: number;
  retailId: string;
  extraInfo: string;
  authStatus: 0 | 1 | 2;
  declStatus: 1 | 2;
  updateTime: number;
}

export interface CrowdRow {
  promoter: string;
  openid: string;
  createTime: number;
  scene: number;
  path: string;
}

export interface CrowdOrder extends CrowdRow {
  paidAmount: number;
  status: 1 | 2;
  paidTime: number;
  refundedTime: number;
}

export interface Crowd {
  promoters: CrowdPromoter[];
  relations: CrowdRow[];
  orders: CrowdOrder[];
}

/** mulberry32: a small, well-known 32-bit PRNG; the same seed gives the same sequence. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The most common surnames, roughly by frequency (the first ones drawn more often).
const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
const GIVEN = [
  '伟',
  '芳',
  '敏',
  '静',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '霞',
  '平',
  '刚',
  '丹',
  '萍',
  '秀英',
  '桂英',
  '玉兰',
  '海燕',
  '春梅',
  '红梅',
  '国强',
  '建华',
  '丽华',
  '文静',
  '晓燕',
  '晓东',
  '志强',
  '建军',
  '永刚',
  '子涵',
  '梓萱',
  '欣怡',
  '佳琪',
  '雨婷',
  '思彤',
  '嘉豪',
  '博文',
  '俊杰',
  '天佑',
  '一鸣',
  '诗雨',
  '浩然',
  '宇轩',
  '雅琴',
  '婷婷',
  '晨曦',
  '梦瑶',
  '嘉怡',
  '子轩',
  '家乐',
  '明辉',
  '晓丽',
  '春华',
  '秋月',
  '立新',
  '德明',
  '美玲',
  '淑芬',
  '振华',
];
const MOBILE_PREFIXES = [
  '133',
  '135',
  '136',
  '137',
  '139',
  '150',
  '151',
  '152',
  '157',
  '158',
  '159',
  '166',
  '176',
  '177',
  '180',
  '182',
  '186',
  '187',
  '188',
  '189',
  '191',
  '199',
];
const SOURCES = ['src=poster', 'src=qrcode', 'src=link', 'src=moments', '', '', ''];
const AMOUNTS = [990, 1990, 2990, 3990, 5990, 8800, 12800, 19900];
const DAY = 86400;

const crowdOpenid = (label: string, n: number): string =>
  `o${label}${String(n).padStart(27 - label.length, '0')}`;

/** Draws until the value is not in `taken`. */
function drawOutside(taken: ReadonlySet<string>, draw: () => string): string {
  for (;;) {
    const value = draw();
    if (!taken.has(value)) return value;
  }
}

/**
 * `count` promoters (ids after the named demo ones), their reach and orders, as of `now` (unix seconds,
 * the stand-in's clock). Roughly: 55 % bound, 25 % awaiting, 10 % revoked, 10 % cancelled; stores
 * 35/30/20/15 %; about half of the bound ones have reach rows, about 40 % of those rows became orders.
 */
export function demoCrowd(count: number, now: number, seed = 20261206): Crowd {
  const random = prng(seed);
  const pick = <T>(list: readonly T[], skew = 1): T => list[Math.floor(random() ** skew * list.length)];
  const stores = [...DEMO_STORES, ...DEMO_CROWD_STORES].map((s) => s.storeId);
  const storeWeights = [0.35, 0.65, 0.85, 1];
  const taken = new Set<string>(DEMO_PROMOTERS.map((p) => p.name));
  const phones = new Set<string>(DEMO_PROMOTERS.map((p) => p.phone));
  const crowd: Crowd = { promoters: [], relations: [], orders: [] };
  let visitors = 0;
  for (let n = 1; n <= count; n++) {
    // Names repeat in real life; the named demo people stay unique so a search finds exactly them.
    const name = drawOutside(taken, () => pick(SURNAMES, 1.6) + pick(GIVEN));
    const phone = drawOutside(
      phones,
      () => pick(MOBILE_PREFIXES) + String(Math.floor(random() * 1e8)).padStart(8, '0'),
    );
    phones.add(phone);
    const roll = random();
    const [authStatus, declStatus] = (
      roll < 0.55 ? [1, 1] : roll < 0.8 ? [0, 1] : roll < 0.9 ? [2, 1] : [random() < 0.5 ? 1 : 0, 2]
    ) as [0 | 1 | 2, 1 | 2];
    const storeRoll = random();
    const roleRoll = random();
    const promoter: CrowdPromoter = {
      openid: crowdOpenid('DemoCrowd', n),
      name,
      phone,
      roleId: roleRoll < 0.7 ? 1 : roleRoll < 0.85 ? 2 : 3,
      retailId: stores[storeWeights.findIndex((w) => storeRoll < w)],
      extraInfo: pick(SOURCES),
      authStatus,
      declStatus,
      updateTime: now - Math.floor(random() * 90 * DAY) - DAY,
    };
    crowd.promoters.push(promoter);
    if (authStatus !== 1 || declStatus !== 1 || random() < 0.5) continue;
    const reach = 1 + Math.floor(random() ** 2 * 12);
    for (let r = 0; r < reach; r++) {
      const createTime = now - Math.floor(random() * 30 * DAY) - 3600;
      const row: CrowdRow = {
        promoter: promoter.openid,
        openid: crowdOpenid('DemoVisit', ++visitors),
        createTime,
        scene: random() < 0.7 ? 1007 : 1036,
        path: 'pages/index/index',
      };
      crowd.relations.push(row);
      if (random() < 0.4) {
        const refunded = random() < 0.1;
        crowd.orders.push({
          ...row,
          paidAmount: pick(AMOUNTS, 1.5),
          status: refunded ? 2 : 1,
          paidTime: createTime + 600,
          refundedTime: refunded ? createTime + DAY : 0,
        });
      }
    }
  }
  return crowd;
}

/** People who ask to join through the demo invites (not promoters yet). */
export function demoJoiners(count: number, seed = 7): Array<{ openid: string; name: string; phone: string }> {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  return Array.from({ length: count }, (_, index) => ({
    openid: crowdOpenid('DemoJoin', index + 1),
    name: pick(SURNAMES) + pick(GIVEN),
    phone: pick(MOBILE_PREFIXES) + String(Math.floor(random() * 1e8)).padStart(8, '0'),
  }));
}
