/**
 * `npm run emulator -- --port 9201 [--seed demo] [--host 127.0.0.1]`: the WeChat stand-in on its own,
 * empty unless --seed demo. Stops cleanly on SIGINT / SIGTERM.
 */
import { appsFromEnv } from '../demo-data';
import { startWechatEmulator } from './index';

function usage(problem: string): never {
  console.error(
    `${problem}\nusage: npm run emulator -- [--port 9201] [--seed empty|demo] [--host 127.0.0.1]`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): { port: number; seed: 'empty' | 'demo'; host: string } {
  const options = { port: 9201, seed: 'empty' as 'empty' | 'demo', host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--port') {
      if (!value || !/^\d+$/.test(value) || Number(value) > 65535)
        usage('--port needs a port number 0..65535');
      options.port = Number(value);
    } else if (flag === '--seed') {
      if (value !== 'empty' && value !== 'demo') usage('--seed must be empty or demo');
      options.seed = value;
    } else if (flag === '--host') {
      if (!value) usage('--host needs an address');
      options.host = value;
    } else usage(`unknown argument ${flag}`);
    i++;
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const apps = appsFromEnv();
  const emulator = await startWechatEmulator({ ...options, apps });
  console.log(`WeChat API stand-in listening on ${emulator.url} (seed: ${options.seed})`);
  console.log(`  mini program:     appid ${apps.miniProgram.appid}  secret ${apps.miniProgram.secret}`);
  console.log(
    `  official account: appid ${apps.officialAccount.appid}  secret ${apps.officialAccount.secret}`,
  );
  console.log(`  control API:      ${emulator.url}/__control/  (see emulator/wechat/README.md)`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the WeChat stand-in`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
