/** A bundle as it travels: uploaded as JSON to the publisher API, or read from a folder on disk. */
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { DEFAULT_BUNDLE_LIMITS, createBundle, type Bundle, type BundleLimits } from './bundle.ts';

const MAX_FILES = 5000;

export interface BundleUpload {
  readonly manifest: unknown;
  /** Files by relative path: UTF-8 text, or `{ base64 }` for bytes. */
  readonly files: Readonly<Record<string, string | { readonly base64: string }>>;
}

/** The files of an upload as a bundle (text as UTF-8, `{ base64 }` as bytes), within the limits. */
export function bundleOf(upload: BundleUpload, limits: BundleLimits = DEFAULT_BUNDLE_LIMITS): Bundle {
  return createBundle(
    Object.entries(upload.files).map(
      ([path, content]) =>
        [path, typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.base64, 'base64')] as const,
    ),
    limits,
  );
}

/**
 * Reads a bundle folder from disk: `manifest.json` plus every contract file beneath it. A folder that
 * holds the contracts of several services (sharing their schemas) keeps one manifest per service as
 * `<name>.manifest.json` at its top; `manifest` names the one to read. No manifest is a contract file.
 */
export async function readBundleDir(dir: string, manifest = 'manifest.json'): Promise<BundleUpload> {
  if (!isManifestName(manifest)) throw new Error(`${manifest} is not a manifest name (manifest.json or <name>.manifest.json)`);
  const manifestText = await readFile(join(dir, manifest), 'utf8').catch(() => {
    throw new Error(`${dir} has no ${manifest}`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifestText);
  } catch (error) {
    throw new Error(`${join(dir, manifest)} is not valid JSON: ${(error as Error).message}`);
  }
  const files: Record<string, string | { base64: string }> = {};
  const pending = [dir];
  let count = 0;
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(current, entry.name);
      const stat = await lstat(path);
      // A link could lead anywhere on the publisher's disk; a bundle holds plain files only.
      if (stat.isSymbolicLink()) throw new Error(`${path} is a symbolic link; a bundle holds plain files only`);
      if (stat.isDirectory()) pending.push(path);
      else if (stat.isFile()) {
        const name = relative(dir, path).split(sep).join('/');
        if (!name.includes('/') && isManifestName(name)) continue;
        if (++count > MAX_FILES) throw new Error(`${dir} holds more than ${MAX_FILES} files`);
        const bytes = await readFile(path);
        const text = bytes.toString('utf8');
        files[name] = Buffer.from(text, 'utf8').equals(bytes) ? text : { base64: bytes.toString('base64') };
      }
    }
  }
  return { manifest: parsed, files };
}

function isManifestName(name: string): boolean {
  return name === 'manifest.json' || /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.manifest\.json$/.test(name);
}
