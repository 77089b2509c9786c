/**
 * <state-view>: one place for a page's loading / empty / error states, so every page shows them alike.
 *
 * Usage (page json: "state-view": "/components/state-view/index"):
 *   <state-view state="{{state}}" error-text="{{errorText}}" empty-text="暂无推广员" bind:retry="onRetry">
 *     …the page's content, shown only when state is 'ready'…
 *     <view slot="empty">optional extra below the empty text (e.g. a button)</view>
 *   </state-view>
 * state: 'loading' (skeleton rows) | 'empty' | 'error' (text + 重新加载 button → `retry` event) | 'ready'.
 * `skeleton-rows` sets how many skeleton blocks the loading state shows (default 3).
 */
export type ViewState = 'loading' | 'empty' | 'error' | 'ready';

/**
 * `this` is typed by hand: with the test tsconfig, j-component's older miniprogram-api-typings merge into
 * the global Component constructor and its inference of `this` breaks.
 */
type Self = WechatMiniprogram.Component.TrivialInstance;

Component({
  options: { multipleSlots: true },
  properties: {
    state: { type: String, value: 'loading' },
    emptyText: { type: String, value: '暂无数据' },
    errorText: { type: String, value: '加载失败，请稍后重试' },
    retryText: { type: String, value: '重新加载' },
    skeletonRows: { type: Number, value: 3 },
  },
  data: {
    skeletonList: [0, 1, 2] as number[],
  },
  observers: {
    skeletonRows(this: Self, rows: number) {
      this.setData({ skeletonList: Array.from({ length: Math.max(1, rows) }, (_, i) => i) });
    },
  },
  methods: {
    onRetry(this: Self) {
      this.triggerEvent('retry');
    },
  },
});
