/**
 * The simulator's build: turns `miniprogram/` into what the browser frame loads.
 *
 *   wcc.js       every .wxml/.wxs compiled by the official template compiler (miniprogram-compiler's wcc)
 *   filemap.js   window.__FILE_MAP__: json (npm `usingComponents` resolved), wxss (imports inlined, app.wxss
 *                before each page's, rpx → px, dark-mode media → theme attribute), wxml markers, js thunks —
 *                the input format of miniprogram-simulate's browser build
 *   app.js       esbuild bundle of app.ts and every page/component module, with WeChat's miniprogram_npm lookup
 *   simulate.js  miniprogram-simulate's browser build (j-component + exparser), patched (see patchSimulate)
 *   runtime.js   our shims: page stack, navigation bar, wx.* APIs, built-in components, control panel
 *   config.json  pages, window config per page and theme, app ids
 *
 * Everything is written to `outDir` and also kept in memory for the server.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';
import {
  builtinTagSelectors,
  inlineImports,
  resolveRel,
  rewriteColorScheme,
  rpxToPx,
  RPX_RATIO,
} from './css';
import { type ThemeJson, type WindowConfig, pageWindow } from './theme';

// Node's require, typed the same under every tsconfig (the test one types `require` as WeChat's).
const nodeRequire = createRequire(__filename);
// miniprogram-compiler has no types: wxmlToJs(root) compiles every .wxml/.wxs under root to one script.
const compiler = nodeRequire('miniprogram-compiler') as { wxmlToJs(root: string): string };

export interface BuildOptions {
  /** The mini program root (miniprogramRoot), default <repo>/miniprogram. */
  root: string;
  /** Where the output is written, e.g. <repo>/.sim-build. */
  outDir: string;
  /** The mini program's appid as the cloud functions know it (getAccountInfoSync). */
  appid: string;
}

export interface BuiltFile {
  name: string;
  type: string;
  body: Buffer;
  etag: string;
}

export interface BuildResult {
  files: Map<string, BuiltFile>;
  config: SimConfig;
  /** milliseconds per step and in total */
  times: Record<'scan' | 'wcc' | 'filemap' | 'esbuild' | 'runtime' | 'total', number>;
  /** bytes the browser loads for one page view (the scripts; not icons or source maps) */
  payloadBytes: number;
}

/** What the runtime reads as window.__SIM_CONFIG__. */
export interface SimConfig {
  pages: string[];
  /** per route, the resolved window config for both themes */
  windows: Record<string, Record<'light' | 'dark', WindowConfig>>;
  tabBarPages: string[];
  appid: string;
  entryPage: string;
  builtAt: number;
}

const REPO = path.resolve(__dirname, '..', '..');
const RUNTIME_DIR = path.join(__dirname, 'runtime');
const RUNTIME_ENTRY = path.join(RUNTIME_DIR, 'main.js');
const ICONS_DIR = path.join(path.dirname(nodeRequire.resolve('tdesign-icons-svg/package.json')), 'src');
/** The page scripts the browser loads, in order. */
export const SCRIPTS = ['simulate.js', 'runtime.js', 'wcc.js', 'filemap.js', 'app.js'] as const;

function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(abs, base, out);
    else out.push(path.relative(base, abs).split(path.sep).join('/'));
  }
  return out;
}

/** npm-style `usingComponents` values → absolute `/miniprogram_npm/…` (what DevTools' 构建 npm resolves). */
export function resolveUsingComponents(root: string, rel: string, json: Record<string, unknown>): void {
  const using = json.usingComponents as Record<string, string> | undefined;
  if (!using) return;
  for (const [tag, target] of Object.entries(using)) {
    if (target.startsWith('/') || target.startsWith('.') || target.startsWith('plugin://')) continue;
    // nearest ancestor miniprogram_npm/<name>, as WeChat looks it up
    let dir = path.dirname(path.join(root, rel));
    for (;;) {
      const candidate = path.join(dir, 'miniprogram_npm', target);
      if (fs.existsSync(`${candidate}.json`) || fs.existsSync(path.join(candidate, 'index.json'))) {
        const abs = fs.existsSync(`${candidate}.json`) ? candidate : path.join(candidate, 'index');
        using[tag] = `/${path.relative(root, abs).split(path.sep).join('/')}`;
        break;
      }
      if (dir === root || dir === path.dirname(dir)) break;
      dir = path.dirname(dir);
    }
  }
}

