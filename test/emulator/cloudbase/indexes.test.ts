/**
 * The CloudBase stand-in's indexes: the same answers as a full scan, with only the documents an index
 * gives tested (counted through mingo's Query.test, so nothing here depends on machine speed), and the
 * indexes are the ones README.md tells production to create.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Query } from 'mingo';
import { INDEXES } from '../../../cloudfunctions/_shared/collections';
import { Database } from '../../../emulator/cloudbase/database';

const STORES = ['SH-XUHUI', 'BJ-CHAOYANG', 'GZ-TIANHE', ''];
const STATUSES = ['bound', 'awaiting', 'revoked', 'cancelled'];

/** n promoters with a deterministic spread of stores, statuses, update times and names. */
function promoters(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    _id: String(i + 1),
    openid: `o${String(i).padStart(27, '0')}`,
    storeId: STORES[i % 4],
    status: STATUSES[Math.floor(i / 3) % 4],
    authStatus: (i * 7) % 3,
    declStatus: 1 + (i % 2),
    roleId: 1 + (i % 3),
    name: i % 101 === 0 ? `张${i}` : `推广员${i}`,
    phone: `139${String(i).padStart(8, '0')}`,
    updateTime: 1_760_000_000 + ((i * 7919) % 5000),
    syncGen: i % 10 === 0 ? 1 : 2,
  }));
}

