/**
 * Publishing a bundle: compile it once, then store it in one transaction and keep the compiled form
 * for the call path. Whoever publishes: an AIS as itself, or the operator for a named AIS.
 */
import {
  EgsbError,
  ErrorCode,
  bundleOf,
  compileContract,
  parseManifest,
  type BundleUpload,
  type Manifest,
  type SchemaCatalogue,
} from '../../contracts/index.ts';
import type { ContractCache } from './contract-cache.ts';
import type { Caller, Publishing, PublishOutcome, Registry, ServiceStore, ServiceVersion, SourceStore } from '../registry/index.ts';
import type { EndpointPolicy } from './endpoint-policy.ts';

export interface Publisher {
  publish(upload: BundleUpload, caller: Caller): Promise<{ outcome: PublishOutcome; version: ServiceVersion }>;
  /**
   * Moves a published version to other endpoints without a new contract version: by its owner (or
   * the operator), within the origins approved for the owner, checked as a manifest's endpoints are.
   */
  changeEndpoints(code: string, major: number, endpoints: unknown, caller: Caller): Promise<ServiceVersion>;
}

export interface PublisherDeps {
  readonly registry: Registry;
  readonly store: ServiceStore;
  readonly sources: SourceStore;
  readonly endpoints: EndpointPolicy;
  readonly cache: ContractCache;
  readonly catalogue: SchemaCatalogue;
  readonly maxBundleBytes: number;
}

export function createPublisher({ registry, store, sources, endpoints, cache, catalogue, maxBundleBytes }: PublisherDeps): Publisher {
  return {
    async publish(upload, caller) {
      if (caller.kind === 'anonymous') throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'publishing needs the API key of the publishing AIS');
      const ownerAis = ownerOf(upload.manifest, caller);
      await registry.getAis(ownerAis).catch((error: unknown) => {
        throw new EgsbError(ErrorCode.CONTRACT_INVALID, `manifest names AIS ${ownerAis}, which is not registered`, { cause: error });
      });
      const rights = await sources.getPublishing(ownerAis);
      if (rights === undefined) {
        throw new EgsbError(
          ErrorCode.PUBLISHING_NOT_ALLOWED,
          `AIS ${ownerAis} is not a publisher; the operator makes it one with PUT /admin/ais/${ownerAis}/publishing`,
        );
      }
      const code = (upload.manifest as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && (RESERVED_SERVICE_CODES as readonly string[]).includes(code))
        throw new EgsbError(
          ErrorCode.PUBLISHING_NOT_ALLOWED,
          `${code} is served by the bus itself (ISZR's asynchronous queue); choose another code`,
        );
      const bundle = bundleOf(upload, { maxFiles: 5000, maxBytes: maxBundleBytes });
      const compiled = compileContract({ manifest: upload.manifest, bundle, catalogue });
      try {
        await checkRights(compiled.manifest, ownerAis, rights, { store, sources, endpoints });
        const publishedBy = caller.kind === 'operator' ? 'operator' : `ais:${caller.aisId}`;
        const result = await store.publish(compiled, ownerAis, publishedBy);
        cache.put(compiled);
        return result;
      } catch (error) {
        compiled.dispose();
        throw error;
      }
    },

    async changeEndpoints(code, major, given, caller) {
      if (caller.kind === 'anonymous')
        throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'changing endpoints needs the API key of the publishing AIS');
      const version = await store.get(code, major);
      if (version === undefined || (caller.kind === 'ais' && caller.aisId !== version.ownerAis))
        throw new EgsbError(ErrorCode.SERVICE_NOT_FOUND, `you publish no service ${code.slice(0, 64)} v${major}`);
      // The manifest's own rules (URL shapes, weights, no credentials) apply to the new list as they did at publish.
      const manifest = parseManifest({ ...version.manifest, endpoints: given });
      const rights = await sources.getPublishing(version.ownerAis);
      if (rights === undefined) throw new EgsbError(ErrorCode.PUBLISHING_NOT_ALLOWED, `AIS ${version.ownerAis} is no longer a publisher`);
      endpoints.check(version.ownerAis, manifest.endpoints, rights.origins);
      return store.setEndpoints(code, major, manifest.endpoints, caller.kind === 'operator' ? 'operator' : `ais:${caller.aisId}`);
    },
  };
}

/**
 * What a manifest may claim: a source its publisher owns, only items that source holds, endpoints
 * within the publisher's approved origins, a code no other service has in any case, and no more
 * services than the publisher's quota.
 */
async function checkRights(
  manifest: Manifest,
  ownerAis: number,
  rights: Publishing,
  { store, sources, endpoints }: Pick<PublisherDeps, 'store' | 'sources' | 'endpoints'>,
): Promise<void> {
  const source = await sources.getSource(manifest.source);
  if (source === undefined) {
    throw new EgsbError(
      ErrorCode.PUBLISHING_NOT_ALLOWED,
      `source ${manifest.source} is not registered; the operator registers sources with PUT /admin/sources/{code}`,
    );
  }
  if (source.ownerAis !== ownerAis) {
    throw new EgsbError(
      ErrorCode.PUBLISHING_NOT_ALLOWED,
      `source ${source.code} belongs to AIS ${source.ownerAis}; only its owner publishes services for it`,
    );
  }
  const held = new Set(source.dataItems);
  const foreign = manifest.dataItems.map((d) => d.name).filter((name) => !held.has(name));
  if (foreign.length > 0) {
    throw new EgsbError(ErrorCode.PUBLISHING_NOT_ALLOWED, `source ${source.code} holds no data item ${foreign.join(', ')}`, {
      errors: foreign.map((name) => ({
        location: `manifest/dataItems/${name}`,
        rule: 'source-item',
        message: `not an item of source ${source.code}`,
      })),
    });
  }
  endpoints.check(ownerAis, manifest.endpoints, rights.origins);
  const published = await store.list();
  const clash = published.find((v) => v.code !== manifest.code && v.code.toLowerCase() === manifest.code.toLowerCase());
  if (clash !== undefined)
    throw new EgsbError(ErrorCode.CONFLICT, `service ${clash.code} is published; service codes are unique whatever their case`);
  const owned = new Set(published.filter((v) => v.ownerAis === ownerAis).map((v) => v.code));
  if (!owned.has(manifest.code) && owned.size >= rights.quota) {
    throw new EgsbError(
      ErrorCode.PUBLISHING_NOT_ALLOWED,
      `AIS ${ownerAis} publishes ${owned.size} services, its quota; the operator can raise it`,
    );
  }
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

/** Service codes the bus answers itself (ISZR's asynchronous queue): no publisher may take them. */
export const RESERVED_SERVICE_CODES = ['IszrAsyncVypisFronty', 'IszrAsyncOdpovedZFronty', 'IszrAsyncSmazatFrontu'] as const;
