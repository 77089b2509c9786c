/**
 * Child-process entry for the flow tests: builds the cloud functions, starts the whole local stack
 * (empty, free ports, the BUILT functions as CloudBase runs them) and prints one line
 * `STACK {"gatewayUrl":…,"wechatUrl":…}`. It runs outside jest's jsdom environment on purpose:
 * wx-server-sdk must see plain Node, not a browser.
 */
import { buildFunctions } from '../../scripts/build-functions';
import { startStack } from '../../emulator/stack';

async function main(): Promise<void> {
  await buildFunctions();
  const stack = await startStack({ seed: false, functions: 'built', quiet: true });
  console.log(`STACK ${JSON.stringify({ gatewayUrl: stack.gatewayUrl, wechatUrl: stack.wechatUrl })}`);
  const stop = (): void => {
    void stack.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop); // the test runner went away
  process.stdin.resume();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
