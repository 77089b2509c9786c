/**
 * Builds each cloud function from TypeScript into what CloudBase deploys:
 * cloudfunctions/<name>/index.js (one esbuild bundle, shared code inlined; wx-server-sdk left to
 * the function's own node_modules) next to its package.json and config.json.
 * There is never an index.ts beside index.js in a function's root: CloudBase refuses that.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const functionsDir = path.join(root, 'cloudfunctions');

export function functionNames(): string[] {
  return fs
    .readdirSync(functionsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
    .filter((d) => fs.existsSync(path.join(functionsDir, d.name, 'src', 'index.ts')))
    .map((d) => d.name)
    .sort();
}

export async function buildFunctions(names = functionNames()): Promise<void> {
  for (const name of names) {
    const dir = path.join(functionsDir, name);
    for (const required of ['package.json', 'config.json']) {
      if (!fs.existsSync(path.join(dir, required)))
        throw new Error(`cloudfunctions/${name}/${required} is missing`);
    }
    if (fs.existsSync(path.join(dir, 'index.ts'))) {
      throw new Error(`cloudfunctions/${name}/index.ts must not sit beside index.js; sources go in src/`);
    }
    const started = Date.now();
    const result = await build({
      entryPoints: [path.join(dir, 'src', 'index.ts')],
      outfile: path.join(dir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node18', // CloudBase's Node 18 runtime
      format: 'cjs',
      external: ['wx-server-sdk'],
      sourcemap: false,
      legalComments: 'none',
      metafile: true,
      logLevel: 'warning',
    });
    const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    console.log(
      `build:functions ${name} -> cloudfunctions/${name}/index.js (${(bytes / 1024).toFixed(1)} KiB, ${Date.now() - started} ms)`,
    );
  }
}

// Run as a script (`tsx scripts/build-functions.ts`), not when imported by start.ts or the flow tests.
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  buildFunctions().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
