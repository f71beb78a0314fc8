/**
 * The operator's catalogue of known schemas: a JSON file mapping absolute schema URLs to files in
 * the catalogue's folder, so that contracts importing, say, GML or xlink by URL compile from local
 * copies. Loaded once at start; the bus never fetches the URLs themselves.
 */
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { normaliseBundlePath, type SchemaCatalogue } from './bundle.ts';

const MAX_FILES = 2000;

/** Reads `{"schemas": {"<absolute URL>": "<path relative to the catalogue file>"}}` and its folder's schemas. */
export async function loadSchemaCatalogue(catalogueFile: string): Promise<SchemaCatalogue> {
  const raw = JSON.parse(await readFile(catalogueFile, 'utf8')) as { schemas?: Record<string, string> };
  if (raw === null || typeof raw !== 'object' || typeof raw.schemas !== 'object' || raw.schemas === null) {
    throw new Error(`${catalogueFile}: expected {"schemas": {"<url>": "<file>"}}`);
  }
  const base = dirname(catalogueFile);
  const files = new Map<string, Uint8Array>();
  for (const path of await listSchemaFiles(base)) {
    files.set(relative(base, path).split(sep).join('/'), await readFile(path));
  }
  const urls = new Map<string, string>();
  for (const [url, file] of Object.entries(raw.schemas)) {
    const path = normaliseBundlePath(file);
    if (!files.has(path)) throw new Error(`${catalogueFile}: ${url} maps to ${file}, which is not in ${base}`);
    urls.set(url, path);
  }
  return { urls, files };
}

async function listSchemaFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile() && /\.(xsd|wsdl|json)$/i.test(entry.name)) found.push(path);
      if (found.length > MAX_FILES) throw new Error(`${dir}: a schema catalogue holds at most ${MAX_FILES} files`);
    }
  }
  return found;
}
