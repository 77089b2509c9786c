/** jest.config.js: without Chromium the browser suite is left out, saying so; in CI it stays in (and fails there). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function listTests(env: Record<string, string>): { stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/jest/bin/jest.js'), '--listTests'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`jest --listTests exited ${run.status}: ${run.stderr}`);
  return { stdout: run.stdout, stderr: run.stderr };
}

test('no Chromium: npm test says it skipped the browser suite and how to install Chromium', () => {
  const { stdout, stderr } = listTests({ CHROMIUM_PATH: '/nonexistent/chromium', CI: 'false' });
  expect(stderr).toContain('SKIPPED the browser suite (test/browser): no Chromium at /nonexistent/chromium');
  expect(stderr).toContain('apt-get install chromium fonts-wqy-microhei');
  expect(stdout).not.toContain('/test/browser/');
  expect(stdout).toContain('/test/pages/');
}, 60_000);

test('no Chromium in CI: the browser suite stays in, so a missing browser fails instead of skipping', () => {
  const { stdout, stderr } = listTests({ CHROMIUM_PATH: '/nonexistent/chromium', CI: 'true' });
  expect(stderr).not.toContain('SKIPPED');
  expect(stdout).toContain('/test/browser/pages.test.ts');
}, 60_000);
