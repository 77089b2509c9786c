/**
 * Declaring promoters (addpromoter), shared by promoter.declare and join.approve.
 *
 * - Every row is checked BEFORE any WeChat call; a bad row comes back in `failed` (index, code,
 *   field, message) and the good rows are still sent. Only a malformed request (not an array, more
 *   than LIMITS.declare.maxRows rows) fails the whole call, in the action's schema.
 * - Rows go 10 to an addpromoter call (25 rows → 10, 10, 5).
 * - Per-row failures from fail_list map to our codes; 103003 (already exists) is looked up
 *   (DuplicateLookup: in the read model by openid / unionid; what it lacks by one full sync when that
 *   costs fewer calls than the duplicates expected, otherwise one getpromoter per row): the same role, store and
 *   declared → counted as already declared; a declaration we
 *   cancelled earlier → declared again with this row (updatepromoter decl_status 1 with its role, store
 *   and fields: a person who left and comes back through an invite just gets approved); declared
 *   elsewhere → CONFLICT saying where.
 * - A batch that fails as a whole (after the client's retries) fails only its own rows; the other
 *   batches still go, so nothing a user entered is lost.
 * - `onBatch` runs after each batch (the caller records audit and staleness per batch), so a call cut
 *   off by the function's timeout leaves a record of every batch WeChat accepted.
 */
import * as v from 'valibot';
import type { ErrorCode } from '../../../typings/contract/common';
import type { DeclareRow, RowFailure } from '../../../typings/contract/promoter';
import { FIELD_LABELS, LIMITS, declaredCapMessage } from '../../../miniprogram/shared/field-rules';
import { isAdmin, storeAccessFailure } from '../../_shared/access';
import { mapLimit } from '../../_shared/concurrency';
import { AppError, toCloudError } from '../../_shared/errors';
import { withLease } from '../../_shared/lease';
import { log } from '../../_shared/log';
import type { Caller } from '../../_shared/staff';
import { bytes, openid, params, parseParams, roleId, storeId, unionid } from '../../_shared/validation';
import {
  type AddPromoterFailure,
  type AddPromoterRow,
  ERRCODE_DUPLICATE,
  type PromoterApi,
  type WechatPromoter,
} from '../../_shared/wechat/promoter-api';
import { knownStores, roleMap } from './lookups';
import { phone } from './params';
import { COLLECTIONS } from '../../_shared/collections';
import { countWhere, nowSeconds } from '../../_shared/db';
import { findMirrored, fullSync, mirroredAsWechat } from './read-model';

/** Concurrent getpromoter / updatepromoter calls while resolving one batch's duplicates. */
const DUPLICATE_CONCURRENCY = 5;

const rowSchema = params({
  openid: v.optional(openid),
  unionid: v.optional(unionid),
  roleId,
  storeId: v.optional(storeId),
  extraInfo: v.optional(bytes(LIMITS.promoter.extraInfoBytes, FIELD_LABELS.extraInfo, { allowEmpty: true })),
  name: v.optional(bytes(LIMITS.promoter.nameBytes, FIELD_LABELS.name, { allowEmpty: true })),
  phone: v.optional(phone),
});

/** A row that passed every check: `identity` is the openid or unionid sent to WeChat. */
export interface ValidRow {
  index: number;
  identity: string;
  row: DeclareRow;
}

export type RowOutcome =
  | {
      index: number;
      declared: true;
      already: boolean;
      /** A cancelled declaration made live again (updatepromoter), rather than a new one. */
      redeclaredId?: string;
      row: DeclareRow;
      identity: string;
    }
  | { index: number; declared: false; failure: RowFailure };

export function failure(
  index: number,
  code: ErrorCode,
  message: string,
  extra: { field?: string; errcode?: number } = {},
) {
  const out: RowFailure = { index, code, message };
  if (extra.field !== undefined) out.field = extra.field;
  if (extra.errcode !== undefined) out.errcode = extra.errcode;
  return out;
}

/**
 * Checks every row: shape and limits, exactly one of openid/unionid, no repeats in the request,
 * the store exists and the caller runs it, the role exists. Reads stores and roles once.
 */
