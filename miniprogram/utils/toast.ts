/** Page toasts through tdesign's t-toast (each page renders `<t-toast id="t-toast" />`). */
import Toast from 'tdesign-miniprogram/toast/index';
import { errorText } from '../services/cloud';

type Context = WechatMiniprogram.Page.TrivialInstance | WechatMiniprogram.Component.TrivialInstance;

export function toast(
  context: Context,
  message: string,
  theme: 'success' | 'error' | 'warning' = 'success',
): void {
  Toast({ context, selector: '#t-toast', message, theme, duration: 2000 });
}

/** An error from a service call, in the words a store manager understands. */
export function toastError(context: Context, err: unknown): void {
  toast(context, errorText(err), 'error');
}
