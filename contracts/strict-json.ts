/**
 * JSON as the bus reads providers' and callers' messages: well-formed UTF-8 JSON with no object that
 * names a key twice. `JSON.parse` keeps the last of two equal keys while other parsers keep the first,
 * so a message with duplicates could mean one thing to the bus's checks and another to its reader.
 * Errors give the position, never the text around it (that text is message data).
 */
import { ErrorCode } from './errors.ts';
import { checkJsonStructure } from './message-limits.ts';

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  /** Offset in the text where the problem was found, when known. */
  readonly position: number | undefined;

  constructor(message: string, position?: number) {
    super(position === undefined ? message : `${message} at position ${position}`);
    this.position = position;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `limitCode`: the catalogue code when the structure exceeds JSON_LIMITS (checked before parsing). */
export function parseStrictJson(input: Uint8Array | string, limitCode: ErrorCode = ErrorCode.MESSAGE_TOO_LARGE): unknown {
  let text: string;
  try {
    text = typeof input === 'string' ? input : utf8.decode(input);
  } catch {
    throw new JsonSyntaxError('not valid UTF-8');
  }
  checkJsonStructure(text, limitCode);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new JsonSyntaxError('not well-formed JSON', position === undefined ? undefined : Number(position));
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) throw new JsonSyntaxError('an object names the same key twice', duplicate);
  return value;
}

/** The position of the first key an object repeats, in text already known to be JSON; linear time. */
export function findDuplicateKey(text: string): number | undefined {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */) i++;
        else if (c === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const raw = text.slice(start, i + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.has(key)) return start;
        top.add(key);
        expectKey = false;
      }
    } else if (ch === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (ch === 0x5b /* [ */) {
      stack.push(null);
      expectKey = false;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (ch === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] !== null && stack.length > 0;
    }
  }
  return undefined;
}
