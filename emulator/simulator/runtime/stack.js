// App(), Page() and the page stack in one document: each page is a j-component root rendered into its own
// `.sim-page`, hidden when covered. Lifecycles follow WeChat's order
// (https://developers.weixin.qq.com/miniprogram/dev/framework/app-service/route.html):
//   navigateTo   A.onHide → B.onLoad → B.onShow → B.onReady
//   navigateBack B.onUnload → A.onShow
//   redirectTo   A.onUnload → B.onLoad → B.onShow → B.onReady
//   reLaunch     every page onUnload (top first) → B.onLoad → B.onShow → B.onReady
import { config, currentTheme, FRAME, guard, reportError, track } from './core';

export const MAX_STACK = 10;
const stack = []; // { route, query, inst, comp, el, scroller, id }
let app = null;
let appDef = {};
let pageSeq = 0;
const listeners = { change: [], created: [] };

// ---- module replay ------------------------------------------------------------------------------
// simulate.load() registers every component of a page again under fresh ids and runs its module;
// esbuild's bundle evaluates a module once, so the Component()/Page() definitions are recorded the first
// time and replayed on later loads.
const definitions = new Map();
let loadingModule = null;
const simComponent = window.Component;

function cloneDefinition(def) {
  const copy = Object.assign({}, def);
  if (def.relations) {
    copy.relations = {};
    for (const key of Object.keys(def.relations)) copy.relations[key] = Object.assign({}, def.relations[key]);
  }
  if (def.options) copy.options = Object.assign({}, def.options);
  return copy;
}

window.Component = function Component(def) {
  if (loadingModule && !definitions.has(loadingModule)) definitions.set(loadingModule, cloneDefinition(def));
  return simComponent(cloneDefinition(def));
};

/** What each js thunk of the file map calls: run the module, or replay its definition. */
window.__simRunModule = function runModule(path) {
  const saved = definitions.get(path);
  if (saved) {
    simComponent(cloneDefinition(saved));
    return {};
  }
  const outer = loadingModule;
  loadingModule = path;
  try {
    return window.__MODS[path]();
  } finally {
    loadingModule = outer;
  }
};

// ---- App ----------------------------------------------------------------------------------------

window.App = function App(def) {
  appDef = def || {};
  app = Object.create(null);
  for (const key of Object.keys(appDef)) app[key] = appDef[key];
  if (!app.globalData) app.globalData = {};
};
window.getApp = function getApp() {
  return app;
};
window.getCurrentPages = function getCurrentPages() {
  return stack.map((p) => p.inst);
};

export function launchApp(options) {
  if (!app) {
    reportError(new Error('app.js did not call App()'), 'App');
    app = { globalData: {} };
  }
  if (app.onLaunch) guard('App.onLaunch', app.onLaunch, app, [options]);
  if (app.onShow) guard('App.onShow', app.onShow, app, [options]);
}

// ---- Page ---------------------------------------------------------------------------------------

/** Page(def) → Component(): functions become methods; other fields are copied onto each instance. */
window.Page = function Page(def) {
  const methods = {};
  const fields = {};
  for (const key of Object.keys(def)) {
    if (key === 'data' || key === 'behaviors' || key === 'options') continue;
    if (typeof def[key] === 'function') methods[key] = def[key];
    else fields[key] = def[key];
  }
  window.Component({
    data: def.data || {},
    behaviors: def.behaviors || [],
    methods,
    options: Object.assign({ multipleSlots: true }, def.options || {}),
    lifetimes: {
      created() {
        for (const key of Object.keys(fields)) this[key] = structuredCloneSafe(fields[key]);
      },
    },
  });
};

