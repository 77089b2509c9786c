/** valibot helpers: field paths, byte limits in Chinese, strict objects; and the error mapping. */
import {
  bytes,
  list,
  openid,
  pageParams,
  params,
  parseParams,
  roleId,
  storeId,
  v,
} from '../../../cloudfunctions/_shared/validation';
import {
  AppError,
  WechatApiError,
  WechatUnavailableError,
  toCloudError,
} from '../../../cloudfunctions/_shared/errors';

const OPENID = 'o'.padEnd(28, 'x');
const schema = params({
  promoters: list(params({ openid, name: bytes(30, '姓名'), roleId }), 'promoters', 1, 10),
  storeId: v.optional(storeId),
  ...pageParams,
});

function rejection(input: unknown, against: v.GenericSchema = schema): AppError {
  try {
    parseParams(against, input);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('parseParams', () => {
  test('passes a valid input through', () => {
    const input = { promoters: [{ openid: OPENID, name: '张伟', roleId: 1 }], limit: 20 };
    expect(parseParams(schema, input)).toEqual(input);
  });

  test('names the nested field path and the byte rule in Chinese (a Chinese character is 3 bytes)', () => {
    const error = rejection({
      promoters: [
        { openid: OPENID, name: 'ok', roleId: 1 },
        { openid: OPENID, name: 'ok', roleId: 1 },
        { openid: OPENID, name: 'ok', roleId: 1 },
        { openid: OPENID, name: '张'.repeat(11), roleId: 1 },
      ],
    });
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'promoters[3].name' });
    expect(error.message).toBe('姓名太长了，最多 10 个汉字或 30 个字母数字（promoters[3].name）');
  });

  test('counts emoji as 4 bytes and accepts exactly the limit', () => {
    const ten = '😀'.repeat(7) + 'ab'; // 28 + 2 = 30 bytes
    expect(() =>
      parseParams(schema, { promoters: [{ openid: OPENID, name: ten, roleId: 1 }] }),
    ).not.toThrow();
    expect(rejection({ promoters: [{ openid: OPENID, name: `${ten}c`, roleId: 1 }] }).message).toBe(
      '姓名太长了，最多 10 个汉字或 30 个字母数字（promoters[0].name）',
    );
  });

  test('rejects unknown params with their name, at any depth', () => {
    expect(rejection({ promoters: [{ openid: OPENID, name: 'a', roleId: 1 }], extra: 1 })).toMatchObject({
      field: 'extra',
      message: '不支持的参数（extra）',
    });
    expect(rejection({ promoters: [{ openid: OPENID, name: 'a', roleId: 1, phone: '1' }] }).field).toBe(
      'promoters[0].phone',
    );
  });

  test('required fields, types, enums, array sizes and number ranges', () => {
    expect(rejection({ promoters: [{ openid: OPENID, roleId: 1 }] })).toMatchObject({
      field: 'promoters[0].name',
      message: '姓名为必填项（promoters[0].name）',
    });
    expect(rejection({ promoters: [] })).toMatchObject({
      field: 'promoters',
      message: 'promoters至少 1 项（promoters）',
    });
    expect(rejection({ promoters: 'x' }).field).toBe('promoters');
    expect(rejection({ promoters: [{ openid: 'short', name: 'a', roleId: 1 }] }).field).toBe(
      'promoters[0].openid',
    );
    expect(rejection({ promoters: [{ openid: OPENID, name: 'a', roleId: 1.5 }] }).message).toContain('整数');
    expect(rejection({ promoters: [{ openid: OPENID, name: 'a', roleId: 0 }] }).field).toBe(
      'promoters[0].roleId',
    );
    expect(rejection({ promoters: [{ openid: OPENID, name: '  ', roleId: 1 }] }).message).toContain(
      '不能为空',
    );
    expect(rejection({ promoters: [{ openid: OPENID, name: 'a', roleId: 1 }], limit: 0 }).field).toBe(
      'limit',
    );
    expect(rejection({ promoters: [{ openid: OPENID, name: 'a', roleId: 1 }], storeId: 'a b' }).field).toBe(
      'storeId',
    );
    expect(rejection(null).code).toBe('INVALID_ARGUMENT');
  });
});

