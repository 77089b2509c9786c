/**
 * <freshness-note>: how fresh the promoter numbers on a page are, from the cloud's `asOf` / `stale` /
 * `staleReason` (typings/contract/promoter.ts Freshness).
 *
 * Usage (page json: "freshness-note": "/components/freshness-note/index"):
 *   <freshness-note as-of="{{asOf}}" stale="{{stale}}" stale-reason="{{staleReason}}" />
 * Fresh: a quiet line "数据更新于 17:26". WeChat unreachable: a notice "微信暂时无法连接，显示的是 17:26 的数据".
 * A sync still running elsewhere: "正在与微信同步，显示的是 17:26 的数据". Another day adds the date (10-08 17:26).
 */
import { freshnessLook } from '../../utils/freshness';

type Self = WechatMiniprogram.Component.TrivialInstance & {
  data: { asOf: number; stale: boolean; staleReason: string };
};

function update(self: Self): void {
  self.setData(freshnessLook(self.data.asOf, self.data.stale, self.data.staleReason, Date.now()));
}

Component({
  properties: {
    /** milliseconds since the epoch; 0 = never synced */
    asOf: { type: Number, value: 0 },
    stale: { type: Boolean, value: false },
    /** 'unreachable' | 'syncing' */
    staleReason: { type: String, value: '' },
  },
  data: { text: '', notice: false },
  observers: {
    'asOf, stale, staleReason'(this: Self) {
      update(this);
    },
  },
  lifetimes: {
    attached(this: Self) {
      update(this);
    },
  },
});
