/**
 * A declarative setup (YAML or JSON): agendas with roles, OVMs, AIS with their API keys and
 * publishing rights, sources of data items, bundles to publish, and legal authorisations. A seed
 * fills in what is missing and never changes what exists: an AIS the operator blocked stays blocked,
 * a changed authorisation stays as changed, an AIS's keys and publishing rights are seeded only with
 * the AIS itself. Applied at the first start (an empty registry), or when the operator asks
 * (`egsb seed FILE`, POST /admin/seed, EGSB_SEED_MODE=always); what the operator deleted comes back
 * only then.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type BundleUpload, EgsbError, ErrorCode, isEgsbError, type Logger, readBundleDir } from '../contracts/index.ts';
import { bodyValidator } from './http/index.ts';
import type { Publisher } from './publishing/index.ts';
import {
  agendaBody,
  aisBody,
  type Authorisation,
  authorisationImportBody,
  type AuthorisationStore,
  ovmBody,
  patterns,
  publishingBody,
  type PublishingInput,
  type Registry,
  sourceBody,
  sourceCode,
  type SourceInput,
  type ServiceStore,
  type SourceStore,
  BOOTSTRAP_OPERATOR,
} from './registry/index.ts';

const seedSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    agendas: {
      type: 'array',
      items: { ...strip(agendaBody), required: ['code', 'name'], properties: { ...agendaBody.properties, code: patterns.agendaCode } },
    },
    ovms: {
      type: 'array',
      items: { ...strip(ovmBody), required: ['code', 'name'], properties: { ...ovmBody.properties, code: patterns.ovmCode } },
    },
    ais: {
      type: 'array',
      items: {
        ...strip(aisBody),
        required: ['id', 'name', 'operatorOvm'],
        properties: {
          ...aisBody.properties,
          id: { type: 'integer', minimum: 1, maximum: 9999999 },
          publishing: strip(publishingBody),
          apiKeys: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['label'],
              properties: { label: { type: 'string', minLength: 1 }, key: { type: 'string', minLength: 24 } },
            },
          },
        },
      },
    },
    sources: {
      type: 'array',
      items: {
        ...strip(sourceBody),
        required: ['code', ...sourceBody.required],
        properties: { ...sourceBody.properties, code: sourceCode },
      },
    },
    services: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          // A folder next to the seed file (read by the bus at start, or by the CLI, which sends it as an upload).
          bundle: { type: 'string', maxLength: 1024 },
          // Which manifest of a folder that holds several services (`<name>.manifest.json`).
          manifest: { type: 'string', maxLength: 128 },
          // A bundle sent with the seed: its manifest and files, as POST /publish takes them.
          upload: {
            type: 'object',
            required: ['manifest', 'files'],
            properties: { manifest: { type: 'object' }, files: { type: 'object' } },
          },
        },
        minProperties: 1,
        maxProperties: 2,
        dependentRequired: { manifest: ['bundle'] },
      },
    },
    authorisations: authorisationImportBody.properties.authorisations,
  },
} as const;

interface Seed {
  agendas?: { code: string; name: string; roles?: { code: string; name: string }[] }[];
  ovms?: { code: string; name: string; agendas?: string[] }[];
  ais?: (Parameters<Registry['putAis']>[1] & { id: number; apiKeys?: { label: string; key?: string }[]; publishing?: PublishingInput })[];
  sources?: (SourceInput & { code: string })[];
  services?: (
    { bundle: string; manifest?: string; upload?: undefined } | { upload: BundleUpload; bundle?: undefined; manifest?: undefined }
  )[];
  authorisations?: Authorisation[];
}

const checkSeed = bodyValidator<Seed>(seedSchema);

export interface SeedResult {
  /** What the seed made now, as `kind id` (`ais 900002`, `authorisation a121-rob`, …). */
  readonly created: readonly string[];
  /** What it found already there and left as it is. */
  readonly kept: readonly string[];
  /** Keys made during this start, by AIS and label; shown once. */
  readonly newKeys: readonly { ais: number; label: string; apiKey: string }[];
  /** Keys the seed file itself spells out (demo setups), whether made now or earlier. */
  readonly declaredKeys: readonly { ais: number; label: string; apiKey: string }[];
  readonly published: readonly string[];
}

export interface SeedDeps {
  readonly registry: Registry;
  readonly sources: SourceStore;
  readonly publisher: Publisher;
  /** Where published services are kept: a service already there is not published again. */
  readonly store: ServiceStore;
  readonly authorisations: AuthorisationStore;
  readonly logger: Logger;
  /** Applied to the endpoints of the bundles the seed publishes, and to the origins it approves. */
  readonly rewriteEndpoint?: (url: string) => string;
}

