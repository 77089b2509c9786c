// WeChat's built-in components. miniprogram-simulate registers every built-in as an empty `<slot/>` shell
// (wx-view, wx-input…). Here the ones our pages and tdesign use are registered again with their
// properties, real DOM (an <input>, an <img>…) and events sent back into exparser, so page handlers run as
// on a phone. A built-in that is still a shell logs `[sim] built-in <tag> is not implemented` when it
// renders, so a page that needs one fails the end-to-end suite instead of showing a blank.
import { config, guard, h, notImplemented, openid, track } from './core';
import { fs } from './files';
import { pageOfElement } from './stack';
import { halfPanel, showPickerSheet } from './ui';
import { DEMO_PHONE } from './wx';

const exparser = () => window.__simExparser;

/** Tags that render as themselves (containers) and need nothing more. */
const CONTAINERS = [
  'view',
  'cover-view',
  'label',
  'block',
  'slot',
  'match-media',
  'page-meta',
  'navigation-bar',
  'root-portal',
];
/** Tags implemented below. */
const IMPLEMENTED = new Set(CONTAINERS);

/** Every built-in simulate registers (miniprogram-simulate/src/definition.js). */
const OFFICIAL = [
  'cover-image',
  'cover-view',
  'grid-view',
  'list-view',
  'match-media',
  'movable-area',
  'movable-view',
  'page-container',
  'root-portal',
  'scroll-view',
  'share-element',
  'sticky-header',
  'sticky-section',
  'swiper',
  'swiper-item',
  'view',
  'icon',
  'progress',
  'rich-text',
  'text',
  'button',
  'checkbox',
  'checkbox-group',
  'editor',
  'form',
  'input',
  'keyboard-accessory',
  'label',
  'picker',
  'picker-view',
  'picker-view-column',
  'radio',
  'radio-group',
  'slider',
  'switch',
  'textarea',
  'functional-page-navigator',
  'navigator',
  'audio',
  'camera',
  'channel-live',
  'channel-video',
  'image',
  'live-player',
  'live-pusher',
  'video',
  'voip-room',
  'map',
  'canvas',
  'web-view',
  'ad',
  'ad-custom',
  'official-account',
  'open-data',
  'navigation-bar',
  'page-meta',
];

/** The registry, for tests and the README: which built-ins work, which are shells. */
export function builtinRegistry() {
  return { implemented: [...IMPLEMENTED].sort(), shells: OFFICIAL.filter((t) => !IMPLEMENTED.has(t)).sort() };
}

/** Sends a WeChat event from a built-in's node; `onReturn` gets what the page handler returned. */
export function fire(node, name, detail, { bubbles = false, onReturn } = {}) {
  const ex = exparser();
  const ev = ex.Event.create(name, detail || {}, { bubbles, composed: bubbles, capturePhase: bubbles });
  if (onReturn) ev.__simOnReturn = onReturn;
  ex.Event.dispatchEvent(node, ev);
}

/**
 * Registers a built-in. `mount(node, el)` runs when it is attached (node: exparser node, el: its DOM
 * element) and returns `sync(data)` to call whenever a property changes.
 */
function define(name, properties, mount) {
  IMPLEMENTED.add(name);
  window.simulate.load({
    id: name,
    tagName: `wx-${name}`,
    template: '<slot/>',
    properties,
    observers: {
      '**'() {
        const node = this._exparserNode;
        if (node.__simSync) guard(`built-in ${name}`, node.__simSync, undefined, [node.data]);
      },
    },
    lifetimes: {
      attached() {
        const node = this._exparserNode;
        if (node.__simMounted) return;
        node.__simMounted = true;
        const sync = guard(`built-in ${name}`, mount, undefined, [node, node.$$]);
        if (typeof sync === 'function') {
          node.__simSync = sync;
          guard(`built-in ${name}`, sync, undefined, [node.data]);
        }
      },
    },
  });
}

function shell(name) {
  window.simulate.load({
    id: name,
    tagName: `wx-${name}`,
    template: '<slot/>',
    lifetimes: {
      attached() {
        notImplemented(`built-in ${name}`);
      },
    },
  });
}

