// The simulator's browser runtime: loaded after miniprogram-simulate's browser build and before the
// compiled templates, the file map and the app bundle; window.__simBoot() starts the app.
import baseCss from './base.css';
import { installBuiltins } from './builtins';
import {
  applyThemeToChrome,
  buildPhone,
  installHistory,
  markRelaunched,
  renderNavBar,
  syncHistory,
  wirePage,
} from './chrome';
import { config, errors, idle, openid, pendingCount, reportError, showPanel, trackTransitions } from './core';
import { buildPanel } from './panel';
import { patchSelectorQuery } from './query';
import { launchApp, nav, onPageCreated, parseUrl, queryString, stackInfo, topPage } from './stack';
import { installTouch } from './touch';
import { installWx, launchOptions, setTheme } from './wx';

const STACK_KEY = 'sim:stack';
let resolveReady;
const ready = new Promise((resolve) => (resolveReady = resolve));

window.__sim = {
  ready,
  idle,
  pending: pendingCount,
  stack: () => stackInfo(),
  identity: () => openid,
  errors,
  theme: () => document.documentElement.dataset.simTheme,
  setTheme,
};

document.head.append(
  Object.assign(document.createElement('style'), { id: 'sim-base-css', textContent: baseCss }),
);
installWx();
installBuiltins();
installTouch();

function initialTheme() {
  const wanted = new URLSearchParams(location.search).get('theme') || sessionStorage.getItem('sim:theme');
  return wanted === 'dark' ? 'dark' : 'light';
}

/** Rebuilt: remember the stack, then reload (the server's event stream says when). */
function listenForRebuilds() {
  if (!window.EventSource) return;
  const events = new EventSource('/__sim/events');
  events.addEventListener('rebuilt', () => {
    sessionStorage.setItem(STACK_KEY, JSON.stringify({ hash: location.hash, stack: stackInfo() }));
    location.reload();
  });
  events.addEventListener('build-error', (e) => {
    console.warn(`[sim] rebuild failed, still showing the last good build:\n${e.data}`);
  });
}

function initialStack() {
  const saved = sessionStorage.getItem(STACK_KEY);
  sessionStorage.removeItem(STACK_KEY);
  const hash = location.hash.replace(/^#\/?/, '');
  if (saved) {
    try {
      const { hash: savedHash, stack } = JSON.parse(saved);
      const valid = stack.filter((e) => config.pages.includes(e.route));
      if (savedHash === location.hash && valid.length === stack.length && valid.length) return valid;
    } catch {
      // a stale or foreign value: open the hash alone
    }
  }
  if (hash) {
    const entry = parseUrl(`/${hash}`);
    if (config.pages.includes(entry.route)) return [entry];
    console.warn(`[sim] no page "${entry.route}" in app.json; opening ${config.entryPage}`);
  }
  return [{ route: config.entryPage, query: {} }];
}

window.__simBoot = function boot() {
  const started = performance.now();
  const { phone, chrome } = buildPhone(() => {
    const next = document.documentElement.dataset.simTheme === 'dark' ? 'light' : 'dark';
    sessionStorage.setItem('sim:theme', next);
    setTheme(next);
    applyThemeToChrome();
  });
  document.documentElement.dataset.simTheme = initialTheme();
  const root = document.getElementById('sim-root');
  const stage = document.createElement('div');
  stage.id = 'sim-stage';
  stage.append(chrome, phone);
  root.append(stage);
  if (showPanel) root.append(buildPanel());
  else document.body.classList.add('sim-no-panel');
  applyThemeToChrome();
  trackTransitions(phone);

  // compiled templates replace the file map's markers (simulate accepts precompiled functions)
  const fileMap = window.__FILE_MAP__;
  for (const key of Object.keys(fileMap)) {
    if (fileMap[key] && fileMap[key].wxml) fileMap[key] = window.__gwx(fileMap[key].wxml);
  }
  onPageCreated((page) => {
    wirePage(page);
    patchSelectorQuery(page.inst);
  });
  try {
    window.__simRunModule('app');
  } catch (err) {
    reportError(err, 'app.js');
  }
  const entries = initialStack();
  launchApp(Object.assign(launchOptions(), { path: entries[0].route, query: entries[0].query }));
  try {
    if (entries.length > 1) nav.restore(entries);
    else {
      const q = queryString(entries[0].query);
      nav.reLaunch(`/${entries[0].route}${q ? `?${q}` : ''}`);
    }
    // entered at a page other than the home page: WeChat offers a home button
    markRelaunched(true);
  } catch (err) {
    reportError(err, 'first page');
  }
  installHistory();
  syncHistory();
  renderNavBar();
  listenForRebuilds();
  const page = topPage();
  const whenReady = () => {
    window.__sim.bootMs = Math.round(performance.now() - started);
    resolveReady();
  };
  if (!page) whenReady();
  else {
    const check = () => (page.ready ? whenReady() : requestAnimationFrame(check));
    check();
  }
};
