/**
 * <audience-picker> (messages → 发给谁): all bound promoters, by role, by store, or chosen ones (picked from
 * the bound list, paged), and how many that reaches, counted beforehand from promoter.list totals so the
 * manager knows whether the cloud will group-send (≥ LIMITS.message.groupThreshold) or single-send.
 * Emits `change` with { audience, missing (why it cannot be sent yet, '' when complete), recipients,
 * names (id → name of the picked promoters) } after every choice and every count. `roles` and `stores`
 * come from the page; `error` is the page's sentence for this field (its own, or the cloud's).
 */
import type {
  MessageAudience,
  Promoter,
  PromoterListParams,
  Role,
  Store,
} from '../../../../../typings/contract/index';
import { errorText } from '../../../../services/cloud';
import { promoterService } from '../../../../services/promoter';
import { LIMITS } from '../../../../shared/field-rules';
import { appendNextPage, type MoreStatus } from '../../../../utils/paging';
import type { ViewState } from '../../../../components/state-view/index';

type AudienceKind = MessageAudience['kind'];

/** A bound promoter as the checkbox shows them: a name and phone, the store by its name (never an openid). */
interface CandidateView {
  value: string;
  label: string;
  content: string;
}

export interface AudienceChange {
  audience: MessageAudience;
  /** why this audience cannot be sent yet; '' when it is complete */
  missing: string;
  /** null while counting or when the count failed */
  recipients: number | null;
  names: Record<string, string>;
}

type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: {
    kind: AudienceKind;
    roleIds: number[];
    storeIds: string[];
    promoterIds: string[];
    candidates: CandidateView[];
    candidatesMore: MoreStatus;
    stores: Store[];
    recipients: number | null;
  };
  candidatesCursor: string | undefined;
  candidatesLoaded: boolean;
  countToken: number;
  names: Record<string, string>;
};

const KIND_OPTIONS: { value: AudienceKind; label: string }[] = [
  { value: 'all', label: '全部' },
  { value: 'role', label: '按角色' },
  { value: 'store', label: '按门店' },
  { value: 'promoters', label: '指定推广员' },
];

const MISSING: Record<AudienceKind, string> = {
  all: '',
  role: '请至少选择一个角色',
  store: '请至少选择一家门店',
  promoters: '请至少选择一位推广员',
};

export function describeCount(recipients: number): string {
  if (!recipients) return '当前没有符合条件的已绑定推广员';
  const threshold = LIMITS.message.groupThreshold;
  return recipients >= threshold
    ? `预计 ${recipients} 人，将以群发方式发送（${threshold} 人及以上）`
    : `预计 ${recipients} 人，将逐个单发（少于 ${threshold} 人）`;
}