export async function validateRows(
  api: PromoterApi,
  caller: Caller,
  rows: unknown[],
  fieldPrefix = 'promoters',
): Promise<{ valid: ValidRow[]; failed: RowFailure[]; duplicateOf: Map<number, number> }> {
  const failed: RowFailure[] = [];
  const parsed: ValidRow[] = [];
  const seen = new Map<string, number>();
  /** A repeated row's index → the index of the row it repeats. */
  const duplicateOf = new Map<number, number>();
  rows.forEach((raw, index) => {
    const at = (field: string) => `${fieldPrefix}[${index}].${field}`;
    let row: DeclareRow;
    try {
      row = parseParams(rowSchema, raw);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const field = err.field ? at(err.field) : `${fieldPrefix}[${index}]`;
      const message = err.field
        ? err.message.replace(`（${err.field}）`, `（${field}）`)
        : `第 ${index + 1} 行：${err.message}`;
      failed.push(failure(index, 'INVALID_ARGUMENT', message, { field }));
      return;
    }
    if ((row.openid === undefined) === (row.unionid === undefined)) {
      failed.push(
        failure(index, 'INVALID_ARGUMENT', `openid 和 unionid 必须且只能填写一个（${at('openid')}）`, {
          field: at('openid'),
        }),
      );
      return;
    }
    const identity = (row.openid ?? row.unionid) as string;
    const key = row.openid !== undefined ? 'openid' : 'unionid';
    const first = seen.get(identity);
    if (first !== undefined) {
      duplicateOf.set(index, first);
      failed.push(
        failure(index, 'INVALID_ARGUMENT', `${key} 与第 ${first + 1} 行重复（${at(key)}）`, {
          field: at(key),
        }),
      );
      return;
    }
    seen.set(identity, index);
    parsed.push({ index, identity, row });
  });

  if (parsed.length === 0) return { valid: [], failed, duplicateOf };
  const stores = await knownStores(parsed.flatMap((p) => (p.row.storeId ? [p.row.storeId] : [])));
  const roles = await roleMap(api);
  const valid: ValidRow[] = [];
  for (const p of parsed) {
    const at = (field: string) => `${fieldPrefix}[${p.index}].${field}`;
    const store = p.row.storeId;
    if (store === undefined && !isAdmin(caller)) {
      failed.push(
        failure(p.index, 'FORBIDDEN', `店长声明推广员时必须选择自己负责的门店（${at('storeId')}）`, {
          field: at('storeId'),
        }),
      );
    } else if (store !== undefined && storeAccessFailure(caller, store)) {
      failed.push(
        failure(p.index, 'FORBIDDEN', `${storeAccessFailure(caller, store)}（${at('storeId')}）`, {
          field: at('storeId'),
        }),
      );
    } else if (store !== undefined && !stores.has(store)) {
      failed.push(
        failure(p.index, 'INVALID_ARGUMENT', `门店 ${store} 不存在（${at('storeId')}）`, {
          field: at('storeId'),
        }),
      );
    } else if (!roles.has(p.row.roleId)) {
      failed.push(
        failure(p.index, 'INVALID_ARGUMENT', `角色 ${p.row.roleId} 不存在（${at('roleId')}）`, {
          field: at('roleId'),
        }),
      );
    } else {
      valid.push(p);
    }
  }
  return { valid: await withinDeclaredCap(valid, failed), failed, duplicateOf };
}

/**
 * LIMITS.promoter.maxDeclared: docs/wechat-api.md#addpromoter gives 50 000 declared and 100 000 bound (UNCONFIRMED
 * which is current); we hold to the lower figure ourselves, counted in the read model. A stale
 * mirror can undercount; WeChat's own 103005 then still stops the row.
 */
async function withinDeclaredCap(valid: ValidRow[], failed: RowFailure[]): Promise<ValidRow[]> {
  if (valid.length === 0) return valid;
  const max = LIMITS.promoter.maxDeclared;
  const room = Math.max(0, max - (await declaredCount()));
  for (const v of valid.slice(room)) {
    failed.push(failure(v.index, 'QUOTA_EXCEEDED', declaredCapMessage(true)));
  }
  failed.sort((a, b) => a.index - b.index);
  return valid.slice(0, room);
}

export async function declaredCount(): Promise<number> {
  return countWhere(COLLECTIONS.promoters, { declStatus: 1 });
}

