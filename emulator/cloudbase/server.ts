/**
 * The HTTP face of the CloudBase stand-in: POST /admin with `{ action: "database.*", ... }`, the
 * request wx-server-sdk 4.0.2 sends once TCB_CONTEXT_CNFG points at us, answered with
 * `{ requestId, data }` or, for errors, `{ requestId, code, message }` (node-sdk then throws
 * `{ code, message }`, which wx-server-sdk turns into its errMsg/errCode error).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AnyObject } from './database';
import { Database, DbError, DEFAULT_LIMIT } from './database';
import { JsonBodyError, parseJsonText, readBody } from '../json-body';
import { parseWire, stringifyDoc } from './wire';

type Params = Record<string, unknown>;
type Reply = Record<string, unknown>;

const str = (p: Params, field: string): string => {
  const value = p[field];
  if (typeof value !== 'string' || value === '')
    throw new DbError('INVALID_PARAM', `${field} must be a non-empty string`);
  return value;
};
const optionalTx = (p: Params): string | undefined =>
  typeof p.transactionId === 'string' && p.transactionId ? p.transactionId : undefined;
/**
 * The transaction of a query-shaped request. The cloud allows only single-record operations in a
 * transaction (doc().get/update/set/remove and add; no where(), "事务中不支持批量操作"). The exact
 * error the cloud answers is UNCONFIRMED; we answer INVALID_PARAM saying so.
 */
const singleRecordTx = (p: Params): string | undefined => {
  const tx = optionalTx(p);
  if (tx !== undefined && p.queryType !== 'DOC') {
    throw new DbError(
      'INVALID_PARAM',
      '事务中只支持单记录操作（doc().get/update/set/remove 与 add），不支持 where 批量操作',
    );
  }
  return tx;
};
const nonNegativeInt = (p: Params, field: string): number | undefined => {
  const value = p[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new DbError('INVALID_PARAM', `${field} must be a non-negative integer`);
  }
  return value;
};
const objectParam = (p: Params, field: string): AnyObject | undefined => {
  const value = parseWire(p[field]);
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new DbError('INVALID_PARAM', `${field} must be an object`);
  return value as AnyObject;
};
const requestId = (): string => crypto.randomBytes(8).toString('hex');
/** No published figure for CloudBase's request cap; generous enough for 1,000-document batches. */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

export function databaseActions(db: Database): Record<string, (p: Params) => Promise<Reply> | Reply> {
  const get = (p: Params): Reply => {
    const offset = nonNegativeInt(p, 'offset') ?? 0;
    // The SDK always sends a limit for where().get(); doc().get() sends none and wants its document.
    const limit = nonNegativeInt(p, 'limit') ?? (p.queryType === 'DOC' ? undefined : DEFAULT_LIMIT);
    const list = db.find(
      str(p, 'collectionName'),
      objectParam(p, 'query'),
      {
        order: objectParam(p, 'order') as Record<string, 1 | -1> | undefined,
        offset,
        limit,
        projection: objectParam(p, 'projection'),
      },
      singleRecordTx(p),
    );
    return { data: { list: list.map(stringifyDoc), offset, limit: limit ?? list.length } };
  };

  return {
    'database.addCollection': (p) => {
      db.addCollection(str(p, 'collectionName'));
      return { data: {} };
    },
    'database.insertDocument': (p) => {
      if (!Array.isArray(p.data) || p.data.length === 0)
        throw new DbError('INVALID_PARAM', 'data must be a non-empty array');
      const docs = p.data.map((item) => parseWire(item));
      return { data: { insertedIds: db.insert(str(p, 'collectionName'), docs, optionalTx(p)) } };
    },
    'database.getDocument': get,
    'database.calculateDocument': (p) => ({
      data: { total: db.count(str(p, 'collectionName'), objectParam(p, 'query'), optionalTx(p)) },
    }),
    'database.modifyDocument': (p) => {
      const result = db.modify(
        str(p, 'collectionName'),
        objectParam(p, 'query'),
        parseWire(p.data),
        { multi: p.multi !== false, merge: p.merge !== false, upsert: p.upsert === true },
        singleRecordTx(p),
      );
      return {
        data: { updated: result.updated, ...(result.upsertId ? { upsert_id: result.upsertId } : {}) },
      };
    },
    'database.modifyAndReturnDoc': (p) => {
      const result = db.modify(
        str(p, 'collectionName'),
        objectParam(p, 'query'),
        parseWire(p.data),
        { multi: false, merge: true, upsert: false },
        singleRecordTx(p),
      );
      return { data: { updated: result.updated, doc: result.docs[0] ? stringifyDoc(result.docs[0]) : null } };
    },
    'database.removeDocument': (p) => ({
      data: {
        deleted: db.remove(
          str(p, 'collectionName'),
          objectParam(p, 'query'),
          p.multi !== false,
          singleRecordTx(p),
        ),
      },
    }),
    'database.aggregateDocuments': (p) => {
      if (!Array.isArray(p.stages)) throw new DbError('INVALID_PARAM', 'stages must be an array');
      const pipeline = p.stages.map((stage: unknown, i) => {
        const { stageKey, stageValue } = (stage ?? {}) as { stageKey?: unknown; stageValue?: unknown };
        if (typeof stageKey !== 'string' || !stageKey.startsWith('$')) {
          throw new DbError('INVALID_PARAM', `stages[${i}].stageKey must be a $stage name`);
        }
        return { [stageKey]: parseWire(stageValue) } as AnyObject;
      });
      const list = db.aggregate(str(p, 'collectionName'), pipeline, optionalTx(p));
      return { data: { list: list.map(stringifyDoc) } };
    },
    // Transactions. @cloudbase/database 1.4.3 reads transactionId at the top level of the reply.
    'database.startTransaction': async () => ({ transactionId: await db.startTransaction() }),
    'database.commitTransaction': (p) => {
      db.commitTransaction(str(p, 'transactionId'));
      return {};
    },
    'database.abortTransaction': (p) => {
      db.abortTransaction(str(p, 'transactionId'));
      return {};
    },
    // The older per-document transaction API (Transaction in @cloudbase/database's transaction.js).
    'database.getInTransaction': (p) => {
      const [doc] = db.find(str(p, 'collectionName'), { _id: str(p, '_id') }, {}, str(p, 'transactionId'));
      return { data: stringifyDoc(doc ?? null) };
    },
    'database.updateDocInTransaction': (p) => {
      const data = parseWire(p.data);
      const replace = p.upsert === true;
      const result = db.modify(
        str(p, 'collectionName'),
        { _id: str(p, '_id') },
        data,
        { multi: false, merge: !replace, upsert: replace },
        str(p, 'transactionId'),
      );
      return {
        updated: stringifyDoc(result.updated),
        upserted: result.upsertId ? JSON.stringify([{ _id: result.upsertId }]) : null,
      };
    },
    'database.deleteDocInTransaction': (p) => ({
      deleted: stringifyDoc(
        db.remove(str(p, 'collectionName'), { _id: str(p, '_id') }, false, str(p, 'transactionId')),
      ),
    }),
  };
}

