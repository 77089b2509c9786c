/** The declare page's pure module: CSV reading and the per-row rules (no page, no wcc). */
import {
  blankRow,
  isBlank,
  parseDeclareCsv,
  readDeclareCsv,
  toDeclareRow,
  validateRow,
  type DraftRow,
} from '../../../miniprogram/pages/declare/rows';

const OPENID = 'oABCDEFGHIJKLMNOPQRSTUVWXYZ0'; // 28
const UNIONID = 'uABCDEFGHIJKLMNOPQRSTUVWX_-1';
const RULES = { roleIds: [1, 2], ownStoreIds: null };

const row = (over: Partial<DraftRow> = {}): DraftRow => ({ ...blankRow(), id: OPENID, roleId: '1', ...over });

describe('parseDeclareCsv', () => {
  it('reads a header and rows, trimming cells', () => {
    const out = parseDeclareCsv(
      `openid,roleId,storeId,name,phone,extraInfo\n${OPENID}, 1 ,SH-01,张三,13800000000,vip\n`,
    );
    expect(out.problems).toEqual([]);
    expect(out.rows).toEqual([
      {
        line: 2,
        row: {
          idKind: 'openid',
          id: OPENID,
          roleId: '1',
          storeId: 'SH-01',
          name: '张三',
          phone: '13800000000',
          extraInfo: 'vip',
        },
      },
    ]);
  });

  it('takes unionid as the first column, any header case, CRLF, a BOM, blank lines and short rows', () => {
    const out = parseDeclareCsv(`\uFEFFUnionID,RoleId,storeid\r\n\r\n${UNIONID},2\r\n`);
    expect(out.problems).toEqual([]);
    expect(out.rows).toEqual([{ line: 3, row: { ...blankRow('unionid'), id: UNIONID, roleId: '2' } }]);
  });

  it('honours quotes: commas, doubled quotes and line breaks inside a cell', () => {
    const out = parseDeclareCsv(
      `openid,roleId,storeId,name,phone,extraInfo\n${OPENID},1,,"张,三","","a ""b""\nc"\n${OPENID},2\n`,
    );
    expect(out.problems).toEqual([]);
    expect(out.rows[0].row).toMatchObject({ name: '张,三', phone: '', extraInfo: 'a "b"\nc' });
    // the record after a quoted line break keeps its real line number
    expect(out.rows[1].line).toBe(4);
  });

  it('refuses a wrong header with the expected one, in Chinese', () => {
    expect(parseDeclareCsv('id,role\nx,1').problems).toEqual([
      { line: 1, message: '第 1 行：表头应为 openid（或 unionid）,roleId,storeId,name,phone,extraInfo' },
    ]);
    expect(parseDeclareCsv('openid,storeId\nx,1').problems[0].message).toContain('表头应为');
    expect(parseDeclareCsv('openid,roleId,storeId,name,phone,extraInfo,more').problems[0].message).toContain(
      '表头应为',
    );
  });

  it('reports empty text, a header alone, too many columns and an unclosed quote per line', () => {
    expect(parseDeclareCsv('  \n').problems[0].message).toBe(
      '内容为空，第一行应为表头：openid（或 unionid）,roleId,storeId,name,phone,extraInfo',
    );
    expect(parseDeclareCsv('openid,roleId\n').problems[0].message).toBe('只有表头，没有要声明的行');
    const out = parseDeclareCsv(`openid,roleId,storeId\n${OPENID},1,S,三\n${OPENID},1,"李四\n`);
    expect(out.rows).toEqual([]);
    expect(out.problems).toEqual([
      { line: 2, message: '第 2 行：有 4 列，多于表头的 3 列；内容里有逗号时请用英文双引号括起来' },
      { line: 3, message: '第 3 行：引号没有闭合' },
    ]);
  });
});