export function toWechatRow(v: ValidRow): AddPromoterRow {
  const r = v.row;
  const out: AddPromoterRow = { openid: v.identity, roleId: r.roleId };
  if (r.storeId !== undefined) out.storeId = r.storeId;
  if (r.extraInfo !== undefined) out.extraInfo = r.extraInfo;
  if (r.name !== undefined) out.name = r.name;
  if (r.phone !== undefined) out.phone = r.phone;
  return out;
}

function describeDeclaration(p: WechatPromoter): string {
  const store = p.storeId ? `门店 ${p.storeId}` : '未分配门店';
  const state = p.declStatus === 2 ? '，已取消声明' : '';
  return `${store}、角色 ${p.roleId}${state}`;
}

/** WeChat holds this row as asked: the same role and store. */
function sameDeclaration(p: WechatPromoter, row: DeclareRow): boolean {
  return p.roleId === row.roleId && p.storeId === (row.storeId ?? '');
}

/** Who holds a promoter's lease while a cancelled declaration is made live again. */
export interface LeaseHolder {
  action: string;
  by: string;
}

/** A fail_list entry → this row's outcome (`existing`: WeChat's row for a 103003). */
async function outcomeOfFailure(
  api: PromoterApi,
  v: ValidRow,
  fail: AddPromoterFailure,
  fieldPrefix: string,
  existing: WechatPromoter | undefined,
  holder: LeaseHolder,
): Promise<RowOutcome> {
  const at = (field: string) => `${fieldPrefix}[${v.index}].${field}`;
  const idField = at(v.row.openid !== undefined ? 'openid' : 'unionid');
  const errcode = fail.errcode;
  const reason = fail.errmsg ? `：${fail.errmsg}` : '';
  const failed = (code: ErrorCode, message: string, field?: string): RowOutcome => ({
    index: v.index,
    declared: false,
    failure: failure(v.index, code, message, { field, errcode }),
  });
  switch (errcode) {
    case ERRCODE_DUPLICATE: {
      if (existing !== undefined && existing.declStatus === 1 && sameDeclaration(existing, v.row))
        return { index: v.index, declared: true, already: true, row: v.row, identity: v.identity };
      if (existing && existing.declStatus === 2) {
        // Re-activating with decl_status 1 is UNCONFIRMED in WeChat's docs (docs/wechat-api.md,
        // "updatepromoter"); if WeChat refuses, the row fails with its answer and nothing else changed.
        // Held under the promoter's lease (as cancel and redeclare are) and decided on WeChat's row read
        // again inside it: ten declares of one cancelled person make one updatepromoter, and the
        // others find the person declared as asked.
        const id = existing.id;
        return withLease(
          `promoter:${id}`,
          { ...holder, busyMessage: '有人正在修改该推广员，请稍后刷新查看' },
          async (): Promise<RowOutcome> => {
            const { promoters } = await api.getPromoterPage({ openid: v.identity });
            const current = promoters[0] ?? existing;
            if (current.declStatus === 1) {
              return sameDeclaration(current, v.row)
                ? { index: v.index, declared: true, already: true, row: v.row, identity: v.identity }
                : failed('CONFLICT', `该用户已被声明为推广员（${describeDeclaration(current)}）`, idField);
            }
            const r = v.row;
            await api.updatePromoter(id, {
              declStatus: 1,
              roleId: r.roleId,
              storeId: r.storeId ?? '',
              ...(r.extraInfo !== undefined ? { extraInfo: r.extraInfo } : {}),
              ...(r.name !== undefined ? { name: r.name } : {}),
              ...(r.phone !== undefined ? { phone: r.phone } : {}),
            });
            return {
              index: v.index,
              declared: true,
              already: false,
              redeclaredId: id,
              row: v.row,
              identity: v.identity,
            };
          },
        ).catch((err: unknown) => {
          const e = toCloudError(err);
          return failed(e.code, `该用户曾被取消声明，重新声明失败：${e.message}`, idField);
        });
      }
      const where = existing ? describeDeclaration(existing) : '微信未返回其声明信息';
      return failed('CONFLICT', `该用户已被声明为推广员（${where}）`, idField);
    }
    case 103002:
      return failed('INVALID_ARGUMENT', `有字段超出微信的长度限制${reason}`);
    case 103005:
      return failed('QUOTA_EXCEEDED', `已达到微信的推广员数量上限${reason}`);
    case 103007:
      return failed('INVALID_ARGUMENT', `openid 无效或不属于本小程序（${idField}）`, idField);
    case 103006:
      return failed(
        'INVALID_ARGUMENT',
        `角色 ${v.row.roleId} 在微信中不存在（${at('roleId')}）`,
        at('roleId'),
      );
    default:
      return failed(
        'UPSTREAM_ERROR',
        errcode === undefined
          ? '微信未能声明该行，且未说明原因'
          : `微信拒绝声明该行（errcode ${errcode}${reason}）`,
      );
  }
}

