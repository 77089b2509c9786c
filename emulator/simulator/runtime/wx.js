// The wx.* APIs our pages and tdesign call, on browser primitives. Anything else logs
// `[sim] wx.<name> is not implemented` once (window.wx is a Proxy over this table).
import {
  markRelaunched,
  pageScrollTo,
  renderNavBar,
  setNavColor,
  setNavLoading,
  setTitle,
  startPullDownRefresh,
  stopPullDownRefresh,
} from './chrome';
import {
  asyncApi,
  config,
  currentTheme,
  FRAME,
  guard,
  h,
  MENU_BUTTON,
  notImplemented,
  openid,
  track,
} from './core';
import { fs, registerFile, USER_DATA_PATH } from './files';
import { createSelectorQuery } from './query';
import { allPages, nav, topPage } from './stack';
import {
  bottomSheet,
  halfPanel,
  hideLoading,
  hideToast,
  showActionSheet,
  showLoading,
  showModal,
  showToast,
} from './ui';

export const BIND_APPID = 'wx97537671f13cd770';
/** getPhoneNumber's number for people without a demo phone. */
export const DEMO_PHONE = '13800138000';

const api = {};
const themeListeners = [];
const authSetting = { 'scope.writePhotosAlbum': true, 'scope.userInfo': true };
let clipboard = '';

// ---- system ---------------------------------------------------------------------------------------

function windowInfo() {
  const { width, height, statusBarHeight, pixelRatio, safeBottom } = FRAME;
  return {
    pixelRatio,
    screenWidth: width,
    screenHeight: height,
    windowWidth: width,
    windowHeight: height - statusBarHeight - FRAME.navBarHeight,
    statusBarHeight,
    screenTop: statusBarHeight + FRAME.navBarHeight,
    safeArea: {
      left: 0,
      right: width,
      top: statusBarHeight,
      bottom: height - safeBottom,
      width,
      height: height - statusBarHeight - safeBottom,
    },
  };
}

function deviceInfo() {
  return {
    brand: 'devtools',
    model: 'iPhone X',
    system: 'iOS 16.0',
    platform: 'devtools',
    benchmarkLevel: 1,
    abi: 'x86_64',
    cpuType: 'x86_64',
    memorySize: 4096,
  };
}

function appBaseInfo() {
  return {
    SDKVersion: '3.7.0',
    enableDebug: false,
    host: { appId: '' },
    language: 'zh_CN',
    version: '8.0.50',
    theme: currentTheme(),
    fontSizeSetting: 16,
  };
}

function systemSetting() {
  return { bluetoothEnabled: false, locationEnabled: true, wifiEnabled: true, deviceOrientation: 'portrait' };
}

Object.assign(api, {
  getWindowInfo: windowInfo,
  getDeviceInfo: deviceInfo,
  getAppBaseInfo: appBaseInfo,
  getSystemSetting: systemSetting,
  getSystemInfoSync: () =>
    Object.assign({}, windowInfo(), deviceInfo(), appBaseInfo(), systemSetting(), { fontSizeSetting: 16 }),
  getSystemInfo: (o) => asyncApi('getSystemInfo', o, () => api.getSystemInfoSync()),
  getSystemInfoAsync: (o) => asyncApi('getSystemInfoAsync', o, () => api.getSystemInfoSync()),
  getAppAuthorizeSetting: () => ({
    albumAuthorized: authSetting['scope.writePhotosAlbum'] ? 'authorized' : 'denied',
    cameraAuthorized: 'not determined',
    locationAuthorized: 'not determined',
    microphoneAuthorized: 'not determined',
    notificationAuthorized: 'authorized',
    phoneCalendarAuthorized: 'not determined',
  }),
  getMenuButtonBoundingClientRect: () => Object.assign({}, MENU_BUTTON),
  onMenuButtonBoundingClientRectWeightChange() {},
  offMenuButtonBoundingClientRectWeightChange() {},
  getAccountInfoSync: () => ({
    miniProgram: { appId: config.appid, envVersion: 'develop', version: '' },
    plugin: {},
  }),
  getLaunchOptionsSync: () => launchOptions(),
  getEnterOptionsSync: () => launchOptions(),
  canIUse: () => true,
  env: { USER_DATA_PATH },
  onThemeChange: (fn) => themeListeners.push(fn),
  offThemeChange: (fn) => {
    const i = themeListeners.indexOf(fn);
    if (i >= 0) themeListeners.splice(i, 1);
  },
  nextTick: (fn) => Promise.resolve().then(() => guard('wx.nextTick', fn)),
  vibrateShort: (o) => asyncApi('vibrateShort', o, () => ({})),
  vibrateLong: (o) => asyncApi('vibrateLong', o, () => ({})),
  hideKeyboard: (o) =>
    asyncApi('hideKeyboard', o, () => {
      if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
      return {};
    }),
  login: (o) => asyncApi('login', o, () => ({ code: `sim${Math.random().toString(36).slice(2, 14)}` })),
  createSelectorQuery: () => createSelectorQuery(),
  getFileSystemManager: () => fs,
});

