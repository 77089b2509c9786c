/**
 * Each built cloud function (cloudfunctions/<name>/index.js, what CloudBase deploys): bundle size, its
 * gzip size, and the cold-load time of a fresh Node process requiring it (median of 5), next to the
 * time of requiring wx-server-sdk alone (the one external dependency, loaded by every function).
 *
 *   npm run build:functions && npm run bench bundles
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { FUNCTIONS_DIR, listFunctions } from '../../emulator/gateway/invoke';

const RUNS = 5;

/**
 * A fresh `node` requiring wx-server-sdk and then `target`: [total, of which `target` alone] in ms,
 * each the median of RUNS processes (measured inside the process, so start-up is not counted).
 */
function coldLoadMs(target: string): [number, number] {
  const script =
    `const t0=performance.now();require('wx-server-sdk');const t1=performance.now();` +
    `require(${JSON.stringify(target)});const t2=performance.now();process.stdout.write((t2-t0)+' '+(t2-t1))`;
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < RUNS; i++) {
    const [total, own] = execFileSync(process.execPath, ['-e', script], {
      cwd: process.cwd(),
      encoding: 'utf8',
    })
      .split(' ')
      .map(Number);
    runs.push([total, own]);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return [median(runs.map((r) => r[0])), median(runs.map((r) => r[1]))];
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const names = listFunctions('built');
if (names.length === 0) {
  console.error('no built functions: run npm run build:functions first');
  process.exit(1);
}
console.log(`cold load = a fresh Node process requiring wx-server-sdk, then the bundle (median of ${RUNS})`);
console.log('function     bundle      gzip    cold load   the bundle itself');
for (const name of names) {
  const file = path.join(FUNCTIONS_DIR, name, 'index.js');
  const bytes = fs.statSync(file).size;
  const gzip = zlib.gzipSync(fs.readFileSync(file)).length;
  const [total, own] = coldLoadMs(file);
  console.log(
    `${name.padEnd(12)} ${kib(bytes).padStart(9)} ${kib(gzip).padStart(9)} ${`${total.toFixed(0)} ms`.padStart(10)}   ` +
      `${`${own.toFixed(1)} ms`.padStart(10)}`,
  );
}
