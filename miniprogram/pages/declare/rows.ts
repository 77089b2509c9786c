/**
 * Rows to declare: the editor's draft shape, the per-row rules (the same field-rules.ts the cloud
 * checks with) and the CSV reader. Pure: no wx, no page, so it is tested directly.
 */
import type { DeclareRow } from '../../../typings/contract/index';
import {
  FIELD_LABELS,
  LIMITS,
  PATTERNS,
  RULES,
  checkBytes,
  checkIdLength,
  patternMessage,
} from '../../shared/field-rules';

export type IdKind = 'openid' | 'unionid';

/** What the user typed, kept as text so nothing is lost or coerced before they send. */
export interface DraftRow {
  idKind: IdKind;
  id: string;
  roleId: string;
  storeId: string;
  name: string;
  phone: string;
  extraInfo: string;
}

export type RowField = 'id' | 'roleId' | 'storeId' | 'name' | 'phone' | 'extraInfo';
export type RowErrors = Partial<Record<RowField, string>>;

export interface RowRules {
  /** Known role ids; null when the role list is not known (then only the shape is checked). */
  roleIds: number[] | null;
  /** A manager's stores: the row must name one of them. null = any store, or none (HQ). */
  ownStoreIds: string[] | null;
}

export const CSV_COLUMNS = ['roleId', 'storeId', 'name', 'phone', 'extraInfo'] as const;
export const CSV_HEADER_HINT = 'openid（或 unionid）,roleId,storeId,name,phone,extraInfo';

export function blankRow(idKind: IdKind = 'openid'): DraftRow {
  return { idKind, id: '', roleId: '', storeId: '', name: '', phone: '', extraInfo: '' };
}

export function isBlank(row: DraftRow): boolean {
  return (
    !row.id.trim() &&
    !row.roleId.trim() &&
    !row.storeId.trim() &&
    !row.name.trim() &&
    !row.phone.trim() &&
    !row.extraInfo.trim()
  );
}

/** Every rule a row breaks, by field, in Chinese. Empty object = the row can be sent. */
export function validateRow(row: DraftRow, rules: RowRules): RowErrors {
  const errors: RowErrors = {};
  const id = row.id.trim();
  if (!id) errors.id = `请填写 ${row.idKind}`;
  else if (!PATTERNS[row.idKind].test(id)) errors.id = patternMessage(row.idKind, RULES.openid);

  const roleText = row.roleId.trim();
  if (!roleText) errors.roleId = '请选择角色';
  else if (!/^[1-9][0-9]*$/.test(roleText)) errors.roleId = `角色编号应为正整数，当前为「${roleText}」`;
  else if (rules.roleIds && !rules.roleIds.includes(Number(roleText)))
    errors.roleId = `角色 ${roleText} 不存在`;

  const storeId = row.storeId.trim();
  if (storeId) {
    const tooLong = checkIdLength(FIELD_LABELS.storeId, storeId, LIMITS.promoter.storeIdBytes);
    if (tooLong) errors.storeId = tooLong;
    else if (!PATTERNS.storeId.test(storeId))
      errors.storeId = patternMessage(FIELD_LABELS.storeId, RULES.storeId);
    else if (rules.ownStoreIds && !rules.ownStoreIds.includes(storeId)) {
      errors.storeId = `只能声明到你负责的门店：${rules.ownStoreIds.join('、')}`;
    }
  } else if (rules.ownStoreIds) {
    errors.storeId = '请选择门店';
  }

  const name = checkBytes(FIELD_LABELS.name, row.name.trim(), LIMITS.promoter.nameBytes);
  if (name) errors.name = name;

  const phone = row.phone.trim();
  if (phone) {
    const tooLong = checkIdLength(FIELD_LABELS.phone, phone, LIMITS.promoter.phoneBytes);
    if (tooLong) errors.phone = tooLong;
    else if (!PATTERNS.phone.test(phone)) errors.phone = patternMessage(FIELD_LABELS.phone, RULES.phone);
  }

  const extraInfo = checkBytes(FIELD_LABELS.extraInfo, row.extraInfo.trim(), LIMITS.promoter.extraInfoBytes);
  if (extraInfo) errors.extraInfo = extraInfo;
  return errors;
}

