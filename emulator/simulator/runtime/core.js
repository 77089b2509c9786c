// Shared state of the browser runtime: the build's config, the URL's settings, error capture, the
// idle tracker behind window.__sim.idle(), and the small helpers every module uses.

/** @type {{pages: string[], windows: Record<string, {light: object, dark: object}>, tabBarPages: string[], appid: string, entryPage: string, identities: Array<{openid: string, name: string, kind: string}>, defaultOpenid: string, builtAt: number}} */
export const config = window.__SIM_CONFIG__;

const search = new URLSearchParams(location.search);
/** `?openid=` (the caller of every cloud function), else the default identity. */
export const openid = search.get('openid') || config.defaultOpenid;
/** `&panel=0`: the phone alone. */
export const showPanel = search.get('panel') !== '0';

/** The frame: an iPhone X-sized WeChat window. */
export const FRAME = {
  width: 375,
  height: 812,
  statusBarHeight: 44,
  navBarHeight: 44,
  pixelRatio: 2,
  safeBottom: 34,
};
export const MENU_BUTTON = { width: 87, height: 32, top: 48, right: 368, bottom: 80, left: 281 };

// ---- errors -------------------------------------------------------------------------------------

/** Runtime errors caught in the page: lifecycle/handler exceptions and unhandled rejections. */
export const errors = [];

export function reportError(err, where) {
  const message = err && err.stack ? err.stack : String(err && err.message ? err.message : err);
  errors.push({ where, message: String(err && err.message ? err.message : err) });
  console.error(`[sim] ${where}: ${message}`);
}

/** Calls fn, reporting (not rethrowing) what it throws; a returned promise's rejection is reported too. */
export function guard(where, fn, self, args) {
  try {
    const out = fn.apply(self, args || []);
    if (out && typeof out.then === 'function') {
      // reported, not tracked: an async handler may wait for the user (a picker, a dialog)
      out.then(undefined, (err) => reportError(err, where));
    }
    return out;
  } catch (err) {
    reportError(err, where);
    return undefined;
  }
}

window.__simReportError = (err, handler) => reportError(err, `event handler ${handler}`);

window.addEventListener('unhandledrejection', (event) => {
  const reason = event.reason;
  reportError(reason && reason.errMsg ? new Error(reason.errMsg) : reason, 'unhandled rejection');
});
window.addEventListener('error', (event) => {
  if (event.error) errors.push({ where: 'uncaught', message: String(event.error.message || event.error) });
});

// ---- idle tracking ------------------------------------------------------------------------------

let pending = 0;
const waiters = [];

/** Marks work in flight until the promise settles (cloud calls, toasts, navigation). */
export function track(promise) {
  pending++;
  const done = () => {
    pending--;
    if (pending === 0) flushIdle();
  };
  promise.then(done, done);
  return promise;
}

/** A timer the idle tracker waits for (a toast's life, an animation). */
export function trackedTimeout(fn, ms) {
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));
  track(done);
  const id = setTimeout(() => {
    try {
      fn();
    } finally {
      resolveDone();
    }
  }, ms);
  return {
    cancel() {
      clearTimeout(id);
      resolveDone();
    },
  };
}

function flushIdle() {
  // two frames: the one after the last setData, and one for layout-dependent follow-ups
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      if (pending !== 0) return;
      while (waiters.length) waiters.shift()();
    }),
  );
}

const TRANSITION_CAP_MS = 1000;

/**
 * CSS transitions inside `root` (tdesign's popups, dialogs, toasts) count as work in flight, so
 * idle() answers after they have settled; each counts at most TRANSITION_CAP_MS (a transition whose
 * element is removed midway may never report its end).
 */
export function trackTransitions(root) {
  const running = new Map(); // element → { props: Set, done() }
  root.addEventListener('transitionrun', (e) => {
    let entry = running.get(e.target);
    if (!entry) {
      let finish;
      const settled = new Promise((resolve) => (finish = resolve));
      const timer = setTimeout(() => end(e.target), TRANSITION_CAP_MS);
      entry = { props: new Set(), done: () => (clearTimeout(timer), finish()) };
      running.set(e.target, entry);
      track(settled);
    }
    entry.props.add(e.propertyName);
  });
  const end = (target, prop) => {
    const entry = running.get(target);
    if (!entry) return;
    if (prop !== undefined) entry.props.delete(prop);
    if (prop === undefined || entry.props.size === 0) {
      running.delete(target);
      entry.done();
    }
  };
  root.addEventListener('transitionend', (e) => end(e.target, e.propertyName));
  root.addEventListener('transitioncancel', (e) => end(e.target, e.propertyName));
}

/** How many tracked things are in flight (for debugging a test that waits on idle()). */
export function pendingCount() {
  return pending;
}

/** Resolves when nothing tracked is in flight and a frame has passed since. */
export function idle() {
  return new Promise((resolve) => {
    waiters.push(resolve);
    if (pending === 0) flushIdle();
  });
}

// ---- helpers ------------------------------------------------------------------------------------

/** APIs that wait for the user (a dialog, a sheet): not work in flight for idle(). */
const INTERACTIVE = new Set([
  'showModal',
  'showActionSheet',
  'makePhoneCall',
  'openSetting',
  'chooseMessageFile',
  'requestSubscribeMessage',
  'openEmbeddedMiniProgram',
]);

/** WeChat's async API shape: success/fail/complete callbacks and a promise when none is given. */
export function asyncApi(name, options, run) {
  const o = options || {};
  const p = Promise.resolve()
    .then(run)
    .then(
      (res) => Object.assign({ errMsg: `${name}:ok` }, res),
      (err) => {
        throw {
          errMsg: err && err.errMsg ? err.errMsg : `${name}:fail ${err && err.message ? err.message : err}`,
        };
      },
    );
  const hasCallback = o.success || o.fail || o.complete;
  const out = p.then(
    (res) => {
      if (o.success) guard(`${name} success`, o.success, undefined, [res]);
      if (o.complete) guard(`${name} complete`, o.complete, undefined, [res]);
      return res;
    },
    (err) => {
      if (o.fail) guard(`${name} fail`, o.fail, undefined, [err]);
      if (o.complete) guard(`${name} complete`, o.complete, undefined, [err]);
      if (!hasCallback) throw err;
      return undefined;
    },
  );
  if (!INTERACTIVE.has(name)) track(out.catch(() => undefined));
  return hasCallback ? undefined : out;
}

/** `h('div', {class: 'x', onclick}, children…)` */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key === 'text') el.textContent = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** The phone's overlay layer (above the pages and the navigation bar). */
export function overlayRoot() {
  return document.getElementById('sim-overlays');
}

const warned = new Set();
/** Logs `[sim] <what> is not implemented` once per name (the e2e suite fails on console errors). */
export function notImplemented(what) {
  if (warned.has(what)) return;
  warned.add(what);
  console.error(`[sim] ${what} is not implemented`);
}

/** The current theme, 'light' or 'dark'. */
export function currentTheme() {
  return document.documentElement.dataset.simTheme === 'dark' ? 'dark' : 'light';
}