/** The CDN icon font replaced by local SVG masks (tdesign-icons-svg), coloured by currentColor. */
export function iconCss(names: string[]): string {
  return names
    .map(
      (n) =>
        `.t-icon-${n}:before{content:'';display:inline-block;width:1em;height:1em;vertical-align:-0.125em;` +
        `background-color:currentColor;-webkit-mask:url(/__icons/${n}.svg) center/contain no-repeat;` +
        `mask:url(/__icons/${n}.svg) center/contain no-repeat}`,
    )
    .join('\n');
}

export function iconNames(): string[] {
  return fs
    .readdirSync(ICONS_DIR)
    .filter((f) => f.endsWith('.svg'))
    .map((f) => f.slice(0, -4));
}

/** One icon, with tdesign-icons-svg's invalid `view-box` attribute fixed to `viewBox`. */
export function readIcon(name: string): string | undefined {
  if (!/^[\w-]+$/.test(name)) return undefined;
  const file = path.join(ICONS_DIR, `${name}.svg`);
  if (!fs.existsSync(file)) return undefined;
  return fs.readFileSync(file, 'utf8').replace(/\bview-box=/g, 'viewBox=');
}

/** esbuild plugin: bare specifiers from the nearest ancestor `miniprogram_npm/<name>`, like WeChat. */
function miniprogramNpm(root: string): esbuild.Plugin {
  return {
    name: 'miniprogram-npm',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        let dir = args.resolveDir || root;
        for (;;) {
          const base = path.join(dir, 'miniprogram_npm', args.path);
          for (const c of [base, `${base}.js`, `${base}.ts`, path.join(base, 'index.js')]) {
            if (fs.existsSync(c) && fs.statSync(c).isFile()) return { path: c };
          }
          if (dir === root || !dir.startsWith(root) || dir === path.dirname(dir)) break;
          dir = path.dirname(dir);
        }
        return undefined;
      });
    },
  };
}

const SIM_RPX_PATCH_FROM = "return style.replace(/(\\d+)rpx/ig, '$1px')";
const SIM_COMPILE_FROM = 'function compile(wxss, options = {}) {';
const SIM_PREFIX_FROM =
  "selectors.push(selector.replace(/(.)?\\.([-_a-zA-Z0-9]+)/igs, (all, $1, $2) => (/\\d/.test($1) ? all : `${$1 || ''}.${prefix}--${$2}`)))";
const SIM_CSSO_FROM = 'return csso.minify(wxss, {restructure: false}).css';
const SIM_DATASET_FROM = '} else if (/^data-/.test(name)) {';
const SIM_HANDLER_FROM = 'caller[handler]({\n              type: evt.type,';
const SIM_HANDLER_END_FROM = '              mut: mutatedMarked,\n            })\n';
const SIM_ENTRY_FROM = 'return __webpack_require__(__webpack_require__.s = 60);';
const SIM_SCROLL_FROM = 'this._lastScrollTime = +new Date()';
const SIM_REGISTER_CSS_FROM = 'cache.wxss.push(wxss.compile(component.wxss, {';
const SIM_LESS_FROM = "less.logger.info('Less has finished and no sheets were loaded.');";

function replaceAll(source: string, from: string, to: string, what: string): string {
  if (!source.includes(from))
    throw new Error(`simulate.js patch "${what}" did not apply: is miniprogram-simulate 1.6.2?`);
  return source.split(from).join(to);
}

/**
 * miniprogram-simulate's browser build, patched:
 * - inline-style rpx (its transformRpx is 1 rpx = 1 px) scaled for the frame;
 * - `:host` in a component's WXSS becomes the component's tag (its class prefixer leaves `:host` alone);
 * - a component's compiled WXSS is cached per (prefix, text), so the second page does not re-run postcss;
 * - csso minifying skipped (the browser does not need it and it is the slowest step);
 * - `hidden` on any element hides it, and `aria-*` attributes (`aria-role` as `role`) reach the DOM, as in
 *   WeChat's webview (j-component drops both on built-ins);
 * - what a page's event handler returns is handed to the built-in that fired the event (bindinput's
 *   returned string replaces the input's value), and a handler's exception is reported;
 * - exparser is exposed as window.__simExparser (the built-ins dispatch WeChat events through it);
 * - a text field scrolling its own content (typing into a textarea) does not count as the page scrolling,
 *   which would cancel the next tap for 150 ms;
 * - a component's WXSS compiled at build time (window.__SIM_CSS__, see precompileWxss) is used as is;
 * - less's "no sheets were loaded" notice is silenced.
 */
