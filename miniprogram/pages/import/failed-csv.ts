/**
 * The CSV of an import's failed rows, to fix and import again: the columns import.start reads, plus
 * 失败原因 (ignored on re-import). A row given as CSV comes back with its own fields.
 */
import type { ImportFailure, ImportIdentity } from '../../../typings/contract/index';
import { rowProblem } from '../../shared/field-rules';

const COLUMNS = ['openid', 'unionid', 'roleId', 'storeId', 'name', 'phone', 'extraInfo'] as const;

/** A CSV cell: quoted when it holds a comma, a quote or a line break. */
function cell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function failedRowsCsv(failures: ImportFailure[], identity: ImportIdentity): string {
  // An OA row's openid is the Official Account's: its column says so, for the next import.
  const header = COLUMNS.map((c) => (c === 'openid' && identity === 'oaOpenid' ? 'oaOpenid' : c));
  const lines = [[...header, '失败原因'].join(',')];
  for (const f of failures) {
    const row = f.row ?? {};
    lines.push(
      [...COLUMNS.map((c) => cell(row[c])), cell(rowProblem(f.index + 1, f.field, f.message))].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
