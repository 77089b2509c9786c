/**
 * startCloudbaseEmulator: the local stand-in for the CloudBase database that wx-server-sdk talks to.
 * Point the SDK at it with TCB_CONTEXT_CNFG='{"URL":"<url>"}' (plus TCB_ENV, SCF_NAMESPACE and fake
 * TENCENTCLOUD_SECRETID/KEY); production code stays unchanged.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { EJSON } from 'bson';
import { Database, type DbChange } from './database';
import { createCloudbaseServer } from './server';
import { type Doc, parseStore, parseWire, stringifyStore } from './wire';

export type { Doc } from './wire';
export { Database, DbError } from './database';

export interface CloudbaseEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /**
   * Optional JSON persistence: loaded at start, saved (debounced, atomically) after writes and on
   * close. Every committed change is also appended at once to `<file>.journal` (the changed
   * documents), which the next start replays: a process killed with SIGKILL loses no committed write.
   */
  file?: string;
  /** false makes touching an uncreated collection an error, as in the real cloud. Default true. */
  autoCreateCollections?: boolean;
}

export interface CloudbaseEmulator {
  /** http://127.0.0.1:P/admin, the value for TCB_CONTEXT_CNFG's URL. */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Drops every collection and any open transaction. */
  reset(): void;
  /** A copy of the committed data, by collection. */
  collections(): Record<string, Doc[]>;
  /** Inserts documents directly (test and bench set-up: no SDK round trips); a duplicate _id throws. */
  insert(collection: string, docs: Doc[]): void;
}

const SAVE_DEBOUNCE_MS = 200;

/**
 * What wx-server-sdk 4.0.2 needs in process.env to talk to the stand-in at `url`. The fake
 * credentials matter: without them 4.0.2 crashes the process on an unhandled rejection.
 * TENCENTCLOUD_RUNENV=SCF (+ region) is what a real cloud function sees; it also stops the SDK
 * from probing metadata.tencentyun.com before every request and from keeping sockets alive.
 */
export function sdkEnv(url: string): Record<string, string> {
  return {
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: url }),
    TCB_ENV: 'local',
    SCF_NAMESPACE: 'local',
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    TENCENTCLOUD_SECRETID: 'AKIDfake',
    TENCENTCLOUD_SECRETKEY: 'fake',
  };
}

/** Applies the journal's lines, in order, to the snapshot's data (a torn last line is ignored). */
function replay(data: Record<string, Doc[]>, text: string): void {
  const colls = new Map(
    Object.entries(data).map(([name, docs]) => [name, new Map(docs.map((d) => [d._id, d]))]),
  );
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry: Record<string, unknown>;
    try {
      entry = parseWire(line, Date.now, Number.POSITIVE_INFINITY) as Record<string, unknown>;
    } catch {
      continue; // the process died mid-line: that change was never answered
    }
    if (entry.kind === 'reset') colls.clear();
    else if (entry.kind === 'collection') {
      if (!colls.has(entry.name as string)) colls.set(entry.name as string, new Map());
    } else if (typeof entry.c === 'string' && typeof entry.id === 'string') {
      let coll = colls.get(entry.c);
      if (!coll) colls.set(entry.c, (coll = new Map()));
      if (entry.doc) coll.set(entry.id, entry.doc as Doc);
      else coll.delete(entry.id);
    }
  }
  for (const key of Object.keys(data)) delete data[key];
  for (const [name, docs] of colls) data[name] = [...docs.values()];
}

export async function startCloudbaseEmulator(
  options: CloudbaseEmulatorOptions = {},
): Promise<CloudbaseEmulator> {
  const host = options.host ?? '127.0.0.1';
  const file = options.file ? path.resolve(options.file) : undefined;
  let saveTimer: NodeJS.Timeout | undefined;

  const journal = file ? `${file}.journal` : undefined;

  const save = (): void => {
    if (!file) return;
    clearTimeout(saveTimer);
    saveTimer = undefined;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, stringifyStore(db.dump()));
    fs.renameSync(tmp, file); // atomic on one filesystem: a crash never leaves half a file
    // The snapshot holds everything the journal said; replaying it over the snapshot changes nothing.
    fs.writeFileSync(journal!, '');
  };

  /** One line per change, written before the request is answered. */
  const record = (change: DbChange): void => {
    const lines =
      change.kind === 'docs'
        ? change.keys.map(([c, id]) => ({ c, id, doc: db.committedDoc(c, id) ?? null }))
        : [change];
    fs.appendFileSync(
      journal!,
      lines.map((line) => EJSON.stringify(line, { relaxed: false })).join('\n') + '\n',
    );
  };

  const db = new Database({
    autoCreateCollections: options.autoCreateCollections,
    onChange: file
      ? (change) => {
          record(change);
          clearTimeout(saveTimer);
          saveTimer = setTimeout(save, SAVE_DEBOUNCE_MS);
        }
      : undefined,
  });
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      const data = fs.existsSync(file) ? parseStore(fs.readFileSync(file, 'utf8')) : {};
      if (journal && fs.existsSync(journal)) replay(data, fs.readFileSync(journal, 'utf8'));
      db.load(data);
    } catch (err) {
      throw new Error(
        `cannot load CloudBase data file ${file}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
  }

  const server = createCloudbaseServer(db);
  server.keepAliveTimeout = 1000; // the SDK keeps connections alive; do not hold close() for long
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/admin`,
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        db.close();
        if (saveTimer) save();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      })),
    reset: () => db.reset(),
    collections: () => db.dump(),
    insert: (collection, docs) => {
      db.insert(collection, docs);
    },
  };
}
