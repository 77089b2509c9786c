/**
 * import.start / status / resume / cancel / list: large declarations as resumable jobs (runner.ts).
 * Staff only; each row's store is checked against the caller's stores (validateRows); a job is seen
 * by its creator and by HQ admins.
 */
import * as v from 'valibot';
import type { ImportStatus } from '../../../../typings/contract/promoter';
import { LIMITS, utf8ByteLength } from '../../../../miniprogram/shared/field-rules';
import { AppError } from '../../../_shared/errors';
import { defineAction } from '../../../_shared/handler';
import { bytes, integer, list, pageParams, params } from '../../../_shared/validation';
import { promoterApi } from '../../../_shared/wechat/promoter-api';
import { pagedQuery } from '../paging';
import { cmd, getDoc } from '../../../_shared/db';
import { db } from '../../../_shared/db';
import { IMPORT_COLLECTIONS, type JobDoc } from './model';
import { runSlice } from './runner';
import { createJob } from './start';
import { addPart, uploadedText } from './upload';
import { statusOf, toStatus, visibleJob } from './status';

const jobId = bytes(64, '导入任务编号');
const statusParams = params({
  jobId,
  cursor: v.optional(bytes(20, '翻页游标')),
  limit: v.optional(integer('每页条数', 1, LIMITS.page.maxLimit)),
});

async function reload(id: string): Promise<JobDoc> {
  return (await getDoc<JobDoc>(IMPORT_COLLECTIONS.jobs, id))!;
}

const upload = defineAction({
  access: 'staff',
  schema: params({
    uploadId: v.optional(bytes(32, '上传编号')),
    text: v.pipe(
      v.string('text 应为文本'),
      v.minLength(1, 'text 不能为空'),
      v.check(
        (t) => utf8ByteLength(t) <= LIMITS.import.uploadPartBytes,
        `每段最多 ${LIMITS.import.uploadPartBytes / 1024} KB（text）`,
      ),
    ),
  }),
  async run(input, ctx) {
    return addPart(ctx.caller, input, ctx.now());
  },
});

const start = defineAction({
  access: 'staff',
  schema: params({
    uploadId: v.optional(bytes(32, '上传编号')),
    rows: v.optional(list(v.unknown(), '导入行', 1, LIMITS.import.maxRows)),
    csv: v.optional(
      v.pipe(
        v.string('csv 应为文本'),
        v.maxLength(LIMITS.import.csvBytes, `CSV 最多 ${LIMITS.import.csvBytes / 1024 / 1024} MB`),
      ),
    ),
    identity: v.optional(
      v.picklist(['openid', 'unionid', 'oaOpenid'], 'identity 只能是 openid、unionid、oaOpenid 之一'),
      'openid',
    ),
  }),
  async run({ uploadId, ...input }, ctx): Promise<ImportStatus> {
    if (uploadId !== undefined && (input.rows !== undefined || input.csv !== undefined)) {
      throw new AppError('INVALID_ARGUMENT', 'rows、csv 和 uploadId 必须且只能提供一个（uploadId）', {
        field: 'uploadId',
      });
    }
    const uploaded = uploadId === undefined ? undefined : await uploadedText(ctx.caller, uploadId);
    const job = await createJob(
      promoterApi(),
      ctx.caller,
      uploaded ? { ...input, csv: uploaded.text } : input,
      Date.now(),
    );
    await uploaded?.done();
    await ctx.audit({
      target: `import:${job._id}`,
      before: null,
      after: { total: job.total, identity: job.identity, counts: job.counts },
    });
    return toStatus(job);
  },
});

const status = defineAction({
  access: 'staff',
  schema: statusParams,
  async run(p, ctx) {
    return toStatus(await visibleJob(ctx.caller, p.jobId), p);
  },
});

const resume = defineAction({
  access: 'staff',
  schema: statusParams,
  async run(p, ctx) {
    await visibleJob(ctx.caller, p.jobId);
    // Another invocation (the page, the timer) may hold the job: then this answers its status at once.
    await runSlice(p.jobId, ctx.caller.openid);
    return toStatus(await reload(p.jobId), p);
  },
});

const cancel = defineAction({
  access: 'staff',
  schema: params({ jobId }),
  async run(p, ctx) {
    const job = await visibleJob(ctx.caller, p.jobId);
    if (job.state !== 'done' && job.state !== 'cancelled') {
      const changed = await db().runTransaction(async (tx) => {
        const ref = tx.collection<JobDoc>(IMPORT_COLLECTIONS.jobs).doc(p.jobId);
        const current = (await ref.get()).data;
        if (!current || current.state === 'done' || current.state === 'cancelled') return false;
        await ref.update({ data: { state: 'cancelled', finishedAt: ctx.now(), updatedAt: ctx.now() } });
        return true;
      });
      if (changed) {
        await ctx.audit({
          target: `import:${p.jobId}`,
          before: { state: job.state },
          after: { state: 'cancelled' },
        });
      }
    }
    return toStatus(await reload(p.jobId));
  },
});

const listJobs = defineAction({
  access: 'staff',
  schema: params({ ...pageParams }),
  async run(p, ctx) {
    return pagedQuery<JobDoc, ImportStatus>({
      collection: IMPORT_COLLECTIONS.jobs,
      where: { createdBy: cmd().eq(ctx.caller.openid) },
      keyField: 'createdAtMs',
      cursor: p.cursor,
      limit: p.limit,
      toItem: statusOf,
    });
  },
});

export const importActions = {
  'import.upload': upload,
  'import.start': start,
  'import.status': status,
  'import.resume': resume,
  'import.cancel': cancel,
  'import.list': listJobs,
};
