/** The gateway's timer triggers: the 7-field cron CloudBase uses, and the event a timer sends. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCron, readTimerTriggers, startTimers } from '../../../emulator/gateway';

const at = (h: number, m: number, s: number, day = 6) => new Date(2026, 11, day, h, m, s);

test('every minute at second 0', () => {
  const due = parseCron('0 */1 * * * * *');
  expect(due(at(12, 1, 0))).toBe(true);
  expect(due(at(12, 1, 1))).toBe(false);
});

test('steps, ranges, lists and names', () => {
  const due = parseCron('*/15 5-10/5 9,18 * DEC MON-FRI *');
  expect(due(at(9, 5, 30, 7))).toBe(true); // Monday 7 Dec 2026
  expect(due(at(9, 5, 31, 7))).toBe(false);
  expect(due(at(9, 7, 0, 7))).toBe(false);
  expect(due(at(18, 10, 45, 7))).toBe(true);
  expect(due(at(18, 10, 45, 6))).toBe(false); // Sunday
});

test('a config that is not 7 fields, or a value out of range, is refused', () => {
  expect(() => parseCron('0 * * * *')).toThrow('7 fields');
  expect(() => parseCron('61 * * * * * *')).toThrow('outside');
});

test('triggers come from config.json; a timer event has no caller and no userInfo', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timers-'));
  try {
    fs.mkdirSync(path.join(dir, 'fn'));
    fs.writeFileSync(
      path.join(dir, 'fn', 'config.json'),
      JSON.stringify({ triggers: [{ name: 'tick', type: 'timer', config: '0 0 * * * * *' }] }),
    );
    expect(readTimerTriggers('fn', dir).map((t) => t.name)).toEqual(['tick']);
    expect(readTimerTriggers('none', dir)).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const seen: Array<{ event: unknown; openid: string | undefined }> = [];
  const timers = startTimers({
    names: () => ['promoter'],
    load: () => ({
      main: (event: unknown) => {
        seen.push({ event, openid: process.env.WX_OPENID });
        return { done: true };
      },
    }),
    tick: false,
  });
  const fired = await timers.fire(new Date(Date.UTC(2026, 11, 6, 4, 1, 0)));
  await timers.close();
  expect(fired).toEqual([{ fn: 'promoter', trigger: 'importJobs', result: { done: true } }]);
  expect(seen).toEqual([
    { event: { Type: 'Timer', TriggerName: 'importJobs', Time: '2026-12-06T04:01:00Z' }, openid: undefined },
  ]);
});
