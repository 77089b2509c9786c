/**
 * Drivers shared by every page test (and the flow tests): wx.cloud answering per action, taps, typing,
 * pickers, toasts, wx stubs and rendering a page without its lifecycles. helpers.ts is the harness
 * underneath (loading, openPage, mockCloud). Selectors cross into tdesign's virtual hosts with `>>>`,
 * e.g. `.save >>> .t-button`.
 */
import simulate from 'miniprogram-simulate';
import type { ActionName, CloudRequest, FunctionName } from '../../typings/contract/index';
import { flush, load, mockCloud } from './helpers';

/** `function/action` of every contract action ('promoter/role.list'). */
type QualifiedAction = { [F in FunctionName]: `${F}/${ActionName<F>}` }[FunctionName];
/** Every contract action name ('role.list'). */
type AnyAction = { [F in FunctionName]: ActionName<F> }[FunctionName];
/** What a page sends for `key`: `{ action, ...params }` as the contract types it. */
type RequestOf<K extends string> = {
  [F in FunctionName]: {
    [A in ActionName<F>]: K extends A | `${F}/${A}` ? CloudRequest<F, A> : never;
  }[ActionName<F>];
}[FunctionName];

/** Answers one action; `data` is typed by the contract, so a renamed action or param breaks the test. */
export type ActionHandler<K extends string = string> = (data: RequestOf<K>) => unknown;
/** Handlers keyed by `function/action` or bare `action`, each typed by the contract. */
export type ActionHandlers = { [K in QualifiedAction | AnyAction]?: ActionHandler<K> };

/**
 * wx.cloud answering per `function/action` key ('promoter/role.list') or bare `action` ('role.list');
 * `handlers` win over `fallback` (a test file's usual answers). An unplanned call throws, so the page
 * sees a NETWORK error and the test notices. Returns the jest.fn to assert the exact calls.
 */
export function cloudWith(handlers: ActionHandlers, fallback: ActionHandlers = {}): jest.Mock {
  const find = (table: ActionHandlers, key: string) =>
    (table as Record<string, ((data: unknown) => unknown) | undefined>)[key];
  return mockCloud((name, data) => {
    const key = `${name}/${data.action}`;
    const handler =
      find(handlers, key) ??
      find(handlers, data.action) ??
      find(fallback, key) ??
      find(fallback, data.action);
    if (!handler) throw new Error(`unexpected call ${key}`);
    return handler(data);
  });
}

/** The argument wx.cloud.callFunction gets for `action` of cloud function `name`. */
export const callOf = (name: string, action: string, params: Record<string, unknown> = {}) => ({
  name,
  data: { action, ...params },
});

/** A call that never answers until `resolve` is called (for loading states). */
export function deferred<T = unknown>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

type Queryable = { querySelectorAll: (selector: string) => any[] };

/** The `index`th node at `selector`; throws when missing. */
export function node(page: Queryable, selector: string, index = 0): any {
  const found = page.querySelectorAll(selector)[index];
  if (!found) throw new Error(`no element ${selector} #${index}`);
  return found;
}

/** Tap, then let the handlers' promises and setData settle. */
export async function tap(page: Queryable, selector: string, index = 0): Promise<void> {
  node(page, selector, index).dispatchEvent('tap');
  await flush();
}

/**
 * Type into an input: a t-input's `.t-input__control`, a t-search's `.t-input__keyword`, a t-textarea's
 * `.t-textarea__wrapper-inner`.
 */
export async function typeInto(page: Queryable, selector: string, value: string, index = 0): Promise<void> {
  node(page, selector, index).dispatchEvent('input', { detail: { value } });
  await flush();
}

/** Picks option `value` of a native <picker>. */
export async function pick(page: Queryable, selector: string, value: number, index = 0): Promise<void> {
  node(page, selector, index).dispatchEvent('change', { detail: { value } });
  await flush();
}

/** What the page's t-toast says now. */
export function toastText(page: Queryable): string {
  return node(page, '#t-toast').data.message;
}

/**
 * Replace wx APIs with jest.fn()s that do nothing (simulate's wx mock lacks some, such as
 * openEmbeddedMiniProgram: those are assigned). Restored by jest.restoreAllMocks for spied ones.
 */
export function stubWx(...names: string[]): void {
  const api = wx as unknown as Record<string, unknown>;
  for (const name of names) {
    if (typeof api[name] === 'function') jest.spyOn(api as any, name).mockImplementation(() => undefined);
    else api[name] = jest.fn();
  }
}

/** Render and attach a page without running its lifecycles (the test calls them, e.g. to watch loading). */
export function renderPage(rel: string): any {
  const page = simulate.render(load(rel)) as any;
  page.attach(document.createElement('parent-wrapper'));
  return page;
}

/**
 * Renders a page and starts onLoad without waiting for it (to look at the loading state); `loaded`
 * resolves once onLoad has finished and the view has settled.
 */
export async function renderLoading(rel: string, query: Record<string, string> = {}) {
  const page = renderPage(rel);
  const loaded: Promise<void> = Promise.resolve(page.instance.onLoad(query)).then(() => flush());
  await flush();
  return { page, loaded };
}

/** Scrolls to the bottom; returns the spy on setData, which saw every change the next page made. */
export async function reachBottom(page: any): Promise<jest.SpyInstance> {
  const setData = jest.spyOn(page.instance, 'setData');
  await page.instance.onReachBottom();
  await flush();
  return setData;
}

/** Row `list[index]` went in by path matching `row`, and the list itself was not sent to the view again. */
export function expectAppendedByPath(
  setData: jest.SpyInstance,
  list: string,
  index: number,
  row: unknown,
): void {
  expect(setData).toHaveBeenCalledWith(expect.objectContaining({ [`${list}[${index}]`]: row }));
  expect(setData).not.toHaveBeenCalledWith(expect.objectContaining({ [list]: expect.anything() }));
}

/** A handler that answers `first` on its first call and `then(data)` on every later one (a retry). */
export function firstThen(first: unknown, then: ActionHandler): ActionHandler {
  let calls = 0;
  return (data) => (++calls === 1 ? first : then(data));
}
