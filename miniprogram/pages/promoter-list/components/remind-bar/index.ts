/**
 * <remind-bar> (promoter list, tabs 待授权 and 已解除授权): remind several people at once — tick them
 * (`select`, then `remindSelected` with the ticked count shown), or everyone who has waited at least
 * N days (`remindWaiting` with { days }). The page owns the ticks and the cloud call; the bar only
 * offers the choices and shows `busy`.
 */
export const WAITING_DAY_OPTIONS = [1, 3, 7, 14] as const;

type Self = WechatMiniprogram.Component.TrivialInstance & { data: { dayIndex: number } };

Component({
  properties: {
    selecting: { type: Boolean, value: false },
    selectedCount: { type: Number, value: 0 },
    busy: { type: Boolean, value: false },
  },
  data: {
    dayOptions: WAITING_DAY_OPTIONS.map((d) => ({ days: d, label: `${d} 天` })),
    dayIndex: 1,
  },
  methods: {
    onSelect(this: Self) {
      this.triggerEvent('select');
    },
    onCancel(this: Self) {
      this.triggerEvent('cancel');
    },
    onRemindSelected(this: Self) {
      this.triggerEvent('remindSelected');
    },
    onDayPick(this: Self, e: WechatMiniprogram.PickerChange) {
      this.setData({ dayIndex: Number(e.detail.value) });
    },
    onRemindWaiting(this: Self) {
      this.triggerEvent('remindWaiting', { days: WAITING_DAY_OPTIONS[this.data.dayIndex] });
    },
  },
});