export function patchSimulate(source: string): string {
  let out = replaceAll(
    source,
    SIM_RPX_PATCH_FROM,
    `return String(style).replace(/(-?(?:\\d+\\.?\\d*|\\.\\d+))rpx/ig, function (_, n) { return (+(n * ${RPX_RATIO}).toFixed(3)) + 'px' })`,
    'rpx',
  );
  out = replaceAll(
    out,
    SIM_PREFIX_FROM,
    `selectors.push(selector.replace(/:host\\b/g, prefix).replace(/(.)?\\.([-_a-zA-Z0-9]+)/igs, (all, $1, $2) => (/\\d/.test($1) ? all : \`\${$1 || ''}.\${prefix}--\${$2}\`)))`,
    ':host',
  );
  out = replaceAll(
    out,
    SIM_COMPILE_FROM,
    'const __simCssCache = new Map();\nfunction compile(wxss, options = {}) {\n' +
      "  const key = (options.prefix || '') + '\\u0000' + wxss;\n" +
      '  if (!__simCssCache.has(key)) __simCssCache.set(key, compileUncached(wxss, options));\n' +
      '  return __simCssCache.get(key);\n}\nfunction compileUncached(wxss, options = {}) {',
    'compile cache',
  );
  out = replaceAll(out, SIM_CSSO_FROM, 'return wxss', 'csso');
  out = replaceAll(
    out,
    SIM_DATASET_FROM,
    "} else if (name === 'hidden') {\n      if (exparserNode.$$) exparserNode.$$.toggleAttribute('hidden', !!value && value !== 'false')\n    " +
      "} else if (/^aria(-|[A-Z])/.test(name)) {\n      const ariaName = name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())\n      const domName = ariaName === 'aria-role' ? 'role' : ariaName\n" +
      "      if (exparserNode.$$) { if (value === undefined || value === null || value === false || value === '') exparserNode.$$.removeAttribute(domName); else exparserNode.$$.setAttribute(domName, String(value)) }\n    " +
      SIM_DATASET_FROM,
    'hidden',
  );
  out = replaceAll(
    out,
    SIM_HANDLER_FROM,
    'let __simRet\n            try { __simRet = caller[handler]({\n              type: evt.type,',
    'handler return',
  );
  out = replaceAll(
    out,
    SIM_HANDLER_END_FROM,
    '              mut: mutatedMarked,\n            })\n            } catch (err) { if (window.__simReportError) window.__simReportError(err, handler); else throw err }\n' +
      '            if (evt.__simOnReturn) evt.__simOnReturn(__simRet)\n' +
      "            else if (__simRet && typeof __simRet.then === 'function' && window.__simReportError) __simRet.then(undefined, (err) => window.__simReportError(err, handler))\n",
    'handler end',
  );
  out = replaceAll(
    out,
    SIM_ENTRY_FROM,
    `window.__simExparser = __webpack_require__(4);\n${SIM_ENTRY_FROM}`,
    'exparser',
  );
  out = replaceAll(
    out,
    SIM_SCROLL_FROM,
    `if (!/^(INPUT|TEXTAREA)$/.test(evt.target && evt.target.tagName)) ${SIM_SCROLL_FROM}`,
    'scroll protection',
  );
  out = replaceAll(
    out,
    SIM_REGISTER_CSS_FROM,
    "cache.wxss.push((window.__SIM_CSS__ && window.__SIM_CSS__[tagName + '|' + componentPath.replace(/^\\//, '')]) || wxss.compile(component.wxss, {",
    'precompiled wxss',
  );
  out = replaceAll(out, SIM_LESS_FROM, '', 'less notice');
  return out;
}

// simulate's own postcss (7), for the same class prefixing it does in the browser
const simRequire = createRequire(nodeRequire.resolve('miniprogram-simulate/package.json'));
interface Postcss7 {
  (plugins: unknown[]): { process(css: string, opts: object): { css: string } };
  plugin(
    name: string,
    fn: () => (root: { walk(cb: (node: { type: string; selectors: string[] }) => void): void }) => void,
  ): unknown;
}