/** Where DuplicateLookup looks first: the read model and its full sync, unless given another. */
export interface MirrorSource {
  /** The rows held for these openids or unionids, by the identity asked. */
  find(identities: string[]): Promise<Map<string, WechatPromoter>>;
  /** Brings it up to date with WeChat (a full walk). */
  walk(api: PromoterApi): Promise<void>;
}

const READ_MODEL: MirrorSource = {
  async find(identities) {
    const wanted = new Set(identities);
    const found = new Map<string, WechatPromoter>();
    for (const doc of await findMirrored(identities)) {
      const row = mirroredAsWechat(doc);
      if (wanted.has(doc.openid)) found.set(doc.openid, row);
      if (doc.unionid && wanted.has(doc.unionid)) found.set(doc.unionid, row);
    }
    return found;
  },
  async walk(api) {
    await fullSync(api, nowSeconds(), 'declare.duplicates');
  },
};

/**
 * WeChat's rows of the identities addpromoter answered 103003 for, without ever holding every
 * promoter in memory:
 * 1. the read model, by its openid and unionid indexes: one query for the batch. It is kept current by
 *    our own writes and the syncs (read-model.ts); a cancelled declaration it shows is read again from
 *    WeChat, under the promoter's lease, before anything is changed (outcomeOfFailure).
 * 2. Identities it does not hold (declared outside this app since its last sync, or never synced):
 *    when more of them are expected over the rest of the request (this batch's share times the rows
 *    still to send) than a walk of getpromoter's 2000-row pages costs, the read model's own full sync
 *    runs once (streamed into the mirror a page at a time under the sync lease, fullSync) and the
 *    mirror is asked again. 200 re-declared rows looked up one call each at 300 ms would take 60 s.
 * 3. The rest: one getpromoter per identity, 5 at a time.
 */
export class DuplicateLookup {
  private walked = false;

  constructor(
    private readonly api: PromoterApi,
    private readonly promoterCount: () => Promise<number>,
    /** false while a walk (up to SYNC_SLICE_MS) would not fit in the caller's time left. */
    private readonly mayWalk: () => boolean = () => true,
    private readonly mirror: MirrorSource = READ_MODEL,
  ) {}

  /** getpromoter pages of a full walk, from the promoter count (unknown → Infinity: no walk). */
  private async walkCost(): Promise<number> {
    try {
      const mirrored = await this.promoterCount();
      return Math.max(1, Math.ceil(mirrored / LIMITS.promoter.pageSize));
    } catch (err) {
      log.warn('duplicate_walk_cost_unknown', { error: err });
      return Number.POSITIVE_INFINITY;
    }
  }

  private async fromMirror(identities: string[], into: Map<string, WechatPromoter>): Promise<void> {
    for (const [identity, row] of await this.mirror.find(identities)) into.set(identity, row);
  }

  async find(
    identities: string[],
    rowsAhead: number,
    batchSize: number,
  ): Promise<Map<string, WechatPromoter>> {
    const found = new Map<string, WechatPromoter>();
    if (identities.length === 0) return found;
    await this.fromMirror(identities, found);
    let rest = identities.filter((identity) => !found.has(identity));
    if (rest.length > 0 && !this.walked && this.mayWalk()) {
      const expected = Math.ceil((rest.length / batchSize) * rowsAhead);
      if (expected > 1 && (await this.walkCost()) < expected) {
        this.walked = true;
        await this.mirror.walk(this.api);
        await this.fromMirror(rest, found);
        rest = rest.filter((identity) => !found.has(identity));
      }
    }
    await mapLimit(rest, DUPLICATE_CONCURRENCY, async (identity) => {
      const { promoters } = await this.api.getPromoterPage({ openid: identity });
      if (promoters[0]) found.set(identity, promoters[0]);
    });
    return found;
  }
}

