/**
 * Every collection the cloud functions use, in one place, with the indexes production must create
 * (README.md "Opening in WeChat DevTools and deploying to CloudBase" lists the same; a test keeps the
 * two equal) and the documents that more than one function reads.
 *
 * The local CloudBase stand-in (emulator/cloudbase) builds exactly these indexes and no others, so a
 * query that needs an index missing here is as slow locally as it would be in production.
 */
import type { Promoter } from '../../typings/contract/promoter';

export const COLLECTIONS = {
  // admin function (staff, stores, staff invites); staff and stores are read by every function
  staff: 'staff',
  stores: 'stores',
  staffInvites: 'staff_invites',
  // promoter function
  promoters: 'promoters',
  syncState: 'sync_state',
  promoterHistory: 'promoter_history',
  invites: 'invites',
  joinRequests: 'join_requests',
  joinRequestClaims: 'join_request_claims',
  messages: 'messages',
  /** 提醒授权: per promoter, how often and when last (promoter function, reminders.ts). */
  reminders: 'promoter_reminders',
  /** Subscription acceptances per person (me.subscribe, join.request). */
  subscriptions: 'subscriptions',
  importJobs: 'import_jobs',
  importChunks: 'import_chunks',
  importFailures: 'import_failures',
  importUploads: 'import_uploads',
  /** Promotion results per promoter per China day, and each promoter's refresh mark (results/). */
  resultDays: 'result_days',
  resultMarks: 'result_marks',
  /** Their per-store rollup, rewritten at the end of each pass: what stats.results reads. */
  resultStoreDays: 'result_store_days',
  resultStoreTops: 'result_store_tops',
  // customparam function
  openAccountBinds: 'open_account_binds',
  // the shared core
  auditLog: 'audit_log',
  wxTokens: 'wx_tokens',
  leases: 'leases',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/** One index: its fields in order, 1 ascending, -1 descending. `_id` is always indexed. */
export type IndexSpec = ReadonlyArray<readonly [field: string, direction: 1 | -1]>;

/**
 * The indexes the functions' queries rely on. promoters: the list filters by store and status and
 * orders by update_time (newest first); lookups by openid / unionid (me.status, join, custom
 * parameters); the sync's sweep by generation. promoter_history: one promoter's entries, newest first.
 */
export const INDEXES: Partial<Record<CollectionName, readonly IndexSpec[]>> = {
  promoters: [
    [['storeId', 1]],
    [['status', 1]],
    [['updateTime', -1]],
    [['openid', 1]],
    [['unionid', 1]],
    [['syncGen', 1]],
  ],
  promoter_history: [
    [
      ['promoterId', 1],
      ['at', -1],
    ],
  ],
  join_requests: [[['status', 1]], [['openid', 1]]],
  audit_log: [[['action', 1]]],
  // an import job's chunks and failures in order; a caller's jobs newest first; due jobs for the timer;
  // chunks in progress and done lately, which the declared cap counts
  import_chunks: [
    [
      ['jobId', 1],
      ['n', 1],
    ],
    [['held', 1]],
    [['doneAt', 1]],
  ],
  import_failures: [
    [
      ['jobId', 1],
      ['index', 1],
    ],
  ],
  import_jobs: [
    [
      ['createdBy', 1],
      ['createdAtMs', -1],
    ],
    [
      ['state', 1],
      ['createdAtMs', 1],
    ],
  ],
  // promotion results: a caller's stores over a window; one promoter's days; old days pruned by day
  result_days: [
    [
      ['storeId', 1],
      ['day', 1],
    ],
    [
      ['promoterId', 1],
      ['day', 1],
    ],
    [['day', 1]],
  ],
  // the rollup: one generation's store days in a window, a generation's store tops, older generations
  result_store_days: [
    [
      ['gen', 1],
      ['storeId', 1],
      ['day', 1],
    ],
  ],
  result_store_tops: [
    [
      ['gen', 1],
      ['storeId', 1],
    ],
  ],
};

/**
 * A promoter as the read model (collection `promoters`, _id = WeChat's promoter id) stores it; written
 * by the promoter function, read by customparam (a manager's access to a unionid).
 */
export interface PromoterDoc extends Omit<Promoter, 'id'> {
  /** Unix seconds: when this document last changed from a sync or a write. */
  syncedAt: number;
  /** The full sync that last saw this promoter in WeChat (mark-and-sweep, read-model.ts). */
  syncGen?: number;
}
