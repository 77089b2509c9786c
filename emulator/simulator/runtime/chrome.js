// The phone's chrome: status bar, navigation bar (title, back, home, colours from the window config),
// pull-down refresh, onReachBottom, and the browser's back button and address (the hash follows the top page).
import { config, currentTheme, guard, h, track } from './core';
import { allPages, nav, onStackChange, pageWindowFor, queryString, topPage } from './stack';

const PULL_TRIGGER = 50; // px of pull that starts a refresh
const PULL_HOLD = 48; // px the refreshing page stays pulled down
let relaunched = false;

export function buildPhone(onThemeToggle) {
  const time = h('span', { class: 'sim-status-time', text: '9:41' });
  const phone = h(
    'div',
    { id: 'sim-phone' },
    h(
      'div',
      { id: 'sim-statusbar' },
      time,
      h(
        'span',
        { class: 'sim-status-icons' },
        h('i', { class: 'sim-signal' }),
        h('span', { text: '100%' }),
        h('i', { class: 'sim-battery' }),
      ),
    ),
    h(
      'div',
      { id: 'sim-navbar' },
      h('button', { id: 'sim-nav-back', type: 'button', 'aria-label': '返回', onclick: () => backButton() }),
      h('button', { id: 'sim-nav-home', type: 'button', 'aria-label': '首页', onclick: () => homeButton() }),
      h('div', { id: 'sim-nav-title' }),
      h('div', { id: 'sim-nav-loading', class: 'sim-spinner' }),
      h(
        'div',
        { id: 'sim-capsule' },
        h('span', { class: 'sim-capsule-dots' }),
        h('span', { class: 'sim-capsule-close' }),
      ),
    ),
    h('div', { id: 'sim-viewport' }),
    h('div', { id: 'sim-overlays' }),
  );
  const toggle = h('button', { id: 'sim-theme-toggle', type: 'button', onclick: onThemeToggle });
  const chrome = h('div', { id: 'sim-chrome-bar' }, toggle);
  return { phone, chrome, toggle };
}

const titles = new Map(); // page id → title set by setNavigationBarTitle
const colors = new Map(); // page id → { frontColor, backgroundColor } from setNavigationBarColor

export function setTitle(page, title) {
  titles.set(page.id, String(title));
  if (page === topPage()) renderNavBar();
}

export function setNavColor(page, front, back) {
  colors.set(page.id, { frontColor: front, backgroundColor: back });
  if (page === topPage()) renderNavBar();
}

export function setNavLoading(on) {
  document.getElementById('sim-nav-loading').classList.toggle('sim-on', !!on);
}

/** Draws the navigation bar for the top page in the current theme. */
export function renderNavBar() {
  const page = topPage();
  if (!page) return;
  const win = pageWindowFor(page);
  const custom = colors.get(page.id);
  const bar = document.getElementById('sim-navbar');
  const bg = (custom && custom.backgroundColor) || win.navigationBarBackgroundColor || '#000000';
  const front =
    (custom && custom.frontColor) || (win.navigationBarTextStyle === 'white' ? '#ffffff' : '#000000');
  bar.style.backgroundColor = bg;
  bar.style.color = front;
  document.getElementById('sim-statusbar').style.backgroundColor = bg;
  document.getElementById('sim-statusbar').style.color = front;
  bar.classList.toggle('sim-navbar--custom', win.navigationStyle === 'custom');
  document.getElementById('sim-nav-title').textContent = titles.has(page.id)
    ? titles.get(page.id)
    : win.navigationBarTitleText || '';
  const pages = allPages();
  const depth = pages.length;
  document.getElementById('sim-nav-back').hidden = depth <= 1;
  // WeChat shows a home button when the only page is not the home page after reLaunch/redirect
  document.getElementById('sim-nav-home').hidden = !(
    depth === 1 &&
    relaunched &&
    page.route !== config.entryPage
  );
  document.getElementById('sim-viewport').style.backgroundColor = win.backgroundColor || '';
  for (const p of pages) p.el.style.setProperty('--sim-bg', pageWindowFor(p).backgroundColor || '');
  document.querySelector('#sim-phone').dataset.textStyle = win.backgroundTextStyle || 'dark';
}

export function markRelaunched(on) {
  relaunched = on;
}

function backButton() {
  if (allPages().length > 1) nav.navigateBack(1);
}

function homeButton() {
  relaunched = false;
  nav.reLaunch(`/${config.entryPage}`);
}

// ---- address bar and the browser's back button ----------------------------------------------------

export function hashOf(entry) {
  const q = queryString(entry.query);
  return `#/${entry.route}${q ? `?${q}` : ''}`;
}

let guardPushed = false;

/** The hash always names the top page; one extra history entry lets the browser's back pop a page. */
export function syncHistory() {
  const page = topPage();
  if (!page) return;
  const hash = hashOf(page);
  if (allPages().length > 1 && !guardPushed) {
    history.pushState({ sim: 'top' }, '', hash);
    guardPushed = true;
  } else {
    history.replaceState(history.state, '', hash);
  }
}

