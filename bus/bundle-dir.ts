/** Reads a bundle folder from disk: `manifest.json` plus every contract file beneath it. */
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { BundleUpload } from './publisher.ts';

const MAX_FILES = 5000;

export async function readBundleDir(dir: string): Promise<BundleUpload> {
  const manifestText = await readFile(join(dir, 'manifest.json'), 'utf8').catch(() => {
    throw new Error(`${dir} has no manifest.json`);
  });
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch (error) {
    throw new Error(`${join(dir, 'manifest.json')} is not valid JSON: ${(error as Error).message}`);
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
        if (name === 'manifest.json') continue;
        if (++count > MAX_FILES) throw new Error(`${dir} holds more than ${MAX_FILES} files`);
        const bytes = await readFile(path);
        const text = bytes.toString('utf8');
        files[name] = Buffer.from(text, 'utf8').equals(bytes) ? text : { base64: bytes.toString('base64') };
      }
    }
  }
  return { manifest, files };
}
