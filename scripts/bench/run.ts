/**
 * `npm run bench [name…]`: runs every scripts/bench/<name>.bench.ts (or only those named), one after
 * another in child processes so each starts cold, and prints their figures. Benchmarks print numbers
 * and ratios; nothing here asserts a speed (tests never depend on how fast the machine is).
 * The figures of record, with the machine and the date, are in docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HERE = __dirname;
const wanted = process.argv.slice(2);
const cases = fs
  .readdirSync(HERE)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (cases.length === 0) {
  console.error(`no benchmark named ${wanted.join(', ')}; there are: ${fs.readdirSync(HERE).join(', ')}`);
  process.exit(2);
}

console.log(
  `Promoter Desk benchmarks · ${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · node ${process.version}`,
);
let failed = 0;
for (const name of cases) {
  console.log(`\n## ${name}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(HERE, `${name}.bench.ts`)], {
    stdio: 'inherit',
    env: process.env,
  });
  if (run.status !== 0) {
    failed += 1;
    console.error(`${name}: exited with ${run.status ?? run.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
