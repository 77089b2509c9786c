/**
 * The stand-in counts bytes with Node's encoder (Buffer.byteLength); the code under test with its own
 * utf8ByteLength (it runs in the mini program, without TextEncoder). They must agree on every string.
 */
import { wechatByteLength } from '../../../emulator/wechat/bytes';
import { utf8ByteLength } from '../../../miniprogram/shared/field-rules';

describe('byte counting: the stand-in and the code under test agree', () => {
  test.each([
    ['empty', '', 0],
    ['ASCII', 'promoter-1', 10],
    ['Latin with accents (2 bytes each)', 'café', 5],
    ['CJK (3 bytes each)', '推广员', 9],
    ['CJK punctuation and full-width letters', '，。Ａ', 9],
    ['an emoji (a surrogate pair, 4 bytes)', '😀', 4],
    ['emoji with a skin tone and a ZWJ family', '👍🏽👨‍👩‍👧', 4 + 4 + 4 + 3 + 4 + 3 + 4],
    ['a flag (two regional indicators)', '🇨🇳', 8],
    ['a lone high surrogate (U+FFFD, 3 bytes)', '\ud83d', 3],
    ['a lone low surrogate', '\ude00', 3],
    ['a high surrogate before a letter', '\ud83da', 4],
    ['two high surrogates then a low one', '\ud83d\ud83d\ude00', 3 + 4],
    ['NUL and controls (1 byte each)', '\u0000\u0007\n', 3],
    ['C1 control and the BMP edge', '\u0085\uffff', 2 + 3],
    ['the first supplementary code point', '\u{10000}', 4],
    ['mixed', '李娜😀 Li', 3 + 3 + 4 + 1 + 2],
  ])('%s', (_what, value, expected) => {
    expect(wechatByteLength(value)).toBe(expected);
    expect(utf8ByteLength(value)).toBe(expected);
  });

  test('every single code unit and every pair of a surrogate with its neighbours', () => {
    const probes: string[] = [];
    for (let code = 0; code <= 0xffff; code += 1) probes.push(String.fromCharCode(code));
    for (const high of [0xd800, 0xd83d, 0xdbff]) {
      for (const next of [0x41, 0xd800, 0xdc00, 0xde00, 0xdfff, 0xe000]) {
        probes.push(String.fromCharCode(high, next), String.fromCharCode(next, high));
      }
    }
    const disagreements = probes.filter((s) => wechatByteLength(s) !== utf8ByteLength(s));
    expect(disagreements).toEqual([]);
  });
});
