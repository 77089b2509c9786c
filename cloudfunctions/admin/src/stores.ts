/**
 * Stores (collection `stores`, doc _id = storeId = WeChat retail_id). The promoter function reads
 * them; only this function writes them.
 */
import type { Store } from '../../../typings/contract/admin';
import { visibleStoreIds } from '../../_shared/access';
import { type StoredDoc, db, getAll } from '../../_shared/db';
import { AppError } from '../../_shared/errors';
import { defineAction } from '../../_shared/handler';
import { bytes, noParams, params, storeId } from '../../_shared/validation';
import { LIMITS } from '../../../miniprogram/shared/field-rules';
import { COLLECTIONS } from '../../_shared/collections';

export const STORES_COLLECTION = COLLECTIONS.stores;

export type StoreDoc = StoredDoc & Store;

const storeName = bytes(LIMITS.store.nameBytes, '门店名称');

export function toStore(doc: StoreDoc): Store {
  return { storeId: doc._id, name: doc.name, createdAt: doc.createdAt, updatedAt: doc.updatedAt };
}

/** NOT_FOUND naming `field` for the first of `ids` that is not a store. */
export async function assertStoresExist(ids: string[], field: string): Promise<void> {
  if (ids.length === 0) return;
  const found = new Set(
    (await getAll<StoreDoc>(STORES_COLLECTION, { _id: db().command.in(ids) })).map((s) => s._id),
  );
  const missing = ids.findIndex((id) => !found.has(id));
  if (missing >= 0) {
    throw new AppError('NOT_FOUND', `门店 ${ids[missing]} 不存在，请先添加门店`, {
      field: `${field}[${missing}]`,
    });
  }
}

export const storeList = defineAction({
  access: 'staff',
  schema: noParams,
  async run(_params, ctx) {
    const visible = visibleStoreIds(ctx.caller);
    if (visible !== undefined && visible.length === 0) return { items: [] };
    const docs = await getAll<StoreDoc>(
      STORES_COLLECTION,
      visible === undefined ? {} : { _id: db().command.in(visible) },
    );
    return { items: docs.map(toStore) };
  },
});

export const storeAdd = defineAction({
  access: 'admin',
  schema: params({ storeId, name: storeName }),
  async run({ storeId: id, name }, ctx) {
    const now = ctx.now();
    const store: Store = { storeId: id, name, createdAt: now, updatedAt: now };
    await ctx.transaction(async (tx) => {
      const stores = tx.collection<StoreDoc>(STORES_COLLECTION);
      if ((await stores.doc(id).get()).data) {
        throw new AppError('CONFLICT', `门店编号 ${id} 已存在`, { field: 'storeId' });
      }
      await stores.doc(id).set({ data: store });
      await ctx.audit({ target: id, before: null, after: store }, tx);
    });
    return store;
  },
});

export const storeUpdate = defineAction({
  access: 'admin',
  schema: params({ storeId, name: storeName }),
  async run({ storeId: id, name }, ctx) {
    return ctx.transaction(async (tx) => {
      const stores = tx.collection<StoreDoc>(STORES_COLLECTION);
      const current = (await stores.doc(id).get()).data;
      if (!current) throw new AppError('NOT_FOUND', `门店 ${id} 不存在`, { field: 'storeId' });
      const before = toStore(current);
      if (before.name === name) return before; // nothing changes: no write, no audit record
      const after: Store = { ...before, name, updatedAt: ctx.now() };
      await stores.doc(id).update({ data: { name, updatedAt: after.updatedAt } });
      await ctx.audit({ target: id, before, after }, tx);
      return after;
    });
  },
});