const toggleAttr = (el, name, on) => (on ? el.setAttribute(name, '') : el.removeAttribute(name));

/** The exparser 'tap' on a node (j-component turns touchstart/touchend into it). */
function onTap(node, fn) {
  node.addListener('tap', (e) => guard('tap', fn, undefined, [e]));
}

// ---- input / textarea ---------------------------------------------------------------------------

const FILTERS = {
  number: /[^0-9]/g,
  digit: /[^0-9.]/g,
  idcard: /[^0-9xX]/g,
};

function textField(name, multiline) {
  const props = {
    value: { type: String, value: '' },
    type: { type: String, value: 'text' },
    password: Boolean,
    placeholder: String,
    placeholderStyle: String,
    placeholderClass: String,
    disabled: Boolean,
    maxlength: { type: Number, value: 140 },
    focus: Boolean,
    autoFocus: Boolean,
    autoHeight: Boolean,
    confirmType: { type: String, value: multiline ? 'return' : 'done' },
    name: String,
  };
  define(name, props, (node, el) => {
    const field = multiline
      ? h('textarea', { class: 'sim-field', rows: 1 })
      : h('input', { class: 'sim-field' });
    el.append(field);
    let last = '';
    const limit = () => {
      const max = node.data.maxlength;
      return typeof max === 'number' && max >= 0 ? max : Infinity;
    };
    const clean = (value) => {
      let v = value;
      const filter = !multiline && FILTERS[node.data.type];
      if (filter) v = v.replace(filter, '');
      if (v.length > limit()) v = v.slice(0, limit());
      return v;
    };
    field.addEventListener('input', () => {
      const cleaned = clean(field.value);
      if (cleaned !== field.value) field.value = cleaned;
      last = cleaned;
      fire(
        node,
        'input',
        { value: cleaned, cursor: field.selectionStart, keyCode: 0 },
        {
          onReturn: (ret) => {
            // WeChat: a string returned from bindinput replaces the field's content
            if (typeof ret === 'string' || typeof ret === 'number') {
              field.value = String(ret);
              last = field.value;
            }
          },
        },
      );
      if (multiline && node.data.autoHeight) fitHeight();
    });
    field.addEventListener('focus', () => fire(node, 'focus', { value: field.value, height: 0 }));
    field.addEventListener('blur', () =>
      fire(node, 'blur', { value: field.value, cursor: field.selectionStart }),
    );
    field.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (!multiline || node.data.confirmType !== 'return')) {
        if (multiline) e.preventDefault();
        fire(node, 'confirm', { value: field.value });
      }
    });
    const fitHeight = () => {
      field.style.height = 'auto';
      field.style.height = `${field.scrollHeight}px`;
    };
    return (d) => {
      const value = d.value === undefined || d.value === null ? '' : String(d.value);
      if (value !== last || field.value !== value) {
        field.value = value;
        last = value;
      }
      field.placeholder = d.placeholder || '';
      field.disabled = !!d.disabled;
      toggleAttr(el, 'disabled', d.disabled);
      if (!multiline) {
        field.type = d.password || d.type === 'safe-password' ? 'password' : 'text';
        field.inputMode =
          d.type === 'number' || d.type === 'idcard' ? 'numeric' : d.type === 'digit' ? 'decimal' : 'text';
        field.enterKeyHint = d.confirmType || 'done';
      }
      if (d.placeholderStyle) field.style.setProperty('--sim-placeholder', d.placeholderStyle);
      if ((d.focus || d.autoFocus) && document.activeElement !== field)
        requestAnimationFrame(() => field.focus());
      if (!d.focus && node.__simFocused && document.activeElement === field) field.blur();
      node.__simFocused = !!d.focus;
      if (multiline && d.autoHeight) requestAnimationFrame(fitHeight);
    };
  });
}

// ---- button -------------------------------------------------------------------------------------

