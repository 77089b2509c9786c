import { load } from '../helpers';

/**
 * Load a component in its own jest module registry. Each simulate.load registers every tdesign tag
 * again, and under jest a second require() of the same tdesign file does not re-run Component()
 * (toolchain-notes G1), so a file that loads several roots needs a fresh registry per load.
 */
export function loadIsolated(rel: string): string {
  let id = '';
  jest.isolateModules(() => {
    id = load(rel);
  });
  return id;
}