/** One batch's outcomes from addpromoter's fail_list (duplicates looked up together). */
export async function batchOutcomes(
  api: PromoterApi,
  batch: ValidRow[],
  failures: AddPromoterFailure[],
  fieldPrefix: string,
  duplicates: DuplicateLookup,
  rowsAhead: number,
  holder: LeaseHolder,
): Promise<RowOutcome[]> {
  const byIdentity = new Map(failures.map((f) => [f.openid, f]));
  const dupIds = batch.filter((v) => byIdentity.get(v.identity)?.errcode === ERRCODE_DUPLICATE);
  let existing = new Map<string, WechatPromoter>();
  try {
    existing = await duplicates.find(
      dupIds.map((v) => v.identity),
      rowsAhead,
      batch.length,
    );
  } catch (err) {
    // The lookup itself failed: those rows fail with its error; nothing was changed for them.
    const cloud = toCloudError(err);
    const failedIds = new Set(dupIds.map((v) => v.identity));
    return mapLimit(batch, DUPLICATE_CONCURRENCY, async (v): Promise<RowOutcome> => {
      const fail = byIdentity.get(v.identity);
      if (!fail) return { index: v.index, declared: true, already: false, row: v.row, identity: v.identity };
      if (failedIds.has(v.identity)) {
        return {
          index: v.index,
          declared: false,
          failure: failure(v.index, cloud.code, `该用户已存在，但查询其声明信息失败：${cloud.message}`),
        };
      }
      return outcomeOfFailure(api, v, fail, fieldPrefix, undefined, holder);
    });
  }
  return mapLimit(batch, DUPLICATE_CONCURRENCY, async (v): Promise<RowOutcome> => {
    const fail = byIdentity.get(v.identity);
    if (!fail) return { index: v.index, declared: true, already: false, row: v.row, identity: v.identity };
    return outcomeOfFailure(api, v, fail, fieldPrefix, existing.get(v.identity), holder);
  });
}

export interface SendOptions {
  /** Who acts (the lease holder while a cancelled declaration is made live again). */
  holder: LeaseHolder;
  /** The prefix of failed rows' field names (`promoters` → `promoters[3].name`). */
  fieldPrefix?: string;
  /** Runs after each batch with its outcomes (audit and staleness, per batch). */
  onBatch?: (outcomes: RowOutcome[]) => Promise<void>;
  /** How many promoters WeChat holds, to price a walk; the mirror's count unless given. */
  promoterCount?: () => Promise<number>;
  /** Where duplicates are looked up first; the read model unless given. */
  mirror?: MirrorSource;
}

/**
 * Sends valid rows, 10 per addpromoter call; one outcome per row, in input order. `onBatch` gets each
 * batch's outcomes as soon as that batch is settled.
 */
export async function sendRows(
  api: PromoterApi,
  rows: ValidRow[],
  options: SendOptions,
): Promise<RowOutcome[]> {
  const {
    holder,
    fieldPrefix = 'promoters',
    onBatch,
    promoterCount = () => countWhere(COLLECTIONS.promoters, {}),
    mirror,
  } = options;
  const outcomes: RowOutcome[] = [];
  const perCall = LIMITS.promoter.perAddCall;
  const duplicates = new DuplicateLookup(api, promoterCount, undefined, mirror);
  for (let i = 0; i < rows.length; i += perCall) {
    const batch = rows.slice(i, i + perCall);
    let settled: RowOutcome[];
    try {
      const { failures } = await api.addPromoters(batch.map(toWechatRow));
      settled = await batchOutcomes(api, batch, failures, fieldPrefix, duplicates, rows.length - i, holder);
    } catch (err) {
      // The whole call failed: only this batch's rows fail, with the error as WeChat/the client gave it.
      const cloud = toCloudError(err);
      settled = batch.map((v) => ({
        index: v.index,
        declared: false,
        failure: failure(
          v.index,
          cloud.code,
          cloud.message,
          cloud.errcode === undefined ? {} : { errcode: cloud.errcode },
        ),
      }));
    }
    outcomes.push(...settled);
    if (onBatch) await onBatch(settled);
  }
  return outcomes.sort((a, b) => a.index - b.index);
}