/** target of a share/button event: the button's dataset, else its component host's (e.g. t-button). */
function targetOf(node) {
  let n = node;
  for (let i = 0; n && i < 3; i++) {
    if (n.dataset && Object.keys(n.dataset).length)
      return { id: n.id || '', dataset: Object.assign({}, n.dataset) };
    n = n.ownerShadowRoot && n.ownerShadowRoot.__wxHost;
  }
  return { id: node.id || '', dataset: {} };
}

async function share(node) {
  const page = pageOfElement(node.$$);
  const fn = page && page.inst.onShareAppMessage;
  const base = { title: '', path: `/${page.route}`, imageUrl: '' };
  let card = base;
  if (typeof fn === 'function') {
    const res = guard(`${page.route} onShareAppMessage`, fn, page.inst, [
      { from: 'button', target: targetOf(node), webViewUrl: '' },
    ]);
    card = Object.assign({}, base, res || {});
    if (res && res.promise && typeof res.promise.then === 'function') {
      card = Object.assign(
        card,
        await Promise.race([res.promise, new Promise((r) => setTimeout(r, 3000))]).catch(() => ({})),
      );
    }
  }
  await halfPanel('sim-share', '发送给朋友', () => [
    h(
      'div',
      { class: 'sim-share-card' },
      h('div', { class: 'sim-share-title', text: card.title || '推广员管理' }),
      card.imageUrl
        ? h('img', { class: 'sim-share-image', src: card.imageUrl, alt: '' })
        : h('div', { class: 'sim-share-image sim-share-image--empty', text: '小程序页面截图' }),
      h('div', { class: 'sim-share-foot', text: '小程序' }),
    ),
    h('div', { class: 'sim-panel-note', 'data-sim-share-path': card.path, text: `打开路径：${card.path}` }),
  ]);
}

/** The phone WeChat would hand out: the identity's demo phone, else a fixed demo number. */
function phoneOfIdentity() {
  const me = config.identities.find((i) => i.openid === openid);
  return (me && me.phone) || DEMO_PHONE;
}

/** A code the WeChat stand-in can turn into the number (getuserphonenumber); fabricated if it cannot. */
async function phoneCode(phoneNumber) {
  try {
    const res = await fetch('/__sim/wechat/phone-codes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumber, countryCode: '86' }),
    });
    if (res.ok) {
      const body = await res.json();
      if (body && body.code) return body.code;
    }
  } catch {
    // a stand-in without phone codes (or none at all): fall back below
  }
  return `simphone${Date.now().toString(36)}`;
}

async function getPhoneNumber(node) {
  const phone = phoneOfIdentity();
  const allowed = await halfPanel('sim-phone-number', '申请获取你的手机号', (close) => [
    h('div', { class: 'sim-panel-text', text: '该小程序申请使用你的手机号' }),
    h('div', {
      class: 'sim-phone-choice',
      text: `${phone.slice(0, 3)}****${phone.slice(-4)}（微信绑定号码）`,
    }),
    h(
      'div',
      { class: 'sim-panel-actions' },
      h('button', {
        type: 'button',
        class: 'sim-btn',
        'data-sim-phone': 'deny',
        text: '拒绝',
        onclick: () => close(false),
      }),
      h('button', {
        type: 'button',
        class: 'sim-btn sim-btn--primary',
        'data-sim-phone': 'allow',
        text: '允许',
        onclick: () => close(true),
      }),
    ),
  ]);
  const detail = allowed
    ? { errMsg: 'getPhoneNumber:ok', code: await track(phoneCode(phone)) }
    : { errMsg: 'getPhoneNumber:fail user deny' };
  fire(node, 'getphonenumber', detail);
}

function formOf(node) {
  for (let n = node.parentNode || (node.ownerShadowRoot && node.ownerShadowRoot.__wxHost); n;) {
    if (n.__simIsForm) return n;
    n = n.parentNode || (n.ownerShadowRoot && n.ownerShadowRoot.__wxHost) || (n.__wxHost ? n.__wxHost : null);
  }
  return null;
}