/** Reads a seed file, its bundle folders (relative to the file) read into uploads. */
export async function readSeedFile(file: string): Promise<Seed> {
  const text = await readFile(file, 'utf8');
  const seed = checkSeed(/\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 }));
  const base = dirname(resolve(file));
  const services = await Promise.all(
    (seed.services ?? []).map(async (s) => {
      if (s.bundle !== undefined && s.upload !== undefined) throw new Error(`${file}: a service is a bundle folder or an upload, not both`);
      return s.bundle !== undefined ? { upload: await readBundleDir(resolve(base, s.bundle), s.manifest) } : s;
    }),
  );
  return { ...seed, ...(seed.services ? { services } : {}) };
}

export async function applySeedFile(file: string, deps: SeedDeps): Promise<SeedResult> {
  return applySeed(await readSeedFile(file), deps);
}

/**
 * Applies a seed document (as sent to POST /admin/seed: bundles as uploads, never as paths on the
 * bus's machine). Each item is made in its own step; a failure stops there, with what came before kept.
 */
export async function applySeed(document: unknown, deps: SeedDeps): Promise<SeedResult> {
  const seed = checkSeed(document);
  const { registry, sources, publisher, authorisations, logger, rewriteEndpoint } = deps;
  const created: string[] = [];
  const kept: string[] = [];
  const exists = (probe: Promise<unknown>): Promise<boolean> =>
    probe.then(
      (found) => found !== undefined,
      (error: unknown) => {
        if (isEgsbError(error) && error.code === ErrorCode.NOT_FOUND) return false;
        throw error;
      },
    );
  const once = async (what: string, found: Promise<unknown>, make: () => Promise<unknown>): Promise<boolean> => {
    if (await exists(found)) {
      kept.push(what);
      return false;
    }
    await make();
    created.push(what);
    return true;
  };

  for (const { code, ...agenda } of seed.agendas ?? [])
    await once(`agenda ${code}`, registry.getAgenda(code), () => registry.putAgenda(code, agenda));
  for (const { code, ...ovm } of seed.ovms ?? []) await once(`ovm ${code}`, registry.getOvm(code), () => registry.putOvm(code, ovm));
  const newKeys: { ais: number; label: string; apiKey: string }[] = [];
  const declaredKeys: { ais: number; label: string; apiKey: string }[] = [];
  for (const { id, apiKeys = [], publishing, ...ais } of seed.ais ?? []) {
    const made = await once(`ais ${id}`, registry.getAis(id), () => registry.putAis(id, ais));
    // Keys and publishing rights come with the AIS: a key the operator revoked is not made again.
    if (!made) continue;
    if (publishing !== undefined) {
      const origins = publishing.origins.map((o) => (rewriteEndpoint ? rewriteEndpoint(o) : o));
      await sources.putPublishing(id, { ...publishing, origins });
    }
    for (const { label, key } of apiKeys) {
      if (key !== undefined) declaredKeys.push({ ais: id, label, apiKey: key });
      const credential = await registry.addCredential(id, { kind: 'api-key', label, ...(key ? { apiKey: key } : {}) });
      if (credential.apiKey && key === undefined) newKeys.push({ ais: id, label, apiKey: credential.apiKey });
    }
  }
  for (const { code, ...source } of seed.sources ?? [])
    await once(`source ${code}`, sources.getSource(code), () => sources.putSource(code, source));
  const published: string[] = [];
  for (const service of seed.services ?? []) {
    if (service.upload === undefined)
      throw new EgsbError(ErrorCode.REQUEST_INVALID, 'a seed sent to the bus carries its bundles as uploads, not as paths on the bus');
    const read = service.upload;
    const manifest = read.manifest as { code?: unknown; version?: unknown; endpoints?: { url: string }[] };
    const major = typeof manifest.version === 'string' ? Number(manifest.version.split('.')[0]) : NaN;
    if (typeof manifest.code === 'string' && Number.isInteger(major) && (await deps.store.get(manifest.code, major)) !== undefined) {
      kept.push(`service ${manifest.code} v${major}`);
      continue;
    }
    const upload = rewriteEndpoint
      ? { ...read, manifest: { ...manifest, endpoints: (manifest.endpoints ?? []).map((e) => ({ ...e, url: rewriteEndpoint(e.url) })) } }
      : read;
    const { outcome, version } = await publisher.publish(upload, BOOTSTRAP_OPERATOR);
    published.push(`${version.code} ${version.major}.${version.minor} (${outcome})`);
    created.push(`service ${version.code} v${version.major}`);
  }
  // Authorisations last: they are checked against the agendas and the services published above.
  const missing: Authorisation[] = [];
  for (const authorisation of seed.authorisations ?? []) {
    if (await exists(authorisations.get(authorisation.id))) kept.push(`authorisation ${authorisation.id}`);
    else missing.push(authorisation);
  }
  if (missing.length > 0) {
    await authorisations.importMany(missing);
    created.push(...missing.map((a) => `authorisation ${a.id}`));
  }
  logger.info('seed applied', { created: created.length, kept: kept.length, published });
  return { created, kept, newKeys, declaredKeys, published };
}

function strip<T extends { $id?: string }>({ $id: _id, ...rest }: T): Omit<T, '$id'> {
  return rest;
}