export function launchOptions() {
  const first = allPages()[0];
  return {
    path: first ? first.route : config.entryPage,
    query: first ? Object.assign({}, first.query) : {},
    scene: 1001,
    referrerInfo: {},
    apiCategory: 'default',
  };
}

/** Flips the frame's theme: CSS, navigation bar, getSystemInfoSync().theme, onThemeChange callbacks. */
export function setTheme(theme) {
  const next = theme === 'dark' ? 'dark' : 'light';
  if (document.documentElement.dataset.simTheme === next) return;
  document.documentElement.dataset.simTheme = next;
  renderNavBar();
  for (const fn of themeListeners.slice())
    guard('wx.onThemeChange callback', fn, undefined, [{ theme: next }]);
  const app = window.getApp();
  if (app && typeof app.onThemeChange === 'function')
    guard('App.onThemeChange', app.onThemeChange, app, [{ theme: next }]);
}

// ---- navigation -----------------------------------------------------------------------------------

for (const name of ['navigateTo', 'redirectTo', 'reLaunch', 'switchTab']) {
  api[name] = (o) =>
    asyncApi(name, o, () => {
      if (!o || !o.url) throw { errMsg: `${name}:fail parameter error: parameter.url should be String` };
      if (name === 'reLaunch' || name === 'redirectTo') markRelaunched(true);
      nav[name](o.url);
      return name === 'navigateTo' ? { eventChannel: { emit() {}, on() {}, once() {}, off() {} } } : {};
    });
}
api.navigateBack = (o) => asyncApi('navigateBack', o, () => nav.navigateBack((o && o.delta) || 1));

function pageOrFail(name) {
  const page = topPage();
  if (!page) throw { errMsg: `${name}:fail no page` };
  return page;
}

Object.assign(api, {
  setNavigationBarTitle: (o) =>
    asyncApi('setNavigationBarTitle', o, () => setTitle(pageOrFail('setNavigationBarTitle'), o.title)),
  setNavigationBarColor: (o) =>
    asyncApi('setNavigationBarColor', o, () =>
      setNavColor(pageOrFail('setNavigationBarColor'), o.frontColor, o.backgroundColor),
    ),
  showNavigationBarLoading: (o) => asyncApi('showNavigationBarLoading', o, () => setNavLoading(true)),
  hideNavigationBarLoading: (o) => asyncApi('hideNavigationBarLoading', o, () => setNavLoading(false)),
  hideHomeButton: (o) => asyncApi('hideHomeButton', o, () => markRelaunched(false)),
  startPullDownRefresh: (o) =>
    asyncApi('startPullDownRefresh', o, () => startPullDownRefresh(pageOrFail('startPullDownRefresh'))),
  stopPullDownRefresh: (o) => asyncApi('stopPullDownRefresh', o, () => stopPullDownRefresh(topPage())),
  pageScrollTo: (o) => asyncApi('pageScrollTo', o, () => pageScrollTo(pageOrFail('pageScrollTo'), o || {})),
});

