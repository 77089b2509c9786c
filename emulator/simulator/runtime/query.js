// Selector queries with real layout. j-component's SelectorQuery answers from the DOM but measures the
// viewport as zeros and uses browser coordinates; WeChat's are relative to the page's viewport (below the
// navigation bar), and selectViewport() is the page's scroll area. Its exec() is replaced here.
import { guard } from './core';
import { pageOfElement, topPage } from './stack';

let patched = false;

function viewportRect() {
  return document.getElementById('sim-viewport').getBoundingClientRect();
}

function collect(node, fields, view, scroller) {
  const res = {};
  const isViewport = node === 0;
  const dom = isViewport ? scroller : node.$$;
  if (fields.id) res.id = isViewport ? '' : node.id || '';
  if (fields.dataset) res.dataset = isViewport ? {} : Object.assign({}, node.dataset || {});
  if (fields.mark) res.mark = {};
  if (fields.rect || fields.size) {
    const r = isViewport
      ? { left: 0, top: 0, right: view.width, bottom: view.height, width: view.width, height: view.height }
      : dom.getBoundingClientRect();
    if (fields.rect) {
      res.left = isViewport ? 0 : r.left - view.left;
      res.right = isViewport ? view.width : r.right - view.left;
      res.top = isViewport ? 0 : r.top - view.top;
      res.bottom = isViewport ? view.height : r.bottom - view.top;
    }
    if (fields.size) {
      res.width = r.width;
      res.height = r.height;
    }
  }
  if (fields.scrollOffset) {
    res.scrollLeft = (dom && dom.scrollLeft) || 0;
    res.scrollTop = (dom && dom.scrollTop) || 0;
    res.scrollWidth = (dom && dom.scrollWidth) || 0;
    res.scrollHeight = (dom && dom.scrollHeight) || 0;
  }
  if (fields.properties && !isViewport) {
    for (const raw of fields.properties) {
      const name = raw.replace(/-([a-z])/g, (_all, c) => c.toUpperCase());
      if (node.data && name in node.data) res[name] = node.data[name];
    }
  }
  if (fields.computedStyle && dom) {
    const style = getComputedStyle(dom);
    for (const key of fields.computedStyle) if (key && style[key] !== undefined) res[key] = style[key];
  }
  if (fields.node || fields.context) res.node = null;
  return res;
}

function exec(callback) {
  const queue = this._queue;
  const callbacks = this._queueCallback;
  this._queue = [];
  this._queueCallback = [];
  // after the pending render, like WeChat's async query
  requestAnimationFrame(() => {
    const view = viewportRect();
    const results = queue.map((item, index) => {
      const { selector, exparserNode, isSelectSingle, fields } = item;
      let result;
      if (exparserNode === 0) {
        const page = topPage();
        result = collect(0, fields, view, page ? page.scroller : document.scrollingElement);
      } else {
        const root = exparserNode && exparserNode.shadowRoot;
        let nodes = [];
        if (root)
          nodes = isSelectSingle
            ? [root.querySelector(selector)].filter(Boolean)
            : root.querySelectorAll(selector);
        const scroller = nodes[0] ? pageOfElement(nodes[0].$$).scroller : null;
        const list = nodes.map((n) => collect(n, fields, view, scroller));
        result = isSelectSingle ? list[0] || null : list;
      }
      if (typeof callbacks[index] === 'function')
        guard('SelectorQuery callback', callbacks[index], this, [result]);
      return result;
    });
    if (typeof callback === 'function') guard('SelectorQuery.exec callback', callback, this, [results]);
  });
}

/** Patches j-component's SelectorQuery (reached through a page instance) once. */
export function patchSelectorQuery(inst) {
  if (patched) return;
  const query = inst.createSelectorQuery();
  const proto = Object.getPrototypeOf(query);
  proto.exec = exec;
  patched = true;
}

/** wx.createSelectorQuery(): scoped to the top page until .in(component). */
export function createSelectorQuery() {
  const page = topPage();
  if (!page) throw new Error('wx.createSelectorQuery: no page yet');
  return page.inst.createSelectorQuery();
}
