/** The simulator's WXSS transforms (rpx, @import, dark mode) and theme.json variables. */
import {
  builtinTagSelectors,
  inlineImports,
  resolveRel,
  rewriteColorScheme,
  rpxToPx,
} from '../../../emulator/simulator/css';
import { pageWindow, resolveTheme } from '../../../emulator/simulator/theme';

describe('rpxToPx', () => {
  it('converts rpx for the 375 px frame (750rpx = 375px), signs and decimals included', () => {
    expect(rpxToPx('a{width:750rpx;margin:-3rpx .5rpx 24.4rpx 0}')).toBe(
      'a{width:375px;margin:-1.5px 0.25px 12.2px 0}',
    );
  });
  it('leaves px, em and words that merely contain "rpx" alone', () => {
    expect(rpxToPx('a{width:10px;font-size:2em}.rpx-note{}')).toBe('a{width:10px;font-size:2em}.rpx-note{}');
  });
});

describe('inlineImports', () => {
  const files: Record<string, string> = {
    'app.wxss': "@import '/common/base.wxss';\npage{color:red}",
    'common/base.wxss': '@import "./reset.wxss";.base{}',
    'common/reset.wxss': '.reset{}',
    'loop/a.wxss': "@import 'b.wxss';.a{}",
    'loop/b.wxss': "@import 'a.wxss';.b{}",
  };
  const read = (rel: string): string | undefined => files[rel];

  it('inlines root-relative and relative imports, nested', () => {
    expect(inlineImports(files['app.wxss']!, 'app.wxss', read)).toBe('.reset{}.base{}\npage{color:red}');
  });
  it('stops at a cycle and names a missing file in a comment', () => {
    expect(inlineImports(files['loop/a.wxss']!, 'loop/a.wxss', read)).toBe('.b{}.a{}');
    expect(inlineImports("@import 'nope.wxss';", 'x.wxss', read)).toBe('/* @import nope.wxss: not found */');
  });
  it('resolves paths like WeChat: a leading / is the mini program root', () => {
    expect(resolveRel('pages/a/index.wxss', '../b/x.wxss')).toBe('pages/b/x.wxss');
    expect(resolveRel('pages/a/index.wxss', '/x.wxss')).toBe('x.wxss');
  });
});

describe('rewriteColorScheme', () => {
  it('puts dark rules under the frame theme attribute, with zero added specificity', () => {
    const css = 'a{color:#000}@media (prefers-color-scheme: dark){a,.b .c{color:#fff}page{--x:1}}';
    expect(rewriteColorScheme(css)).toBe(
      'a{color:#000}:where(html[data-sim-theme=dark]) a,:where(html[data-sim-theme=dark]) .b .c{color:#fff}:where(html[data-sim-theme=dark]) page{--x:1}',
    );
  });
  it('handles light blocks, :root, compact syntax and nested at-rules', () => {
    const css = '@media (prefers-color-scheme:light){:root{--a:1}@supports (x:y){b{c:d}}}';
    expect(rewriteColorScheme(css)).toBe(
      'html:where(:not([data-sim-theme=dark])){--a:1}@supports (x:y){b{c:d}}',
    );
  });
  it('leaves other media queries and braces inside strings alone', () => {
    const css =
      '@media (max-width:300px){a{b:c}}.q::after{content:"}"}@media (prefers-color-scheme: dark){.q{x:y}}';
    expect(rewriteColorScheme(css)).toBe(
      '@media (max-width:300px){a{b:c}}.q::after{content:"}"}:where(html[data-sim-theme=dark]) .q{x:y}',
    );
  });
});

describe('theme variables', () => {
  const theme = { light: { nav: '#ffffff', text: 'black' }, dark: { nav: '#181818', text: 'white' } };

  it('resolves @name per theme and keeps plain values', () => {
    const window = {
      navigationBarBackgroundColor: '@nav',
      navigationBarTextStyle: '@text',
      navigationBarTitleText: '标题',
    };
    expect(resolveTheme(window, theme, 'dark')).toEqual({
      navigationBarBackgroundColor: '#181818',
      navigationBarTextStyle: 'white',
      navigationBarTitleText: '标题',
    });
  });
  it('names the field and the variable when theme.json lacks it', () => {
    expect(() => resolveTheme({ backgroundColor: '@missing' }, theme, 'light', 'pages/a.json')).toThrow(
      'pages/a.json.backgroundColor: @missing is not defined in theme.json "light"',
    );
  });
  it("merges a page's json over app.json window, without usingComponents", () => {
    const page = pageWindow(
      { navigationBarTitleText: '应用', navigationBarBackgroundColor: '@nav' },
      { navigationBarTitleText: '页面', enablePullDownRefresh: true, usingComponents: { x: '/x' } },
      theme,
      'pages/a/index',
    );
    expect(page.light).toEqual({
      navigationBarTitleText: '页面',
      navigationBarBackgroundColor: '#ffffff',
      enablePullDownRefresh: true,
    });
    expect(page.dark.navigationBarBackgroundColor).toBe('#181818');
  });
});

describe('builtinTagSelectors', () => {
  it('names built-ins as the frame renders them, wherever a selector names a tag', () => {
    expect(builtinTagSelectors('.actions > view{flex:1}')).toBe('.actions > wx-view{flex:1}');
    expect(builtinTagSelectors('view,text.note,.a button:first-child{}')).toBe(
      'wx-view,wx-text.note,.a wx-button:first-child{}',
    );
    expect(builtinTagSelectors('.list scroll-view{}')).toBe('.list wx-scroll-view{}');
  });
  it('leaves class names, property values, at-rule heads and comments alone', () => {
    const css =
      '.view-title,.text{content:"view";font:12px text}@media (min-width: 10px){.x > image{}}/* view */.y{}';
    expect(builtinTagSelectors(css)).toBe(
      '.view-title,.text{content:"view";font:12px text}@media (min-width: 10px){.x > wx-image{}}/* view */.y{}',
    );
  });
});
