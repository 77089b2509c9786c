// WeChat's native UI drawn in the frame: toast, loading, modal, action sheet, picker, and the bottom
// sheets/half-screen panels the simulator uses for share cards, permissions and the bind mini program.
import { h, overlayRoot, trackedTimeout } from './core';

const SHEET_CLOSE_MS = 150;

// ---- toast / loading ----------------------------------------------------------------------------

let toastTimer = null;

function removeToast() {
  const old = document.getElementById('sim-toast');
  if (old) old.remove();
  if (toastTimer) toastTimer.cancel();
  toastTimer = null;
}

const ICONS = { success: '✓', error: '✕', loading: '', none: '' };

export function showToast(
  { title = '', icon = 'success', image, duration = 1500, mask = false },
  loading = false,
) {
  removeToast();
  const hasIcon = !loading && icon !== 'none' && !image;
  const el = h(
    'div',
    {
      id: loading ? 'sim-loading' : 'sim-toast',
      class: `sim-toast ${hasIcon || loading ? 'sim-toast--icon' : 'sim-toast--text'}${mask ? ' sim-toast--mask' : ''}`,
      role: 'alert',
    },
    h(
      'div',
      { class: 'sim-toast-box' },
      loading || icon === 'loading'
        ? h('div', { class: 'sim-spinner sim-on sim-spinner--light' })
        : hasIcon
          ? h('div', { class: `sim-toast-icon sim-toast-icon--${icon}`, text: ICONS[icon] || '' })
          : image
            ? h('img', { class: 'sim-toast-image', src: image, alt: '' })
            : null,
      h('div', { class: 'sim-toast-title', text: title }),
    ),
  );
  overlayRoot().append(el);
  if (!loading) toastTimer = trackedTimeout(removeToast, Number(duration) || 1500);
}

export function hideToast() {
  const el = document.getElementById('sim-toast');
  if (el) removeToast();
}

export function showLoading(options) {
  const old = document.getElementById('sim-loading');
  if (old) old.remove();
  showToast(Object.assign({ mask: false }, options), true);
}

export function hideLoading() {
  const el = document.getElementById('sim-loading');
  if (el) el.remove();
}

// ---- modal --------------------------------------------------------------------------------------

/** Resolves { confirm, cancel, content? } when a button is tapped. */
export function showModal(o) {
  const old = document.getElementById('sim-modal');
  if (old) old.remove();
  // not tracked by idle(): a dialog waiting for the user is not work in flight
  return new Promise((resolve) => {
    const showCancel = o.showCancel !== false;
    const input = o.editable
      ? h('textarea', { class: 'sim-modal-input', placeholder: o.placeholderText || '', rows: 2 })
      : null;
    if (input) input.value = o.content || '';
    const close = (confirm) => {
      el.remove();
      const res = { confirm, cancel: !confirm };
      if (o.editable) res.content = confirm ? input.value : '';
      resolve(res);
    };
    const el = h(
      'div',
      { id: 'sim-modal', class: 'sim-mask sim-mask--center' },
      h(
        'div',
        { class: 'sim-modal', role: 'dialog' },
        o.title ? h('div', { class: 'sim-modal-title', text: o.title }) : null,
        input || (o.content ? h('div', { class: 'sim-modal-content', text: o.content }) : null),
        h(
          'div',
          { class: 'sim-modal-buttons' },
          showCancel
            ? h('button', {
                type: 'button',
                'data-sim-modal': 'cancel',
                style: { color: o.cancelColor || '' },
                text: o.cancelText || '取消',
                onclick: () => close(false),
              })
            : null,
          h('button', {
            type: 'button',
            'data-sim-modal': 'confirm',
            class: 'sim-modal-confirm',
            style: { color: o.confirmColor || '' },
            text: o.confirmText || '确定',
            onclick: () => close(true),
          }),
        ),
      ),
    );
    overlayRoot().append(el);
    if (input) input.focus();
  });
}

// ---- bottom sheets ------------------------------------------------------------------------------

