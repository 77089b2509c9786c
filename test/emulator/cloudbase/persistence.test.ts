/** The dev stack's optional data file: loaded at start, saved after writes (debounced) and on close. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCloudbaseEmulator } from '../../../emulator/cloudbase';
import { type Loose, type SdkFixture, startWithSdk } from './sdk';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudbase-'));
  file = path.join(dir, 'nested', 'db.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('round-trips documents, Dates included, through the file', async () => {
  const first: SdkFixture = await startWithSdk({ file });
  const at = new Date('2026-03-04T05:06:07.089Z');
  await first.db.collection('stores').add({ data: { _id: 'SH-XUHUI', name: '上海徐汇店', at, n: 1.5 } });
  await first.db.collection('empty-but-created').add({ data: { _id: 'x' } });
  await first.db.collection('empty-but-created').doc('x').remove();
  await first.emulator.close();
  // no temporary file left behind; the journal is empty once the snapshot holds everything
  expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['db.json', 'db.json.journal']);
  expect(fs.readFileSync(`${file}.journal`, 'utf8')).toBe('');

  const second = await startCloudbaseEmulator({ file });
  try {
    expect(second.collections()).toEqual({
      stores: [{ _id: 'SH-XUHUI', name: '上海徐汇店', at, n: 1.5 }],
      'empty-but-created': [],
    });
    expect(second.collections().stores![0]!.at).toBeInstanceOf(Date);
  } finally {
    await second.close();
  }
});

it('saves shortly after a write, without waiting for close', async () => {
  const emu = await startWithSdk({ file });
  await emu.db.collection('stores').add({ data: { _id: 'BJ', name: '北京朝阳店' } });
  // the save is due a debounce (200 ms) after the write, with no close: wait for it, however late a busy
  // machine runs it (whether it is still pending right after the write depends on the machine, so not asserted)
  while (!fs.existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ stores: [{ _id: 'BJ', name: '北京朝阳店' }] });
  await emu.emulator.close();
});

it('a process killed before the debounced save loses no committed write (the journal)', async () => {
  const emu = await startWithSdk({ file });
  const at = new Date('2026-03-04T05:06:07.089Z');
  await emu.db.collection('stores').add({ data: { _id: 'SH', name: '上海', at } });
  await emu.db.collection('stores').add({ data: { _id: 'GZ', name: '广州' } });
  await emu.db
    .collection('stores')
    .doc('SH')
    .update({ data: { name: '上海徐汇店' } });
  await emu.db.collection('stores').doc('GZ').remove();
  await emu.db.runTransaction(async (tx: Loose) => {
    await tx
      .collection('stores')
      .doc('BJ')
      .set({ data: { name: '北京' } });
  });
  // What SIGKILL leaves on disk right now: no snapshot yet, only the journal (a torn last line too).
  const killed = path.join(dir, 'killed', 'db.json');
  fs.mkdirSync(path.dirname(killed), { recursive: true });
  expect(fs.existsSync(file)).toBe(false);
  fs.writeFileSync(
    `${killed}.journal`,
    fs.readFileSync(`${file}.journal`, 'utf8') + '{"c":"stores","id":"to',
  );
  await emu.emulator.close();

  const restarted = await startCloudbaseEmulator({ file: killed });
  try {
    expect(restarted.collections().stores).toEqual([
      { _id: 'SH', name: '上海徐汇店', at },
      { _id: 'BJ', name: '北京' },
    ]);
  } finally {
    await restarted.close();
  }
});

it('refuses a broken data file with a message naming it', async () => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ stores: [{ name: 'no id' }] }));
  await expect(startCloudbaseEmulator({ file })).rejects.toThrow(
    `cannot load CloudBase data file ${file}: data file: stores[0]._id must be a string`,
  );
});

it('reset empties the data; collections() is a copy', async () => {
  const emu = await startWithSdk();
  await emu.db.collection('a').add({ data: { _id: '1' } });
  const copy = emu.emulator.collections();
  copy.a!.push({ _id: 'mutated' });
  expect(emu.emulator.collections().a).toEqual([{ _id: '1' }]);
  emu.emulator.reset();
  expect(emu.emulator.collections()).toEqual({});
  await emu.emulator.close();
});

it('with autoCreateCollections false, an uncreated collection is an error as in the real cloud', async () => {
  const emu = await startWithSdk({ autoCreateCollections: false });
  await expect(emu.db.collection('nope').get()).rejects.toMatchObject({
    errMsg: expect.stringContaining('Db or Table not exist: nope'),
  });
  await emu.db.createCollection('yes');
  await expect(emu.db.collection('yes').add({ data: { a: 1 } })).resolves.toMatchObject({
    errMsg: 'collection.add:ok',
  });
  await emu.emulator.close();
});
