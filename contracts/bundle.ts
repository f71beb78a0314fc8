/**
 * A contract bundle: the files a publishing AIS sends, by their relative paths. Every path and every
 * reference between files is resolved here, so that nothing outside the bundle or the operator's
 * schema catalogue is ever read, and nothing is ever fetched.
 */
import { posix } from 'node:path';
import { EgsbError, ErrorCode, type ErrorEntry } from './errors.ts';

export interface Bundle {
  /** Files by normalised relative path (forward slashes, no `.` or `..` segments). */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export interface BundleLimits {
  readonly maxFiles: number;
  readonly maxBytes: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = Object.freeze({ maxFiles: 5000, maxBytes: 16 * 1024 * 1024 });

/** Where a reference leads: a file of the bundle or of the operator's schema catalogue. */
export interface FileRef {
  readonly origin: 'bundle' | 'catalogue';
  readonly path: string;
}

/** The operator's catalogue of known schemas: absolute URLs mapped to local files. */
export interface SchemaCatalogue {
  readonly urls: ReadonlyMap<string, string>;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export const EMPTY_CATALOGUE: SchemaCatalogue = Object.freeze({ urls: new Map(), files: new Map() });

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Checks one path as a publisher wrote it and returns its normal form, or says why it is refused. */
export function normaliseBundlePath(raw: string): string {
  const problem = pathProblem(raw);
  if (problem) throw contractError(`file path ${JSON.stringify(raw)}: ${problem}`, { file: raw, rule: 'path' });
  return posix.normalize(raw);
}

function pathProblem(raw: string): string | undefined {
  if (raw.length === 0 || raw.length > 512) return 'must be 1 to 512 characters';
  if (/[\u0000-\u001f\u007f]/.test(raw)) return 'holds a control character';
  if (raw.includes('\\')) return 'uses a backslash; use forward slashes';
  if (raw.startsWith('/') || /^[a-z]:/i.test(raw)) return 'is absolute; paths are relative to the bundle';
  const normal = posix.normalize(raw);
  if (normal === '..' || normal.startsWith('../')) return 'leads outside the bundle';
  if (normal === '.' || normal.endsWith('/')) return 'names a folder, not a file';
  return undefined;
}

export function createBundle(entries: Iterable<readonly [string, Uint8Array]>, limits = DEFAULT_BUNDLE_LIMITS): Bundle {
  const files = new Map<string, Uint8Array>();
  let total = 0;
  for (const [raw, content] of entries) {
    const path = normaliseBundlePath(raw);
    if (files.has(path)) throw contractError(`file ${path} appears twice in the bundle`, { file: path, rule: 'unique-path' });
    total += content.byteLength;
    if (files.size >= limits.maxFiles) {
      throw new EgsbError(ErrorCode.MESSAGE_TOO_LARGE, `a bundle holds at most ${limits.maxFiles} files`);
    }
    if (total > limits.maxBytes) {
      throw new EgsbError(ErrorCode.MESSAGE_TOO_LARGE, `a bundle holds at most ${limits.maxBytes} bytes`);
    }
    files.set(path, content);
  }
  return { files };
}

/**
 * Resolves `reference` (a schemaLocation, a WSDL import location, a JSON Schema `$ref` file part)
 * written in `from`. Relative references stay inside their origin; absolute URLs resolve only
 * through the catalogue.
 */
export function resolveReference(from: FileRef, reference: string, bundle: Bundle, catalogue: SchemaCatalogue, line?: number): FileRef {
  const where = { file: displayPath(from), line, rule: 'import' };
  if (SCHEME.test(reference)) {
    const mapped = catalogue.urls.get(reference);
    if (mapped !== undefined) return { origin: 'catalogue', path: mapped };
    throw contractError(
      `${where.file}${line ? `:${line}` : ''}: imports ${reference}; the bus never fetches a URL. ` +
        `Put the schema in the bundle and import it by relative path, or ask the operator to add it to the schema catalogue`,
      where,
    );
  }
  if (reference.includes('?') || reference.includes('#')) {
    throw contractError(`${where.file}: reference ${JSON.stringify(reference)} may not carry a query or fragment`, where);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(reference);
  } catch {
    throw contractError(`${where.file}: reference ${JSON.stringify(reference)} is not a valid URI`, where);
  }
  if (decoded.startsWith('/') || decoded.includes('\\') || decoded.includes('\u0000')) {
    throw contractError(`${where.file}: reference ${JSON.stringify(reference)} must be relative to its file`, where);
  }
  const joined = posix.normalize(posix.join(posix.dirname(from.path), decoded));
  if (joined === '..' || joined.startsWith('../')) {
    throw contractError(`${where.file}: reference ${JSON.stringify(reference)} leads outside the ${from.origin}`, where);
  }
  const target: FileRef = { origin: from.origin, path: joined };
  if (readFileRef(target, bundle, catalogue) === undefined) {
    throw contractError(`${where.file}${line ? `:${line}` : ''}: ${reference} is not in the ${from.origin}`, where);
  }
  return target;
}

export function readFileRef(ref: FileRef, bundle: Bundle, catalogue: SchemaCatalogue): Uint8Array | undefined {
  return ref.origin === 'bundle' ? bundle.files.get(ref.path) : catalogue.files.get(ref.path);
}

export function displayPath(ref: FileRef): string {
  return ref.origin === 'bundle' ? ref.path : `catalogue:${ref.path}`;
}

export function contractError(
  message: string,
  where: { file?: string; line?: number | undefined; rule?: string } = {},
  cause?: unknown,
): EgsbError {
  const entry: ErrorEntry = {
    location: where.file ? `${where.file}${where.line ? `:${where.line}` : ''}` : '',
    rule: where.rule ?? 'compile',
    message,
    ...(where.file ? { file: where.file } : {}),
    ...(where.line ? { line: where.line } : {}),
  };
  return new EgsbError(ErrorCode.CONTRACT_INVALID, message, { errors: [entry], cause });
}
