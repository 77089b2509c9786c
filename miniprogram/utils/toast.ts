/** Page toasts through tdesign's t-toast (each page renders `<t-toast id="t-toast" />`). */
import Toast from 'tdesign-miniprogram/toast/index';
import { CloudCallError, ERROR_TITLES, errorText } from '../services/cloud';
import { copyText, saveBase64Image } from './save-image';

type Context = WechatMiniprogram.Page.TrivialInstance | WechatMiniprogram.Component.TrivialInstance;

export function toast(
  context: Context,
  message: string,
  theme: 'success' | 'error' | 'warning' = 'success',
): void {
  Toast({ context, selector: '#t-toast', message, theme, duration: 2000 });
}

/**
 * tdesign's toast shows about 3 short lines; a longer sentence would end in "…", so it goes in a dialog.
 * In characters, not bytes: what fits on the screen.
 */
export const TOAST_MAX_CHARS = 18;

/**
 * An error from a service call, in the words a store manager understands: a toast when it is short,
 * a dialog (title by kind, the whole sentence as body) when it would not fit.
 */
export function toastError(context: Context, err: unknown): void {
  const text = errorText(err);
  if ([...text].length <= TOAST_MAX_CHARS) {
    toast(context, text, 'error');
    return;
  }
  const code = err instanceof CloudCallError ? err.code : 'INTERNAL';
  wx.showModal({ title: ERROR_TITLES[code], content: text, showCancel: false, confirmText: '知道了' });
}

/** Save a base64 image to the album and tell the user how it went (nothing when they cancelled). */
export async function saveImageWithToast(context: Context, base64: string, name: string): Promise<void> {
  try {
    const outcome = await saveBase64Image(base64, name);
    if (outcome === 'saved') toast(context, '已保存到相册');
  } catch {
    toast(context, '保存失败，请稍后重试', 'error');
  }
}

/** Copy text; WeChat confirms a success itself, a failure gets our toast. */
export async function copyWithToast(context: Context, text: string): Promise<void> {
  try {
    await copyText(text);
  } catch {
    toast(context, '复制失败，请长按文字手动复制', 'error');
  }
}
