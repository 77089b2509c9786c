/** The simulator's build: file map, templates, bundles and the patched simulate runtime. */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  buildSimulator,
  createBuildCache,
  patchSimulate,
  readIcon,
  type BuildResult,
} from '../../../emulator/simulator/build';
import { writeFixture } from './fixture';

let fixture: ReturnType<typeof writeFixture>;
let result: BuildResult;
let fileMap: Record<string, unknown>;
let css: Record<string, string>;

beforeAll(async () => {
  fixture = writeFixture();
  result = await buildSimulator({ root: fixture.root, outDir: fixture.outDir, appid: 'wx5f3a1c2b4d6e8f01' });
  const text = result.files.get('filemap.js')!.body.toString();
  const [, mapJson, cssJson] = /^window\.__FILE_MAP__=(.*);window\.__SIM_CSS__=(.*);$/s.exec(text)!;
  fileMap = JSON.parse(mapJson!) as Record<string, unknown>;
  css = JSON.parse(cssJson!) as Record<string, string>;
}, 60_000);

afterAll(() => fixture.cleanup());

describe('buildSimulator on a small mini program', () => {
  it('writes every file the page loads to the out dir and counts them in the payload', () => {
    for (const name of [
      'simulate.js',
      'runtime.js',
      'wcc.js',
      'filemap.js',
      'app.js',
      'app.js.map',
      'config.json',
    ]) {
      expect(fs.readFileSync(path.join(fixture.outDir, name)).equals(result.files.get(name)!.body)).toBe(
        true,
      );
    }
    const scripts = ['simulate.js', 'runtime.js', 'wcc.js', 'filemap.js', 'app.js'];
    expect(result.payloadBytes).toBe(scripts.reduce((n, s) => n + result.files.get(s)!.body.length, 0));
    expect(result.times.total).toBeGreaterThanOrEqual(result.times.wcc);
  });

  it('puts app.wxss (imports inlined) before each page, converts rpx and rewrites dark mode', () => {
    const a = css['main|pages/a/index']!;
    expect(a).toContain(':where(html[data-sim-theme=dark]) page{ --fg: #fff; }');
    expect(a).toContain('.main--app-wide { padding: 12px; }');
    expect(a.indexOf('.main--app-wide')).toBeLessThan(a.indexOf('.main--a { width: 375px; }'));
    // a page without its own wxss still gets app.wxss; a component does not
    expect(css['main|pages/b/index']).toContain('.main--app-wide');
  });

  it("compiles each component's WXSS for the tag it is used under (class prefix, :host) instead of in the browser", () => {
    expect(css['x-card|components/card/index']).toBe('x-card { display: block; }\n');
    expect(Object.keys(css).sort()).toEqual([
      'main|pages/a/index',
      'main|pages/b/index',
      'x-card|components/card/index',
      'x-lib|miniprogram_npm/lib/thing',
    ]);
    // the sources are not shipped twice
    expect(fileMap['components/card/index.wxss']).toBe('');
  });

  it("resolves npm-style usingComponents through miniprogram_npm, like DevTools' 构建 npm", () => {
    const json = JSON.parse(fileMap['pages/a/index.json'] as string) as {
      usingComponents: Record<string, string>;
    };
    expect(json.usingComponents).toEqual({
      'x-card': '/components/card/index',
      'x-lib': '/miniprogram_npm/lib/thing',
    });
  });

  it('maps templates to wcc and page/component scripts to module thunks', () => {
    expect(fileMap['pages/a/index.wxml']).toEqual({ wxml: 'pages/a/index.wxml' });
    expect(fileMap['pages/a/index.js']).toBe('return window.__simRunModule("pages/a/index")');
    expect(fileMap['app.js']).toBe('return window.__simRunModule("app")');
    expect(fileMap['utils/math.js']).toBeUndefined(); // a plain module is bundled, not loaded by path
    expect(result.files.get('wcc.js')!.body.toString()).toContain('window.__gwx=');
    const app = result.files.get('app.js')!.body.toString();
    expect(app).toContain('"pages/a/index"');
    expect(app).toContain('n * 2');
    expect(app).toMatch(/\/\/# sourceMappingURL=app\.js\.map\n$/);
  });

  it('resolves the window config of every page for both themes', () => {
    expect(result.config.pages).toEqual(['pages/a/index', 'pages/b/index']);
    expect(result.config.entryPage).toBe('pages/a/index');
    expect(result.config.windows['pages/a/index']!.dark).toMatchObject({
      navigationBarTitleText: '页面甲',
      navigationBarBackgroundColor: '#181818',
      navigationBarTextStyle: 'white',
    });
    expect(result.config.windows['pages/b/index']!.light).toMatchObject({
      navigationBarTitleText: '夹具',
      enablePullDownRefresh: true,
    });
  });

  it('patches simulate.js: rpx scaled, :host, exparser exposed, handler return values, no csso', () => {
    const sim = patchSimulate(
      fs.readFileSync(createRequire(__filename).resolve('miniprogram-simulate/build.js'), 'utf8'),
    );
    expect(sim).toContain('window.__simExparser = __webpack_require__(4)');
    expect(sim).toContain('(n * 0.5)');
    expect(sim).toContain('selector.replace(/:host\\b/g, prefix)');
    expect(sim).toContain('evt.__simOnReturn');
    expect(sim).not.toContain('csso.minify(wxss');
    // what the page loads: the same, minified
    const built = result.files.get('simulate.js')!.body.toString();
    expect(built).toMatch(/window\.__simExparser=__webpack_require__\(4\)/);
    expect(built.length).toBeLessThan(sim.length);
  });

  it('refuses a simulate build it does not know instead of running unpatched', () => {
    expect(() => patchSimulate('window["simulate"] = {}')).toThrow(/did not apply/);
  });

  it('refuses a root without miniprogram_npm (npm run build:npm not run)', async () => {
    fs.renameSync(path.join(fixture.root, 'miniprogram_npm'), path.join(fixture.root, 'npm-away'));
    try {
      await expect(
        buildSimulator({ root: fixture.root, outDir: fixture.outDir, appid: 'x' }),
      ).rejects.toThrow(/miniprogram_npm is missing/);
    } finally {
      fs.renameSync(path.join(fixture.root, 'npm-away'), path.join(fixture.root, 'miniprogram_npm'));
    }
  });
});

describe('rebuilds', () => {
  it('reuse the steps whose inputs did not change: a template edit runs wcc, not esbuild', async () => {
    const cache = createBuildCache();
    const opts = { root: fixture.root, outDir: fixture.outDir, appid: 'x' };
    await buildSimulator(opts, cache);
    const appStep = cache.steps.get('app');
    const wccStep = cache.steps.get('wcc');
    fs.appendFileSync(path.join(fixture.root, 'pages/b/index.wxml'), '<view>新的一行</view>\n');
    const again = await buildSimulator(opts, cache);
    expect(cache.steps.get('app')).toBe(appStep);
    expect(cache.steps.get('wcc')).not.toBe(wccStep);
    expect(again.files.get('wcc.js')!.body.toString()).toContain('新的一行');
  }, 60_000);
});

describe('icons', () => {
  it('serves tdesign-icons-svg with its invalid view-box fixed to viewBox', () => {
    const svg = readIcon('add')!;
    expect(svg).toContain('viewBox="0 0 24 24"');
    expect(svg).not.toContain('view-box=');
  });
  it('answers undefined for unknown or path-like names', () => {
    expect(readIcon('no-such-icon')).toBeUndefined();
    expect(readIcon('../package')).toBeUndefined();
  });
});
