/**
 * A tiny cloud function for the gateway tests: reads the caller synchronously at entry (as our
 * handlers do), then awaits, then answers what it saw. getWXContext needs no cloud.init().
 */
import * as cloud from 'wx-server-sdk';

export async function main(event: {
  action?: string;
  waitMs?: number;
  [k: string]: unknown;
}): Promise<unknown> {
  const context = cloud.getWXContext() as Record<string, unknown>; // before any await
  if (event.action === 'throw') throw new Error('故意失败');
  await new Promise((resolve) => setTimeout(resolve, event.waitMs ?? 0));
  return { context, event, at: new Date(0) };
}
