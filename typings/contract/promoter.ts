import type {
  AuthStatus,
  CallerRole,
  DeclStatus,
  ErrorCode,
  Page,
  PageParams,
  PromoterStatus,
  UnixSeconds,
} from './common';

/** Cloud function `promoter`: roles, promoters, invites, join requests, messages, promotion data. */

export interface Role {
  roleId: number;
  name: string;
  desc: string;
}

export interface Promoter {
  /** WeChat's promoter id (getpromoter `id`): the key for update, cancel and paging. */
  id: string;
  openid: string;
  /** Known once fetched with need_unionid. */
  unionid?: string;
  roleId: number;
  /** WeChat `retail_id`. Empty string when the promoter has no store. */
  storeId: string;
  extraInfo: string;
  name: string;
  phone: string;
  authStatus: AuthStatus;
  declStatus: DeclStatus;
  status: PromoterStatus;
  /** Last auth-status change (WeChat `update_time`). */
  updateTime: UnixSeconds;
  /** Present once staff reminded them to authorize (promoter.remind). */
  reminder?: ReminderState;
}

/** How often and when staff last reminded a promoter to authorize. */
export interface ReminderState {
  count: number;
  lastRemindedAt: UnixSeconds;
}

/** How a reminder reached the person: a subscription message, or only the share card staff send. */
export type ReminderDelivery = 'sent' | 'notSubscribed' | 'failed' | 'notConfigured';

/** What promoter.remind did for one promoter. */
export type RemindOutcome =
  | 'reminded'
  /** Reminded by someone within the last minute: not reminded again. */
  | 'justReminded'
  | 'alreadyBound'
  | 'notDeclared'
  | 'notFound'
  | 'forbidden';

export interface RemindRow {
  id: string;
  name: string;
  outcome: RemindOutcome;
  delivery?: ReminderDelivery;
  /** Why, in the manager's words, when not reminded or the message did not go out. */
  message?: string;
  reminder?: ReminderState;
}

/** Exactly one of `ids` (1..50) or `waitingDays` (everyone still to authorize, declared that many days ago or more). */
export interface RemindParams {
  ids?: string[];
  waitingDays?: number;
  /** With waitingDays: only this store. */
  storeId?: string;
}

export interface RemindResult {
  rows: RemindRow[];
  remindedCount: number;
  /** Subscription messages WeChat accepted. */
  deliveredCount: number;
  /** The share card staff send the person: their own page, where the next step is. */
  share: { title: string; path: string };
  /** waitingDays only: more people are waiting than one call reminds; call again. */
  more: boolean;
}

/** One status change of a promoter as the read model observed it (collection `promoter_history`). */
export interface PromoterStatusChange {
  /** WeChat `update_time` when the auth status moved; otherwise when we saw or made the change. */
  at: UnixSeconds;
  status: PromoterStatus;
  authStatus: AuthStatus;
  declStatus: DeclStatus;
  /** 'us' = a cancel / redeclare through this app; 'wechat' = learnt from WeChat (sync or refresh). */
  source: 'wechat' | 'us';
  /** The staff member's openid, when source is 'us'. */
  by?: string;
}

/**
 * How fresh an answer read from the promoters mirror is. `asOf`: when the mirror last matched WeChat
 * (milliseconds since the epoch; 0 = never). `stale`: the mirror could not be brought up to date for
 * this answer; `staleReason` says why: 'unreachable' (WeChat busy or down: the pages say so) or
 * 'syncing' (a full sync is still running; the answer is the mirror as it is).
 */
export interface Freshness {
  asOf: number;
  stale: boolean;
  staleReason?: 'unreachable' | 'syncing';
}

/** How many promoters of each status match a filter (the list's tabs). */
export interface StatusCounts {
  total: number;
  byStatus: Record<PromoterStatus, number>;
}

/**
 * promoter.list: a page of the mirror and how fresh it is; with `counts` (first page only) how many
 * match the same filters in each status.
 */
export type PromoterPage = Page<Promoter> & Freshness & { counts?: StatusCounts };

/** promoter.get: the promoter and its status history, newest first, at most 50 entries. */
export type PromoterDetail = Promoter & { history: PromoterStatusChange[] } & Freshness;