/** simulate's class prefixer (src/wxss.js addClassPrefixPlugin) with our `:host` handling. */
export function prefixWxss(css: string, prefix: string): string {
  const postcss = simRequire('postcss') as Postcss7;
  const plugin = postcss.plugin('addClassPrefix', () => (root) => {
    root.walk((child) => {
      if (child.type !== 'rule') return;
      child.selectors = child.selectors.map((selector) =>
        selector
          .replace(/:host\b/g, prefix)
          .replace(/(.)?\.([-_a-zA-Z0-9]+)/gs, (all: string, before: string | undefined, name: string) =>
            /\d/.test(before ?? '') ? all : `${before ?? ''}.${prefix}--${name}`,
          ),
      );
    });
  });
  return postcss([plugin]).process(css, { from: undefined, map: false }).css;
}

/**
 * Every (tag, component) pair the pages use, compiled as simulate would in the browser (where postcss is
 * the slowest part of a page's first render): `tag|path` → CSS. Pages use the tag "main".
 */
export function precompileWxss(fileMap: Record<string, unknown>, pages: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (target: string, tag: string): void => {
    const key = `${tag}|${target}`;
    if (key in out) return;
    const css = fileMap[`${target}.wxss`];
    out[key] = typeof css === 'string' ? prefixWxss(css, tag) : '';
    const json = fileMap[`${target}.json`];
    if (typeof json !== 'string') return;
    const using = (JSON.parse(json) as { usingComponents?: Record<string, string> }).usingComponents ?? {};
    for (const [childTag, childPath] of Object.entries(using)) {
      const childTarget = childPath.startsWith('/')
        ? childPath.slice(1)
        : resolveRel(`${target}.json`, childPath);
      if (fileMap[`${childTarget}.json`] !== undefined) visit(childTarget, childTag);
    }
  };
  for (const page of pages) visit(page, 'main');
  return out;
}

function sha(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;
}

/** The file map: json, wxss, wxml markers and js thunks keyed by root-relative path. */
export function buildFileMap(
  root: string,
  files: string[],
  icons: string[],
): { fileMap: Record<string, unknown>; modules: string[]; pages: string[] } {
  const fileSet = new Set(files);
  const read = (rel: string): string | undefined =>
    fileSet.has(rel) ? fs.readFileSync(path.join(root, rel), 'utf8') : undefined;
  const app = JSON.parse(read('app.json') ?? '{}') as { pages?: string[] };
  const pages = app.pages ?? [];
  const pageSet = new Set(pages);
  const appWxss = read('app.wxss') ?? '';
  const fileMap: Record<string, unknown> = {};
  const modules: string[] = [];
  const jsExt = /\.(ts|js)$/;
  for (const rel of files) {
    if (rel.endsWith('.json')) {
      const json = JSON.parse(read(rel)!) as Record<string, unknown>;
      resolveUsingComponents(root, rel, json);
      fileMap[rel] = JSON.stringify(json);
    } else if (rel.endsWith('.wxss')) {
      let css = read(rel)!;
      if (rel.endsWith('tdesign-miniprogram/icon/icon.wxss')) {
        css = css.replace(/@font-face\s*\{[^}]*\}/g, '') + iconCss(icons);
      }
      // app.wxss is global in WeChat: here it goes before each page's own styles (in the page's scope).
      if (pageSet.has(rel.slice(0, -'.wxss'.length))) css = `${appWxss}\n${css}`;
      fileMap[rel] = builtinTagSelectors(rpxToPx(rewriteColorScheme(inlineImports(css, rel, read))));
    } else if (rel.endsWith('.wxml')) {
      fileMap[rel] = { wxml: rel };
    } else if (jsExt.test(rel) && !rel.endsWith('.d.ts') && !rel.endsWith('.test.ts')) {
      const base = rel.replace(jsExt, '');
      // only page/component entries (a sibling .json) and app are loaded by path
      if (fileSet.has(`${base}.json`) || base === 'app') {
        if (modules.includes(base)) continue;
        modules.push(base);
        fileMap[`${base}.js`] = `return window.__simRunModule(${JSON.stringify(base)})`;
      }
    }
  }
  // pages without their own wxss still get app.wxss
  for (const page of pages) {
    if (!fileMap[`${page}.wxss`])
      fileMap[`${page}.wxss`] = builtinTagSelectors(
        rpxToPx(rewriteColorScheme(inlineImports(appWxss, 'app.wxss', read))),
      );
  }
  return { fileMap, modules, pages };
}

