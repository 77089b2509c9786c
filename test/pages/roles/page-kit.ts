/**
 * Small drivers shared by the tests of the join-requests, declare, roles, messages and settings pages
 * (kept here because those page folders are the ones this suite owns; helpers.ts is the harness).
 * Selectors cross into tdesign's virtual hosts with `>>>`, e.g. `.save >>> .t-button`.
 */
import simulate from 'miniprogram-simulate';
import { flush, load, mockCloud } from '../helpers';

export type ActionHandler = (data: Record<string, any>) => unknown;

/**
 * wx.cloud answering per `function/action` key (or just `action`); `defaults` are used when `handlers`
 * has no entry. An unplanned call throws, so the page sees a NETWORK error and the test notices.
 */
export function routeCloud(
  defaults: Record<string, ActionHandler>,
  handlers: Record<string, ActionHandler> = {},
) {
  return mockCloud((name, data) => {
    const key = `${name}/${data.action}`;
    const handler = handlers[key] ?? handlers[data.action] ?? defaults[key] ?? defaults[data.action];
    if (!handler) throw new Error(`unexpected call ${key}`);
    return handler(data);
  });
}

export function node(page: any, selector: string, index = 0): any {
  const found = page.querySelectorAll(selector)[index];
  if (!found) throw new Error(`no ${selector} #${index}`);
  return found;
}

export async function tap(page: any, selector: string, index = 0): Promise<void> {
  node(page, selector, index).dispatchEvent('tap');
  await flush();
}

/** Types into a t-input (`.x >>> .t-input__control`) or t-textarea (`.x >>> .t-textarea__wrapper-inner`). */
export async function typeInto(page: any, selector: string, value: string, index = 0): Promise<void> {
  node(page, selector, index).dispatchEvent('input', { detail: { value } });
  await flush();
}

/** Picks option `value` of a native <picker>. */
export async function pick(page: any, selector: string, value: number, index = 0): Promise<void> {
  node(page, selector, index).dispatchEvent('change', { detail: { value } });
  await flush();
}

export function toastText(page: any): string {
  return page.querySelector('#t-toast').data.message;
}

/** Renders a page and starts onLoad without waiting for it (to look at the loading state). */
export async function renderLoading(rel: string, query: Record<string, string> = {}) {
  const page = simulate.render(load(rel)) as any;
  page.attach(document.createElement('parent-wrapper'));
  const loaded: Promise<void> = Promise.resolve(page.instance.onLoad(query));
  await flush();
  return { page, loaded };
}
