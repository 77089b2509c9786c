/**
 * import.upload: a CSV too large for one call goes up in parts (each at most
 * LIMITS.import.uploadPartBytes), stored in `import_uploads`, then import.start({ uploadId }) joins
 * them, in order, and removes them. Parts belong to the caller who sent the first one.
 */
import crypto from 'node:crypto';
import type { ImportUpload } from '../../../../typings/contract/promoter';
import { LIMITS, utf8ByteLength } from '../../../../miniprogram/shared/field-rules';
import { db } from '../../../_shared/db';
import { AppError } from '../../../_shared/errors';
import type { Caller } from '../../../_shared/staff';
import { findAll, removeIds } from '../../../_shared/db';
import { IMPORT_COLLECTIONS, type UploadPartDoc } from './model';

const partId = (uploadId: string, part: number) => `${uploadId}-${String(part).padStart(4, '0')}`;

async function partsOf(caller: Caller, uploadId: string): Promise<UploadPartDoc[]> {
  const parts = await findAll<UploadPartDoc>(IMPORT_COLLECTIONS.uploads, { uploadId });
  if (parts.length === 0 || parts.some((p) => p.createdBy !== caller.openid)) {
    throw new AppError('NOT_FOUND', `上传 ${uploadId} 不存在或已用过，请重新选择文件（uploadId）`, {
      field: 'uploadId',
    });
  }
  return parts.sort((a, b) => a.part - b.part);
}

export async function addPart(
  caller: Caller,
  input: { uploadId?: string; text: string },
  nowS: number,
): Promise<ImportUpload> {
  const uploadId = input.uploadId ?? crypto.randomBytes(12).toString('base64url');
  const before = input.uploadId === undefined ? [] : await partsOf(caller, input.uploadId);
  const bytes = utf8ByteLength(input.text);
  const total = before.reduce((sum, p) => sum + p.bytes, 0) + bytes;
  if (total > LIMITS.import.csvBytes) {
    throw new AppError('INVALID_ARGUMENT', `CSV 最多 ${LIMITS.import.csvBytes / 1024 / 1024} MB（text）`, {
      field: 'text',
    });
  }
  const part = before.length;
  const doc: Omit<UploadPartDoc, '_id'> = {
    uploadId,
    part,
    text: input.text,
    bytes,
    createdBy: caller.openid,
    at: nowS,
  };
  await db()
    .collection<UploadPartDoc>(IMPORT_COLLECTIONS.uploads)
    .doc(partId(uploadId, part))
    .set({ data: doc });
  return { uploadId, parts: part + 1, bytes: total };
}

/** The whole text of an upload (its parts in order); the parts are removed once the job holds the rows. */
export async function uploadedText(
  caller: Caller,
  uploadId: string,
): Promise<{ text: string; done: () => Promise<void> }> {
  const parts = await partsOf(caller, uploadId);
  return {
    text: parts.map((p) => p.text).join(''),
    done: () =>
      removeIds(
        IMPORT_COLLECTIONS.uploads,
        parts.map((p) => p._id),
      ),
  };
}
