/**
 * Published services and their versions. Publishing is one transaction: the service, its version
 * row, its files and the publication record land together or not at all. A new minor version
 * replaces the stored one; a new major version lives beside it.
 */
import {
  EgsbError,
  ErrorCode,
  majorOf,
  minorOf,
  Protocol,
  type CompiledContract,
  type ContractModel,
  type Manifest,
} from '../../contracts/index.ts';
import type { RouteTarget } from '../../routing/index.ts';
import { pgCode } from './registry.ts';
import { bumpGeneration } from './generation.ts';
import type { Db } from '../storage/index.ts';

export interface ServiceVersion {
  readonly code: string;
  readonly major: number;
  readonly minor: number;
  readonly ownerAis: number;
  readonly manifest: Manifest;
  readonly model: ContractModel;
  readonly digest: string;
  readonly publishedAt: string;
}

/** Where and how calls of an operation of this version are routed. */
export function routeTargetOf(version: ServiceVersion, operation: string): RouteTarget {
  const { manifest } = version;
  return {
    circuit: `${version.code}/v${version.major}`,
    endpoints: manifest.endpoints,
    balancing: manifest.balancing ?? 'least-pending',
    timeoutMs: manifest.timeoutMs,
    idempotent: manifest.idempotentOperations.includes(operation),
    maxResponseBytes: manifest.maxMessageBytes,
    operation,
    operationInPath: version.model.protocol === Protocol.JSON,
  };
}

export const PublishOutcome = { CREATED: 'created', REPLACED: 'replaced', UNCHANGED: 'unchanged' } as const;
export type PublishOutcome = (typeof PublishOutcome)[keyof typeof PublishOutcome];

export interface ServiceStore {
  publish(compiled: CompiledContract, ownerAis: number, publishedBy: string): Promise<{ outcome: PublishOutcome; version: ServiceVersion }>;
  get(code: string, major: number): Promise<ServiceVersion | undefined>;
  list(): Promise<ServiceVersion[]>;
  files(code: string, major: number): Promise<Map<string, Uint8Array>>;
  /** Every publication of a service's versions, oldest first: version, digest, when and by whom. */
  history(code: string): Promise<{ version: string; digest: string; publishedAt: string; publishedBy: string }[]>;
  /**
   * Points a published version at other endpoints, leaving its contract as it is; the next
   * publication of the version brings the manifest's own again.
   */
  setEndpoints(code: string, major: number, endpoints: Manifest['endpoints'], changedBy: string): Promise<ServiceVersion>;
}

interface VersionRow {
  service_code: string;
  major: number;
  minor: number;
  owner_ais: number;
  manifest: Manifest;
  endpoints: Manifest['endpoints'] | null;
  model: ContractModel;
  digest: string;
  published_at: Date | string;
}

const SELECT_VERSION = `SELECT v.service_code, v.major, v.minor, s.owner_ais, v.manifest, v.endpoints, v.model, v.digest, v.published_at
  FROM service_version v JOIN service s ON s.code = v.service_code`;

