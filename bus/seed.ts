/**
 * A declarative setup loaded at start (YAML or JSON): agendas with roles, OVMs, AIS with their API
 * keys and publishing rights, sources of data items, bundle folders to publish, and legal authorisations. Applying it twice changes nothing the second time.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Logger, readBundleDir } from '../contracts/index.ts';
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
  type SourceStore,
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
      items: { type: 'object', additionalProperties: false, required: ['bundle'], properties: { bundle: { type: 'string' } } },
    },
    authorisations: authorisationImportBody.properties.authorisations,
  },
} as const;

interface Seed {
  agendas?: { code: string; name: string; roles?: { code: string; name: string }[] }[];
  ovms?: { code: string; name: string; agendas?: string[] }[];
  ais?: (Parameters<Registry['putAis']>[1] & { id: number; apiKeys?: { label: string; key?: string }[]; publishing?: PublishingInput })[];
  sources?: (SourceInput & { code: string })[];
  services?: { bundle: string }[];
  authorisations?: Authorisation[];
}

const checkSeed = bodyValidator<Seed>(seedSchema);

export interface SeedResult {
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
  readonly authorisations: AuthorisationStore;
  readonly logger: Logger;
  /** Applied to the endpoints of the bundles the seed publishes, and to the origins it approves. */
  readonly rewriteEndpoint?: (url: string) => string;
}

export async function applySeedFile(file: string, deps: SeedDeps): Promise<SeedResult> {
  const text = await readFile(file, 'utf8');
  const seed = checkSeed(/\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 }));
  return applySeed(seed, dirname(resolve(file)), deps);
}

async function applySeed(
  seed: Seed,
  base: string,
  { registry, sources, publisher, authorisations, logger, rewriteEndpoint }: SeedDeps,
): Promise<SeedResult> {
  for (const { code, ...agenda } of seed.agendas ?? []) await registry.putAgenda(code, agenda);
  for (const { code, ...ovm } of seed.ovms ?? []) await registry.putOvm(code, ovm);
  const newKeys: { ais: number; label: string; apiKey: string }[] = [];
  const declaredKeys: { ais: number; label: string; apiKey: string }[] = [];
  for (const { id, apiKeys = [], publishing, ...ais } of seed.ais ?? []) {
    await registry.putAis(id, ais);
    if (publishing !== undefined) {
      const origins = publishing.origins.map((o) => (rewriteEndpoint ? rewriteEndpoint(o) : o));
      await sources.putPublishing(id, { ...publishing, origins });
    }
    const existing = new Set((await registry.listCredentials(id)).map((c) => c.label));
    for (const { label, key } of apiKeys) {
      if (key !== undefined) declaredKeys.push({ ais: id, label, apiKey: key });
      if (existing.has(label)) continue;
      const made = await registry.addCredential(id, { kind: 'api-key', label, ...(key ? { apiKey: key } : {}) });
      if (made.apiKey) newKeys.push({ ais: id, label, apiKey: made.apiKey });
    }
  }
  for (const { code, ...source } of seed.sources ?? []) await sources.putSource(code, source);
  const published: string[] = [];
  for (const { bundle } of seed.services ?? []) {
    const read = await readBundleDir(resolve(base, bundle));
    const manifest = read.manifest as { endpoints?: { url: string }[] };
    const upload = rewriteEndpoint
      ? { ...read, manifest: { ...manifest, endpoints: (manifest.endpoints ?? []).map((e) => ({ ...e, url: rewriteEndpoint(e.url) })) } }
      : read;
    const { outcome, version } = await publisher.publish(upload, { kind: 'operator' });
    published.push(`${version.code} ${version.major}.${version.minor} (${outcome})`);
  }
  // Authorisations last: they are checked against the agendas and the services published above.
  const report = seed.authorisations ? await authorisations.importMany(seed.authorisations) : undefined;
  logger.info('seed applied', {
    agendas: seed.agendas?.length ?? 0,
    ovms: seed.ovms?.length ?? 0,
    ais: seed.ais?.length ?? 0,
    published,
    ...(report ? { authorisations: { created: report.created.length, updated: report.updated.length, unchanged: report.unchanged } } : {}),
  });
  return { newKeys, declaredKeys, published };
}

function strip<T extends { $id?: string }>({ $id: _id, ...rest }: T): Omit<T, '$id'> {
  return rest;
}