// ---- interaction ----------------------------------------------------------------------------------

Object.assign(api, {
  showToast: (o) => asyncApi('showToast', o, () => showToast(o || {})),
  hideToast: (o) => asyncApi('hideToast', o, () => hideToast()),
  showLoading: (o) => asyncApi('showLoading', o, () => showLoading(o || {})),
  hideLoading: (o) => asyncApi('hideLoading', o, () => hideLoading()),
  showModal: (o) => asyncApi('showModal', o, () => showModal(o || {})),
  showActionSheet: (o) =>
    asyncApi('showActionSheet', o, async () => {
      const index = await showActionSheet(o || {});
      if (index === undefined) throw { errMsg: 'showActionSheet:fail cancel' };
      return { tapIndex: index };
    }),
  enableAlertBeforeUnload: (o) => asyncApi('enableAlertBeforeUnload', o, () => ({})),
  disableAlertBeforeUnload: (o) => asyncApi('disableAlertBeforeUnload', o, () => ({})),
  showShareMenu: (o) => asyncApi('showShareMenu', o, () => ({})),
  hideShareMenu: (o) => asyncApi('hideShareMenu', o, () => ({})),
  updateShareMenu: (o) => asyncApi('updateShareMenu', o, () => ({})),
  makePhoneCall: (o) =>
    asyncApi('makePhoneCall', o, async () => {
      const called = await halfPanel('sim-phone-call', '拨打电话', (close) => [
        h('div', { class: 'sim-panel-text', text: `将呼叫 ${o.phoneNumber}` }),
        h('div', { class: 'sim-panel-note', text: '模拟器不会真的拨号。' }),
        h(
          'div',
          { class: 'sim-panel-actions' },
          h('button', { type: 'button', class: 'sim-btn', text: '取消', onclick: () => close(false) }),
          h('button', {
            type: 'button',
            class: 'sim-btn sim-btn--primary',
            'data-sim-call': 'confirm',
            text: '呼叫',
            onclick: () => close(true),
          }),
        ),
      ]);
      if (!called) throw { errMsg: 'makePhoneCall:fail cancel' };
      return {};
    }),
});

// ---- storage (localStorage, one namespace per app and WeChat user) ---------------------------------

const STORAGE_PREFIX = `wxstorage:${config.appid}:${openid}:`;
const storageKeys = () => Object.keys(localStorage).filter((k) => k.startsWith(STORAGE_PREFIX));

function setStorage(key, data) {
  if (typeof key !== 'string' || !key)
    throw { errMsg: 'setStorage:fail parameter error: key should be a non-empty String' };
  const text = JSON.stringify({ v: data === undefined ? null : data });
  if (text.length > 1024 * 1024) throw { errMsg: 'setStorage:fail exceed storage item max length' };
  localStorage.setItem(STORAGE_PREFIX + key, text);
}

function getStorage(key) {
  const raw = localStorage.getItem(STORAGE_PREFIX + key);
  return raw === null ? undefined : JSON.parse(raw).v;
}

function storageInfo() {
  const keys = storageKeys();
  const bytes = keys.reduce((n, k) => n + k.length + (localStorage.getItem(k) || '').length, 0);
  return {
    keys: keys.map((k) => k.slice(STORAGE_PREFIX.length)),
    currentSize: Math.ceil(bytes / 1024),
    limitSize: 10240,
  };
}