/**
 * What a rebuild can reuse from the previous one in the same process: each step's output keyed by a
 * fingerprint (path, size, mtime) of its inputs, so editing a .wxml skips esbuild and editing a .ts
 * skips wcc.
 */
export interface BuildCache {
  steps: Map<string, { key: string; value: unknown }>;
}

export function createBuildCache(): BuildCache {
  return { steps: new Map() };
}

function fingerprint(base: string, files: string[]): string {
  const hash = createHash('sha1');
  for (const rel of files) {
    const stat = fs.statSync(path.join(base, rel));
    hash.update(`${rel}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('base64url');
}

async function cached<T>(
  cache: BuildCache | undefined,
  step: string,
  key: string,
  run: () => Promise<T> | T,
): Promise<T> {
  const hit = cache?.steps.get(step);
  if (hit && hit.key === key) return hit.value as T;
  const value = await run();
  cache?.steps.set(step, { key, value });
  return value;
}

/** The simulate step's inputs: the installed build.js and this file (its patches). */
function simulateKey(simulatePath: string): string {
  return `${fingerprint(path.dirname(simulatePath), ['build.js'])}:${fingerprint(__dirname, [path.basename(__filename)])}`;
}

/**
 * miniprogram-simulate's build patched, then whitespace-minified (half the bytes to load and parse;
 * names kept for stack traces). Kept in outDir across runs: it changes only with the package or the patches.
 */
async function simulateBundle(simulatePath: string, outDir: string): Promise<string> {
  const keyFile = path.join(outDir, 'simulate.js.key');
  const outFile = path.join(outDir, 'simulate.js');
  const key = simulateKey(simulatePath);
  if (fs.existsSync(keyFile) && fs.existsSync(outFile) && fs.readFileSync(keyFile, 'utf8') === key) {
    return fs.readFileSync(outFile, 'utf8');
  }
  const patched = patchSimulate(fs.readFileSync(simulatePath, 'utf8'));
  const min = await esbuild.transform(patched, {
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
  });
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(outFile, min.code);
  fs.writeFileSync(keyFile, key);
  return min.code;
}

export async function buildSimulator(opts: BuildOptions, cache?: BuildCache): Promise<BuildResult> {
  const root = path.resolve(opts.root);
  if (!fs.existsSync(path.join(root, 'miniprogram_npm'))) {
    throw new Error(`${root}/miniprogram_npm is missing: run \`npm run build:npm\` first`);
  }
  const t0 = Date.now();
  const files = walk(root);
  const icons = iconNames();
  const t1 = Date.now();
  const wcc = await cached(
    cache,
    'wcc',
    fingerprint(
      root,
      files.filter((f) => /\.(wxml|wxs)$/.test(f)),
    ),
    () => compiler.wxmlToJs(root),
  );
  const t2 = Date.now();
  const { fileMap, modules, pages } = buildFileMap(root, files, icons);
  const appJson = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8')) as {
    window?: WindowConfig;
    themeLocation?: string;
    tabBar?: { list?: Array<{ pagePath: string }> };
    entryPagePath?: string;
  };
  const themeFile = appJson.themeLocation ? path.join(root, appJson.themeLocation) : undefined;
  const theme = (
    themeFile && fs.existsSync(themeFile) ? JSON.parse(fs.readFileSync(themeFile, 'utf8')) : {}
  ) as ThemeJson;
  const windows: SimConfig['windows'] = {};
  for (const page of pages) {
    const json = JSON.parse((fileMap[`${page}.json`] as string | undefined) ?? '{}') as WindowConfig;
    windows[page] = pageWindow(appJson.window ?? {}, json, theme, page);
  }
  const config: SimConfig = {
    pages,
    windows,
    tabBarPages: (appJson.tabBar?.list ?? []).map((t) => t.pagePath.replace(/^\//, '')),
    appid: opts.appid,
    entryPage: (appJson.entryPagePath ?? pages[0] ?? '').replace(/^\//, ''),
    builtAt: Date.now(),
  };
  const t3 = Date.now();

  const entry =
    'window.__MODS={' +
    modules
      .map((m) => {
        const file = fs.existsSync(path.join(root, `${m}.ts`)) ? `${m}.ts` : `${m}.js`;
        return `${JSON.stringify(m)}:()=>require(${JSON.stringify(`./${file}`)})`;
      })
      .join(',\n') +
    '};';
  const scripts = files.filter((f) => /\.(ts|js|json)$/.test(f));
  const runtimeFiles = fs.readdirSync(RUNTIME_DIR);
  const [appBundle, runtimeBundle] = await Promise.all([
    cached(cache, 'app', `${entry.length}:${fingerprint(root, scripts)}`, () =>
      esbuild.build({
        stdin: { contents: entry, resolveDir: root, sourcefile: '__entry.js', loader: 'js' },
        bundle: true,
        format: 'iife',
        platform: 'browser',
        target: 'es2019',
        write: false,
        outfile: path.join(opts.outDir, 'app.js'),
        sourcemap: 'external',
        sourcesContent: true,
        logLevel: 'silent',
        plugins: [miniprogramNpm(root)],
      }),
    ),
    cached(cache, 'runtime', fingerprint(RUNTIME_DIR, runtimeFiles), () =>
      esbuild.build({
        entryPoints: [RUNTIME_ENTRY],
        bundle: true,
        format: 'iife',
        platform: 'browser',
        target: 'chrome100',
        write: false,
        outfile: path.join(opts.outDir, 'runtime.js'),
        sourcemap: 'external',
        logLevel: 'silent',
        loader: { '.css': 'text' },
      }),
    ),
  ]);
  const t4 = Date.now();

  const out = new Map<string, BuiltFile>();
  const add = (name: string, type: string, content: string | Uint8Array): void => {
    const body = Buffer.from(content);
    out.set(name, { name, type, body, etag: sha(body) });
  };
  const js = 'text/javascript; charset=utf-8';
  add('wcc.js', js, `window.__webview_engine_version__=0.02;window.__gwx=(function(){${wcc}})();`);
  const css = await cached(cache, 'css', sha(Buffer.from(JSON.stringify(fileMap))), () =>
    precompileWxss(fileMap, pages),
  );
  // a stylesheet compiled for every tag it is used under need not travel as source too
  const shipped: Record<string, unknown> = { ...fileMap };
  for (const key of Object.keys(css)) shipped[`${key.slice(key.indexOf('|') + 1)}.wxss`] = '';
  add(
    'filemap.js',
    js,
    `window.__FILE_MAP__=${JSON.stringify(shipped)};window.__SIM_CSS__=${JSON.stringify(css)};`,
  );
  for (const [bundle, name] of [
    [appBundle, 'app.js'],
    [runtimeBundle, 'runtime.js'],
  ] as const) {
    for (const file of bundle.outputFiles) {
      const base = path.basename(file.path);
      const text = base.endsWith('.map')
        ? file.text
        : `${file.text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '')}\n//# sourceMappingURL=${name}.map\n`;
      add(base, base.endsWith('.map') ? 'application/json' : js, text);
    }
  }
  const simulatePath = nodeRequire.resolve('miniprogram-simulate/build.js');
  add(
    'simulate.js',
    js,
    await cached(cache, 'simulate', simulateKey(simulatePath), () =>
      simulateBundle(simulatePath, opts.outDir),
    ),
  );
  add('config.json', 'application/json', JSON.stringify(config));
  const t5 = Date.now();

  fs.mkdirSync(opts.outDir, { recursive: true });
  for (const file of out.values()) fs.writeFileSync(path.join(opts.outDir, file.name), file.body);
  const payloadBytes = SCRIPTS.reduce((sum, name) => sum + (out.get(name)?.body.length ?? 0), 0);
  return {
    files: out,
    config,
    payloadBytes,
    times: {
      scan: t1 - t0,
      wcc: t2 - t1,
      filemap: t3 - t2,
      esbuild: t4 - t3,
      runtime: t5 - t4,
      total: t5 - t0,
    },
  };
}

/** Defaults for this repository. */
export const DEFAULT_ROOT = path.join(REPO, 'miniprogram');
export const DEFAULT_OUT_DIR = path.join(REPO, '.sim-build');
