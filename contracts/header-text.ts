/**
 * Text beyond ASCII in HTTP headers (`audit-user-id`, `X-Egsb-Purpose`): Czech names and purposes need
 * it, and HTTP carries only bytes. A value may come as RFC 8187 `UTF-8''` followed by percent-encoded
 * UTF-8, or as raw UTF-8 bytes (which Node reads as Latin-1 characters, one per byte); both read as the
 * text meant. Going out, text that is not plain ASCII is written in the RFC 8187 form.
 */

const EXT_VALUE = /^utf-8''/i;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeHeaderText(value: string): string {
  if (EXT_VALUE.test(value)) {
    try {
      return decodeURIComponent(value.slice(7));
    } catch {
      return value;
    }
  }
  // Raw UTF-8: every character is one byte (≤ U+00FF), and the bytes decode as UTF-8.
  if (!/[\x80-\xff]/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  try {
    return strictUtf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

export function encodeHeaderText(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) && !EXT_VALUE.test(text) ? text : `UTF-8''${encodeURIComponent(text.toWellFormed())}`;
}