/** One row to declare: exactly one of openid / unionid. */
export interface DeclareRow {
  openid?: string;
  unionid?: string;
  roleId: number;
  storeId?: string;
  extraInfo?: string;
  name?: string;
  phone?: string;
}

export interface RowFailure {
  /** Index into the request's array. */
  index: number;
  code: ErrorCode;
  message: string;
  field?: string;
  errcode?: number;
}

export interface DeclareResult {
  /** Rows now declared, including ones WeChat reported as already declared with the same data (103003). */
  declaredCount: number;
  /** Of declaredCount, how many were already declared before this call. */
  alreadyDeclaredCount: number;
  failed: RowFailure[];
}

/** How an import's rows name the person: mini program openid, UnionID, or Official Account openid. */
export type ImportIdentity = 'openid' | 'unionid' | 'oaOpenid';

export type ImportState = 'queued' | 'running' | 'paused' | 'done' | 'cancelled';

export interface ImportCounts {
  /** Declared by this job (including a 103003 for a row this job itself had sent). */
  declared: number;
  /** Already declared in WeChat with the same role and store before the job. */
  alreadyDeclared: number;
  /** Failed validation up front (never sent). */
  invalid: number;
  /** The same person twice in one job (reported, sent once). */
  duplicate: number;
  /** Sent (or resolved) and refused: by WeChat, by the cap, or no UnionID for an OA openid. */
  failed: number;
}

/** One input row that was not declared, with why. `row` is the row as given (for a CSV of failed rows). */
export interface ImportFailure extends RowFailure {
  kind: 'invalid' | 'duplicate' | 'failed';
  row?: Record<string, unknown>;
}

export interface ImportStartParams {
  /** Rows shaped like promoter.declare's (for oaOpenid: the OA openid in `openid`). Exactly one of rows / csv / uploadId. */
  rows?: unknown[];
  /** CSV text with a header row: openid / unionid / oaOpenid, roleId, storeId, name, phone, extraInfo. */
  csv?: string;
  /** CSV text sent before in parts with import.upload (a file too large for one call). */
  uploadId?: string;
  identity?: ImportIdentity;
}

/** import.upload: one part of a large CSV, in order; the first part starts an upload (no uploadId). */
export interface ImportUploadParams {
  uploadId?: string;
  text: string;
}

export interface ImportUpload {
  uploadId: string;
  /** Parts received so far. */
  parts: number;
  /** UTF-8 bytes received so far. */
  bytes: number;
}

export interface ImportStatus {
  jobId: string;
  state: ImportState;
  identity: ImportIdentity;
  /** Input rows. */
  total: number;
  counts: ImportCounts;
  /** Rows settled (declared, already declared, invalid, duplicate or failed). */
  processed: number;
  /** processed / total, 0..1. */
  progress: number;
  /** Estimated seconds left while running or queued; null when unknown. */
  etaSeconds: number | null;
  /** Paused: when the job may go on (WeChat's daily quota resets); unix seconds. */
  resumeAt?: UnixSeconds;
  /** Why it is paused, in words. */
  pauseReason?: string;
  createdAt: UnixSeconds;
  updatedAt: UnixSeconds;
  createdBy: string;
  /** A page of failures, by input index. */
  failures: ImportFailure[];
  /** Pass as `cursor` to import.status for the next page of failures. */
  failuresCursor?: string;
}

export interface ImportStatusParams {
  jobId: string;
  /** Failures after this cursor (from failuresCursor). */
  cursor?: string;
  /** Failures per page, 1..100 (default 20). */
  limit?: number;
}

export interface PromoterListParams extends PageParams {
  authStatus?: AuthStatus;
  declStatus?: DeclStatus;
  status?: PromoterStatus;
  roleId?: number;
  storeId?: string;
  openid?: string;
  /** Matches name or phone (substring). */
  keyword?: string;
  /** Window on the last auth-status change, seconds. */
  beginTime?: UnixSeconds;
  endTime?: UnixSeconds;
  /** Pull-to-refresh: read the latest authorization changes from WeChat first, whatever their age. */
  refresh?: boolean;
  /**
   * 'recent' (default): last changed first. 'waitingLongest' (status 待授权 or 已解除授权 only): who has
   * waited longest first, i.e. the oldest declare / auth-status change (`updateTime`) first.
   */
  sort?: PromoterSort;
  /** First page only: also answer `counts`, the same filters counted per status (status itself aside). */
  counts?: boolean;
}

