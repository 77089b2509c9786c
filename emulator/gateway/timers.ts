/**
 * Timer triggers, as CloudBase fires them: each function's config.json may declare
 *   "triggers": [{ "name": "importJobs", "type": "timer", "config": "0 *\/1 * * * * *" }]
 * with a 7-field cron (second minute hour day-of-month month day-of-week year), and the function is
 * called with `{ Type: 'Timer', TriggerName, Time }` and no caller (no OPENID, no userInfo)
 * (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/guide/functions/triggers.html).
 *
 * `startTimers` checks every second; `fire(at)` runs the triggers due at one second, so tests move
 * time themselves instead of waiting for the clock.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type CloudFunctionModule, FUNCTIONS_DIR, invokeFunction } from './invoke';

export interface TimerTrigger {
  fn: string;
  name: string;
  config: string;
  matches: (at: Date) => boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** One cron field → the set of values it allows within [min, max]. */
function parseField(field: string, min: number, max: number, names: string[] = [], base = min): Set<number> {
  const out = new Set<number>();
  const value = (text: string): number => {
    const named = names.indexOf(text.toUpperCase());
    const n = named >= 0 ? named + base : Number(text);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`cron value ${text} outside ${min}-${max}`);
    return n;
  };
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new Error(`cron step ${stepText} is not a positive integer`);
    let from = min;
    let to = max;
    if (range !== '*' && range !== '?') {
      const [a, b] = range!.split('-');
      from = value(a!);
      to = b === undefined ? (stepText === undefined ? from : max) : value(b);
    }
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

/** A 7-field CloudBase cron → a test on a moment (local time, as the cloud's server time zone). */
export function parseCron(config: string): (at: Date) => boolean {
  const fields = config.trim().split(/\s+/);
  if (fields.length !== 7)
    throw new Error(`timer config must have 7 fields, got ${fields.length}: ${config}`);
  const [sec, min, hour, dom, month, dow, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const s = parseField(sec, 0, 59);
  const mi = parseField(min, 0, 59);
  const h = parseField(hour, 0, 23);
  const d = parseField(dom, 1, 31);
  const mo = parseField(month, 1, 12, MONTHS, 1);
  const w = parseField(dow, 0, 6, DAYS, 0);
  const y = parseField(year, 1970, 2099);
  return (at) =>
    s.has(at.getSeconds()) &&
    mi.has(at.getMinutes()) &&
    h.has(at.getHours()) &&
    d.has(at.getDate()) &&
    mo.has(at.getMonth() + 1) &&
    w.has(at.getDay()) &&
    y.has(at.getFullYear());
}

/** The timer triggers declared in cloudfunctions/<fn>/config.json. */
export function readTimerTriggers(fn: string, dir = FUNCTIONS_DIR): TimerTrigger[] {
  const file = path.join(dir, fn, 'config.json');
  if (!fs.existsSync(file)) return [];
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    triggers?: Array<{ name?: unknown; type?: unknown; config?: unknown }>;
  };
  return (config.triggers ?? [])
    .filter((t) => t.type === 'timer' && typeof t.name === 'string' && typeof t.config === 'string')
    .map((t) => ({
      fn,
      name: t.name as string,
      config: t.config as string,
      matches: parseCron(t.config as string),
    }));
}

export interface Timers {
  triggers: TimerTrigger[];
  /** Runs every trigger due at `at` (to the second); resolves with what each invocation answered. */
  fire(at: Date): Promise<Array<{ fn: string; trigger: string; result?: unknown; error?: string }>>;
  close(): Promise<void>;
}

export interface TimerOptions {
  names: () => string[];
  load: (name: string) => CloudFunctionModule;
  /** false: no clock, only fire() (tests). Default true. */
  tick?: boolean;
  onError?: (fn: string, trigger: string, err: unknown) => void;
}

export function startTimers(options: TimerOptions): Timers {
  const triggers = options.names().flatMap((fn) => readTimerTriggers(fn));
  const running = new Set<Promise<unknown>>();
  const fire: Timers['fire'] = async (at) => {
    const due = triggers.filter((t) => t.matches(at));
    const time = new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    return Promise.all(
      due.map(async (t) => {
        const event = { Type: 'Timer', TriggerName: t.name, Time: time };
        const call = invokeFunction(options.load(t.fn), event, {}, { platformEvent: true });
        running.add(call);
        try {
          return { fn: t.fn, trigger: t.name, result: await call };
        } catch (err) {
          options.onError?.(t.fn, t.name, err);
          return { fn: t.fn, trigger: t.name, error: err instanceof Error ? err.message : String(err) };
        } finally {
          running.delete(call);
        }
      }),
    );
  };
  let timer: NodeJS.Timeout | undefined;
  let last = Math.floor(Date.now() / 1000);
  if (options.tick !== false && triggers.length > 0) {
    timer = setInterval(() => {
      const now = Math.floor(Date.now() / 1000);
      // every second since the last tick, once (a busy event loop skips none)
      for (let second = last + 1; second <= now; second++) void fire(new Date(second * 1000));
      last = now;
    }, 250);
    timer.unref();
  }
  return {
    triggers,
    fire,
    close: async () => {
      clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
}
