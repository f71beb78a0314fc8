/**
 * Publishing a bundle: compile it once, then store it in one transaction and keep the compiled form
 * for the call path. Whoever publishes: an AIS as itself, or the operator for a named AIS.
 */
import { EgsbError, ErrorCode, bundleOf, compileContract, type BundleUpload, type SchemaCatalogue } from '../../contracts/index.ts';
import type { ContractCache } from './contract-cache.ts';
import type { Caller, PublishOutcome, Registry, ServiceStore, ServiceVersion } from '../registry/index.ts';

export interface Publisher {
  publish(upload: BundleUpload, caller: Caller): Promise<{ outcome: PublishOutcome; version: ServiceVersion }>;
}

export interface PublisherDeps {
  readonly registry: Registry;
  readonly store: ServiceStore;
  readonly cache: ContractCache;
  readonly catalogue: SchemaCatalogue;
  readonly maxBundleBytes: number;
}

export function createPublisher({ registry, store, cache, catalogue, maxBundleBytes }: PublisherDeps): Publisher {
  return {
    async publish(upload, caller) {
      if (caller.kind === 'anonymous') throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'publishing needs the API key of the publishing AIS');
      const ownerAis = ownerOf(upload.manifest, caller);
      await registry.getAis(ownerAis).catch((error: unknown) => {
        throw new EgsbError(ErrorCode.CONTRACT_INVALID, `manifest names AIS ${ownerAis}, which is not registered`, { cause: error });
      });
      const bundle = bundleOf(upload, { maxFiles: 5000, maxBytes: maxBundleBytes });
      const compiled = compileContract({ manifest: upload.manifest, bundle, catalogue });
      try {
        const publishedBy = caller.kind === 'operator' ? 'operator' : `ais:${caller.aisId}`;
        const result = await store.publish(compiled, ownerAis, publishedBy);
        cache.put(compiled);
        return result;
      } catch (error) {
        compiled.dispose();
        throw error;
      }
    },
  };
}

function ownerOf(manifest: unknown, caller: Exclude<Caller, { kind: 'anonymous' }>): number {
  const named = (manifest as { ais?: unknown } | null)?.ais;
  if (caller.kind === 'ais') {
    if (named !== undefined && named !== caller.aisId) {
      throw new EgsbError(ErrorCode.FORBIDDEN, `AIS ${caller.aisId} cannot publish for AIS ${String(named)}`);
    }
    return caller.aisId;
  }
  if (typeof named !== 'number')
    throw new EgsbError(ErrorCode.CONTRACT_INVALID, 'the operator publishes for an AIS: set "ais" in the manifest', {
      errors: [{ location: 'manifest/ais', rule: 'required', message: 'required when the operator publishes' }],
    });
  return named;
}
