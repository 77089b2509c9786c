/** Runs a bench worker (tsx) in a child process, asynchronously (the stand-ins answer it from this one). */
import { spawn } from 'node:child_process';
import path from 'node:path';

export function runWorker<T>(script: string, args: string[], env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, script), ...args], {
      env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let errText = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errText += chunk.toString()));
    child.on('close', (code) => {
      if (code !== 0)
        reject(new Error(`${script} ${args.join(' ')} failed (${code}): ${errText.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as T);
    });
  });
}
