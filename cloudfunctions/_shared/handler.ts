/**
 * The entry point shared by every cloud function:
 *
 *   export const main = createHandler('admin', { 'store.add': defineAction({ access, schema, run }), … });
 *
 * main(event, context):
 * 1. reads the caller's OPENID from cloud.getWXContext() SYNCHRONOUSLY, before any await (the local
 *    gateway sets identity in process env right before calling main, so concurrent calls stay right);
 * 2. picks the action (unknown → INVALID_ARGUMENT, field `action`);
 * 3. resolves the caller (ADMIN_OPENIDS, collection `staff`) and checks the action's access level;
 * 4. validates the params (everything but `action`) with the action's strict valibot schema;
 * 5. runs it and answers `{ ok: true, data }`, or `{ ok: false, error }` for any failure (never throws).
 */
import * as cloud from 'wx-server-sdk';
import type * as v from 'valibot';
import type { CloudResponse } from '../../typings/contract/common';
import type { ActionName, ActionParams, ActionResult, FunctionName } from '../../typings/contract/index';
import { isAdmin, isStaff } from './access';
import { type AuditRecord, auditDoc, writeAudit } from './audit';
import { type Transaction, db } from './db';
import { AppError, toCloudError } from './errors';
import { log } from './log';
import { type Caller, resolveCaller } from './staff';
import { parseParams } from './validation';

/**
 * anyone: any caller with an openid (guests included); staff: admins and managers; admin: admins only.
 * Store scoping for managers is checked inside the action, always with access.ts assertStoreAccess
 * (or storeAccessFailure where one row of many fails): one check, one sentence.
 */
export type Access = 'anyone' | 'staff' | 'admin';

export interface ActionContext {
  fn: string;
  action: string;
  caller: Caller;
  /** Unix seconds. */
  now(): number;
  /**
   * Writes an audit record for this action (actor = caller). Pass `tx` inside `ctx.transaction` so the
   * record commits together with the change; without it the record is written on its own (use that
   * after a WeChat call that cannot be rolled back).
   */
  audit(record: AuditRecord, tx?: Transaction): Promise<void>;
  /** Runs `work` in a DB transaction (all writes commit together or none). */
  transaction<R>(work: (tx: Transaction) => Promise<R>): Promise<R>;
}

export interface ActionDef<TSchema extends v.GenericSchema = v.GenericSchema, TResult = unknown> {
  access: Access;
  schema: TSchema;
  run(params: v.InferOutput<TSchema>, ctx: ActionContext): Promise<TResult>;
}

/** Identity helper that keeps the params type inferred from the schema. */
export function defineAction<TSchema extends v.GenericSchema, TResult>(
  def: ActionDef<TSchema, TResult>,
): ActionDef<TSchema, TResult> {
  return def;
}

/** The actions of a function, checked against the contract: every action, with its result type. */
export type ActionTable<F extends FunctionName> = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [A in ActionName<F>]: ActionDef<any, ActionResult<F, A>>;
};

/** The keys a params type names (none for `Record<string, never>`, the contract's "no params"). */
type KnownKeys<T> = string extends keyof T ? never : keyof T;

/**
 * true when every call the contract allows passes the schema's types: the contract's params are
 * assignable to the schema's input (so the schema requires nothing the contract leaves out), and the
 * schema knows every param the contract names (its objects are strict).
 */
export type SchemaMatchesParams<P, S extends v.GenericSchema> = [P] extends [v.InferInput<S>]
  ? [Exclude<KnownKeys<P>, keyof v.InferInput<S>>] extends [never]
    ? true
    : false
  : false;

/** What an action whose schema disagrees with the contract is told (a type error at createHandler). */
interface SchemaMismatch<A extends string> {
  'the schema input does not match the contract params of': A;
}

/** Each action of `T` as it is, or SchemaMismatch where its schema and the contract's params disagree. */
export type SchemaCheck<F extends FunctionName, T> = {
  [A in keyof T]: A extends ActionName<F>
    ? T[A] extends ActionDef<infer S, unknown>
      ? SchemaMatchesParams<ActionParams<F, A>, S> extends true
        ? T[A]
        : SchemaMismatch<A>
      : T[A]
    : T[A];
};

/** Keys the platform adds to the event besides our params (real CloudBase injects `userInfo`). */
const PLATFORM_EVENT_KEYS = ['action', 'userInfo', 'tcbContext'];

const ACCESS_DENIED: Record<Exclude<Access, 'anyone'>, string> = {
  staff: '只有总部管理员和店长可以执行此操作',
  admin: '只有总部管理员可以执行此操作',
};

function allowed(access: Access, caller: Caller): boolean {
  if (access === 'anyone') return true;
  if (access === 'staff') return isStaff(caller);
  return isAdmin(caller);
}

type WxContext = { OPENID?: unknown };

/**
 * The function's `main`. `actions` must hold every contract action with its result type, and each
 * action's schema must accept exactly the contract's params (SchemaCheck): `npm run typecheck` fails
 * when a schema requires a param the contract does not give, or misses one it does.
 */
export function createHandler<F extends FunctionName, T extends ActionTable<F>>(
  fn: F,
  actions: T & SchemaCheck<F, T>,
) {
  const table = actions as unknown as Record<string, ActionDef>;
  return async function main(event: unknown, _context?: unknown): Promise<CloudResponse<unknown>> {
    // Synchronous, before the first await: see the file comment.
    const wxContext = (cloud as unknown as { getWXContext(): WxContext }).getWXContext();
    const openid = typeof wxContext.OPENID === 'string' ? wxContext.OPENID : '';
    let actionName = '';
    try {
      const input: Record<string, unknown> =
        event && typeof event === 'object' && !Array.isArray(event)
          ? { ...(event as Record<string, unknown>) }
          : {};
      actionName = typeof input.action === 'string' ? input.action : '';
      const def = Object.prototype.hasOwnProperty.call(table, actionName) ? table[actionName] : undefined;
      if (!def) {
        throw new AppError(
          'INVALID_ARGUMENT',
          actionName ? `不支持的操作 ${actionName}` : '缺少 action（要执行的操作）',
          { field: 'action' },
        );
      }
      if (!openid) throw new AppError('FORBIDDEN', '无法识别调用者身份（缺少 OPENID），请在小程序内调用');
      const caller = await resolveCaller(openid);
      if (def.access !== 'anyone' && !allowed(def.access, caller)) {
        throw new AppError('FORBIDDEN', ACCESS_DENIED[def.access]);
      }
      for (const key of PLATFORM_EVENT_KEYS) delete input[key];
      const params = parseParams(def.schema, input);
      const ctx: ActionContext = {
        fn,
        action: actionName,
        caller,
        now: () => Math.floor(Date.now() / 1000),
        audit: (record, tx) =>
          writeAudit(
            auditDoc(
              { fn, action: actionName, actor: { openid, role: caller.role }, atMs: Date.now() },
              record,
            ),
            tx,
          ),
        transaction: (work) => db().runTransaction(work),
      };
      const data = await def.run(params, ctx);
      return { ok: true, data };
    } catch (err) {
      const error = toCloudError(err);
      if (error.code === 'INTERNAL' || error.code === 'UPSTREAM_ERROR' || error.code === 'CONFIG_ERROR') {
        log.warn('action_failed', {
          fn,
          action: actionName,
          openid,
          code: error.code,
          errcode: error.errcode,
        });
      }
      return { ok: false, error };
    }
  };
}
