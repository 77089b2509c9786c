/**
 * Readings: where WeChat's sources disagree or are silent, the stand-in takes one reading and a test can
 * switch to the other through `POST /__control/readings` (GET answers the current ones; a reset restores
 * the defaults). Each is described, with its sources, in docs/wechat-api.md ("Readings the stand-in can
 * switch"). The client must work under either reading; tests run it under both.
 */
export interface Readings {
  /**
   * getpromoter `total_cnt`: the grand total of matching rows on every page, or the page's own row count
   * (the Chinese doc's stop rule "total_cnt 小于 2000 … 拉取完毕" reads that way). Default grand total.
   */
  getpromoterTotalCnt: 'grand-total' | 'page';
  /**
   * sendmsg to fewer than 50 bound promoters: the docs only advise singlesendmsg there ('accept', the
   * default) or a stricter reading refuses it with 103001 ('refuse').
   */
  sendmsgBelow50: 'accept' | 'refuse';
  /**
   * getsharematerial for a promoter not declared or not authorized: the Chinese doc says 103006 (the
   * default), the error table's 103014 "promoter unauth or not declared" fits too.
   */
  shareMaterialUnbound: 103006 | 103014;
  /**
   * getmsgclickdata with dimonsion 0 and no msg_id: the official sample sends msg_type only ('optional',
   * the default: every message of that type that day), WxJava's Javadoc marks msg_id required.
   */
  clickDataMsgId: 'optional' | 'required';
  /**
   * getsharematerial env_version develop/trial with a share_type other than the short link: the docs say
   * only the short link can open those versions, not that other types are refused ('accept', the default;
   * the official sample sends share_type 0 with trial) or 'refuse' with 103001.
   */
  shareEnvVersion: 'accept' | 'refuse';
}

export const DEFAULT_READINGS: Readonly<Readings> = {
  getpromoterTotalCnt: 'grand-total',
  sendmsgBelow50: 'accept',
  shareMaterialUnbound: 103006,
  clickDataMsgId: 'optional',
  shareEnvVersion: 'accept',
};

/** The values each reading may take, for the control endpoint's checks. */
export const READING_CHOICES: { [K in keyof Readings]: readonly Readings[K][] } = {
  getpromoterTotalCnt: ['grand-total', 'page'],
  sendmsgBelow50: ['accept', 'refuse'],
  shareMaterialUnbound: [103006, 103014],
  clickDataMsgId: ['optional', 'required'],
  shareEnvVersion: ['accept', 'refuse'],
};