Object.assign(api, {
  setStorageSync: (key, data) => setStorage(key, data),
  getStorageSync: (key) => {
    const v = getStorage(key);
    return v === undefined ? '' : v;
  },
  removeStorageSync: (key) => localStorage.removeItem(STORAGE_PREFIX + key),
  clearStorageSync: () => storageKeys().forEach((k) => localStorage.removeItem(k)),
  getStorageInfoSync: storageInfo,
  setStorage: (o) => asyncApi('setStorage', o, () => setStorage(o.key, o.data)),
  getStorage: (o) =>
    asyncApi('getStorage', o, () => {
      const v = getStorage(o.key);
      if (v === undefined) throw { errMsg: 'getStorage:fail data not found' };
      return { data: v };
    }),
  removeStorage: (o) => asyncApi('removeStorage', o, () => localStorage.removeItem(STORAGE_PREFIX + o.key)),
  clearStorage: (o) => asyncApi('clearStorage', o, () => api.clearStorageSync()),
  getStorageInfo: (o) => asyncApi('getStorageInfo', o, storageInfo),
});

// ---- clipboard ------------------------------------------------------------------------------------

Object.assign(api, {
  setClipboardData: (o) =>
    asyncApi('setClipboardData', o, async () => {
      clipboard = String(o.data);
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(clipboard).catch(() => undefined);
      }
      showToast({ title: '内容已复制', icon: 'none', duration: 1500 });
      return {};
    }),
  getClipboardData: (o) => asyncApi('getClipboardData', o, () => ({ data: clipboard })),
});

// ---- files, album, settings -----------------------------------------------------------------------

function mimeOf(path) {
  const ext = path.split('.').pop().toLowerCase();
  return (
    {
      png: 'image/png',
      jpg: 'image/jpeg',
      jpeg: 'image/jpeg',
      gif: 'image/gif',
      csv: 'text/csv',
      txt: 'text/plain',
    }[ext] || 'application/octet-stream'
  );
}

export const downloads = [];

Object.assign(api, {
  saveImageToPhotosAlbum: (o) =>
    asyncApi('saveImageToPhotosAlbum', o, () => {
      if (!authSetting['scope.writePhotosAlbum']) throw { errMsg: 'saveImageToPhotosAlbum:fail auth deny' };
      const bytes = fs.bytesOf(o.filePath);
      if (!bytes) throw { errMsg: `saveImageToPhotosAlbum:fail file not exists ${o.filePath}` };
      const name = o.filePath.split('/').pop();
      const url = URL.createObjectURL(new Blob([bytes], { type: mimeOf(name) }));
      const a = h('a', { href: url, download: name, style: { display: 'none' } });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      downloads.push(name);
      return {};
    }),
  getSetting: (o) => asyncApi('getSetting', o, () => ({ authSetting: Object.assign({}, authSetting) })),
  authorize: (o) =>
    asyncApi('authorize', o, () => {
      if (authSetting[o.scope] === false) throw { errMsg: 'authorize:fail auth deny' };
      authSetting[o.scope] = true;
      return {};
    }),
  openSetting: (o) =>
    asyncApi('openSetting', o, async () => {
      await halfPanel('sim-setting', '设置', () => {
        const box = h('input', { type: 'checkbox', 'data-sim-setting': 'scope.writePhotosAlbum' });
        box.checked = !!authSetting['scope.writePhotosAlbum'];
        box.addEventListener('change', () => (authSetting['scope.writePhotosAlbum'] = box.checked));
        return [h('label', { class: 'sim-setting-row' }, h('span', { text: '保存到相册' }), box)];
      });
      return { authSetting: Object.assign({}, authSetting) };
    }),
  chooseMessageFile: (o) =>
    asyncApi('chooseMessageFile', o, async () => {
      const count = Math.max(1, Math.min(100, Number(o && o.count) || 1));
      const extension = (o && o.extension) || [];
      const picked = await bottomSheet('sim-file-picker', (close) => {
        const input = h('input', {
          type: 'file',
          id: 'sim-file-input',
          multiple: count > 1,
          accept: extension.map((e) => `.${String(e).replace(/^\./, '')}`).join(',') || undefined,
        });
        input.addEventListener('change', () => close(Array.from(input.files || []).slice(0, count)));
        return [
          h('div', { class: 'sim-panel-title', text: '从聊天中选择文件' }),
          h('label', { class: 'sim-file-label' }, h('span', { text: '选择文件…' }), input),
          h('button', {
            type: 'button',
            class: 'sim-sheet-item',
            text: '取消',
            onclick: () => close(undefined),
          }),
        ];
      });
      if (!picked || !picked.length) throw { errMsg: 'chooseMessageFile:fail cancel' };
      const tempFiles = [];
      for (const file of picked) {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const path = registerFile(file.name, bytes);
        tempFiles.push({
          path,
          name: file.name,
          size: file.size,
          type: 'file',
          time: Math.floor(file.lastModified / 1000),
        });
      }
      return { tempFiles };
    }),
  requestSubscribeMessage: (o) =>
    asyncApi('requestSubscribeMessage', o, async () => {
      const ids = (o && o.tmplIds) || [];
      if (!ids.length) throw { errMsg: 'requestSubscribeMessage:fail TmplIds can not be empty' };
      const choices = {};
      ids.forEach((id) => (choices[id] = 'accept'));
      const ok = await halfPanel('sim-subscribe', '订阅消息', (close) => [
        h('div', { class: 'sim-panel-text', text: '小程序申请向你发送以下消息：' }),
        ...ids.map((id) => {
          const box = h('input', { type: 'checkbox', 'data-sim-subscribe': id });
          box.checked = true;
          box.addEventListener('change', () => (choices[id] = box.checked ? 'accept' : 'reject'));
          return h('label', { class: 'sim-setting-row' }, h('span', { text: id }), box);
        }),
        h(
          'div',
          { class: 'sim-panel-actions' },
          h('button', {
            type: 'button',
            class: 'sim-btn',
            'data-sim-subscribe-action': 'reject',
            text: '拒绝',
            onclick: () => close(false),
          }),
          h('button', {
            type: 'button',
            class: 'sim-btn sim-btn--primary',
            'data-sim-subscribe-action': 'allow',
            text: '允许',
            onclick: () => close(true),
          }),
        ),
      ]);
      if (!ok) ids.forEach((id) => (choices[id] = 'reject'));
      // each acceptance allows one message: tell the WeChat stand-in (an older one without the endpoint is fine)
      await Promise.all(
        ids
          .filter((id) => choices[id] === 'accept')
          .map((templateId) =>
            fetch('/__sim/wechat/subscriptions', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ openid, templateId, accept: 1 }),
            }).catch(() => undefined),
          ),
      );
      return choices;
    }),
});