export function createCloudbaseServer(
  db: Database,
  { maxRequestBytes = MAX_REQUEST_BYTES }: { maxRequestBytes?: number } = {},
): http.Server {
  const actions = databaseActions(db);
  return http.createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      let text: string;
      try {
        text = JSON.stringify(body);
      } catch (err) {
        // A reply that cannot be serialised is an error reply, never a crash of the stand-in.
        text = JSON.stringify({
          code: 'DATABASE_REQUEST_FAILED',
          message: `reply not serialisable: ${String(err)}`,
        });
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    };
    if (req.method === 'GET') {
      // A quick look at what is stored: { collections: { name: count } }.
      const collections = Object.fromEntries(
        Object.entries(db.dump()).map(([name, docs]) => [name, docs.length]),
      );
      send(200, { collections });
      return;
    }
    if (req.method !== 'POST') {
      send(405, { code: 'INVALID_PARAM', message: `method ${req.method} not allowed; POST /admin` });
      return;
    }
    readBody(req, maxRequestBytes).then(
      (read) => {
        const id = requestId();
        if (!read.ok) {
          send(200, {
            requestId: id,
            code: 'INVALID_PARAM',
            message: `request body larger than ${maxRequestBytes} bytes`,
          });
          return;
        }
        let params: Params;
        try {
          const parsed = parseJsonText(read.text, 'request body');
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
            throw new Error('not an object');
          params = parsed as Params;
        } catch (err) {
          const message =
            err instanceof JsonBodyError && err.reason === 'too-deep'
              ? err.message
              : 'request body must be a JSON object';
          send(200, { requestId: id, code: 'INVALID_PARAM', message });
          return;
        }
        const action = typeof params.action === 'string' ? params.action : '';
        const handler = actions[action];
        if (!handler) {
          send(200, {
            requestId: id,
            code: 'INVALID_ACTION',
            message: `the local CloudBase stand-in does not implement action "${action}" (database.* only)`,
          });
          return;
        }
        Promise.resolve()
          .then(() => handler(params))
          .then(
            (reply) => send(200, { requestId: id, ...reply }),
            (err: unknown) => {
              const code =
                err instanceof DbError
                  ? err.code
                  : err instanceof JsonBodyError
                    ? 'INVALID_PARAM'
                    : 'DATABASE_REQUEST_FAILED';
              const message = err instanceof Error ? err.message : String(err);
              send(200, { requestId: id, code, message });
            },
          );
      },
      () => res.destroy(),
    ); // the client went away mid-body
  });
}
