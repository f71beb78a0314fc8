/**
 * The only way libxml2 reads a file in this process. libxml2 keeps one process-wide table of input
 * providers, so this module registers one provider, once, that answers every name: it serves the
 * in-memory files of the compilation under way and refuses everything else, so no schema import can
 * reach the file system or the network. Compilations are synchronous, so one active set is enough.
 */
import { xmlRegisterInputProvider } from 'libxml2-wasm';

/** Virtual URLs of the files libxml2 may read; schema references are rewritten to these. */
export const BUNDLE_URL = 'egsb://bundle/';
export const CATALOGUE_URL = 'egsb://catalogue/';

interface OpenFile {
  readonly bytes: Uint8Array;
  offset: number;
}

let active: ReadonlyMap<string, Uint8Array> | undefined;
const open = new Map<number, OpenFile>();
let nextHandle = 1;
let registered = false;

function ensureRegistered(): void {
  if (registered) return;
  registered = xmlRegisterInputProvider({
    match: () => true,
    open(name) {
      const bytes = active?.get(name);
      if (bytes === undefined) return undefined;
      const handle = nextHandle++;
      open.set(handle, { bytes, offset: 0 });
      return handle;
    },
    read(handle, into) {
      const file = open.get(handle);
      if (file === undefined) return -1;
      const n = Math.min(into.length, file.bytes.length - file.offset);
      into.set(file.bytes.subarray(file.offset, file.offset + n));
      file.offset += n;
      return n;
    },
    close(handle) {
      return open.delete(handle);
    },
  });
  if (!registered) throw new Error('libxml2 refused the egsb input provider');
}

/** Runs `work` with exactly `files` (by virtual URL) readable by libxml2, and nothing else. */
export function withXmlFiles<T>(files: ReadonlyMap<string, Uint8Array>, work: () => T): T {
  ensureRegistered();
  const previous = active;
  active = files;
  try {
    return work();
  } finally {
    active = previous;
  }
}