function formValues(form) {
  const value = {};
  const walk = (n) => {
    if (n.__simFormValue && n.data && n.data.name) value[n.data.name] = n.__simFormValue();
    for (const child of n.childNodes || []) walk(child);
    if (n.shadowRoot) walk(n.shadowRoot);
  };
  walk(form);
  return value;
}

function buttonBuiltin() {
  define(
    'button',
    {
      size: { type: String, value: 'default' },
      type: { type: String, value: 'default' },
      plain: Boolean,
      disabled: Boolean,
      loading: Boolean,
      formType: String,
      openType: String,
      hoverClass: { type: String, value: 'button-hover' },
    },
    (node, el) => {
      let hover = '';
      const setHover = (on) => {
        const cls = node.data.hoverClass;
        if (!cls || cls === 'none' || node.data.disabled) return;
        if (on) hover = cls;
        try {
          node.classList.toggle(hover || cls, on);
        } catch {
          el.classList.toggle(hover || cls, on);
        }
      };
      el.addEventListener('touchstart', () => setHover(true));
      el.addEventListener('touchend', () => setTimeout(() => setHover(false), 70));
      el.addEventListener('touchcancel', () => setHover(false));
      onTap(node, () => {
        const d = node.data;
        if (d.disabled) return;
        if (d.openType === 'share') share(node);
        else if (d.openType === 'getPhoneNumber') getPhoneNumber(node);
        else if (d.openType === 'contact' || d.openType === 'feedback' || d.openType === 'launchApp')
          notImplemented(`button open-type="${d.openType}"`);
        if (d.formType === 'submit' || d.formType === 'reset') {
          const form = formOf(node);
          if (form) form.__simSubmit(d.formType);
        }
      });
      return (d) => {
        toggleAttr(el, 'disabled', d.disabled);
        toggleAttr(el, 'plain', d.plain);
        toggleAttr(el, 'loading', d.loading);
        el.setAttribute('type', d.type || 'default');
        el.setAttribute('size', d.size || 'default');
      };
    },
  );
  define('form', {}, (node) => {
    node.__simIsForm = true;
    node.__simSubmit = (kind) => {
      if (kind === 'submit') fire(node, 'submit', { value: formValues(node), target: {} });
      else fire(node, 'reset', {});
    };
  });
}

// ---- image --------------------------------------------------------------------------------------

const FIT = {
  scaleToFill: ['fill', 'center'],
  aspectFit: ['contain', 'center'],
  aspectFill: ['cover', 'center'],
  widthFix: ['fill', 'center'],
  heightFix: ['fill', 'center'],
  top: ['none', 'top'],
  bottom: ['none', 'bottom'],
  center: ['none', 'center'],
  left: ['none', 'left'],
  right: ['none', 'right'],
  'top left': ['none', 'top left'],
  'top right': ['none', 'top right'],
  'bottom left': ['none', 'bottom left'],
  'bottom right': ['none', 'bottom right'],
};

/** A mini program image path → a URL the browser can load. */
export function imageUrl(src, route) {
  if (!src) return '';
  if (/^(data:|blob:|https?:)/.test(src)) return src;
  if (src.startsWith('wxfile://')) {
    const bytes = fs.bytesOf(src);
    return bytes ? URL.createObjectURL(new Blob([bytes])) : '';
  }
  if (src.startsWith('/')) return `/__sim/mp${src}`;
  const base = (route || '').split('/').slice(0, -1);
  for (const seg of src.split('/')) {
    if (seg === '..') base.pop();
    else if (seg !== '.') base.push(seg);
  }
  return `/__sim/mp/${base.join('/')}`;
}

