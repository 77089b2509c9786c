/**
 * Repeats fired at once against WeChat with latency: one change, one WeChat call, one audit record and
 * one history entry, and every answer the success it is (the promoter's lease, promoter.ts).
 */
import type { Page, Promoter } from '../../../typings/contract/index';
import { AUDIT_COLLECTION } from '../../../cloudfunctions/_shared/audit';
import { SH, control, oid, ok, useStack } from './helpers';

const env = useStack();

const collection = (name: string) => env.stack.cloudbase.collections()[name] ?? [];

async function declaredPromoter(label: string): Promise<Promoter> {
  ok(
    await env.admin({
      action: 'promoter.declare',
      promoters: [{ openid: oid(label), roleId: 1, storeId: SH }],
    }),
  );
  const [p] = ok(await env.admin<Page<Promoter>>({ action: 'promoter.list', openid: oid(label) })).items;
  await control(env.stack).clearCalls();
  return p;
}

async function tenAtOnce(data: Parameters<typeof env.admin>[0]): Promise<Promoter[]> {
  await control(env.stack).latency(100);
  const answers = await Promise.all(
    Array.from({ length: 10 }, (_, i) => (i % 2 ? env.admin : env.mgrSh)<Promoter>(data)),
  );
  await control(env.stack).latency(0);
  return answers.map((a) => ok(a));
}

test('10 cancels of one promoter at once: one updatepromoter, one audit record, one history entry, all done', async () => {
  const p = await declaredPromoter('Cancel-10');
  const answers = await tenAtOnce({ action: 'promoter.cancel', id: p.id });
  for (const answer of answers)
    expect(answer).toMatchObject({ id: p.id, declStatus: 2, status: 'cancelled' });
  expect(await control(env.stack).calls('/promoter/updatepromoter')).toHaveLength(1);
  expect(collection(AUDIT_COLLECTION).filter((a) => a.action === 'promoter.cancel')).toHaveLength(1);
  const history = collection('promoter_history').filter(
    (h) => h.promoterId === p.id && h.status === 'cancelled',
  );
  expect(history).toHaveLength(1);
}, 30_000);

test('10 identical updates at once: one updatepromoter, one audit record, all answer the new values', async () => {
  const p = await declaredPromoter('Update-10');
  const answers = await tenAtOnce({ action: 'promoter.update', id: p.id, name: '新名字' });
  for (const answer of answers) expect(answer).toMatchObject({ id: p.id, name: '新名字' });
  expect(await control(env.stack).calls('/promoter/updatepromoter')).toHaveLength(1);
  expect(collection(AUDIT_COLLECTION).filter((a) => a.action === 'promoter.update')).toHaveLength(1);
}, 30_000);
