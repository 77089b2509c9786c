/**
 * Request bodies for the three local HTTP servers (gateway, WeChat stand-in, CloudBase stand-in):
 * read with a byte cap, and JSON checked for nesting depth BEFORE anything recursive touches it.
 *
 * Why the depth check: JSON.parse copes with deep nesting, but everything after it that walks the
 * value recursively (JSON.stringify, EJSON, the call log's redaction, mingo) overflows the stack on a
 * few thousand levels, and outside a try that killed the process: one 30 KB request of 5,000 nested
 * arrays took the whole local stack down. No real payload of ours nests more than a handful of levels.
 */
import type { IncomingMessage } from 'node:http';

/** Deeper than this is refused. Our deepest real payload (a database query with $and/$or) is < 15. */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of `[`/`{` in JSON text, counted without recursion (string contents skipped).
 * Stops counting once `limit` is passed, so a hostile body costs one pass at most.
 */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c)
        i++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return deepest;
}

export class JsonBodyError extends Error {
  constructor(
    message: string,
    readonly reason: 'not-json' | 'too-deep',
  ) {
    super(message);
  }
}

/** JSON.parse with the depth rule first; throws JsonBodyError with a sentence naming the rule. */
export function parseJsonText(text: string, what = 'body', maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth) {
    throw new JsonBodyError(
      `${what} must not nest arrays or objects more than ${maxDepth} levels deep`,
      'too-deep',
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new JsonBodyError(`${what} must be JSON`, 'not-json');
  }
}

export type BodyRead = { ok: true; text: string } | { ok: false; size: number };

/**
 * Reads a body up to `maxBytes`. A larger one is drained (not kept) so the caller can still answer
 * it properly, unless it goes on past 8× the cap, when the socket is destroyed.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else {
        chunks.length = 0;
        if (size > maxBytes * 8) {
          resolve({ ok: false, size });
          req.destroy();
        }
      }
    });
    req.on('end', () =>
      resolve(
        size > maxBytes ? { ok: false, size } : { ok: true, text: Buffer.concat(chunks).toString('utf8') },
      ),
    );
    req.on('error', reject);
  });
}