function imageBuiltin() {
  define(
    'image',
    {
      src: String,
      mode: { type: String, value: 'scaleToFill' },
      lazyLoad: Boolean,
      webp: Boolean,
      showMenuByLongpress: Boolean,
    },
    (node, el) => {
      const img = h('img', { class: 'sim-img', alt: '', draggable: 'false' });
      el.append(img);
      img.addEventListener('load', () =>
        fire(node, 'load', { width: img.naturalWidth, height: img.naturalHeight }),
      );
      img.addEventListener('error', () => {
        if (img.getAttribute('src')) fire(node, 'error', { errMsg: `GET ${node.data.src} 404 (Not Found)` });
      });
      return (d) => {
        const [fit, position] = FIT[d.mode] || FIT.scaleToFill;
        img.style.objectFit = fit;
        img.style.objectPosition = position;
        el.classList.toggle('sim-image--widthfix', d.mode === 'widthFix');
        el.classList.toggle('sim-image--heightfix', d.mode === 'heightFix');
        const page = pageOfElement(el);
        const url = imageUrl(d.src, page && page.route);
        if (img.getAttribute('src') !== url) {
          if (url) img.setAttribute('src', url);
          else img.removeAttribute('src');
        }
      };
    },
  );
}

// ---- picker -------------------------------------------------------------------------------------

function pickerBuiltin() {
  define(
    'picker',
    {
      mode: { type: String, value: 'selector' },
      range: { type: Array, value: [] },
      rangeKey: String,
      value: { type: null, value: 0 },
      disabled: Boolean,
      headerText: String,
      start: String,
      end: String,
      name: String,
    },
    (node) => {
      node.__simFormValue = () => node.data.value;
      onTap(node, async () => {
        const d = node.data;
        if (d.disabled) return;
        const label = (item) =>
          item !== null && typeof item === 'object'
            ? String(d.rangeKey ? item[d.rangeKey] : JSON.stringify(item))
            : String(item);
        if (d.mode === 'selector' || !d.mode) {
          const range = d.range || [];
          const chosen = await showPickerSheet(
            [range.map(label)],
            [Math.max(0, Number(d.value) || 0)],
            d.headerText,
          );
          if (chosen) fire(node, 'change', { value: chosen[0] });
          else fire(node, 'cancel', {});
        } else if (d.mode === 'multiSelector') {
          const columns = (d.range || []).map((col) => (col || []).map(label));
          const values = Array.isArray(d.value) ? d.value : [];
          const chosen = await showPickerSheet(
            columns,
            columns.map((_c, i) => Number(values[i]) || 0),
            d.headerText,
          );
          if (chosen) fire(node, 'change', { value: chosen });
          else fire(node, 'cancel', {});
        } else notImplemented(`built-in picker mode="${d.mode}"`);
      });
    },
  );
}

// ---- switch / checkbox / radio ------------------------------------------------------------------

function switchBuiltin() {
  define(
    'switch',
    {
      checked: Boolean,
      disabled: Boolean,
      type: { type: String, value: 'switch' },
      color: { type: String, value: '#04BE02' },
      name: String,
    },
    (node, el) => {
      const knob = h('span', { class: 'sim-switch' });
      el.append(knob);
      let checked = false;
      node.__simFormValue = () => checked;
      onTap(node, () => {
        if (node.data.disabled) return;
        checked = !checked;
        paint();
        fire(node, 'change', { value: checked });
      });
      const paint = () => {
        knob.classList.toggle('sim-on', checked);
        knob.classList.toggle('sim-switch--checkbox', node.data.type === 'checkbox');
        knob.style.setProperty('--sim-switch-color', node.data.color || '#04BE02');
        toggleAttr(el, 'disabled', node.data.disabled);
      };
      return (d) => {
        checked = !!d.checked;
        paint();
      };
    },
  );
}

function groupOf(node, tag) {
  for (let n = node.parentNode; n; n = n.parentNode || (n.ownerShadowRoot && n.ownerShadowRoot.__wxHost)) {
    if (n.__simGroup === tag) return n;
  }
  return null;
}

