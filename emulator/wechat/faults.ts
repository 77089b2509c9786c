/**
 * Fault injection for the WeChat endpoints (never for /__control/). A rule fires on the next N matching
 * calls (`next`) or on each with a probability (`rate`); `path` narrows it to one endpoint. Faults act
 * before the handler, so a faulted call changes no state.
 */
import { ControlError } from './control-input';

export type FaultKind = 'errcode' | 'http' | 'hang' | 'drop' | 'expire-tokens';

export interface FaultRule {
  id: number;
  kind: FaultKind;
  errcode?: number;
  status?: number;
  path?: string;
  /** Calls left before the rule is used up. */
  next?: number;
  rate?: number;
  fired: number;
}

const KINDS: readonly FaultKind[] = ['errcode', 'http', 'hang', 'drop', 'expire-tokens'];

export class Faults {
  rules: FaultRule[] = [];
  latencyMs = 0;
  private nextId = 1;

  /**
   * Body `{rules: [...], latencyMs?}` or one rule object. Given rules REPLACE the ones in place (so
   * `{rules: []}` clears them); a body with only latencyMs leaves the rules alone.
   */
  configure(body: Record<string, unknown>): void {
    const hasRules = body.rules !== undefined || body.kind !== undefined;
    const inputs = body.rules !== undefined ? body.rules : body.kind !== undefined ? [body] : [];
    if (!Array.isArray(inputs)) throw new ControlError(400, 'rules: must be an array of fault rules');
    if (!hasRules && body.latencyMs === undefined)
      throw new ControlError(400, 'rules: give rules, a rule or latencyMs');
    const parsed = inputs.map((input: unknown, index: number) => this.parseRule(input, `rules[${index}]`));
    if (body.latencyMs !== undefined) {
      const latency = body.latencyMs;
      if (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0 || latency > 60_000) {
        throw new ControlError(400, 'latencyMs: must be a number of milliseconds, 0..60000');
      }
      this.latencyMs = latency;
    }
    if (hasRules) this.rules = parsed;
  }

  private parseRule(input: unknown, where: string): FaultRule {
    if (typeof input !== 'object' || input === null)
      throw new ControlError(400, `${where}: must be an object`);
    const raw = input as Record<string, unknown>;
    const kind = raw.kind as FaultKind;
    if (!KINDS.includes(kind))
      throw new ControlError(400, `${where}.kind: must be one of ${KINDS.join(', ')}`);
    const rule: FaultRule = { id: this.nextId++, kind, fired: 0 };
    if (kind === 'errcode') {
      if (typeof raw.errcode !== 'number' || !Number.isInteger(raw.errcode) || raw.errcode === 0) {
        throw new ControlError(
          400,
          `${where}.errcode: must be a non-zero integer errcode, e.g. -1, 45009, 45011`,
        );
      }
      rule.errcode = raw.errcode;
    }
    if (kind === 'http') {
      if (
        typeof raw.status !== 'number' ||
        !Number.isInteger(raw.status) ||
        raw.status < 400 ||
        raw.status > 599
      ) {
        throw new ControlError(
          400,
          `${where}.status: must be an HTTP error status 400..599, e.g. 500, 502, 503`,
        );
      }
      rule.status = raw.status;
    }
    if (raw.path !== undefined) {
      if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) {
        throw new ControlError(400, `${where}.path: must be an endpoint path such as /promoter/addpromoter`);
      }
      rule.path = raw.path;
    }
    if (raw.next !== undefined && raw.rate !== undefined)
      throw new ControlError(400, `${where}: give next or rate, not both`);
    if (raw.rate !== undefined) {
      if (typeof raw.rate !== 'number' || !(raw.rate >= 0 && raw.rate <= 1)) {
        throw new ControlError(400, `${where}.rate: must be a number 0..1`);
      }
      rule.rate = raw.rate;
    } else {
      const next = raw.next ?? 1; // neither given: the next matching call only
      if (typeof next !== 'number' || !Number.isInteger(next) || next < 1) {
        throw new ControlError(400, `${where}.next: must be a whole number ≥ 1`);
      }
      rule.next = next;
    }
    return rule;
  }

  /** The first rule that fires for this call (counting it), or undefined. */
  pick(path: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.path !== undefined && rule.path !== path) continue;
      if (rule.rate !== undefined) {
        if (Math.random() >= rule.rate) continue;
      } else {
        rule.next = (rule.next ?? 1) - 1;
        if (rule.next <= 0) this.rules = this.rules.filter((other) => other !== rule);
      }
      rule.fired++;
      return rule;
    }
    return undefined;
  }

  clear(): void {
    this.rules = [];
    this.latencyMs = 0;
  }

  view(): { rules: FaultRule[]; latencyMs: number } {
    return { rules: this.rules, latencyMs: this.latencyMs };
  }
}
