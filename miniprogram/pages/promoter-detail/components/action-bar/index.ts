/**
 * <action-bar> (promoter detail, at the top): the main things a manager does with one person —
 * 拨打电话 (wx.makePhoneCall, when a phone number is known), 提醒授权 (for someone declared and not
 * authorized: remind-card/remind.ts, one call however often it is tapped) and 修改角色/门店 (triggers
 * `change`; the page opens the change popup). Triggers `reminded` with `{ result, reminder? }` after a
 * reminder and `changed` when the cloud found the person already authorized or no longer declared.
 * Cancelling is not here: the destructive action stays at the bottom of the page.
 */
import type { Promoter } from '../../../../../typings/contract/index';
import { needsReminder, remindOne } from '../remind-card/remind';

type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: { promoter: Promoter | null; reminding: boolean };
};

Component({
  properties: { promoter: { type: Object, value: null } },
  data: { reminding: false, phone: '', canRemind: false },
  observers: {
    promoter(this: Self, p: Promoter | null) {
      this.setData({ phone: p?.phone ?? '', canRemind: needsReminder(p) });
    },
  },
  methods: {
    onCall(this: Self) {
      const phone = this.data.promoter?.phone;
      // a cancelled call is the person's choice: nothing to say
      if (phone) wx.makePhoneCall({ phoneNumber: phone, fail: () => undefined });
    },

    async onRemind(this: Self) {
      const p = this.data.promoter;
      if (!p || this.data.reminding) return;
      this.setData({ reminding: true });
      try {
        const { result, reminder, changed } = await remindOne(p);
        this.triggerEvent('reminded', { result, ...(reminder ? { reminder } : {}) });
        if (changed) this.triggerEvent('changed');
      } finally {
        this.setData({ reminding: false });
      }
    },

    onChange(this: Self) {
      this.triggerEvent('change');
    },
  },
});
