/** A tiny mini program root for the simulator's build/server/watch tests (written to a temp folder). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FIXTURE_FILES: Record<string, string> = {
  'app.json': JSON.stringify({
    pages: ['pages/a/index', 'pages/b/index'],
    window: {
      navigationBarTitleText: '夹具',
      navigationBarBackgroundColor: '@nav',
      navigationBarTextStyle: '@text',
    },
    themeLocation: 'theme.json',
  }),
  'theme.json': JSON.stringify({
    light: { nav: '#ffffff', text: 'black' },
    dark: { nav: '#181818', text: 'white' },
  }),
  'app.ts': 'App({ globalData: {} });\n',
  'app.wxss': "@import '/common/tokens.wxss';\n.app-wide { padding: 24rpx; }\n",
  'common/tokens.wxss': '@media (prefers-color-scheme: dark) { page { --fg: #fff; } }\n',
  'pages/a/index.json': JSON.stringify({
    navigationBarTitleText: '页面甲',
    usingComponents: { 'x-card': '/components/card/index', 'x-lib': 'lib/thing' },
  }),
  'pages/a/index.wxml': '<view class="a">甲 {{n}}</view><x-card />\n',
  'pages/a/index.wxss': '.a { width: 750rpx; }\n',
  'pages/a/index.ts': "import { twice } from '../../utils/math';\nPage({ data: { n: twice(2) } });\n",
  'pages/b/index.json': JSON.stringify({ enablePullDownRefresh: true }),
  'pages/b/index.wxml': '<view>乙</view>\n',
  'pages/b/index.ts': 'Page({});\n',
  'components/card/index.json': JSON.stringify({ component: true }),
  'components/card/index.wxml': '<view class="card"><slot /></view>\n',
  'components/card/index.wxss': ':host { display: block; }\n',
  'components/card/index.ts': 'Component({});\n',
  'utils/math.ts': 'export const twice = (n: number): number => n * 2;\n',
  'miniprogram_npm/lib/thing.json': JSON.stringify({ component: true }),
  'miniprogram_npm/lib/thing.wxml': '<view>lib</view>\n',
  'miniprogram_npm/lib/thing.js': 'Component({});\n',
  'images/dot.png': 'not really a png',
};

/** Writes the fixture to a fresh temp folder; returns its root and out dir. */
export function writeFixture(): { root: string; outDir: string; cleanup(): void } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-fixture-'));
  const root = path.join(base, 'miniprogram');
  for (const [rel, text] of Object.entries(FIXTURE_FILES)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return {
    root,
    outDir: path.join(base, 'out'),
    cleanup: () => fs.rmSync(base, { recursive: true, force: true }),
  };
}
