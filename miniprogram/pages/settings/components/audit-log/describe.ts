/**
 * An audit entry in words, e.g. "王店长 把 李娜 的角色改为 金牌推广员": names come from the lists the
 * settings page has (staff, stores, roles) and from the record's own before/after. A record this file
 * does not know is still a sentence (who did something), never raw JSON or an openid.
 */
import type { AuditEntry } from '../../../../../typings/contract/index';
import { STAFF_ROLE_LABELS } from '../../../../shared/labels';

export interface AuditNames {
  staff: ReadonlyMap<string, string>;
  stores: ReadonlyMap<string, string>;
  roles: ReadonlyMap<number, string>;
}

type Rec = Record<string, unknown>;

/** How many names a sentence lists before "等 N 人". */
const LISTED_NAMES = 3;

const rec = (value: unknown): Rec => (value && typeof value === 'object' ? (value as Rec) : {});
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function nameList(names: string[]): string {
  const shown = names.filter(Boolean).slice(0, LISTED_NAMES).join('、');
  return names.length > LISTED_NAMES ? `${shown} 等 ${names.length} 人` : shown;
}

export function actorName(entry: AuditEntry, names: AuditNames): string {
  const known = names.staff.get(entry.actor.openid);
  if (known) return known;
  // someone accepting a staff invite was nobody yet: the name they gave is in the record
  if (entry.action === 'manager.accept') return text(rec(entry.after).name) || '新员工';
  return (STAFF_ROLE_LABELS as Record<string, string | undefined>)[entry.actor.role] ?? '推广员';
}

/** The sentence for one entry; the actor's name first. */
export function describeAudit(entry: AuditEntry, names: AuditNames): string {
  const actor = actorName(entry, names);
  const before = rec(entry.before);
  const after = rec(entry.after);
  const store = (id: unknown) => names.stores.get(text(id)) ?? text(id);
  const role = (id: unknown) => names.roles.get(Number(id)) ?? `角色 ${String(id)}`;
  const person = text(after.name) || text(before.name) || '推广员';
  const staffStores = (r: Rec) =>
    r.role === 'admin' ? '全部门店' : ((r.storeIds as string[] | undefined) ?? []).map(store).join('、');

  switch (entry.action) {
    case 'promoter.update': {
      const changes: string[] = [];
      if (before.roleId !== after.roleId) changes.push(`角色改为 ${role(after.roleId)}`);
      if (before.storeId !== after.storeId)
        changes.push(after.storeId ? `门店改为 ${store(after.storeId)}` : '门店改为 不分配门店');
      if (before.name !== after.name) changes.push(`姓名改为 ${text(after.name)}`);
      if (before.phone !== after.phone) changes.push(`手机号改为 ${text(after.phone)}`);
      if (before.extraInfo !== after.extraInfo) changes.push('推广员参数已修改');
      return `${actor} 把 ${text(before.name) || person} 的${changes.join('、') || '资料重新保存'}`;
    }
    case 'promoter.cancel':
      return `${actor} 取消了 ${person} 的推广员身份`;
    case 'promoter.redeclare':
      return `${actor} 重新声明 ${person} 为推广员`;
    case 'promoter.declare': {
      const rows = (after.declared as Rec[] | undefined) ?? [];
      return `${actor} 声明了 ${rows.length} 位推广员：${nameList(rows.map((r) => text(r.name)))}`;
    }
    case 'join.approve':
      return `${actor} 通过了 ${person} 的加入申请`;
    case 'join.reject':
      return `${actor} 拒绝了 ${person} 的加入申请${after.reason ? `（原因：${text(after.reason)}）` : ''}`;
    case 'invite.create':
      return `${actor} 创建了 ${text(after.storeName)} 的「${text(after.roleName)}」邀请`;
    case 'role.add':
      return `${actor} 新增了角色「${text(after.name)}」`;
    case 'role.update':
      return before.name !== after.name
        ? `${actor} 把角色「${text(before.name)}」改名为「${text(after.name)}」`
        : `${actor} 修改了角色「${text(after.name)}」的说明`;
    case 'message.send':
      return `${actor} 给 ${Number(after.recipientCount) || 0} 位推广员发送了消息`;
    case 'customParam.set':
      return `${actor} 设置了一位推广员的联盟自定义参数`;
    case 'customParam.remove':
      return `${actor} 删除了一位推广员的联盟自定义参数`;
    case 'openAccount.bind':
      return before.openAccount
        ? `${actor} 把开放平台账号从 ${text(before.openAccount)} 换绑为 ${text(after.openAccount)}`
        : `${actor} 绑定了开放平台账号 ${text(after.openAccount)}`;
    case 'manager.add':
      return `${actor} 添加了${(STAFF_ROLE_LABELS as Record<string, string | undefined>)[text(after.role)] ?? '员工'} ${person}`;
    case 'manager.update': {
      const changes: string[] = [];
      if (before.role !== after.role)
        changes.push(
          `改为${(STAFF_ROLE_LABELS as Record<string, string | undefined>)[text(after.role)] ?? ''}`,
        );
      if (staffStores(before) !== staffStores(after)) changes.push(`负责 ${staffStores(after) || '无门店'}`);
      if (before.name !== after.name) changes.push(`改名为 ${text(after.name)}`);
      return `${actor} 把 ${text(before.name) || person} ${changes.join('、') || '的资料重新保存'}`;
    }
    case 'manager.remove':
      return `${actor} 移除了${(STAFF_ROLE_LABELS as Record<string, string | undefined>)[text(before.role)] ?? '员工'} ${person}`;
    case 'manager.invite':
      return `${actor} 邀请 ${person} 成为 ${staffStores(after)}的${(STAFF_ROLE_LABELS as Record<string, string | undefined>)[text(after.role)] ?? '员工'}`;
    case 'manager.inviteRevoke':
      return `${actor} 撤回了给 ${person} 的店长邀请`;
    case 'manager.accept':
      return `${actor} 接受邀请，成为 ${staffStores(after)}的${(STAFF_ROLE_LABELS as Record<string, string | undefined>)[text(after.role)] ?? '员工'}`;
    case 'store.add':
      return `${actor} 新增了门店 ${text(after.name)}`;
    case 'store.update':
      return `${actor} 把门店 ${text(before.name)} 改名为 ${text(after.name)}`;
    default:
      return `${actor} 修改了数据`;
  }
}
