/**
 * WeChat's darkmode variables: app.json `window` and each page's json may name `@navBgColor`-style
 * variables defined per theme in theme.json (https://developers.weixin.qq.com/miniprogram/dev/framework/ability/darkmode.html).
 */

export type ThemeName = 'light' | 'dark';
export type ThemeJson = Partial<Record<ThemeName, Record<string, string>>>;

/** The window fields a page's json may set (the rest of app.json `window` is inherited). */
export interface WindowConfig {
  navigationBarTitleText?: string;
  navigationBarBackgroundColor?: string;
  navigationBarTextStyle?: string;
  navigationStyle?: string;
  backgroundColor?: string;
  backgroundTextStyle?: string;
  backgroundColorTop?: string;
  backgroundColorBottom?: string;
  enablePullDownRefresh?: boolean;
  onReachBottomDistance?: number;
  [key: string]: unknown;
}

/** Every string value `@name` replaced by theme.json's value for `theme`; an unknown name is an error. */
export function resolveTheme<T extends Record<string, unknown>>(
  config: T,
  theme: ThemeJson,
  name: ThemeName,
  where = 'window',
): T {
  const vars = theme[name] ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'string' && value.startsWith('@')) {
      const resolved = vars[value.slice(1)];
      if (resolved === undefined) {
        throw new Error(`${where}.${key}: ${value} is not defined in theme.json "${name}"`);
      }
      out[key] = resolved;
    } else out[key] = value;
  }
  return out as T;
}

/** The window config for a page: app.json `window` overridden by the page's json, for both themes. */
export function pageWindow(
  appWindow: WindowConfig,
  pageJson: WindowConfig,
  theme: ThemeJson,
  route: string,
): Record<ThemeName, WindowConfig> {
  const own: WindowConfig = {};
  for (const [key, value] of Object.entries(pageJson)) {
    if (key !== 'usingComponents' && key !== 'component' && key !== 'componentPlaceholder') own[key] = value;
  }
  const merged = { ...appWindow, ...own };
  return {
    light: resolveTheme(merged, theme, 'light', `${route}.json`),
    dark: resolveTheme(merged, theme, 'dark', `${route}.json`),
  };
}
