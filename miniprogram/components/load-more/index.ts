/**
 * <load-more>: the footer of a paged list (starter-retail's load-more, with our wording).
 *
 * Usage (page json: "load-more": "/components/load-more/index"):
 *   <load-more status="{{moreStatus}}" bind:retry="onLoadMoreRetry" />
 * status: 'idle' (nothing shown) | 'loading' | 'no-more' | 'error' (tap → `retry` event).
 */
export type LoadMoreStatus = 'idle' | 'loading' | 'no-more' | 'error';

/**
 * `this` is typed by hand: with the test tsconfig, j-component's older miniprogram-api-typings merge into
 * the global Component constructor and its inference of `this` breaks.
 */
type Self = WechatMiniprogram.Component.TrivialInstance & { data: { status: string } };

Component({
  properties: {
    status: { type: String, value: 'idle' },
    loadingText: { type: String, value: '加载中…' },
    noMoreText: { type: String, value: '没有更多了' },
    failedText: { type: String, value: '加载失败，点击重试' },
  },
  methods: {
    onTap(this: Self) {
      if (this.data.status === 'error') this.triggerEvent('retry');
    },
  },
});