function structuredCloneSafe(value) {
  if (value === null || typeof value !== 'object') return value;
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

const loadedRoutes = new Map();

function loadRoute(route) {
  let id = loadedRoutes.get(route);
  if (!id) {
    id = window.simulate.load(`/${route}`, { rootPath: '/', compiler: 'official' });
    loadedRoutes.set(route, id);
  }
  return id;
}

/** `pages/a/index?x=1` or `../b/index` relative to `from` → { route, query }. */
export function parseUrl(url, from) {
  const [pathPart, queryPart = ''] = String(url).split('?');
  let route;
  if (pathPart.startsWith('/')) route = pathPart.slice(1);
  else {
    const parts = (from || '').split('/').slice(0, -1);
    for (const seg of pathPart.split('/')) {
      if (seg === '..') parts.pop();
      else if (seg && seg !== '.') parts.push(seg);
    }
    route = parts.join('/');
  }
  const query = {};
  for (const pair of queryPart.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    query[key] = eq < 0 ? '' : pair.slice(eq + 1);
  }
  return { route: route.replace(/\.(html|js|ts)$/, ''), query };
}

export function queryString(query) {
  return Object.keys(query)
    .map((k) => `${k}=${query[k]}`)
    .join('&');
}

function lifecycle(page, name, args) {
  const fn = page.inst[name];
  if (typeof fn === 'function') guard(`${page.route} ${name}`, fn, page.inst, args || []);
  if (name === 'onShow' || name === 'onHide') {
    try {
      page.comp.triggerPageLifeTime(name === 'onShow' ? 'show' : 'hide');
    } catch (err) {
      reportError(err, `${page.route} pageLifetimes.${name}`);
    }
  }
}

/** Creates the page's DOM and instance and runs onLoad (not onShow/onReady). */
function createPage(route, query) {
  const id = loadRoute(route);
  const comp = window.simulate.render(id);
  const el = document.createElement('div');
  el.className = 'sim-page';
  el.dataset.route = route;
  const scroller = document.createElement('div');
  scroller.className = 'sim-page-scroll';
  const refresh = document.createElement('div');
  refresh.className = 'sim-ptr';
  refresh.innerHTML = '<i></i><i></i><i></i>';
  const pageEl = document.createElement('page');
  scroller.append(refresh, pageEl);
  el.append(scroller);
  document.getElementById('sim-viewport').append(el);
  comp.attach(pageEl);
  const inst = comp.instance;
  inst.route = route;
  inst.__route__ = route;
  inst.options = Object.assign({}, query);
  const page = {
    route,
    query,
    inst,
    comp,
    el,
    scroller,
    pageEl,
    id: ++pageSeq,
    window: config.windows[route],
  };
  page.title = undefined; // setNavigationBarTitle overrides the json title
  inst.__simPage = page;
  for (const fn of listeners.created) guard('page listener', fn, undefined, [page]);
  return page;
}

function showOnly(top) {
  for (const page of stack) page.el.classList.toggle('sim-page--hidden', page !== top);
}

function destroy(page) {
  lifecycle(page, 'onUnload');
  try {
    page.comp.detach();
  } catch (err) {
    reportError(err, `${page.route} detach`);
  }
  page.el.remove();
}

function openPage(route, query) {
  const page = createPage(route, query);
  stack.push(page);
  showOnly(page);
  lifecycle(page, 'onLoad', [Object.assign({}, query)]);
  lifecycle(page, 'onShow');
  emitChange();
  // onReady after the first render has reached the screen
  track(
    new Promise((resolve) =>
      requestAnimationFrame(() => {
        if (stack.includes(page)) lifecycle(page, 'onReady');
        page.ready = true;
        resolve();
      }),
    ),
  );
  return page;
}

export function topPage() {
  return stack[stack.length - 1];
}

export function stackInfo() {
  return stack.map((p) => ({ route: p.route, query: Object.assign({}, p.query) }));
}

export function onStackChange(fn) {
  listeners.change.push(fn);
}

export function onPageCreated(fn) {
  listeners.created.push(fn);
}

function emitChange() {
  for (const fn of listeners.change) guard('stack listener', fn, undefined, [topPage()]);
}

function checkRoute(api, route) {
  if (!config.pages.includes(route)) throw { errMsg: `${api}:fail page "${route}" is not found` };
}

function isTab(route) {
  return config.tabBarPages.includes(route);
}

export const nav = {
  navigateTo(url) {
    const { route, query } = parseUrl(url, topPage() && topPage().route);
    checkRoute('navigateTo', route);
    if (isTab(route)) throw { errMsg: 'navigateTo:fail can not navigateTo a tabbar page' };
    if (stack.length >= MAX_STACK) throw { errMsg: 'navigateTo:fail webview count limit exceed' };
    const prev = topPage();
    if (prev) lifecycle(prev, 'onHide');
    openPage(route, query);
  },
  redirectTo(url) {
    const { route, query } = parseUrl(url, topPage() && topPage().route);
    checkRoute('redirectTo', route);
    if (isTab(route)) throw { errMsg: 'redirectTo:fail can not redirectTo a tabbar page' };
    const prev = stack.pop();
    if (prev) destroy(prev);
    openPage(route, query);
  },
  reLaunch(url) {
    const { route, query } = parseUrl(url, topPage() && topPage().route);
    checkRoute('reLaunch', route);
    while (stack.length) destroy(stack.pop());
    openPage(route, query);
  },
  switchTab(url) {
    const { route } = parseUrl(url, topPage() && topPage().route);
    checkRoute('switchTab', route);
    if (!isTab(route)) throw { errMsg: 'switchTab:fail can not switch to no-tabBar page' };
    while (stack.length) destroy(stack.pop());
    openPage(route, {});
  },
  navigateBack(delta) {
    const n = Math.max(1, Math.floor(Number(delta) || 1));
    if (stack.length <= 1) throw { errMsg: 'navigateBack:fail cannot navigate back at first page.' };
    const count = Math.min(n, stack.length - 1);
    for (let i = 0; i < count; i++) destroy(stack.pop());
    const top = topPage();
    showOnly(top);
    lifecycle(top, 'onShow');
    emitChange();
  },
  /** Restores a serialized stack (after a rebuild): every page loads, only the top one shows. */
  restore(entries) {
    entries.forEach((entry, index) => {
      if (index > 0) lifecycle(topPage(), 'onHide');
      openPage(entry.route, entry.query);
    });
  },
};

export function pageWindowFor(page) {
  const windows = page && (page.window || config.windows[page.route]);
  return windows ? windows[currentTheme()] : {};
}

export function allPages() {
  return stack.slice();
}

/** The page that owns an exparser/DOM node (for open-type="share" and selector queries). */
export function pageOfElement(el) {
  return stack.find((p) => p.el.contains(el)) || topPage();
}

export const frameContentHeight = FRAME.height - FRAME.statusBarHeight - FRAME.navBarHeight;
