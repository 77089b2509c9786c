/**
 * <facts-card> (promoter detail → 资料): phone, store, role, promoter parameter, when they were
 * declared and when their status last changed (in days and as a time), the last reminder (unless the
 * remind card shows it), 编辑资料 (triggers `edit`: name, phone and parameter in the popup) and the
 * technical ids folded under 更多 (推广员编号, openid, unionid: for HQ's support questions).
 */
import type { Promoter, PromoterStatusChange } from '../../../../../typings/contract/index';
import { declaredAt, factsOf } from './facts';

type View = Promoter & { storeName: string; roleName: string };
type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: { promoter: View | null; history: PromoterStatusChange[]; reminderShown: boolean; showIds: boolean };
};

function refresh(self: Self) {
  const { promoter, history, reminderShown } = self.data;
  self.setData({ facts: promoter ? factsOf(promoter, declaredAt(history ?? []), reminderShown) : [] });
}

Component({
  properties: {
    promoter: { type: Object, value: null },
    history: { type: Array, value: [] },
    reminderShown: { type: Boolean, value: false },
  },
  data: { facts: [] as unknown[], showIds: false },
  observers: {
    'promoter, history, reminderShown'(this: Self) {
      refresh(this);
    },
  },
  methods: {
    onEdit(this: Self) {
      this.triggerEvent('edit');
    },

    onIdsToggle(this: Self) {
      this.setData({ showIds: !this.data.showIds });
    },
  },
});
