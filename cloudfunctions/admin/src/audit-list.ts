/**
 * audit.list: the audit log, newest first, cursor paging (the one cursor codec, _shared/cursor.ts:
 * the last entry's id), filters.
 *
 * The audited-action filter is `auditAction`: `action` is the dispatch name of every call.
 */
import * as v from 'valibot';
import type { AuditEntry } from '../../../typings/contract/admin';
import type { Page } from '../../../typings/contract/common';
import { LIMITS } from '../../../miniprogram/shared/field-rules';
import { AUDIT_COLLECTION, type AuditDoc, toAuditEntry } from '../../_shared/audit';
import { collection, db } from '../../_shared/db';
import { decodeCursor, encodeCursor } from '../../_shared/cursor';
import { AppError } from '../../_shared/errors';
import { defineAction } from '../../_shared/handler';
import { bytes, idString, list, openid, pageParams, params } from '../../_shared/validation';

/** The shape of audit ids (see _shared/audit.ts): what a cursor must hold. */
const AUDIT_ID = /^\d{15}-\d{6}-[0-9a-f]{8}$/;

/** A cursor's position: the id of the last entry shown. */
function lastId(value: unknown): string | undefined {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' && AUDIT_ID.test(id) ? id : undefined;
}

export const auditList = defineAction({
  access: 'admin',
  schema: params({
    ...pageParams,
    auditAction: v.optional(idString('操作')),
    /** Any of these actions (the page's filter chips group several). */
    auditActions: v.optional(list(idString('操作'), '操作列表', 1, 20)),
    actor: v.optional(openid),
    target: v.optional(bytes(128, '对象')),
  }),
  async run(input): Promise<Page<AuditEntry>> {
    const limit = input.limit ?? LIMITS.page.defaultLimit;
    const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, lastId);
    const filter: Record<string, unknown> = {};
    if (input.auditAction !== undefined && input.auditActions !== undefined) {
      throw new AppError('INVALID_ARGUMENT', '按一种操作或一组操作筛选，只能选其一', {
        field: 'auditActions',
      });
    }
    if (input.auditAction !== undefined) filter.action = input.auditAction;
    if (input.auditActions !== undefined) filter.action = db().command.in(input.auditActions);
    if (input.actor !== undefined) filter['actor.openid'] = input.actor;
    if (input.target !== undefined) filter.target = input.target;
    const pageWhere = after === undefined ? filter : { ...filter, _id: db().command.lt(after) };
    const [{ total }, { data }] = await Promise.all([
      collection<AuditDoc>(AUDIT_COLLECTION).where(filter).count(),
      collection<AuditDoc>(AUDIT_COLLECTION)
        .where(pageWhere)
        .orderBy('_id', 'desc')
        .limit(limit + 1)
        .get(),
    ]);
    const items = data.slice(0, limit).map(toAuditEntry);
    const page: Page<AuditEntry> = { items, total };
    if (data.length > limit) page.nextCursor = encodeCursor({ id: items[items.length - 1].id });
    return page;
  },
});
