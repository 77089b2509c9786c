/**
 * CSV text → rows shaped like promoter.declare's (papaparse, header row). Column names are matched
 * loosely (case, spaces, `_`, and the Chinese headings of the failed-rows CSV); a cell left empty is
 * a field not given. A line whose column count differs from the header's comes back as a bad line, so
 * the import reports it with its index instead of guessing.
 */
import Papa from 'papaparse';
import type { ImportIdentity } from '../../../../typings/contract/promoter';
import { AppError } from '../../../_shared/errors';

/** Our field → the headings that name it (compared lower-cased, without spaces, `_` or `-`). */
const HEADINGS: Record<string, string[]> = {
  openid: ['openid', '小程序openid'],
  unionid: ['unionid'],
  oaOpenid: ['oaopenid', '公众号openid'],
  roleId: ['roleid', '角色', '角色id', '角色编号'],
  storeId: ['storeid', 'retailid', '门店', '门店编号', '门店id'],
  name: ['name', '姓名'],
  phone: ['phone', '手机号', '手机', '电话'],
  extraInfo: ['extrainfo', '推广员参数', '参数'],
};

const normalize = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');

const FIELD_OF = new Map<string, string>(
  Object.entries(HEADINGS).flatMap(([field, names]) => names.map((name) => [name, field] as const)),
);

export interface CsvRows {
  /** One entry per data line: the row, or why the line could not be read. */
  rows: Array<Record<string, unknown> | { badLine: string }>;
}

/** The field that carries the person for this identity kind (an OA openid travels in `openid`). */
function identityField(field: string, identity: ImportIdentity): string {
  if (field === 'oaOpenid') return 'openid';
  if (identity === 'oaOpenid' && field === 'openid') return 'openid';
  return field;
}

export function parseCsv(text: string, identity: ImportIdentity): CsvRows {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const [header, ...lines] = parsed.data;
  if (!header || header.length === 0) {
    throw new AppError('INVALID_ARGUMENT', 'CSV 没有表头行（csv）', { field: 'csv' });
  }
  const fields = header.map((h) => FIELD_OF.get(normalize(h)));
  const hasIdentity = fields.some((f) => f === 'openid' || f === 'unionid' || f === 'oaOpenid');
  if (!hasIdentity) {
    throw new AppError(
      'INVALID_ARGUMENT',
      'CSV 表头缺少身份列：openid、unionid 或 oaOpenid（公众号openid）之一（csv）',
      { field: 'csv' },
    );
  }
  if (!fields.includes('roleId')) {
    throw new AppError('INVALID_ARGUMENT', 'CSV 表头缺少 roleId（角色）列（csv）', { field: 'csv' });
  }
  const rows: CsvRows['rows'] = lines.map((cells, line) => {
    if (cells.length !== header.length) {
      return {
        badLine: `CSV 第 ${line + 2} 行有 ${cells.length} 列，表头有 ${header.length} 列`,
      };
    }
    const row: Record<string, unknown> = {};
    cells.forEach((cell, column) => {
      const field = fields[column];
      const value = cell.trim();
      if (!field || value === '') return;
      if (field === 'roleId') row.roleId = /^\d{1,9}$/.test(value) ? Number(value) : value;
      else row[identityField(field, identity)] = value;
    });
    return row;
  });
  return { rows };
}