export type PromoterSort = 'recent' | 'waitingLongest';

export interface PromoterUpdateParams {
  id: string;
  roleId?: number;
  storeId?: string;
  extraInfo?: string;
  name?: string;
  phone?: string;
}

export interface InviteMaterial {
  /** base64 images / short link, as WeChat's getinvitationmaterial returns them. */
  poster?: string;
  qrcode?: string;
  tag?: string;
}

export interface Invite {
  /** Share token carried by the invite card (`/pages/join/index?invite=<token>`). */
  token: string;
  storeId: string;
  storeName: string;
  roleId: number;
  roleName: string;
  createdBy: string;
  createdAt: UnixSeconds;
  expiresAt: UnixSeconds;
  /** Path for onShareAppMessage. */
  sharePath: string;
}

export type JoinStatus = 'pending' | 'approved' | 'rejected';

export interface JoinRequest {
  id: string;
  openid: string;
  name: string;
  phone: string;
  storeId: string;
  roleId: number;
  inviteToken: string;
  status: JoinStatus;
  createdAt: UnixSeconds;
  decidedAt?: UnixSeconds;
  decidedBy?: string;
  reason?: string;
  /** Set once approved and declared. */
  promoterId?: string;
}

export interface BatchResult {
  /** ids that succeeded */
  done: string[];
  failed: { id: string; code: ErrorCode; message: string; errcode?: number }[];
}

/** Where the promoter authorizes the binding (wx.openEmbeddedMiniProgram). */
export interface BindTarget {
  appId: string; // 'wx97537671f13cd770'
  path: string; // '/pages/bindPromoter/bindPromoter?appid=<our appid>&role=<roleId>&openType=2'
}

export interface MeStatus {
  openid: string;
  promoter: Promoter | null;
  joinRequest: JoinRequest | null;
  /** Present while the caller is declared but has not authorized (or revoked). */
  bind?: BindTarget;
  /** The subscription template to ask for (wx.requestSubscribeMessage); absent when none is set up. */
  authorizeTemplateId?: string;
}

export interface WhoAmI {
  openid: string;
  role: CallerRole;
  name?: string;
  /** Stores a manager runs; all stores for an admin; empty otherwise. */
  storeIds: string[];
}

export interface ShareMaterialParams {
  /** Promoter id; the promoter must be declared and authorized. */
  id: string;
  /** Mini program page to promote. */
  path: string;
  title?: string;
  extraInfo?: string;
  /** 0 all (default), 1 short link, 2 path with params, 3 mini program code */
  shareType?: 0 | 1 | 2 | 3;
  envVersion?: 'release' | 'trial' | 'develop';
}

export interface ShareMaterial {
  tag?: string;
  sharePath?: string;
  qrcode?: string;
  /** WeChat's material is valid 30 days. */
  expiresAt: UnixSeconds;
}

export type MessageAudience =
  | { kind: 'all' }
  | { kind: 'role'; roleIds: number[] }
  | { kind: 'store'; storeIds: string[] }
  | { kind: 'promoters'; ids: string[] };

export interface MessageSendParams {
  /** WeChat template type (enum UNCONFIRMED; 1 is the documented sample). */
  msgType: number;
  /** Template fields; sent to WeChat as a JSON string. */
  content: Record<string, string>;
  /** Page the message opens. */
  path: string;
  /** Jump target appid; defaults to ours. */
  appid?: string;
  audience: MessageAudience;
}

export interface MessageRecord {
  id: string;
  /** group = sendmsg (≥ 50 recipients), single = singlesendmsg per promoter (< 50). */
  mode: 'group' | 'single';
  /** WeChat msg_id, group sends only. */
  msgId?: string;
  msgType: number;
  content: Record<string, string>;
  path: string;
  audience: MessageAudience;
  recipientCount: number;
  /** single sends: how many WeChat accepted */
  sentCount: number;
  /**
   * single sends that failed, with the person's name as the mirror had it (for the manager's screen);
   * `message` says why in a manager's words (a WeChat refusal's reason, not its errcode)
   */
  failed: { id: string; name?: string; code: ErrorCode; message: string; errcode?: number }[];
  sentBy: string;
  sentAt: UnixSeconds;
}

