/**
 * One full sync of the promoters mirror in a process of its own (so its peak RSS is the sync's, not the
 * stand-ins'), against the stand-ins whose settings are in the environment (stack.env). Prints one JSON
 * line: { ms, maxRssMiB, result }.
 *
 *   mode ours:  the promoter function's promoter.sync (built cloudfunctions/promoter/index.js), repeated
 *               while a slice leaves the walk unfinished.
 *   mode naive: a plain SDK loop: every getpromoter page into one array, then every mirror document
 *               into a map, then one doc().set per new or changed promoter and a remove of the rest.
 *   mode queries: on a synced mirror, the reads a manager makes (a status page, a keyword list, the
 *               next page, the home counts, a keyword list with its tab counts, 等待最久 and its next
 *               page), each timed.
 */
import * as cloud from 'wx-server-sdk';
import { invokeFunction, loadFunction } from '../../../emulator/gateway';
import { DEMO_STAFF } from '../../../emulator/demo-data';
import { promoterApi } from '../../../cloudfunctions/_shared/wechat/promoter-api';
import { findAll, db, putDoc, removeIds } from '../../../cloudfunctions/_shared/db';
import { wechatToDoc } from '../../../cloudfunctions/promoter/src/read-model';

const mode = process.argv[2] ?? 'ours';
let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);

async function ours(): Promise<unknown> {
  const fn = loadFunction('promoter', { from: 'built' });
  let slices = 0;
  for (;;) {
    slices++;
    const answer = (await invokeFunction(
      fn,
      { action: 'promoter.sync' },
      { openid: DEMO_STAFF.admin.openid },
    )) as {
      ok: boolean;
      data?: { done: boolean; total: number; pages: number };
      error?: unknown;
    };
    if (!answer.ok) throw new Error(JSON.stringify(answer.error));
    if (answer.data?.done) return { ...answer.data, slices };
  }
}

async function naive(): Promise<unknown> {
  void cloud;
  const now = Math.floor(Date.now() / 1000);
  const { promoters, pages } = await promoterApi().getAllPromoters({});
  const existing = new Map((await findAll<Record<string, unknown>>('promoters', {})).map((d) => [d._id, d]));
  for (const row of promoters) {
    const doc = wechatToDoc(row, now);
    const current = existing.get(row.id);
    if (
      !current ||
      JSON.stringify({ ...current, _id: undefined, syncedAt: 0 }) !== JSON.stringify({ ...doc, syncedAt: 0 })
    ) {
      await putDoc('promoters', row.id, doc);
    }
  }
  const live = new Set(promoters.map((p) => p.id));
  await removeIds(
    'promoters',
    [...existing.keys()].filter((id) => !live.has(id)),
  );
  void db;
  return { total: promoters.length, pages };
}

async function queries(): Promise<unknown> {
  const fn = loadFunction('promoter', { from: 'built' });
  const call = async (data: object) => {
    const t = performance.now();
    const answer = (await invokeFunction(fn, data, { openid: DEMO_STAFF.admin.openid })) as {
      ok: boolean;
      data?: { total?: number; nextCursor?: string };
      error?: unknown;
    };
    if (!answer.ok) throw new Error(JSON.stringify(answer.error));
    return { ms: Math.round(performance.now() - t), data: answer.data };
  };
  const status = await call({ action: 'promoter.list', status: 'awaiting', limit: 20 });
  const next = await call({
    action: 'promoter.list',
    status: 'awaiting',
    limit: 20,
    cursor: status.data?.nextCursor,
  });
  const keyword = await call({ action: 'promoter.list', keyword: '推广员9999', limit: 20 });
  const summary = await call({ action: 'stats.summary' });
  // the list's first page with its tab counts (the same keyword), and 等待最久 with its next page
  const keywordCounts = await call({
    action: 'promoter.list',
    keyword: '推广员9999',
    limit: 20,
    counts: true,
  });
  const longest = { action: 'promoter.list', status: 'awaiting', sort: 'waitingLongest', limit: 20 };
  const oldest = await call({ ...longest, counts: true });
  const oldestNext = await call({ ...longest, cursor: oldest.data?.nextCursor });
  return {
    statusPageMs: status.ms,
    statusTotal: status.data?.total,
    nextPageMs: next.ms,
    keywordMs: keyword.ms,
    keywordTotal: keyword.data?.total,
    summaryMs: summary.ms,
    keywordCountsMs: keywordCounts.ms,
    waitingLongestMs: oldest.ms,
    waitingLongestNextMs: oldestNext.ms,
  };
}

const started = performance.now();
(mode === 'naive' ? naive() : mode === 'queries' ? queries() : ours()).then(
  (result) => {
    const ms = performance.now() - started;
    clearInterval(sample);
    peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    console.log(JSON.stringify({ ms: Math.round(ms), maxRssMiB: +(peak / 2 ** 20).toFixed(1), result }));
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