function choiceBuiltin(name, groupName, multi) {
  define(
    name,
    { value: String, checked: Boolean, disabled: Boolean, color: { type: String, value: '#09BB07' } },
    (node, el) => {
      const box = h('span', { class: `sim-${name}` });
      el.prepend(box);
      node.__simChecked = false;
      onTap(node, () => {
        if (node.data.disabled) return;
        const group = groupOf(node, groupName);
        if (multi) node.__simChecked = !node.__simChecked;
        else if (node.__simChecked) return;
        else node.__simChecked = true;
        if (group) group.__simChanged(node);
        paint();
      });
      const paint = () => {
        box.classList.toggle('sim-on', node.__simChecked);
        box.style.setProperty('--sim-choice-color', node.data.color);
        toggleAttr(el, 'disabled', node.data.disabled);
      };
      node.__simPaint = paint;
      return (d) => {
        node.__simChecked = !!d.checked;
        paint();
      };
    },
  );
  define(groupName, { name: String }, (node) => {
    node.__simGroup = groupName;
    const members = () => {
      const out = [];
      const walk = (n) => {
        for (const c of n.childNodes || []) {
          if (c.__simPaint && groupOf(c, groupName) === node) out.push(c);
          walk(c);
        }
      };
      walk(node);
      return out;
    };
    const values = () =>
      members()
        .filter((m) => m.__simChecked)
        .map((m) => m.data.value);
    node.__simFormValue = () => (multi ? values() : values()[0] || '');
    node.__simChanged = (changed) => {
      if (!multi) {
        for (const m of members()) {
          if (m !== changed && m.__simChecked) {
            m.__simChecked = false;
            m.__simPaint();
          }
        }
      }
      fire(node, 'change', { value: multi ? values() : changed.data.value });
    };
  });
}

// ---- scroll-view --------------------------------------------------------------------------------

function scrollViewBuiltin() {
  define(
    'scroll-view',
    {
      scrollX: Boolean,
      scrollY: Boolean,
      upperThreshold: { type: Number, value: 50 },
      lowerThreshold: { type: Number, value: 50 },
      scrollTop: { type: null, value: 0 },
      scrollLeft: { type: null, value: 0 },
      scrollIntoView: String,
      scrollWithAnimation: Boolean,
      enableFlex: Boolean,
      showScrollbar: { type: Boolean, value: true },
      enhanced: Boolean,
    },
    (node, el) => {
      let lastTop = 0;
      let lastLeft = 0;
      let atLower = false;
      let atUpper = true;
      el.addEventListener(
        'scroll',
        () => {
          const d = node.data;
          const detail = {
            scrollLeft: el.scrollLeft,
            scrollTop: el.scrollTop,
            scrollHeight: el.scrollHeight,
            scrollWidth: el.scrollWidth,
            deltaX: el.scrollLeft - lastLeft,
            deltaY: el.scrollTop - lastTop,
          };
          lastTop = el.scrollTop;
          lastLeft = el.scrollLeft;
          fire(node, 'scroll', detail);
          const vertical = d.scrollY || !d.scrollX;
          const lowerGap = vertical
            ? el.scrollHeight - el.scrollTop - el.clientHeight
            : el.scrollWidth - el.scrollLeft - el.clientWidth;
          const upperGap = vertical ? el.scrollTop : el.scrollLeft;
          const lower = lowerGap <= Number(d.lowerThreshold);
          const upper = upperGap <= Number(d.upperThreshold);
          if (lower && !atLower) fire(node, 'scrolltolower', { direction: vertical ? 'bottom' : 'right' });
          if (upper && !atUpper) fire(node, 'scrolltoupper', { direction: vertical ? 'top' : 'left' });
          atLower = lower;
          atUpper = upper;
        },
        { passive: true },
      );
      return (d) => {
        el.classList.toggle('sim-scroll-x', !!d.scrollX);
        el.classList.toggle('sim-scroll-y', !!d.scrollY);
        el.classList.toggle('sim-scroll-flex', !!d.enableFlex);
        el.classList.toggle('sim-scroll-hide-bar', d.showScrollbar === false);
        const behavior = d.scrollWithAnimation ? 'smooth' : 'auto';
        const top = Number(d.scrollTop);
        const left = Number(d.scrollLeft);
        requestAnimationFrame(() => {
          // only a changed scroll-top/scroll-left moves the view (WeChat ignores a re-set of the same value)
          if (d.scrollY && Number.isFinite(top) && top !== node.__simTop) el.scrollTo({ top, behavior });
          if (d.scrollX && Number.isFinite(left) && left !== node.__simLeft) el.scrollTo({ left, behavior });
          node.__simTop = top;
          node.__simLeft = left;
          if (d.scrollIntoView) {
            const target = node.shadowRoot ? null : findById(node, d.scrollIntoView);
            if (target) target.scrollIntoView({ behavior, block: 'nearest', inline: 'nearest' });
          }
        });
      };
    },
  );
}
function findById(node, id) {
  const host = node.ownerShadowRoot;
  const found = host && host.querySelector(`#${id}`);
  return found ? found.$$ : null;
}

