// The control panel beside the phone: who you are, the platform's side (bind/revoke in the WeChat
// stand-in, its clock), fault injection, and the live log of WeChat API calls. It talks to the stand-in
// through the simulator server (/__sim/wechat/*), never cross-origin.
import { config, h, openid } from './core';

const CALL_POLL_MS = 1000;
const FAULT_POLL_MS = 2000;
const MAX_ROWS = 200;

async function control(path, init) {
  const res = await fetch(`/__sim/wechat/${path}`, init);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || body.errmsg || `HTTP ${res.status}`);
  return body;
}

const post = (path, body) =>
  control(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** A fresh openid of WeChat's shape: 28 characters of A-Z a-z 0-9 _ - starting with "o". */
export function freshOpenid() {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  const bytes = crypto.getRandomValues(new Uint8Array(27));
  return `o${Array.from(bytes, (b) => alphabet[b % 64]).join('')}`;
}

/** Reloads the app as `who`, at the home page. */
function switchIdentity(who) {
  const url = new URL(location.href);
  url.searchParams.set('openid', who);
  url.hash = `#/${config.entryPage}`;
  sessionStorage.removeItem('sim:stack');
  location.assign(url.toString());
}

function section(title, ...children) {
  return h('section', { class: 'sim-panel-section' }, h('h3', { text: title }), ...children);
}

function identitySection() {
  const select = h('select', { id: 'sim-identity', 'aria-label': '身份' });
  const known = config.identities.some((i) => i.openid === openid);
  for (const who of config.identities) {
    const opt = h('option', { value: who.openid, text: `${who.kind} · ${who.name}` });
    if (who.openid === openid) opt.selected = true;
    select.append(opt);
  }
  if (!known) {
    const opt = h('option', { value: openid, text: `新用户 · ${openid.slice(0, 10)}…` });
    opt.selected = true;
    select.append(opt);
  }
  select.addEventListener('change', () => switchIdentity(select.value));
  return section(
    '我是谁',
    select,
    h('button', {
      type: 'button',
      id: 'sim-new-user',
      class: 'sim-btn',
      text: '新用户（新的 openid）',
      onclick: () => switchIdentity(freshOpenid()),
    }),
    h('div', { class: 'sim-panel-note', id: 'sim-openid', text: openid }),
  );
}

function platformSection() {
  const status = h('div', { class: 'sim-panel-note', id: 'sim-platform-status' });
  const select = h('select', { id: 'sim-bind-who', 'aria-label': '推广员' });
  const load = async () => {
    try {
      const { promoters } = await control('promoters');
      select.replaceChildren(
        ...promoters.map((p) =>
          h('option', {
            value: p.openid,
            text: `${p.name || p.openid.slice(0, 10)} · ${['未授权', '已授权', '已解除'][p.authStatus] || p.authStatus}${p.declStatus === 1 ? '' : ' · 未申报'}`,
          }),
        ),
      );
      if (promoters.some((p) => p.openid === openid)) select.value = openid;
    } catch (err) {
      status.textContent = `读取推广员失败：${err.message}`;
    }
  };
  const bind = async (action) => {
    if (!select.value) return;
    try {
      await post('bind', { openid: select.value, action });
      status.textContent = `${action === 'authorize' ? '已授权' : '已解除授权'}：${select.selectedOptions[0].textContent}`;
      load();
    } catch (err) {
      status.textContent = `失败：${err.message}`;
    }
  };
  const clock = h('div', { class: 'sim-panel-note', id: 'sim-clock' });
  const showClock = (c) =>
    (clock.textContent = `微信时钟 ${c.chinaDate || ''} ${c.iso ? c.iso.slice(11, 19) : ''}（+${Math.round((c.offsetSeconds || 0) / 3600)} 小时）`);
  const advance = async (seconds) => {
    try {
      showClock(await post('clock', { advanceSeconds: seconds }));
    } catch (err) {
      clock.textContent = `失败：${err.message}`;
    }
  };
  control('clock').then(showClock, () => undefined);
  load();
  return section(
    '微信侧',
    h(
      'div',
      { class: 'sim-row' },
      select,
      h('button', {
        type: 'button',
        class: 'sim-btn sim-btn--small',
        title: '刷新',
        text: '↻',
        onclick: load,
      }),
    ),
    h(
      'div',
      { class: 'sim-row' },
      h('button', {
        type: 'button',
        class: 'sim-btn',
        'data-sim-platform': 'authorize',
        text: '授权绑定',
        onclick: () => bind('authorize'),
      }),
      h('button', {
        type: 'button',
        class: 'sim-btn',
        'data-sim-platform': 'revoke',
        text: '解除授权',
        onclick: () => bind('revoke'),
      }),
    ),
    status,
    h(
      'div',
      { class: 'sim-row' },
      h('button', {
        type: 'button',
        class: 'sim-btn',
        'data-sim-clock': 3600,
        text: '+1 小时',
        onclick: () => advance(3600),
      }),
      h('button', {
        type: 'button',
        class: 'sim-btn',
        'data-sim-clock': 86400,
        text: '+1 天',
        onclick: () => advance(86400),
      }),
      h('button', {
        type: 'button',
        class: 'sim-btn',
        'data-sim-clock': 2592000,
        text: '+30 天',
        onclick: () => advance(2592000),
      }),
    ),
    clock,
  );
}

function faultSection() {
  const status = h('div', { class: 'sim-panel-note', id: 'sim-faults' });
  const show = (view) => {
    const rules = (view && view.rules) || [];
    status.textContent = rules.length
      ? rules
          .map(
            (r) =>
              `${r.kind === 'errcode' ? `errcode ${r.errcode}` : r.kind}${r.rate !== undefined ? ` · ${Math.round(r.rate * 100)}%` : ''}${r.path ? ` · ${r.path}` : ''}（已触发 ${r.fired}）`,
          )
          .join('；')
      : '无故障';
  };
  const set = async (body) => {
    try {
      show(await post('faults', body));
    } catch (err) {
      status.textContent = `失败：${err.message}`;
    }
  };
  const clear = async () => {
    try {
      show(await control('faults', { method: 'DELETE' }));
    } catch (err) {
      status.textContent = `失败：${err.message}`;
    }
  };
  const refresh = () => control('faults').then(show, () => undefined);
  refresh();
  // the fired counts move as calls go by
  setInterval(() => {
    if (!status.textContent.startsWith('无')) refresh();
  }, FAULT_POLL_MS);
  return section(
    '故障注入',
    h(
      'div',
      { class: 'sim-row' },
      h('button', {
        type: 'button',
        class: 'sim-btn',
        'data-sim-fault': 'rate30',
        text: '30% 调用 -1',
        onclick: () => set({ rules: [{ kind: 'errcode', errcode: -1, rate: 0.3 }] }),
      }),
      h('button', {
        type: 'button',
        class: 'sim-btn',
        'data-sim-fault': 'next1',
        text: '下一次 45009',
        onclick: () => set({ rules: [{ kind: 'errcode', errcode: 45009, next: 1 }] }),
      }),
      h('button', {
        type: 'button',
        class: 'sim-btn',
        'data-sim-fault': 'clear',
        text: '清除',
        onclick: clear,
      }),
    ),
    status,
  );
}

function callLogSection() {
  const list = h('ol', { id: 'sim-calls', class: 'sim-calls' });
  let since = 0;
  const time = (ms) => new Date(ms).toISOString().slice(11, 19);
  const poll = async () => {
    try {
      const { calls, last } = await control(`calls?since=${since}`);
      for (const c of calls) {
        const answer = c.answer || {};
        const code =
          answer.errcode !== undefined
            ? answer.errcode
            : c.status === 200
              ? 0
              : c.status
                ? `HTTP ${c.status}`
                : c.fault || '—';
        // a call failed by fault injection is marked, so a person can tell it from a real refusal
        const errcode = c.fault ? `${code} 注入` : code;
        list.prepend(
          h(
            'li',
            { class: errcode === 0 ? 'sim-call-ok' : 'sim-call-fail' },
            h('span', { class: 'sim-call-time', text: time(c.at) }),
            h('span', { class: 'sim-call-path', text: c.path }),
            h('span', { class: 'sim-call-code', text: String(errcode) }),
          ),
        );
      }
      while (list.children.length > MAX_ROWS) list.lastChild.remove();
      since = last;
    } catch {
      // the stand-in may be outside (WX_API_BASE_URL): nothing to show
    }
    setTimeout(poll, CALL_POLL_MS);
  };
  poll();
  return section(
    '微信接口调用',
    h('div', { class: 'sim-panel-note', text: '每次点击调用了哪些微信接口（最新在上）' }),
    h('button', {
      type: 'button',
      class: 'sim-btn sim-btn--small',
      text: '清空',
      onclick: () => {
        list.replaceChildren();
        control('calls/clear', { method: 'POST' }).catch(() => undefined);
      },
    }),
    list,
  );
}

export function buildPanel() {
  return h(
    'aside',
    { id: 'sim-panel' },
    h('h2', { text: '模拟器控制台' }),
    identitySection(),
    platformSection(),
    faultSection(),
    callLogSection(),
  );
}
