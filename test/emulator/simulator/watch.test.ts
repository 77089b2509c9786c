/** watchTree survives folders vanishing under it (npm run build:npm under a running npm start). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { watchTree } from '../../../emulator/simulator/watch';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Polls until check() holds; gives up (and the test fails on its expect) after 10 s. */
const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !check(); i++) await sleep(20);
};

it('keeps watching after a watched folder tree is deleted and recreated', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-watch-'));
  const deep = path.join(root, 'npm', 'pkg', 'a', 'b');
  fs.mkdirSync(deep, { recursive: true });
  const seen: string[] = [];
  const watcher = watchTree(root, (file) => seen.push(file));
  try {
    await sleep(200);
    for (let i = 0; i < 5; i++) {
      fs.rmSync(path.join(root, 'npm'), { recursive: true, force: true });
      await sleep(5);
      fs.mkdirSync(deep, { recursive: true });
      await sleep(5);
    }
    // still alive afterwards: a new file is reported
    await sleep(400);
    fs.writeFileSync(path.join(root, 'page.wxml'), '<view/>');
    await until(() => seen.includes('page.wxml'));
    expect(seen).toContain('page.wxml');
  } finally {
    watcher.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}, 20_000);

it('ignores editor temp files', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-watch-'));
  const seen: string[] = [];
  const watcher = watchTree(root, (file) => seen.push(file));
  try {
    fs.writeFileSync(path.join(root, '.index.wxml.swp'), 'x');
    fs.writeFileSync(path.join(root, 'index.wxml~'), 'x');
    fs.writeFileSync(path.join(root, 'index.wxml'), 'x');
    await until(() => seen.includes('index.wxml'));
    expect(seen.filter((f) => f.includes('~') || f.includes('.swp'))).toEqual([]);
  } finally {
    watcher.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}, 20_000);
