/** The log of WeChat API calls (not control calls), with secrets and access_tokens redacted. */

export interface CallRecord {
  seq: number;
  /** Stand-in clock, ms since epoch. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** HTTP status; 0 when the call was dropped or left hanging by a fault. */
  status: number;
  answer: unknown;
  fault?: string;
}

const SECRET_KEYS = new Set(['secret', 'access_token', 'appsecret']);
/** Oldest entries are dropped past this, so a long `npm start` session does not grow without end. */
const MAX_RECORDS = 20_000;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, SECRET_KEYS.has(key) ? '***' : redact(inner)]),
    );
  }
  return value;
}

export class CallLog {
  private records: CallRecord[] = [];
  private seq = 0;

  add(
    record: Omit<CallRecord, 'seq' | 'query' | 'body' | 'answer'> & {
      query: URLSearchParams;
      body: unknown;
      answer: unknown;
    },
  ): void {
    this.records.push({
      seq: ++this.seq,
      ...record,
      query: redact(Object.fromEntries(record.query)) as Record<string, string>,
      body: redact(record.body),
      answer: redact(record.answer),
    });
    if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
  }

  list(path?: string): CallRecord[] {
    return path ? this.records.filter((record) => record.path === path) : this.records;
  }

  /** Empties the log; seq keeps counting unless restartSeq (a reset), so seqs stay unique between clears. */
  clear(restartSeq = false): void {
    this.records = [];
    if (restartSeq) this.seq = 0;
  }
}
