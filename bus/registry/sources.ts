/**
 * Who may publish what: sources of data items, each owned by one AIS and holding named items, and the
 * publisher capability of an AIS (its quota of services and the endpoint origins the operator approved).
 * The operator keeps both; the publisher and the call path read them.
 */
import { EgsbError, ErrorCode } from '../../contracts/index.ts';
import type { Db } from '../storage/index.ts';
import { bumpGeneration } from './generation.ts';
import { pgCode } from './registry.ts';

export interface SourceInput {
  readonly name: string;
  readonly ownerAis: number;
  readonly dataItems: readonly string[];
}

export interface Source extends SourceInput {
  readonly code: string;
}

export interface PublishingInput {
  /** How many services (codes) the AIS may own. */
  readonly quota: number;
  /** `http(s)://host:port` or `nats:<subject prefix>`: where its endpoints may point. */
  readonly origins: readonly string[];
}

export interface Publishing extends PublishingInput {
  readonly aisId: number;
}

export interface SourceStore {
  putSource(code: string, input: SourceInput): Promise<Source>;
  getSource(code: string): Promise<Source | undefined>;
  listSources(): Promise<Source[]>;
  putPublishing(aisId: number, input: PublishingInput): Promise<Publishing>;
  /** Undefined when the AIS is no publisher. */
  getPublishing(aisId: number): Promise<Publishing | undefined>;
  /** Withdraws the capability; services already published stay until withdrawn themselves. */
  removePublishing(aisId: number): Promise<void>;
}

interface SourceRow {
  code: string;
  name: string;
  owner_ais: number;
  data_items: string[];
}

const toSource = (r: SourceRow): Source => ({ code: r.code, name: r.name, ownerAis: r.owner_ais, dataItems: r.data_items });

export async function loadSources(db: Db): Promise<Source[]> {
  return (await db.query<SourceRow>('SELECT code, name, owner_ais, data_items FROM source ORDER BY code')).map(toSource);
}

export function createSourceStore({ db }: { db: Db }): SourceStore {
  return {
    async putSource(code, { name, ownerAis, dataItems }) {
      try {
        await db.transaction(async function putSourceTx(tx) {
          const [ais] = await tx.query<{ id: number }>('SELECT id FROM ais WHERE id = $1', [ownerAis]);
          if (ais === undefined) throw new EgsbError(ErrorCode.REQUEST_INVALID, `owner AIS ${ownerAis} is not registered`);
          await tx.query(
            `INSERT INTO source (code, name, owner_ais, data_items) VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, owner_ais = EXCLUDED.owner_ais,
               data_items = EXCLUDED.data_items, updated_at = now()`,
            [code, name, ownerAis, [...new Set(dataItems)]],
          );
          await bumpGeneration(tx);
        });
      } catch (error) {
        if (pgCode(error) === '23505')
          throw new EgsbError(ErrorCode.CONFLICT, `source ${code} conflicts with one registered`, { cause: error });
        throw error;
      }
      return (await this.getSource(code)) as Source;
    },

    async getSource(code) {
      const [row] = await db.query<SourceRow>('SELECT code, name, owner_ais, data_items FROM source WHERE code = $1', [code]);
      return row === undefined ? undefined : toSource(row);
    },

    listSources: () => loadSources(db),

    async putPublishing(aisId, { quota, origins }) {
      await db.transaction(async function putPublishingTx(tx) {
        const [ais] = await tx.query<{ id: number }>('SELECT id FROM ais WHERE id = $1', [aisId]);
        if (ais === undefined) throw new EgsbError(ErrorCode.NOT_FOUND, `AIS ${aisId} is not registered`);
        await tx.query(
          `INSERT INTO ais_publishing (ais_id, quota, origins) VALUES ($1, $2, $3)
           ON CONFLICT (ais_id) DO UPDATE SET quota = EXCLUDED.quota, origins = EXCLUDED.origins, updated_at = now()`,
          [aisId, quota, [...new Set(origins)]],
        );
        await bumpGeneration(tx);
      });
      return (await this.getPublishing(aisId)) as Publishing;
    },

    async getPublishing(aisId) {
      const [row] = await db.query<{ quota: number; origins: string[] }>('SELECT quota, origins FROM ais_publishing WHERE ais_id = $1', [
        aisId,
      ]);
      return row === undefined ? undefined : { aisId, quota: row.quota, origins: row.origins };
    },

    async removePublishing(aisId) {
      await db.transaction(async function removePublishingTx(tx) {
        await tx.query('DELETE FROM ais_publishing WHERE ais_id = $1', [aisId]);
        await bumpGeneration(tx);
      });
    },
  };
}
