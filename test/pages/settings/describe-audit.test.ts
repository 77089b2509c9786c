/** The audit log in words: each kind of record becomes a sentence with names, never ids or JSON. */
import type { AuditEntry } from '../../../typings/contract/index';
import { describeAudit } from '../../../miniprogram/pages/settings/components/audit-log/describe';

const NAMES = {
  staff: new Map([['o-wang', '王店长']]),
  stores: new Map([
    ['SH-01', '上海店'],
    ['BJ-01', '北京朝阳店'],
  ]),
  roles: new Map([[3, '金牌推广员']]),
};
const entry = (action: string, before: unknown, after: unknown, actor = 'o-wang'): AuditEntry => ({
  id: 'a',
  at: 1,
  actor: { openid: actor, role: 'manager' },
  fn: 'promoter',
  action,
  target: 'x',
  before,
  after,
});
const P = { name: '李娜', roleId: 1, storeId: 'SH-01', phone: '13800000000', extraInfo: '' };

test.each([
  [entry('promoter.update', P, { ...P, roleId: 3 }), '王店长 把 李娜 的角色改为 金牌推广员'],
  [
    entry('promoter.update', P, { ...P, storeId: 'BJ-01', phone: '13900000000' }),
    '王店长 把 李娜 的门店改为 北京朝阳店、手机号改为 13900000000',
  ],
  [entry('promoter.cancel', P, { ...P, declStatus: 0 }), '王店长 取消了 李娜 的推广员身份'],
  [
    entry('promoter.declare', null, { declared: [1, 2, 3, 4].map((i) => ({ name: `人${i}` })) }),
    '王店长 声明了 4 位推广员：人1、人2、人3 等 4 人',
  ],
  [
    entry('join.reject', { name: '周游' }, { name: '周游', reason: '名额已满' }),
    '王店长 拒绝了 周游 的加入申请（原因：名额已满）',
  ],
  [
    entry('manager.invite', null, { name: '陈店长', role: 'manager', storeIds: ['SH-01'] }),
    '王店长 邀请 陈店长 成为 上海店的店长',
  ],
  [
    entry('manager.accept', null, { name: '陈晓', role: 'manager', storeIds: ['SH-01', 'BJ-01'] }, 'o-new'),
    '陈晓 接受邀请，成为 上海店、北京朝阳店的店长',
  ],
  [
    entry('store.update', { name: '上海店' }, { name: '上海旗舰店' }),
    '王店长 把门店 上海店 改名为 上海旗舰店',
  ],
  [entry('openAccount.bind', { openAccount: null }, { openAccount: 'wx1' }), '王店长 绑定了开放平台账号 wx1'],
  [entry('promoter.update', P, { ...P, roleId: 9 }, 'o-gone'), '店长 把 李娜 的角色改为 角色 9'],
  [entry('something.new', null, { x: 1 }), '王店长 修改了数据'],
])('%#: %s', (record, sentence) => {
  expect(describeAudit(record, NAMES)).toBe(sentence);
});
