/**
 * Compiled contracts, kept per published version and named by their digest: compiled once when
 * published here, or on first use when another instance published them, never per call.
 */
import { compileContract, createBundle, majorOf, type CompiledContract, type SchemaCatalogue } from '../../contracts/index.ts';
import { serviceKey, type ServiceStore, type ServiceVersion } from '../registry/index.ts';

export interface ContractCache {
  /** The compiled form of a stored version, compiling it from its stored files if not yet here. */
  get(version: ServiceVersion): Promise<CompiledContract>;
  put(compiled: CompiledContract): void;
  close(): void;
}

export function createContractCache({ store, catalogue }: { store: ServiceStore; catalogue: SchemaCatalogue }): ContractCache {
  const byKey = new Map<string, CompiledContract>();

  return {
    async get(version) {
      const key = serviceKey(version.code, version.major);
      const cached = byKey.get(key);
      if (cached?.digest === version.digest) return cached;
      const files = await store.files(version.code, version.major);
      const compiled = compileContract({ manifest: version.manifest, bundle: createBundle(files), catalogue });
      this.put(compiled);
      return compiled;
    },
    put(compiled) {
      const key = serviceKey(compiled.manifest.code, majorOf(compiled.manifest.version));
      const previous = byKey.get(key);
      byKey.set(key, compiled);
      if (previous !== undefined && previous !== compiled) previous.dispose();
    },
    close() {
      for (const compiled of byKey.values()) compiled.dispose();
      byKey.clear();
    },
  };
}