describe('free text', () => {
  const text = params({
    name: bytes(30, '姓名'),
    desc: v.optional(bytes(200, '角色说明', { multiline: true })),
  });
  const refusal = (input: unknown) => rejection(input, text);

  test.each([
    ['NUL', 'a\u0000b', '姓名含有空字符（NUL），请删除后重试（name）'],
    ['a C0 control', 'a\u0007b', '姓名含有不可见的控制字符（U+0007），请删除后重试（name）'],
    [
      'a line break in a one-line field',
      '张\n伟',
      '姓名含有不可见的控制字符（U+000A），请删除后重试（name）',
    ],
    ['DEL', 'a\u007f', '姓名含有不可见的控制字符（U+007F），请删除后重试（name）'],
    ['a C1 control', 'a\u0085', '姓名含有不可见的控制字符（U+0085），请删除后重试（name）'],
    ['a lone high surrogate', 'a\ud83d', '姓名含有残缺的字符（半个表情符号），请删除后重试（name）'],
    ['a lone low surrogate', '\ude00a', '姓名含有残缺的字符（半个表情符号），请删除后重试（name）'],
  ])('%s is refused with a sentence naming the field', (_what, name, message) => {
    expect(refusal({ name })).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'name', message });
  });

  test('emoji, CJK and line breaks where the field is multi-line pass', () => {
    expect(parseParams(text, { name: '李娜😀', desc: '第一行\n第二行\r\n第三行' })).toEqual({
      name: '李娜😀',
      desc: '第一行\n第二行\r\n第三行',
    });
    expect(refusal({ name: 'a', desc: '\u0000' }).field).toBe('desc');
  });

  test("a missing param is named by its schema's own label, once", () => {
    const role = params({ name: bytes(50, '角色名称') });
    expect(() => parseParams(role, {})).toThrow('角色名称为必填项（name）');
  });
});

describe('toCloudError', () => {
  test.each([
    [45009, 'QUOTA_EXCEEDED'],
    [103005, 'QUOTA_EXCEEDED'],
    [-1, 'UPSTREAM_UNAVAILABLE'],
    [45011, 'UPSTREAM_UNAVAILABLE'],
    [48001, 'UPSTREAM_ERROR'],
    [103001, 'INVALID_ARGUMENT'],
    [103002, 'INVALID_ARGUMENT'],
    [200002, 'INVALID_ARGUMENT'],
    [25510, 'INVALID_ARGUMENT'],
    [103006, 'NOT_FOUND'],
    [103003, 'CONFLICT'],
    [103014, 'FAILED_PRECONDITION'],
    [12345, 'UPSTREAM_ERROR'],
  ])('WeChat errcode %i → %s, with the errcode and the API path in Chinese words', (errcode, code) => {
    const error = toCloudError(new WechatApiError('/promoter/addpromoter', errcode, 'some errmsg'));
    expect(error).toMatchObject({ code, errcode });
    expect(error.message).toContain('/promoter/addpromoter');
    expect(error.message).toMatch(/[\u4e00-\u9fff]/);
  });

  test('48001 says the permission is missing', () => {
    expect(toCloudError(new WechatApiError('/x', 48001, 'api unauthorized')).message).toContain('权限');
  });

  test('timeouts and 5xx are UPSTREAM_UNAVAILABLE; a 4xx page is UPSTREAM_ERROR', () => {
    expect(toCloudError(new WechatUnavailableError('/x', 'timeout', 'no answer')).code).toBe(
      'UPSTREAM_UNAVAILABLE',
    );
    expect(toCloudError(new WechatUnavailableError('/x', 'network', 'ECONNRESET')).code).toBe(
      'UPSTREAM_UNAVAILABLE',
    );
    expect(toCloudError(new WechatUnavailableError('/x', 'http-status', 'HTTP 503', 503)).code).toBe(
      'UPSTREAM_UNAVAILABLE',
    );
    expect(toCloudError(new WechatUnavailableError('/x', 'http-status', 'HTTP 404', 404)).code).toBe(
      'UPSTREAM_ERROR',
    );
  });

  test('AppError passes through; anything else is INTERNAL with a generic message, logged', () => {
    expect(toCloudError(new AppError('NOT_FOUND', '没有', { field: 'openid' }))).toEqual({
      code: 'NOT_FOUND',
      message: '没有',
      field: 'openid',
    });
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const error = toCloudError(new TypeError('x is undefined at secret place'));
      expect(error.code).toBe('INTERNAL');
      expect(error.message).not.toContain('undefined');
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0][0])).toContain('unexpected_error');
    } finally {
      spy.mockRestore();
    }
  });
});