export function installHistory() {
  history.replaceState({ sim: guardPushed ? 'top' : 'base' }, '', location.href);
  window.addEventListener('popstate', () => {
    guardPushed = false;
    if (allPages().length > 1) {
      nav.navigateBack(1);
      syncHistory();
    }
  });
  window.addEventListener('hashchange', () => {
    // someone typed a new address: open it as a fresh launch
    const wanted = location.hash.replace(/^#\/?/, '');
    const page = topPage();
    if (page && wanted === hashOf(page).replace(/^#\/?/, '')) return;
    const route = wanted.split('?')[0];
    if (config.pages.includes(route)) nav.reLaunch(`/${wanted}`);
  });
  onStackChange(() => {
    syncHistory();
    renderNavBar();
  });
}

// ---- pull-down refresh and reach-bottom -------------------------------------------------------------

export function startPullDownRefresh(page) {
  if (!page || page.refreshing) return;
  page.refreshing = true;
  page.el.classList.add('sim-refreshing');
  page.scroller.style.setProperty('--sim-pull', `${PULL_HOLD}px`);
  page.scroller.scrollTop = 0;
  const fn = page.inst.onPullDownRefresh;
  if (typeof fn === 'function') guard(`${page.route} onPullDownRefresh`, fn, page.inst);
}

export function stopPullDownRefresh(page) {
  if (!page) return;
  page.refreshing = false;
  page.el.classList.remove('sim-refreshing');
  page.scroller.style.setProperty('--sim-pull', '0px');
}

/** Wires a new page's scroller: pull to refresh (mouse or touch) and onReachBottom. */
export function wirePage(page) {
  const win = () => pageWindowFor(page);
  const scroller = page.scroller;
  let startY = null;
  let pulled = 0;
  const begin = (y) => {
    if (scroller.scrollTop <= 0 && win().enablePullDownRefresh && !page.refreshing) {
      startY = y;
      pulled = 0;
    }
  };
  const move = (y) => {
    if (startY === null) return;
    pulled = Math.max(0, Math.min(120, (y - startY) * 0.6));
    scroller.classList.add('sim-pulling');
    scroller.style.setProperty('--sim-pull', `${pulled}px`);
  };
  const end = () => {
    if (startY === null) return;
    startY = null;
    scroller.classList.remove('sim-pulling');
    if (pulled >= PULL_TRIGGER) startPullDownRefresh(page);
    else scroller.style.setProperty('--sim-pull', '0px');
  };
  scroller.addEventListener('touchstart', (e) => begin(e.touches[0] ? e.touches[0].clientY : 0), {
    passive: true,
  });
  scroller.addEventListener('touchmove', (e) => e.touches[0] && move(e.touches[0].clientY), {
    passive: true,
  });
  scroller.addEventListener('touchend', end);
  scroller.addEventListener('touchcancel', end);

  let armed = true;
  scroller.addEventListener(
    'scroll',
    () => {
      const distance = win().onReachBottomDistance === undefined ? 50 : Number(win().onReachBottomDistance);
      const gap = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
      if (gap <= distance) {
        if (armed) {
          armed = false;
          const fn = page.inst.onReachBottom;
          if (typeof fn === 'function') guard(`${page.route} onReachBottom`, fn, page.inst);
        }
      } else armed = true;
      const onScroll = page.inst.onPageScroll;
      if (typeof onScroll === 'function')
        guard(`${page.route} onPageScroll`, onScroll, page.inst, [{ scrollTop: scroller.scrollTop }]);
    },
    { passive: true },
  );
}

/** wx.pageScrollTo on the top page: scrollTop or a selector, with an optional duration. */
export function pageScrollTo(page, options) {
  const scroller = page.scroller;
  let top = options.scrollTop;
  if (options.selector) {
    const target = findBySelector(page, options.selector);
    if (!target) throw { errMsg: `pageScrollTo:fail selector ${options.selector} not found` };
    top =
      target.getBoundingClientRect().top -
      scroller.getBoundingClientRect().top +
      scroller.scrollTop +
      (options.offsetTop || 0);
  }
  const duration = options.duration === undefined ? 300 : Number(options.duration);
  scroller.scrollTo({ top: Number(top) || 0, behavior: duration > 0 ? 'smooth' : 'auto' });
  return track(new Promise((resolve) => setTimeout(resolve, Math.min(duration, 400))));
}

/** A selector of the page's own WXML (class names as written) → the DOM element. */
export function findBySelector(page, selector) {
  const root = page.comp._exparserNode.shadowRoot;
  const node = root && root.querySelector(selector);
  return node ? node.$$ : null;
}

export function applyThemeToChrome() {
  document.getElementById('sim-theme-toggle').textContent = currentTheme() === 'dark' ? '☾ 深色' : '☀ 浅色';
  renderNavBar();
}
