/**
 * N cold instances of a built function in one process (each a fresh copy of its bundle: its own
 * token cache and database handle; wx-server-sdk is shared as the runtime's node_modules would be),
 * one action on each, all at once. Prints one JSON line: { ms, ok, failed }.
 *   cold-worker.ts <function> <count> <action JSON> <openid>
 */
import { invokeFunction, functionEntry } from '../../../emulator/gateway';
import type { CloudFunctionModule } from '../../../emulator/gateway';

const [name = 'promoter', countText = '1000', actionJson = '{"action":"role.list"}', openid = ''] =
  process.argv.slice(2);

function coldInstance(entry: string): CloudFunctionModule {
  delete require.cache[require.resolve(entry)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the built bundle
  return require(entry) as CloudFunctionModule;
}

async function main(): Promise<void> {
  const entry = functionEntry(name, 'built');
  const instances = Array.from({ length: Number(countText) }, () => coldInstance(entry));
  const data = JSON.parse(actionJson) as object;
  const started = performance.now();
  const answers = (await Promise.all(instances.map((fn) => invokeFunction(fn, data, { openid })))) as Array<{
    ok: boolean;
    error?: unknown;
  }>;
  const ms = performance.now() - started;
  const failed = answers.filter((a) => !a.ok);
  console.log(
    JSON.stringify({
      ms: Math.round(ms),
      ok: answers.length - failed.length,
      failed: failed.length,
      firstError: failed[0]?.error,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