// ---- embedded mini programs (WeChat's bind mini program) ------------------------------------------

/** Plays WeChat's half-screen bind mini program; 同意 authorizes the current identity in the stand-in. */
function bindPanel(options) {
  return halfPanel('sim-bind-panel', '微信推广员授权', (close) => {
    const status = h('div', { class: 'sim-panel-note', 'data-sim-bind-status': '' });
    const agree = h('button', {
      type: 'button',
      class: 'sim-btn sim-btn--primary',
      'data-sim-bind': 'authorize',
      text: '同意',
      onclick: async () => {
        agree.disabled = true;
        status.textContent = '正在授权…';
        try {
          const res = await track(
            fetch('/__sim/wechat/bind', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ openid, action: 'authorize' }),
            }),
          );
          const body = await res.json().catch(() => ({}));
          if (!res.ok) throw new Error(body.error || body.errmsg || `HTTP ${res.status}`);
          close('authorized');
        } catch (err) {
          agree.disabled = false;
          status.textContent = `授权失败：${err.message}`;
        }
      },
    });
    return [
      h('div', { class: 'sim-bind-logo', text: '微' }),
      h('div', { class: 'sim-panel-text', text: '该小程序申请将你设为它的推广员' }),
      h(
        'ul',
        { class: 'sim-bind-list' },
        h('li', { text: '你的推广员身份将与该商家绑定' }),
        h('li', { text: '商家可以看到你的推广数据（触达、订单）' }),
      ),
      h('div', { class: 'sim-panel-note', text: `页面：${options.path || '(首页)'}` }),
      status,
      h(
        'div',
        { class: 'sim-panel-actions' },
        h('button', {
          type: 'button',
          class: 'sim-btn',
          'data-sim-bind': 'reject',
          text: '拒绝',
          onclick: () => close('rejected'),
        }),
        agree,
      ),
    ];
  });
}