export interface MessageStatus {
  id: string;
  mode: 'group' | 'single';
  sendCount: number;
  /** 0..100 */
  percent: number;
  failCount: number;
  /** `name` as the read model has it (absent for someone it does not know); `reason` in a manager's words. */
  failures: { id: string; errcode: number; name?: string; reason: string }[];
  failInfoUrl?: string;
}

export interface MessageClicksParams {
  /** yyyy-MM-dd */
  sendDate: string;
  /** 'msg' = by msg_id (WeChat dimonsion 0), 'type' = by msg_type (1) */
  dimension: 'msg' | 'type';
  msgType?: number;
  msgId?: string;
  beginSendTime?: UnixSeconds;
  endSendTime?: UnixSeconds;
}

export interface MessageClick {
  msgType: number;
  msgId: string;
  sendTime: UnixSeconds;
  clickUv: number;
  clickPv: number;
}

export interface StatsSummary extends Freshness {
  total: number;
  byStatus: Record<PromoterStatus, number>;
  byRole: { roleId: number; count: number }[];
  byStore: { storeId: string; count: number }[];
  pendingJoinRequests: number;
}

export interface Relation {
  promoterOpenid: string;
  roleId: number;
  storeId: string;
  extraInfo: string;
  /** the visiting user */
  openid: string;
  createTime: UnixSeconds;
  path: string;
  scene: number;
  shareExtraInfo: string;
}

export interface PromotionOrder extends Relation {
  mchId: string;
  tradeNo: string;
  outTradeNo: string;
  /** 1 paid, 2 refund accepted */
  status: 1 | 2;
  /** fen */
  paidAmount: number;
  paidTime: UnixSeconds;
  refundedTime?: UnixSeconds;
}

/** Visits, orders and money of one day or a window (stats.results). */
export interface ResultFigures {
  /** reach records (getrelation rows): visits through promoters' shares */
  visits: number;
  /** orders paid in the window (by payment date), refunded ones included */
  orders: number;
  /** fen, every order's paid amount */
  paidFen: number;
  /** fen, the paid amount of orders refunded since (WeChat status 2) */
  refundedFen: number;
  /** fen, paidFen − refundedFen: what the pages call 金额 */
  amountFen: number;
}

/** One China-time day of the window, oldest first. */
export interface ResultDay extends ResultFigures {
  /** yyyy-MM-dd, China time */
  date: string;
}

/** A promoter among the window's top five by amount (no openid). */
export interface TopPromoter {
  id: string;
  name: string;
  storeId: string;
  /** '' when the store is not (or no longer) registered */
  storeName: string;
  visits: number;
  orders: number;
  amountFen: number;
}

/**
 * stats.results: the store-wide promotion results, answered from the results aggregate only (it never
 * waits on WeChat). `asOf`: when the last complete refresh started (ms; 0 = never); `stale` when that
 * is older than the refresh interval or a refresh is running (`staleReason` 'syncing') or WeChat's
 * daily quota stopped it ('unreachable'); `refreshing`: a refresh is under way or asked for.
 */
export interface PromotionResults extends Freshness {
  days: 7 | 30;
  /** yyyy-MM-dd, China time: the first and last day of the window (the last is today) */
  from: string;
  to: string;
  totals: ResultFigures;
  /** every day of the window, oldest first (days without results are zeros) */
  series: ResultDay[];
  top: TopPromoter[];
  refreshing: boolean;
}

/** stats.refreshResults: one slice of the results refresh (admin; the timer runs the same). */
export interface ResultsRefreshSlice {
  /** false: more promoters are left; call again (or the timer goes on) */
  done: boolean;
  /** bound promoters refreshed by this pass so far */
  promoters: number;
  /** WeChat calls of this pass so far */
  calls: number;
  slices: number;
  /** set when WeChat's daily quota (45009) paused the refresh: unix seconds it resumes */
  pausedUntil?: UnixSeconds;
}

