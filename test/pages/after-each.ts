/**
 * Set-up of every page and flow test file.
 *
 * - The pages and components a file names (`'pages/<page>/index'`, `'components/<c>/index'`, in the
 *   file or the non-test helpers beside it) are compiled (wcc) and loaded with their tdesign tree once,
 *   before the first test, under a hook timeout sized for a cold load on a busy machine. Otherwise the
 *   first test of each file pays for it inside jest's 5 s test timeout.
 * - Every test starts with the real wx stubs of simulate: spies made in a test end with it.
 * - Each test may take up to 60 s: only a hang detector, never a speed check. A test renders whole pages
 *   in jsdom (miniprogram-simulate); beside two busy CPUs with jest niced, some took over jest's 5 s.
 *   (A project's `testTimeout` in jest.config.js is not applied per project; this file is.)
 */
import fs from 'node:fs';
import path from 'node:path';
import simulate from 'miniprogram-simulate';
import { MP_ROOT, load } from './helpers';

const NAMED = /'((?:pages|components)\/[\w-]+(?:\/components\/[\w-]+)?\/index)'/g;

function namedViews(testPath: string): string[] {
  const dir = path.dirname(testPath);
  const helpers = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f));
  const found = new Set<string>();
  for (const file of [testPath, ...helpers]) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(NAMED)) found.add(match[1]);
  }
  return [...found].filter((rel) => fs.existsSync(path.join(MP_ROOT, `${rel}.json`)));
}

jest.setTimeout(60_000);

beforeAll(() => {
  const testPath = expect.getState().testPath;
  if (!testPath) return;
  for (const rel of namedViews(testPath)) {
    const id = load(rel);
    if (!rel.startsWith('pages/')) continue;
    // One render before the tests (no onLoad: nothing is called): the first render of a tree is the
    // slow one (every tdesign component's first instance), and it belongs to no test.
    const warm = simulate.render(id);
    warm.attach(document.createElement('parent-wrapper'));
    warm.detach();
  }
}, 120_000);

afterEach(() => {
  jest.restoreAllMocks();
});