/** The row as promoter.declare takes it: trimmed, empty optional fields left out. */
export function toDeclareRow(row: DraftRow): DeclareRow {
  const out: DeclareRow = { [row.idKind]: row.id.trim(), roleId: Number(row.roleId.trim()) };
  for (const field of ['storeId', 'name', 'phone', 'extraInfo'] as const) {
    const value = row[field].trim();
    if (value) out[field] = value;
  }
  return out;
}

export interface CsvProblem {
  /** 1-based line of the text where the record starts */
  line: number;
  message: string;
}

export interface CsvParse {
  /** Records with the right number of columns, in order, with their line. */
  rows: { line: number; row: DraftRow }[];
  /** Header and shape problems (a record that could not become a row). */
  problems: CsvProblem[];
}

/**
 * Reads CSV text (RFC 4180 quoting: "a, b" and "" inside quotes; CRLF or LF; a leading BOM). The header
 * is `openid|unionid,roleId,storeId,name,phone,extraInfo`; trailing columns may be left out of both the
 * header and the rows. Blank lines are skipped.
 */
export function parseDeclareCsv(text: string): CsvParse {
  const records = splitCsv(text.replace(/^\uFEFF/, ''));
  const nonBlank = records.filter((r) => !(r.cells.length === 1 && r.cells[0].trim() === ''));
  const problems: CsvProblem[] = [];
  if (!nonBlank.length)
    return { rows: [], problems: [{ line: 1, message: `内容为空，第一行应为表头：${CSV_HEADER_HINT}` }] };

  const [header, ...data] = nonBlank;
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const idKind = names[0] === 'openid' || names[0] === 'unionid' ? (names[0] as IdKind) : null;
  const restOk = names.length >= 2 && names.slice(1).every((n, i) => n === CSV_COLUMNS[i]?.toLowerCase());
  if (!idKind || !restOk || names.length > CSV_COLUMNS.length + 1) {
    return {
      rows: [],
      problems: [{ line: header.line, message: `第 ${header.line} 行：表头应为 ${CSV_HEADER_HINT}` }],
    };
  }
  if (!data.length) problems.push({ line: header.line, message: '只有表头，没有要声明的行' });

  const rows: CsvParse['rows'] = [];
  for (const record of data) {
    if (record.unterminated) {
      problems.push({ line: record.line, message: `第 ${record.line} 行：引号没有闭合` });
      continue;
    }
    if (record.cells.length > names.length) {
      problems.push({
        line: record.line,
        message: `第 ${record.line} 行：有 ${record.cells.length} 列，多于表头的 ${names.length} 列；内容里有逗号时请用英文双引号括起来`,
      });
      continue;
    }
    const row = blankRow(idKind);
    row.id = (record.cells[0] ?? '').trim();
    CSV_COLUMNS.forEach((field, i) => {
      row[field] = (record.cells[i + 1] ?? '').trim();
    });
    rows.push({ line: record.line, row });
  }
  return { rows, problems };
}

interface CsvRecord {
  line: number;
  cells: string[];
  unterminated?: boolean;
}

function splitCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      records.push({ line: recordLine, cells });
      cells = [];
      cell = '';
      line++;
      recordLine = line;
    } else cell += ch;
  }
  if (quoted) {
    cells.push(cell);
    records.push({ line: recordLine, cells, unterminated: true });
  } else if (cell !== '' || cells.length) {
    cells.push(cell);
    records.push({ line: recordLine, cells });
  }
  return records;
}

const FIELD_ORDER: RowField[] = ['id', 'roleId', 'storeId', 'name', 'phone', 'extraInfo'];

/** CSV text to draft rows plus every problem, each as 「第 N 行：…」, in line order. */
export function readDeclareCsv(text: string, rules: RowRules): { rows: DraftRow[]; problems: CsvProblem[] } {
  const parsed = parseDeclareCsv(text);
  const problems = [...parsed.problems];
  for (const { line, row } of parsed.rows) {
    const errors = validateRow(row, rules);
    for (const field of FIELD_ORDER) {
      if (errors[field]) problems.push({ line, message: `第 ${line} 行：${errors[field]}` });
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return { rows: parsed.rows.map((r) => r.row), problems };
}
