/**
 * Checks XML bytes before any parser sees them: UTF-8 only, no document type declaration (so no
 * entity can be declared, expanded or fetched). Used for contract files and, on the call path, for
 * messages.
 */

export interface XmlHazard {
  readonly reason: string;
  readonly line: number;
}

export interface DecodedXml {
  readonly text: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes the bytes as UTF-8 and returns the text, or the first hazard found. */
export function inspectXml(bytes: Uint8Array): DecodedXml | XmlHazard {
  if (startsWith(bytes, [0xfe, 0xff]) || startsWith(bytes, [0xff, 0xfe])) {
    return { reason: 'is UTF-16; only UTF-8 is accepted', line: 1 };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { reason: 'is not valid UTF-8', line: 1 };
  }
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/.exec(text);
  if (declared && !/^utf-?8$/i.test(declared[1] ?? '')) {
    return { reason: `declares encoding ${declared[1]}; only UTF-8 is accepted`, line: 1 };
  }
  const doctype = /<!DOCTYPE|<!ENTITY/i.exec(text);
  if (doctype) {
    return { reason: 'holds a document type declaration (<!DOCTYPE or <!ENTITY), which is refused', line: lineAt(text, doctype.index) };
  }
  return { text };
}

export function isHazard(result: DecodedXml | XmlHazard): result is XmlHazard {
  return 'reason' in result;
}

export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}