export interface PromoterActions {
  'me.whoami': { params: Record<string, never>; result: WhoAmI };
  'me.status': { params: Record<string, never>; result: MeStatus };
  /** The caller accepted these templates in wx.requestSubscribeMessage (one message each). */
  'me.subscribe': { params: { templateIds: string[] }; result: { accepted: number } };
  /** The number behind the getPhoneNumber button's code. */
  'me.phoneNumber': { params: { code: string }; result: { phone: string } };

  'role.list': { params: Record<string, never>; result: { items: Role[] } };
  'role.add': { params: { name: string; desc?: string }; result: Role };
  'role.update': { params: { roleId: number; name?: string; desc?: string }; result: Role };

  'promoter.declare': { params: { promoters: DeclareRow[] }; result: DeclareResult };
  'import.upload': { params: ImportUploadParams; result: ImportUpload };
  'import.start': { params: ImportStartParams; result: ImportStatus };
  'import.status': { params: ImportStatusParams; result: ImportStatus };
  'import.resume': { params: ImportStatusParams; result: ImportStatus };
  'import.cancel': { params: { jobId: string }; result: ImportStatus };
  'import.list': { params: PageParams; result: Page<ImportStatus> };
  'promoter.list': { params: PromoterListParams; result: PromoterPage };
  'promoter.get': { params: { id: string }; result: PromoterDetail };
  'promoter.update': { params: PromoterUpdateParams; result: Promoter };
  'promoter.cancel': { params: { id: string }; result: Promoter };
  'promoter.redeclare': { params: { id: string }; result: Promoter };
  /** 提醒授权: a subscription message where the person subscribed, recorded either way. */
  'promoter.remind': { params: RemindParams; result: RemindResult };
  /**
   * Re-reads every promoter from WeChat into the read model (admin), or goes on with an unfinished walk.
   * `done: false`: the invocation's time (SYNC_SLICE_MS) ran out; call again (or any read goes on).
   */
  'promoter.sync': {
    params: Record<string, never>;
    result: { total: number; pages: number; syncedAt: UnixSeconds; done: boolean };
  };

  'invite.create': {
    params: { storeId: string; roleId: number; invitationType?: 0 | 1 | 2 };
    result: { invite: Invite; material: InviteMaterial };
  };
  /** Anyone holding the token: what the join page shows. */
  'invite.get': {
    params: { token: string };
    result: Invite & { expired: boolean; authorizeTemplateId?: string };
  };

  'join.request': {
    /** `subscribedTemplateIds`: what the person accepted in wx.requestSubscribeMessage before sending. */
    params: { inviteToken: string; name: string; phone: string; subscribedTemplateIds?: string[] };
    result: JoinRequest;
  };
  'join.list': {
    params: PageParams & { status?: JoinStatus; storeId?: string };
    result: Page<JoinRequest>;
  };
  'join.approve': { params: { ids: string[] }; result: BatchResult };
  'join.reject': { params: { ids: string[]; reason?: string }; result: BatchResult };

  'share.material': { params: ShareMaterialParams; result: ShareMaterial };

  'message.send': { params: MessageSendParams; result: MessageRecord };
  'message.list': { params: PageParams; result: Page<MessageRecord> };
  'message.status': { params: { id: string }; result: MessageStatus };
  'message.clicks': { params: MessageClicksParams; result: { items: MessageClick[] } };

  /** `refresh` as in PromoterListParams. */
  'stats.summary': { params: { storeId?: string; refresh?: boolean }; result: StatsSummary };
  'stats.relations': {
    params: PageParams & {
      id: string;
      beginTime?: UnixSeconds;
      endTime?: UnixSeconds;
      scene?: number;
      path?: string;
    };
    result: Page<Relation>;
  };
  'stats.orders': {
    params: PageParams & {
      id: string;
      status?: 1 | 2;
      date?: string;
      mchId?: string;
      tradeNo?: string;
      outTradeNo?: string;
    };
    result: Page<PromotionOrder>;
  };
  /** `refresh`: ask for a refresh now (it runs in the background; the answer does not wait). */
  'stats.results': {
    params: { storeId?: string; days: 7 | 30; refresh?: boolean };
    result: PromotionResults;
  };
  /** Runs one slice of the results refresh now (admin): a new pass, or the rest of the running one. */
  'stats.refreshResults': { params: Record<string, never>; result: ResultsRefreshSlice };
}
