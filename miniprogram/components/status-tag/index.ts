/**
 * <status-tag>: a promoter's or a join request's status as a coloured t-tag with an aria-label.
 *
 * Usage (page json: "status-tag": "/components/status-tag/index"):
 *   <status-tag status="{{item.status}}" />                 promoter: bound | awaiting | revoked | cancelled
 *   <status-tag kind="join" status="{{request.status}}" />  join request: pending | approved | rejected
 * Labels come from shared/promoter-status.ts and shared/labels.ts, so every page and the cloud agree.
 */
import type { JoinStatus, PromoterStatus } from '../../../typings/contract/index';
import { JOIN_STATUS_LABELS } from '../../shared/labels';
import { PROMOTER_STATUS_LABELS } from '../../shared/promoter-status';

type TagTheme = 'default' | 'primary' | 'success' | 'warning' | 'danger';

const PROMOTER_THEMES: Record<PromoterStatus, TagTheme> = {
  bound: 'success',
  awaiting: 'warning',
  revoked: 'danger',
  cancelled: 'default',
};

const JOIN_THEMES: Record<JoinStatus, TagTheme> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
};

/** Label and theme for a status of either kind; an unknown status shows as is, in grey. */
export function statusLook(
  kind: string,
  status: string,
): { label: string; theme: TagTheme; ariaLabel: string } {
  let label = status || '未知';
  let theme: TagTheme = 'default';
  if (kind === 'join' && status in JOIN_STATUS_LABELS) {
    label = JOIN_STATUS_LABELS[status as JoinStatus];
    theme = JOIN_THEMES[status as JoinStatus];
  } else if (kind !== 'join' && status in PROMOTER_STATUS_LABELS) {
    label = PROMOTER_STATUS_LABELS[status as PromoterStatus];
    theme = PROMOTER_THEMES[status as PromoterStatus];
  }
  return { label, theme, ariaLabel: `状态：${label}` };
}

/**
 * `this` is typed by hand: with the test tsconfig, j-component's older miniprogram-api-typings merge into
 * the global Component constructor and its inference of `this` breaks.
 */
type Self = WechatMiniprogram.Component.TrivialInstance & { data: { status: string; kind: string } };

Component({
  properties: {
    status: { type: String, value: '' },
    /** 'promoter' (default) or 'join' */
    kind: { type: String, value: 'promoter' },
    size: { type: String, value: 'medium' },
  },
  data: { label: '', theme: 'default' as TagTheme, ariaLabel: '' },
  observers: {
    'status, kind'(this: Self, status: string, kind: string) {
      this.setData(statusLook(kind, status));
    },
  },
  lifetimes: {
    attached(this: Self) {
      this.setData(statusLook(this.data.kind, this.data.status));
    },
  },
});
