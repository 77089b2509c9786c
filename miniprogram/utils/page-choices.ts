/**
 * The pages of this mini program a promoter's message or share material can open, for a picker
 * instead of a typed path (messages, promoter detail's 推广素材). CUSTOM is 其他页面: a typed path.
 */
export const CUSTOM = 'custom';

export interface PageChoice {
  value: string;
  label: string;
}

/** Where a promoter, or someone they shared with, lands. */
export const PAGE_CHOICES: PageChoice[] = [
  { value: 'pages/join/index', label: '推广员的授权与进度页' },
  { value: 'pages/home/index', label: '小程序首页' },
  { value: CUSTOM, label: '其他页面（填写路径）' },
];
