/**
 * Structure limits for messages on the call path, checked in one linear pass before a parser builds
 * anything: a message within the size limit can still be expensive (a million attributes, nesting a
 * thousand deep), and its cost must be bounded per caller. Over a limit → EGSB_MESSAGE_TOO_LARGE,
 * naming the limit, never the content.
 */
import { EgsbError, ErrorCode } from './errors.ts';

export interface XmlLimits {
  readonly depth: number;
  readonly elements: number;
  readonly attributes: number;
  readonly attributesPerElement: number;
  readonly nameLength: number;
}

export interface JsonLimits {
  readonly depth: number;
  readonly members: number;
}

export const XML_LIMITS: XmlLimits = { depth: 128, elements: 500_000, attributes: 500_000, attributesPerElement: 128, nameLength: 512 };
export const JSON_LIMITS: JsonLimits = { depth: 128, members: 500_000 };

function over(code: ErrorCode, what: string, limit: number): EgsbError {
  return new EgsbError(code, `the message exceeds the bus's structure limit: ${what} (at most ${limit})`);
}

/** Scans XML text (already known to be UTF-8 without DOCTYPE) for depth, counts and name lengths. */
export function checkXmlStructure(text: string, code: ErrorCode = ErrorCode.MESSAGE_TOO_LARGE, limits: XmlLimits = XML_LIMITS): void {
  let depth = 0;
  let elements = 0;
  let attributes = 0;
  const n = text.length;
  for (let i = text.indexOf('<'); i !== -1 && i < n; i = text.indexOf('<', i)) {
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      i = end === -1 ? n : end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      i = end === -1 ? n : end + 3;
      continue;
    }
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      i = end === -1 ? n : end + 2;
      continue;
    }
    const closing = text.charCodeAt(i + 1) === 0x2f; /* / */
    let j = i + (closing ? 2 : 1);
    const nameStart = j;
    while (j < n && !/[\s/>]/.test(text[j] as string)) j++;
    if (j - nameStart > limits.nameLength) throw over(code, 'a name longer than allowed', limits.nameLength);
    // Through the tag, minding quoted attribute values, which may hold '>'.
    let quote = 0;
    let own = 0;
    let selfClosing = false;
    for (; j < n; j++) {
      const ch = text.charCodeAt(j);
      if (quote !== 0) {
        if (ch === quote) quote = 0;
      } else if (ch === 0x22 || ch === 0x27) quote = ch;
      else if (ch === 0x3d /* = */) {
        if (++own > limits.attributesPerElement) throw over(code, 'attributes on one element', limits.attributesPerElement);
        if (++attributes > limits.attributes) throw over(code, 'attributes in the message', limits.attributes);
      } else if (ch === 0x3e /* > */) {
        selfClosing = text.charCodeAt(j - 1) === 0x2f;
        break;
      }
    }
    i = j + 1;
    if (closing) {
      depth--;
      continue;
    }
    if (++elements > limits.elements) throw over(code, 'elements in the message', limits.elements);
    if (!selfClosing && ++depth > limits.depth) throw over(code, 'nesting depth', limits.depth);
  }
}

/** Scans JSON text (already known to be well-formed) for nesting depth and the number of members. */
export function checkJsonStructure(text: string, code: ErrorCode = ErrorCode.MESSAGE_TOO_LARGE, limits: JsonLimits = JSON_LIMITS): void {
  let depth = 0;
  let members = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c) i++;
        else if (c === 0x22) break;
      }
    } else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > limits.depth) throw over(code, 'nesting depth', limits.depth);
      members++;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
    else if (ch === 0x2c && ++members > limits.members) throw over(code, 'members and array elements', limits.members);
  }
}