api.openEmbeddedMiniProgram = (o) => {
  const options = o || {};
  const page = topPage();
  // back from the embedded mini program (after the success callback): App.onShow and the page's onShow
  const returnToCaller = () => {
    const app = window.getApp();
    if (app && typeof app.onShow === 'function') guard('App.onShow', app.onShow, app, [launchOptions()]);
    if (page && topPage() === page && typeof page.inst.onShow === 'function')
      guard(`${page.route} onShow`, page.inst.onShow, page.inst);
  };
  return asyncApi('openEmbeddedMiniProgram', options, async () => {
    if (!options.appId) throw { errMsg: 'openEmbeddedMiniProgram:fail parameter error: appId' };
    // The caller goes to the background while the half-screen mini program is up.
    if (page && typeof page.inst.onHide === 'function')
      guard(`${page.route} onHide`, page.inst.onHide, page.inst);
    try {
      if (options.appId === BIND_APPID) await bindPanel(options);
      else {
        await halfPanel('sim-embedded', '小程序', () => [
          h('div', { class: 'sim-panel-text', text: `将打开小程序 ${options.appId}` }),
          h('div', {
            class: 'sim-panel-note',
            text: `页面：${options.path || '(首页)'}；模拟器只模拟微信的推广员授权小程序。`,
          }),
        ]);
      }
    } finally {
      setTimeout(returnToCaller, 0);
    }
    return {};
  });
};
api.navigateToMiniProgram = (o) =>
  asyncApi('navigateToMiniProgram', o, () => {
    throw { errMsg: 'navigateToMiniProgram:fail the simulator cannot leave this mini program' };
  });

// ---- cloud ----------------------------------------------------------------------------------------

let requestSeq = 0;

api.cloud = {
  init: () => undefined,
  callFunction(o) {
    const options = o || {};
    return asyncApi('cloud.callFunction', options, async () => {
      if (!options.name) throw { errMsg: 'cloud.callFunction:fail parameter error: name' };
      let res;
      try {
        res = await fetch(`/__sim/cloud/${encodeURIComponent(options.name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ openid, data: options.data || {} }),
        });
      } catch (err) {
        throw { errMsg: `cloud.callFunction:fail ${err.message}` };
      }
      const body = await res.json().catch(() => ({}));
      if (!res.ok || body.errMsg !== 'cloud.callFunction:ok') {
        throw { errMsg: body.errMsg || `cloud.callFunction:fail HTTP ${res.status}`, errCode: body.errCode };
      }
      requestSeq += 1;
      return {
        result: body.result,
        errMsg: 'cloud.callFunction:ok',
        requestID: `sim-${Date.now().toString(36)}-${requestSeq}`,
      };
    });
  },
};

// ---- everything else ------------------------------------------------------------------------------

/** window.wx: the table above, simulate's animation API, and a not-implemented logger for the rest. */
export function installWx() {
  const simWx = window.wx || {};
  if (typeof simWx.createAnimation === 'function') api.createAnimation = simWx.createAnimation;
  const stubs = new Map();
  window.wx = new Proxy(api, {
    get(target, name) {
      if (name in target) return target[name];
      if (typeof name !== 'string' || name === 'then' || name.startsWith('__')) return undefined;
      if (!stubs.has(name)) {
        stubs.set(name, (o) => {
          notImplemented(`wx.${name}`);
          const err = { errMsg: `${name}:fail not supported in the simulator` };
          if (o && (o.fail || o.complete)) {
            if (o.fail) o.fail(err);
            if (o.complete) o.complete(err);
            return undefined;
          }
          return Promise.reject(err);
        });
      }
      return stubs.get(name);
    },
  });
}

export { api as wxApi };
