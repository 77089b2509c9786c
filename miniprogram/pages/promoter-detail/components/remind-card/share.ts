/** The card a manager sends to remind someone: it opens the person's own page, where the next step is. */
export const REMIND_SHARE = {
  title: '请完成推广员授权，授权后即可开始推广',
  path: '/pages/join/index?from=remind',
};