// ---- navigator / text / rich-text -----------------------------------------------------------------

function navigatorBuiltin() {
  define(
    'navigator',
    {
      url: String,
      openType: { type: String, value: 'navigate' },
      delta: { type: Number, value: 1 },
      target: String,
      hoverClass: String,
    },
    (node) => {
      onTap(node, () => {
        const d = node.data;
        const wx = window.wx;
        const map = {
          navigate: 'navigateTo',
          redirect: 'redirectTo',
          switchTab: 'switchTab',
          reLaunch: 'reLaunch',
        };
        if (d.openType === 'navigateBack') wx.navigateBack({ delta: d.delta });
        else if (map[d.openType]) wx[map[d.openType]]({ url: d.url });
        else notImplemented(`navigator open-type="${d.openType}"`);
      });
    },
  );
}

function textBuiltin() {
  define(
    'text',
    { selectable: Boolean, userSelect: Boolean, space: String, decode: Boolean },
    (node, el) => (d) => {
      el.classList.toggle('sim-selectable', !!(d.selectable || d.userSelect));
      if (d.space) el.dataset.space = d.space;
    },
  );
}

const ALLOWED_TAGS =
  /^(a|abbr|b|big|br|code|del|div|em|h[1-6]|hr|i|img|ins|li|ol|p|pre|q|s|small|span|strong|sub|sup|table|tbody|td|th|thead|tr|u|ul)$/i;

function richNodes(nodes) {
  if (typeof nodes === 'string') {
    const doc = new DOMParser().parseFromString(`<div>${nodes}</div>`, 'text/html');
    const clean = (el) => {
      for (const child of [...el.children]) {
        if (!ALLOWED_TAGS.test(child.tagName)) child.replaceWith(...child.childNodes);
        else {
          for (const attr of [...child.attributes])
            if (!/^(class|style|src|alt|width|height)$/.test(attr.name)) child.removeAttribute(attr.name);
          clean(child);
        }
      }
      return el;
    };
    return [...clean(doc.body.firstChild).childNodes];
  }
  return (nodes || []).map((n) => {
    if (n.type === 'text') return document.createTextNode(n.text || '');
    const tag = ALLOWED_TAGS.test(n.name || '') ? n.name : 'span';
    const el = document.createElement(tag);
    const attrs = n.attrs || {};
    if (attrs.class) el.className = attrs.class;
    if (attrs.style) el.setAttribute('style', attrs.style);
    if (attrs.src) el.setAttribute('src', attrs.src);
    el.append(...richNodes(n.children || []));
    return el;
  });
}

function richTextBuiltin() {
  define(
    'rich-text',
    { nodes: { type: null, value: [] }, space: String, userSelect: Boolean },
    (node, el) => {
      const box = h('span', { class: 'sim-rich' });
      el.append(box);
      return (d) => box.replaceChildren(...richNodes(d.nodes));
    },
  );
}

/** Registers the working built-ins and marks the rest as shells. */
export function installBuiltins() {
  textField('input', false);
  textField('textarea', true);
  buttonBuiltin();
  imageBuiltin();
  pickerBuiltin();
  switchBuiltin();
  choiceBuiltin('checkbox', 'checkbox-group', true);
  choiceBuiltin('radio', 'radio-group', false);
  scrollViewBuiltin();
  navigatorBuiltin();
  textBuiltin();
  richTextBuiltin();
  for (const tag of OFFICIAL) if (!IMPLEMENTED.has(tag)) shell(tag);
}
