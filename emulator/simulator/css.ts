/**
 * WXSS → CSS the browser frame understands, done once at build time:
 * rpx → px for the 375 px frame, `@import` inlined, and `@media (prefers-color-scheme: …)` blocks turned
 * into rules under `html[data-sim-theme=…]` so the frame's light/dark switch (not the host OS) decides;
 * and built-in tag selectors (`.actions > view`) turned into the frame's element names (`wx-view`).
 */

/** The frame is 375 CSS px wide; WeChat defines 750rpx as the screen width. */
export const FRAME_WIDTH = 375;
export const RPX_RATIO = FRAME_WIDTH / 750;

const RPX = /(-?(?:\d+\.?\d*|\.\d+))rpx/gi;

/** `24rpx` → `12px`, `-3rpx` → `-1.5px`, `.5rpx` → `0.25px`. */
export function rpxToPx(css: string, ratio = RPX_RATIO): string {
  return css.replace(RPX, (_all, n: string) => `${+(Number(n) * ratio).toFixed(3)}px`);
}

const IMPORT = /@import\s+(?:url\()?\s*(['"])([^'"]+)\1\s*\)?\s*;/g;

/**
 * Inlines `@import` as WeChat does: a leading `/` is the mini program root, otherwise relative to the file.
 * `read` answers undefined for a missing file (the import is dropped, as WeChat's compiler warns and goes on).
 */
export function inlineImports(
  css: string,
  file: string,
  read: (rel: string) => string | undefined,
  seen: Set<string> = new Set([file]),
): string {
  return css.replace(IMPORT, (_all, _q: string, target: string) => {
    const rel = resolveRel(file, target.endsWith('.wxss') ? target : `${target}.wxss`);
    if (seen.has(rel)) return '';
    const text = read(rel);
    if (text === undefined) return `/* @import ${target}: not found */`;
    return inlineImports(text, rel, read, new Set([...seen, rel]));
  });
}

/** Root-relative path of `target` imported from `file` (both root-relative, `/`-separated). */
export function resolveRel(file: string, target: string): string {
  const parts = target.startsWith('/') ? [] : file.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/** At a comment or a quoted string: the index of its last character (a loop's i++ steps past it); else `i`. */
function skipCommentOrString(css: string, i: number): number {
  const ch = css[i];
  if (ch === '/' && css[i + 1] === '*') {
    const end = css.indexOf('*/', i + 2);
    return end < 0 ? css.length : end + 1;
  }
  if (ch === '"' || ch === "'") {
    const end = css.indexOf(ch, i + 1);
    return end < 0 ? css.length : end;
  }
  return i;
}

/** Index just past the `}` that closes the block opened at `open` (the index of `{`). */
function closeOf(css: string, open: number): number {
  let depth = 0;
  for (let i = open; i < css.length; i++) {
    const ch = css[i];
    const skipped = skipCommentOrString(css, i);
    if (skipped !== i) i = skipped;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i + 1;
  }
  return css.length;
}

/** The theme attribute test on <html>; `:where()` keeps specificity as inside a real @media. */
const THEME_TEST = { dark: '[data-sim-theme=dark]', light: ':not([data-sim-theme=dark])' } as const;

function scopeSelectors(selectors: string, scheme: 'light' | 'dark'): string {
  const test = THEME_TEST[scheme];
  return selectors
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) =>
      /^(:root|html)\b/.test(s)
        ? s.replace(/^(:root|html)/, `html:where(${test})`)
        : `:where(html${test}) ${s}`,
    )
    .join(',');
}

/** Rules inside a colour-scheme block, each selector under the theme guard; nested at-rules kept. */
function scopeBlock(body: string, scheme: 'light' | 'dark'): string {
  let out = '';
  let i = 0;
  while (i < body.length) {
    const open = body.indexOf('{', i);
    if (open < 0) {
      out += body.slice(i);
      break;
    }
    const end = closeOf(body, open);
    const head = body.slice(i, open);
    const inner = body.slice(open, end);
    const lead = head.match(/^\s*/)?.[0] ?? '';
    const selector = head.trim();
    out += selector.startsWith('@') ? head + inner : `${lead}${scopeSelectors(selector, scheme)}${inner}`;
    i = end;
  }
  return out;
}

const SCHEME_MEDIA = /@media\s*\(\s*prefers-color-scheme\s*:\s*(dark|light)\s*\)\s*\{/gi;

/**
 * `@media (prefers-color-scheme: dark) { a { … } }` → `:where(html[data-sim-theme=dark]) a { … }`.
 * Only media queries made of that one feature are rewritten; anything else is left alone.
 */
export function rewriteColorScheme(css: string): string {
  let out = '';
  let last = 0;
  SCHEME_MEDIA.lastIndex = 0;
  for (let m = SCHEME_MEDIA.exec(css); m; m = SCHEME_MEDIA.exec(css)) {
    if (m.index < last) continue;
    const open = m.index + m[0].length - 1;
    const end = closeOf(css, open);
    out +=
      css.slice(last, m.index) +
      scopeBlock(css.slice(open + 1, end - 1), m[1]!.toLowerCase() as 'light' | 'dark');
    last = end;
    SCHEME_MEDIA.lastIndex = end;
  }
  return out + css.slice(last);
}

/** WeChat's built-in components that a WXSS selector may name by tag; the frame renders them as `wx-<tag>`. */
const BUILTIN_TAGS = [
  'view',
  'text',
  'image',
  'button',
  'input',
  'textarea',
  'scroll-view',
  'swiper',
  'swiper-item',
  'navigator',
  'picker',
  'switch',
  'checkbox',
  'radio',
  'label',
  'form',
  'rich-text',
  'icon',
  'progress',
  'slider',
];
// a tag at the start of a compound selector: after the start, a combinator, a comma or `(`; never in a class name
const TAG = new RegExp(`(^|[\\s>+~,(])(${BUILTIN_TAGS.join('|')})(?=$|[\\s.:#\\[>+~,)])`, 'g');

/**
 * `.actions > view { … }` → `.actions > wx-view { … }`: WeChat matches a built-in by its tag, the frame's
 * element is `<wx-view>`. Only selectors change (the text before each `{` that is not an at-rule's).
 */
export function builtinTagSelectors(css: string): string {
  let out = '';
  let copied = 0;
  let start = 0;
  for (let i = 0; i < css.length; i++) {
    const ch = css[i];
    const skipped = skipCommentOrString(css, i);
    if (skipped !== i) i = skipped;
    else if (ch === '}' || ch === ';') start = i + 1;
    else if (ch === '{') {
      const head = css.slice(start, i);
      const selector = head.trim();
      out += css.slice(copied, start) + (selector.startsWith('@') ? head : withTags(head));
      copied = i;
      start = i + 1;
    }
  }
  return out + css.slice(copied);
}

function withTags(head: string): string {
  // comments inside a selector are kept as they are
  return head.replace(/\/\*[\s\S]*?\*\/|[^/]+|\//g, (part) =>
    part.startsWith('/*')
      ? part
      : part.replace(TAG, (_all, before: string, tag: string) => `${before}wx-${tag}`),
  );
}
