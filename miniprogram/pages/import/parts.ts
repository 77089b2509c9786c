/**
 * A CSV larger than one call carries goes up in parts (import.upload), each at most `maxBytes` UTF-8
 * bytes and cut only between lines, so joined in order they are the text again.
 */
import { utf8ByteLength } from '../../shared/field-rules';

export function splitParts(text: string, maxBytes: number): string[] {
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    const bytes = utf8ByteLength(line);
    if (size > 0 && size + bytes > maxBytes) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += line;
    size += bytes;
  }
  if (current) parts.push(current);
  return parts;
}
