/**
 * Watching a folder tree for the simulator's rebuilds. Node's recursive fs.watch on Linux walks the tree
 * itself and emits an 'error' (which would kill the process) when a folder disappears while it walks
 * it — e.g. `npm run build:npm` replacing miniprogram_npm under a running `npm start`. Here an error
 * closes the watcher, reports a change, and watches the tree again a moment later.
 */
import fs from 'node:fs';

export interface TreeWatcher {
  close(): void;
}

const EDITOR_TEMP = /(^|[/\\])\.|~$|\.swp$/;
const REWATCH_MS = 300;

export function watchTree(dir: string, onChange: (file: string) => void): TreeWatcher {
  let watcher: fs.FSWatcher | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  const start = (): void => {
    if (closed) return;
    try {
      watcher = fs.watch(dir, { recursive: true }, (_event, file) => {
        const name = file ? String(file) : '';
        if (!EDITOR_TEMP.test(name)) onChange(name);
      });
      watcher.on('error', restart);
    } catch {
      restart();
    }
  };
  function restart(): void {
    watcher?.close();
    watcher = undefined;
    if (closed) return;
    onChange('');
    clearTimeout(retry);
    retry = setTimeout(start, REWATCH_MS);
  }
  start();
  return {
    close() {
      closed = true;
      clearTimeout(retry);
      watcher?.close();
    },
  };
}
