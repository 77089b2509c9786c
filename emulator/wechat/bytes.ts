/**
 * How the stand-in counts a string's length: UTF-8 bytes, as WeChat says ("a Chinese character counts
 * as 3", docs/wechat-api.md, "Conventions"), counted by Node's own encoder rather than the code under
 * test (miniprogram/shared/field-rules.ts utf8ByteLength), so a mistake there cannot hide in both.
 * A lone surrogate is encoded as U+FFFD, 3 bytes.
 */
export function wechatByteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}
