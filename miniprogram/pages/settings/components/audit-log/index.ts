/**
 * <audit-log> (settings → 操作记录): who did what, in words ("王店长 把 李娜 的角色改为 金牌推广员"),
 * newest first, filtered by kind of change and by person; `loadMore()` pages on (the page calls it
 * at the bottom), `reload()` starts again. Names come from the staff list, the roles and `stores`;
 * when one of those lists fails the sentence still reads, with less precise names.
 */
import type { AuditEntry, Store } from '../../../../../typings/contract/index';
import { adminService } from '../../../../services/admin';
import { promoterService } from '../../../../services/promoter';
import { LIMITS } from '../../../../shared/field-rules';
import { formatTime } from '../../../../utils/format';
import { appendNextPage, loadFirstPage } from '../../../../utils/paging';
import { type AuditNames, actorName, describeAudit } from './describe';

/** The kinds of change a manager filters by, each a group of audited actions. */
export const AUDIT_FILTERS = [
  { value: 'all', label: '全部', actions: [] as string[] },
  {
    value: 'promoters',
    label: '推广员',
    actions: ['promoter.declare', 'promoter.update', 'promoter.cancel', 'promoter.redeclare'],
  },
  { value: 'joins', label: '加入与邀请', actions: ['join.approve', 'join.reject', 'invite.create'] },
  {
    value: 'staff',
    label: '员工与门店',
    actions: [
      'manager.add',
      'manager.update',
      'manager.remove',
      'manager.invite',
      'manager.inviteRevoke',
      'manager.accept',
      'store.add',
      'store.update',
    ],
  },
  {
    value: 'other',
    label: '角色、消息与账号',
    actions: [
      'role.add',
      'role.update',
      'message.send',
      'customParam.set',
      'customParam.remove',
      'openAccount.bind',
    ],
  },
] as const;

interface AuditView extends AuditEntry {
  atText: string;
  actorName: string;
  sentence: string;
}

/** `this` typed by hand: see components/state-view (test tsconfig merges two api-typings). */
type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: {
    active: boolean;
    stores: Store[];
    filter: string;
    actorIndex: number;
  };
  loaded?: boolean;
  cursor?: string;
  names?: AuditNames;
  /** openids of the actor picker's entries after 全部人员 */
  actorIds?: string[];
};

const storeMap = (stores: Store[]) => new Map(stores.map((s) => [s.storeId, s.name]));

Component({
  properties: {
    active: { type: Boolean, value: false },
    stores: { type: Array, value: [] as Store[] },
  },
  data: {
    auditState: 'loading',
    auditError: '',
    audit: [] as AuditView[],
    auditMore: 'idle',
    filters: AUDIT_FILTERS.map(({ value, label }) => ({ value, label })),
    filter: 'all' as (typeof AUDIT_FILTERS)[number]['value'],
    actorNames: ['全部人员'],
    actorIndex: 0,
  },
  observers: {
    active(this: Self, on: boolean) {
      if (on && !this.loaded) this.reload();
    },
  },
  lifetimes: {
    attached(this: Self) {
      if (this.data.active && !this.loaded) this.reload();
    },
  },
  methods: {
    /** Staff and role names; a failed list leaves its map empty (the sentences say less, not nothing). */
    async loadNames(this: Self): Promise<AuditNames> {
      const [staff, roles] = await Promise.allSettled([
        adminService.listManagers(),
        promoterService.listRoles(),
      ]);
      const people = staff.status === 'fulfilled' ? staff.value.items : [];
      this.actorIds = people.map((s) => s.openid);
      this.setData({ actorNames: ['全部人员', ...people.map((s) => s.name)] });
      return {
        staff: new Map(people.map((s) => [s.openid, s.name])),
        stores: storeMap(this.data.stores as Store[]),
        roles: new Map(roles.status === 'fulfilled' ? roles.value.items.map((r) => [r.roleId, r.name]) : []),
      };
    },

    view(this: Self, entry: AuditEntry): AuditView {
      const names = { ...this.names!, stores: storeMap(this.data.stores as Store[]) };
      return {
        ...entry,
        atText: formatTime(entry.at),
        actorName: actorName(entry, names),
        sentence: describeAudit(entry, names),
      };
    },

    /** audit.list's filter params for the chosen kind and person. */
    query(this: Self) {
      const kind = AUDIT_FILTERS.find((f) => f.value === this.data.filter);
      const actor = this.actorIds?.[(this.data.actorIndex as number) - 1];
      return {
        limit: LIMITS.page.defaultLimit,
        ...(kind && kind.actions.length ? { auditActions: [...kind.actions] } : {}),
        ...(actor ? { actor } : {}),
      };
    },

    async reload(this: Self) {
      this.loaded = true;
      this.setData({ auditState: 'loading' });
      this.names = await this.loadNames();
      return this.loadFirst();
    },

    loadFirst(this: Self) {
      return loadFirstPage(this, {
        list: 'audit',
        state: 'auditState',
        error: 'auditError',
        status: 'auditMore',
        setCursor: (cursor) => (this.cursor = cursor),
        fetch: () => adminService.listAudit(this.query()),
        view: (e) => this.view(e),
      });
    },

    loadMore(this: Self) {
      return appendNextPage(this, {
        list: 'audit',
        status: 'auditMore',
        cursor: this.cursor,
        setCursor: (cursor) => (this.cursor = cursor),
        fetch: (cursor) => adminService.listAudit({ ...this.query(), cursor }),
        view: (e) => this.view(e),
      });
    },

    onFilter(this: Self, e: WechatMiniprogram.TouchEvent) {
      const value = e.currentTarget.dataset.value as string;
      if (value === this.data.filter) return undefined;
      this.setData({ filter: value });
      return this.loadFirst();
    },

    onActor(this: Self, e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ actorIndex: Number(e.detail.value) });
      return this.loadFirst();
    },

    onClearFilters(this: Self) {
      this.setData({ filter: 'all', actorIndex: 0 });
      return this.loadFirst();
    },
  },
});