describe('validateRow', () => {
  it('passes a good row', () => {
    expect(
      validateRow(row({ storeId: 'SH-01', name: '张三', phone: '+86 138-0000-0000', extraInfo: 'x' }), RULES),
    ).toEqual({});
  });

  it('names each broken field with its rule', () => {
    expect(validateRow(row({ id: '', roleId: '' }), RULES)).toEqual({
      id: '请填写 openid',
      roleId: '请选择角色',
    });
    expect(validateRow(row({ id: 'short', roleId: '1.5' }), RULES)).toEqual({
      id: 'openid 格式不正确：应为 28 位字母、数字、- 或 _',
      roleId: '角色编号应为正整数，当前为「1.5」',
    });
    expect(validateRow(row({ roleId: '9' }), RULES)).toEqual({ roleId: '角色 9 不存在' });
    expect(validateRow(row({ roleId: '9' }), { roleIds: null, ownStoreIds: null })).toEqual({});
    expect(validateRow(row({ storeId: '上海' }), RULES).storeId).toBe(
      '门店编号格式不正确：只能包含字母、数字、_ 和 -',
    );
    expect(validateRow(row({ storeId: 'A'.repeat(21) }), RULES).storeId).toBe('门店编号最多 20 位');
    expect(validateRow(row({ name: '名'.repeat(11) }), RULES).name).toBe(
      '姓名太长了，最多 10 个汉字或 30 个字母数字',
    );
    expect(validateRow(row({ phone: 'abc' }), RULES).phone).toBe(
      '手机号格式不正确：只能是数字，可带 + 号、空格或连字符',
    );
    expect(validateRow(row({ phone: '1'.repeat(21) }), RULES).phone).toBe('手机号最多 20 位');
    expect(validateRow(row({ extraInfo: '😀'.repeat(21) }), RULES).extraInfo).toBe(
      '推广员参数太长了，最多 26 个汉字或 80 个字母数字',
    );
  });

  it('keeps a manager to their own stores', () => {
    const manager = { roleIds: [1], ownStoreIds: ['SH-01', 'SH-02'] };
    expect(validateRow(row(), manager)).toEqual({ storeId: '请选择门店' });
    expect(validateRow(row({ storeId: 'BJ-01' }), manager)).toEqual({
      storeId: '只能声明到你负责的门店：SH-01、SH-02',
    });
    expect(validateRow(row({ storeId: 'SH-02' }), manager)).toEqual({});
  });
});

describe('toDeclareRow / isBlank', () => {
  it('sends the id under its kind, the role as a number, and leaves empty fields out', () => {
    expect(toDeclareRow(row({ name: ' 张三 ' }))).toEqual({ openid: OPENID, roleId: 1, name: '张三' });
    expect(
      toDeclareRow({
        ...blankRow('unionid'),
        id: UNIONID,
        roleId: '2',
        storeId: 'SH-01',
        phone: '1',
        extraInfo: 'e',
      }),
    ).toEqual({
      unionid: UNIONID,
      roleId: 2,
      storeId: 'SH-01',
      phone: '1',
      extraInfo: 'e',
    });
  });

  it('knows a blank row', () => {
    expect(isBlank(blankRow())).toBe(true);
    expect(isBlank({ ...blankRow(), name: ' x' })).toBe(false);
  });
});

describe('readDeclareCsv', () => {
  it('gives every row and one Chinese message per broken field, by line', () => {
    const text = `openid,roleId,storeId,name,phone\n${OPENID},1\nbad,7,,,x\n${OPENID},2,a b\n`;
    const out = readDeclareCsv(text, RULES);
    expect(out.rows).toHaveLength(3);
    expect(out.problems.map((p) => p.message)).toEqual([
      '第 3 行：openid 格式不正确：应为 28 位字母、数字、- 或 _',
      '第 3 行：角色 7 不存在',
      '第 3 行：手机号格式不正确：只能是数字，可带 + 号、空格或连字符',
      '第 4 行：门店编号格式不正确：只能包含字母、数字、_ 和 -',
    ]);
  });
});
