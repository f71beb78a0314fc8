/** The embedded default: PostgreSQL compiled to WASM, in a data folder or in memory. */
import { PGlite } from '@electric-sql/pglite';
import { mkdir } from 'node:fs/promises';
import { DbKind, type Db, type Queryable } from './db.ts';

export interface PgliteOptions {
  /** A folder for the data files; omitted means in memory, gone when the process ends. */
  readonly dataDir?: string;
}

export async function openPglite({ dataDir }: PgliteOptions = {}): Promise<Db> {
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const pg = new PGlite(dataDir ?? 'memory://');
  await pg.waitReady;

  const query: Queryable['query'] = async (sql, params = []) => {
    const result = await pg.query(sql, params as unknown[]);
    return result.rows as never[];
  };
  return {
    kind: DbKind.PGLITE,
    query,
    reads: { query },
    async transaction(work) {
      return pg.transaction(async function inTransaction(tx) {
        const scoped: Queryable = {
          async query(sql, params = []) {
            const result = await tx.query(sql, params as unknown[]);
            return result.rows as never[];
          },
        };
        return work(scoped);
      });
    },
    async close() {
      await pg.close();
    },
  };
}
