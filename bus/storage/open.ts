/** Opens the configured storage and brings its schema up to date. */
import { join } from 'node:path';
import type { Db } from './db.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export interface StorageOptions {
  /** A PostgreSQL server; when absent, the embedded PGlite is used. */
  readonly databaseUrl?: string;
  /** PGlite's folder is `<dataDir>/db`; ignored with a databaseUrl. */
  readonly dataDir?: string;
  /** PGlite in memory: nothing is kept after the process ends. */
  readonly inMemory?: boolean;
}

export async function openStorage({ databaseUrl, dataDir = './data', inMemory = false }: StorageOptions): Promise<Db> {
  const db = databaseUrl
    ? await openPostgres({ connectionString: databaseUrl })
    : await openPglite(inMemory ? {} : { dataDir: join(dataDir, 'db') });
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