/** Counts mingo's per-document tests while `work` runs. */
function countTests<T>(work: () => T): { result: T; tested: number } {
  const spy = jest.spyOn(Query.prototype, 'test');
  try {
    const result = work();
    return { result, tested: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

const listQuery = (extra: object[] = []) => ({
  $and: [{ storeId: { $in: ['SH-XUHUI', 'BJ-CHAOYANG'] } }, ...extra],
});
const byNewest = { updateTime: -1 as const, _id: 1 as const };

describe('answers equal a full scan', () => {
  const indexed = new Database();
  const plain = new Database({ indexes: {} });
  const docs = promoters(3000);
  indexed.load({ promoters: docs });
  plain.load({ promoters: docs });

  const cases: Array<[string, object, { order?: Record<string, 1 | -1>; offset?: number; limit?: number }]> =
    [
      ['a status page, newest first', listQuery([{ status: 'awaiting' }]), { order: byNewest, limit: 21 }],
      ['all of two stores, newest first', listQuery(), { order: byNewest, limit: 21 }],
      ['everything, newest first, second page', {}, { order: byNewest, offset: 21, limit: 21 }],
      [
        'keyword on name or phone',
        listQuery([
          {
            $or: [{ name: { $regex: '张', $options: 'i' } }, { phone: { $regex: '0000012', $options: 'i' } }],
          },
        ]),
        { order: byNewest, limit: 21 },
      ],
      [
        'after a cursor (the seekable form)',
        {
          $and: [
            { status: 'bound' },
            { updateTime: { $lte: 1_760_002_500 } },
            {
              $or: [
                { updateTime: { $lt: 1_760_002_500 } },
                { updateTime: 1_760_002_500, _id: { $gt: '100' } },
              ],
            },
          ],
        },
        { order: byNewest, limit: 21 },
      ],
      ['by ids', { _id: { $in: ['1', '17', '2999', 'nope'] } }, {}],
      ['keyset by _id', { _id: { $gt: '2500' } }, { order: { _id: 1 }, limit: 1000 }],
      ['the sweep', { $or: [{ syncGen: { $lt: 2 } }, { syncGen: { $exists: false } }] }, {}],
      ['an unindexed field only', { roleId: 2 }, { order: { updateTime: 1 }, limit: 50 }],
    ];

  test.each(cases)('%s', (_label, query, options) => {
    expect(indexed.find('promoters', query, options)).toEqual(plain.find('promoters', query, options));
    expect(indexed.count('promoters', query)).toBe(plain.count('promoters', query));
  });

  test('writes keep the indexes right (insert, update of an indexed field, remove)', () => {
    for (const db of [indexed, plain]) {
      db.insert('promoters', [
        { _id: 'new-1', storeId: 'SH-XUHUI', status: 'awaiting', updateTime: 1_760_009_999 },
      ]);
      db.modify(
        'promoters',
        { _id: '5' },
        { $set: { status: 'awaiting', updateTime: 1_760_010_000 } },
        {
          multi: false,
          merge: true,
          upsert: false,
        },
      );
      db.remove('promoters', { status: 'revoked', storeId: 'BJ-CHAOYANG' }, true);
    }
    const query = listQuery([{ status: 'awaiting' }]);
    expect(indexed.find('promoters', query, { order: byNewest, limit: 5 })).toEqual(
      plain.find('promoters', query, { order: byNewest, limit: 5 }),
    );
    expect(indexed.find('promoters', query, { order: byNewest, limit: 2 }).map((d) => d._id)).toEqual([
      '5',
      'new-1',
    ]);
    expect(indexed.count('promoters', { status: 'revoked' })).toBe(
      plain.count('promoters', { status: 'revoked' }),
    );
  });
});

test('ties: every promoter changed in the same second, newest first then by id, both ways and after a cursor', () => {
  const same = promoters(3000).map((p) => ({ ...p, updateTime: 1_760_000_000 }));
  const indexed = new Database();
  const plain = new Database({ indexes: {} });
  indexed.load({ promoters: same });
  plain.load({ promoters: same });
  const pages: Array<[object, Record<string, 1 | -1>]> = [
    [listQuery(), byNewest],
    [listQuery(), { updateTime: -1, _id: -1 }],
    [listQuery(), { updateTime: 1, _id: 1 }],
    [
      {
        $and: [
          { updateTime: { $lte: 1_760_000_000 } },
          {
            $or: [
              { updateTime: { $lt: 1_760_000_000 } },
              { updateTime: 1_760_000_000, _id: { $gt: '2000' } },
            ],
          },
        ],
      },
      byNewest,
    ],
  ];
  for (const [query, order] of pages) {
    expect(indexed.find('promoters', query, { order, limit: 21 })).toEqual(
      plain.find('promoters', query, { order, limit: 21 }),
    );
  }
});

describe('only the documents an index gives are tested (100 000 promoters)', () => {
  const db = new Database();
  db.load({ promoters: promoters(100_000) });

  test('a status page of a manager’s stores, newest first: a page’s worth of documents, not the collection', () => {
    const { result, tested } = countTests(() =>
      db.find('promoters', listQuery([{ status: 'awaiting' }]), { order: byNewest, limit: 21 }),
    );
    expect(result).toHaveLength(21);
    expect(tested).toBeLessThan(1_000);
  });

  test('a keyword list walks the update-time index and stops when the page is full', () => {
    const keyword = { $or: [{ name: { $regex: '推广员', $options: 'i' } }, { phone: { $regex: '推广员' } }] };
    const { result, tested } = countTests(() =>
      db.find('promoters', listQuery([keyword]), { order: byNewest, limit: 21 }),
    );
    expect(result).toHaveLength(21);
    expect(tested).toBeLessThan(1_000);
  });

  test('lookups by id, openid and a counted status need no test at all', () => {
    const { result, tested } = countTests(() => [
      db.find('promoters', { _id: { $in: ['1', '99999'] } }, {}).length,
      db.find('promoters', { openid: `o${String(4242).padStart(27, '0')}` }, {}).length,
      db.count('promoters', { status: 'bound' }),
    ]);
    expect(result).toEqual([2, 1, 25_002]);
    expect(tested).toBe(0);
  });

  test('the next keyset chunk by _id starts at the cursor', () => {
    const { result, tested } = countTests(() =>
      db.find('promoters', { _id: { $gt: '99990' } }, { order: { _id: 1 }, limit: 1000 }),
    );
    expect(result.map((d) => d._id)).toEqual([
      '99991',
      '99992',
      '99993',
      '99994',
      '99995',
      '99996',
      '99997',
      '99998',
      '99999',
    ]);
    expect(tested).toBeLessThanOrEqual(result.length); // only the chunk itself, for the sort
  });
});

test('the stand-in builds the indexes README.md tells production to create', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
  for (const [collection, specs] of Object.entries(INDEXES)) {
    for (const spec of specs ?? []) {
      const text = spec.map(([field, dir]) => `${field} ${dir === 1 ? 'asc' : 'desc'}`).join(', ');
      expect(readme).toContain(`\`${collection}\` (${text})`);
    }
  }
});