Component({
  properties: {
    roles: { type: Array, value: [] as Role[] },
    stores: { type: Array, value: [] as Store[] },
    error: { type: String, value: '' },
  },
  data: {
    /**
     * The choices go to the tdesign groups as `options`, rendered by the group itself: with child
     * <t-radio>/<t-checkbox> tags in this component a tap did not reach the group under miniprogram-simulate.
     */
    kindOptions: KIND_OPTIONS,
    roleOptions: [] as { value: number; label: string }[],
    storeOptions: [] as { value: string; label: string }[],
    kind: 'all' as AudienceKind,
    roleIds: [] as number[],
    storeIds: [] as string[],
    promoterIds: [] as string[],
    candidates: [] as CandidateView[],
    candidatesState: 'loading' as ViewState,
    candidatesError: '',
    candidatesMore: 'idle' as MoreStatus,
    recipients: null as number | null,
    countText: '',
  },
  observers: {
    roles(this: Self, roles: Role[]) {
      this.setData({ roleOptions: roles.map((r) => ({ value: r.roleId, label: r.name })) });
    },
    stores(this: Self, stores: Store[]) {
      this.setData({ storeOptions: stores.map((s) => ({ value: s.storeId, label: s.name })) });
    },
  },
  lifetimes: {
    created(this: Self) {
      this.candidatesCursor = undefined;
      this.candidatesLoaded = false;
      this.countToken = 0;
      this.names = {};
    },
    attached(this: Self) {
      // after the page's render that attached us: telling the page during it would make it render again
      void Promise.resolve().then(() => this.recount());
    },
  },
  methods: {
    onKindChange(this: Self, e: WechatMiniprogram.CustomEvent<{ value: AudienceKind }>) {
      this.setData({ kind: e.detail.value });
      if (e.detail.value === 'promoters' && !this.candidatesLoaded) void this.loadCandidates();
      return this.recount();
    },

    onRolesChange(this: Self, e: WechatMiniprogram.CustomEvent<{ value: number[] }>) {
      this.setData({ roleIds: e.detail.value.map(Number) });
      return this.recount();
    },

    onStoresChange(this: Self, e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      this.setData({ storeIds: e.detail.value });
      return this.recount();
    },

    onPromotersChange(this: Self, e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      this.setData({ promoterIds: e.detail.value });
      return this.recount();
    },

    candidateView(this: Self, p: Promoter): CandidateView {
      this.names[p.id] = p.name;
      const store = p.storeId
        ? (this.data.stores.find((s) => s.storeId === p.storeId)?.name ?? p.storeId)
        : '未分配门店';
      return {
        value: p.id,
        label: p.name || '未填姓名',
        content: [p.phone, store].filter(Boolean).join(' · '),
      };
    },

    /** Chosen promoters come from the bound ones (messages reach bound promoters only). */
    async loadCandidates(this: Self) {
      this.candidatesLoaded = true;
      this.candidatesCursor = undefined;
      this.setData({ candidatesState: 'loading', candidatesMore: 'idle' });
      try {
        const page = await promoterService.list({ status: 'bound', limit: LIMITS.page.maxLimit });
        this.candidatesCursor = page.nextCursor;
        this.setData({
          candidates: page.items.map((p) => this.candidateView(p)),
          candidatesState: page.items.length ? 'ready' : 'empty',
          candidatesMore: page.nextCursor ? 'idle' : 'no-more',
        });
      } catch (err) {
        this.candidatesLoaded = false;
        this.setData({ candidatesState: 'error', candidatesError: errorText(err) });
      }
    },

    onCandidatesRetry(this: Self) {
      return this.loadCandidates();
    },

    onMoreCandidates(this: Self) {
      return appendNextPage(this, {
        list: 'candidates',
        status: 'candidatesMore',
        cursor: this.candidatesCursor,
        setCursor: (cursor) => (this.candidatesCursor = cursor),
        fetch: (cursor) => promoterService.list({ status: 'bound', cursor, limit: LIMITS.page.maxLimit }),
        view: (p) => this.candidateView(p),
      });
    },

    chosenAudience(this: Self): MessageAudience {
      const { kind, roleIds, storeIds, promoterIds } = this.data;
      if (kind === 'role') return { kind, roleIds };
      if (kind === 'store') return { kind, storeIds };
      if (kind === 'promoters') return { kind, ids: promoterIds };
      return { kind: 'all' };
    },

    missingChoice(this: Self): string {
      const { kind, roleIds, storeIds, promoterIds } = this.data;
      const chosen = { all: 1, role: roleIds.length, store: storeIds.length, promoters: promoterIds.length }[
        kind
      ];
      return chosen ? '' : MISSING[kind];
    },

    announce(this: Self) {
      const names: Record<string, string> = {};
      for (const id of this.data.promoterIds) if (this.names[id]) names[id] = this.names[id];
      const change: AudienceChange = {
        audience: this.chosenAudience(),
        missing: this.missingChoice(),
        recipients: this.data.recipients,
        names,
      };
      this.triggerEvent('audiencechange', change);
    },

    /** How many bound promoters the audience reaches; a slow answer for an older choice is dropped. */
    async recount(this: Self) {
      const token = ++this.countToken;
      const { kind, roleIds, storeIds, promoterIds } = this.data;
      let filters: PromoterListParams[] = [];
      if (kind === 'all') filters = [{}];
      else if (kind === 'role') filters = roleIds.map((roleId) => ({ roleId }));
      else if (kind === 'store') filters = storeIds.map((storeId) => ({ storeId }));
      let recipients: number | null = kind === 'promoters' ? promoterIds.length : null;
      if (recipients === null && !filters.length) recipients = 0;
      if (recipients === null) {
        this.setData({ recipients: null, countText: '正在计算接收人数…' });
        this.announce();
        try {
          const pages = await Promise.all(
            filters.map((f) => promoterService.list({ ...f, status: 'bound', limit: 1 })),
          );
          recipients = pages.reduce((sum, p) => sum + p.total, 0);
        } catch {
          if (token !== this.countToken) return;
          this.setData({ countText: '接收人数暂时无法计算，发送时按实际人数决定群发或单发' });
          this.announce();
          return;
        }
      }
      if (token !== this.countToken) return;
      this.setData({ recipients, countText: describeCount(recipients) });
      this.announce();
    },
  },
});