/** A sheet sliding up from the bottom; `build(close)` fills it. Resolves with what close() was given. */
export function bottomSheet(id, build, { half = false } = {}) {
  const old = document.getElementById(id);
  if (old) old.remove();
  return new Promise((resolve) => {
    let done = false;
    const close = (value) => {
      if (done) return;
      done = true;
      el.classList.remove('sim-open');
      trackedTimeout(() => el.remove(), SHEET_CLOSE_MS);
      resolve(value);
    };
    const sheet = h('div', { class: `sim-sheet${half ? ' sim-sheet--half' : ''}` });
    const el = h('div', { id, class: 'sim-mask sim-mask--bottom' }, sheet);
    el.addEventListener('click', (e) => {
      if (e.target === el) close(undefined);
    });
    sheet.append(...[].concat(build(close)));
    overlayRoot().append(el);
    requestAnimationFrame(() => el.classList.add('sim-open'));
  });
}

/** wx.showActionSheet: resolves the tapped index, or undefined on cancel. */
export function showActionSheet(o) {
  return bottomSheet('sim-action-sheet', (close) =>
    [
      o.alertText ? h('div', { class: 'sim-sheet-alert', text: o.alertText }) : null,
      ...(o.itemList || []).map((item, index) =>
        h('button', {
          type: 'button',
          class: 'sim-sheet-item',
          'data-sim-sheet-index': index,
          style: { color: o.itemColor || '' },
          text: item,
          onclick: () => close(index),
        }),
      ),
      h('div', { class: 'sim-sheet-gap' }),
      h('button', {
        type: 'button',
        class: 'sim-sheet-item',
        'data-sim-sheet-cancel': '',
        text: '取消',
        onclick: () => close(undefined),
      }),
    ].filter(Boolean),
  );
}

/**
 * The picker's sheet: one wheel-like column per range (a scrollable list here), 取消/确定 on top.
 * Resolves the chosen indexes, or undefined on cancel.
 */
export function showPickerSheet(columns, selected, title) {
  return bottomSheet('sim-picker', (close) => {
    const chosen = selected.slice();
    const cols = columns.map((labels, c) => {
      const col = h('div', { class: 'sim-picker-col', 'data-sim-picker-column': c });
      labels.forEach((label, i) => {
        const item = h('div', {
          class: `sim-picker-item${i === chosen[c] ? ' sim-selected' : ''}`,
          'data-sim-picker-index': i,
          text: label,
          onclick: () => {
            chosen[c] = i;
            col
              .querySelectorAll('.sim-picker-item')
              .forEach((el, j) => el.classList.toggle('sim-selected', j === i));
          },
        });
        col.append(item);
      });
      requestAnimationFrame(() => {
        const sel = col.querySelector('.sim-selected');
        if (sel) col.scrollTop = sel.offsetTop - col.clientHeight / 2 + sel.clientHeight / 2;
      });
      return col;
    });
    return [
      h(
        'div',
        { class: 'sim-picker-head' },
        h('button', {
          type: 'button',
          'data-sim-picker': 'cancel',
          text: '取消',
          onclick: () => close(undefined),
        }),
        h('div', { class: 'sim-picker-title', text: title || '' }),
        h('button', {
          type: 'button',
          'data-sim-picker': 'confirm',
          class: 'sim-picker-ok',
          text: '确定',
          onclick: () => close(chosen),
        }),
      ),
      h('div', { class: 'sim-picker-cols' }, cols),
    ];
  });
}

/** A half-screen panel with a title bar and a close button (share card, bind mini program, phone call). */
export function halfPanel(id, title, body, { onClose } = {}) {
  return bottomSheet(
    id,
    (close) => [
      h(
        'div',
        { class: 'sim-panel-head' },
        h('div', { class: 'sim-panel-title', text: title }),
        h('button', {
          type: 'button',
          class: 'sim-panel-close',
          'aria-label': '关闭',
          'data-sim-close': '',
          text: '✕',
          onclick: () => close(onClose ? onClose() : undefined),
        }),
      ),
      h('div', { class: 'sim-panel-body' }, body(close)),
    ],
    { half: true },
  );
}
