/** A PostgreSQL server through `pg`, chosen with DATABASE_URL. */
import pg from 'pg';
import { DbKind, type Db, type Queryable } from './db.ts';

export interface PostgresOptions {
  readonly connectionString: string;
  readonly maxConnections?: number;
}

export async function openPostgres({ connectionString, maxConnections = 10 }: PostgresOptions): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: maxConnections });
  // An idle client that loses its server must not take the process down with it.
  pool.on('error', () => {});
  const probe = await pool.connect();
  probe.release();

  return {
    kind: DbKind.POSTGRES,
    async query(sql, params = []) {
      const result = await pool.query(sql, params as unknown[]);
      return result.rows;
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const scoped: Queryable = {
          async query(sql, params = []) {
            const result = await client.query(sql, params as unknown[]);
            return result.rows;
          },
        };
        const value = await work(scoped);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