export function createServiceStore({ db }: { db: Db }): ServiceStore {
  return {
    async publish(compiled, ownerAis, publishedBy) {
      const { manifest, model, digest } = compiled;
      const major = majorOf(manifest.version);
      const minor = minorOf(manifest.version);
      try {
        const outcome = await db.transaction(async function publishTx(tx) {
          await bumpGeneration(tx);
          const [owner] = await tx.query<{ owner_ais: number }>('SELECT owner_ais FROM service WHERE code = $1 FOR UPDATE', [
            manifest.code,
          ]);
          if (owner === undefined) {
            await tx.query('INSERT INTO service (code, owner_ais) VALUES ($1, $2)', [manifest.code, ownerAis]);
          } else if (owner.owner_ais !== ownerAis) {
            throw new EgsbError(
              ErrorCode.CONFLICT,
              `service code ${manifest.code} is taken by AIS ${owner.owner_ais}; choose another code`,
            );
          }
          const [current] = await tx.query<{ minor: number; digest: string }>(
            'SELECT minor, digest FROM service_version WHERE service_code = $1 AND major = $2 FOR UPDATE',
            [manifest.code, major],
          );
          if (current !== undefined) {
            if (current.digest === digest) return PublishOutcome.UNCHANGED;
            if (current.minor >= minor) {
              throw new EgsbError(
                ErrorCode.CONFLICT,
                `${manifest.code} ${major}.${current.minor} is published; a changed contract needs a higher minor version than ${major}.${current.minor}`,
              );
            }
          }
          await tx.query(
            `INSERT INTO service_version (service_code, major, minor, source, protocol, visibility, manifest, model, digest, published_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10)
             ON CONFLICT (service_code, major) DO UPDATE SET minor = EXCLUDED.minor, source = EXCLUDED.source,
               protocol = EXCLUDED.protocol, visibility = EXCLUDED.visibility, manifest = EXCLUDED.manifest,
               model = EXCLUDED.model, digest = EXCLUDED.digest, published_at = now(), published_by = EXCLUDED.published_by,
               endpoints = NULL, endpoints_changed_by = NULL, endpoints_changed_at = NULL`,
            [
              manifest.code,
              major,
              minor,
              manifest.source,
              model.protocol,
              manifest.visibility,
              JSON.stringify(manifest),
              JSON.stringify(model),
              digest,
              publishedBy,
            ],
          );
          await tx.query('DELETE FROM service_file WHERE service_code = $1 AND major = $2', [manifest.code, major]);
          for (const [path, content] of compiled.files) {
            await tx.query('INSERT INTO service_file (service_code, major, path, content) VALUES ($1, $2, $3, $4)', [
              manifest.code,
              major,
              path,
              content,
            ]);
          }
          await tx.query('INSERT INTO publication (service_code, major, minor, digest, published_by) VALUES ($1, $2, $3, $4, $5)', [
            manifest.code,
            major,
            minor,
            digest,
            publishedBy,
          ]);
          return current === undefined ? PublishOutcome.CREATED : PublishOutcome.REPLACED;
        });
        const version = await this.get(manifest.code, major);
        if (version === undefined) throw new Error(`published ${manifest.code} v${major} is not readable`);
        return { outcome, version };
      } catch (error) {
        // Two instances creating the same new service at once: the loser sees the unique key.
        if (pgCode(error) === '23505') {
          throw new EgsbError(ErrorCode.CONFLICT, `service ${manifest.code} v${major} was published concurrently; try again`, {
            cause: error,
          });
        }
        throw error;
      }
    },

    async get(code, major) {
      const [row] = await db.query<VersionRow>(`${SELECT_VERSION} WHERE v.service_code = $1 AND v.major = $2`, [code, major]);
      return row === undefined ? undefined : toVersion(row);
    },

    async list() {
      return (await db.query<VersionRow>(`${SELECT_VERSION} ORDER BY v.service_code, v.major`)).map(toVersion);
    },

    async setEndpoints(code, major, endpoints, changedBy) {
      await db.transaction(async (tx) => {
        const updated = await tx.query(
          `UPDATE service_version SET endpoints = $3::jsonb, endpoints_changed_by = $4, endpoints_changed_at = now()
           WHERE service_code = $1 AND major = $2 RETURNING major`,
          [code, major, JSON.stringify(endpoints), changedBy],
        );
        if (updated.length === 0) throw new EgsbError(ErrorCode.SERVICE_NOT_FOUND, `no service ${code} v${major} is published`);
        await bumpGeneration(tx);
      });
      const version = await this.get(code, major);
      if (version === undefined) throw new EgsbError(ErrorCode.SERVICE_NOT_FOUND, `no service ${code} v${major} is published`);
      return version;
    },

    async history(code) {
      const rows = await db.query<{ major: number; minor: number; digest: string; published_at: Date; published_by: string }>(
        'SELECT major, minor, digest, published_at, published_by FROM publication WHERE service_code = $1 ORDER BY id',
        [code],
      );
      return rows.map((r) => ({
        version: `${r.major}.${r.minor}`,
        digest: r.digest,
        publishedAt: new Date(r.published_at).toISOString(),
        publishedBy: r.published_by,
      }));
    },

    async files(code, major) {
      const rows = await db.query<{ path: string; content: Uint8Array }>(
        'SELECT path, content FROM service_file WHERE service_code = $1 AND major = $2',
        [code, major],
      );
      return new Map(rows.map((r) => [r.path, new Uint8Array(r.content)]));
    },
  };
}

function toVersion(row: VersionRow): ServiceVersion {
  return {
    code: row.service_code,
    major: row.major,
    minor: row.minor,
    ownerAis: row.owner_ais,
    // Endpoints the publisher set since publishing stand in for the manifest's.
    manifest: row.endpoints ? { ...row.manifest, endpoints: row.endpoints } : row.manifest,
    model: row.model,
    digest: row.digest,
    publishedAt: new Date(row.published_at).toISOString(),
  };
}
