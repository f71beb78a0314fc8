/** A PostgreSQL server through `pg`, chosen with DATABASE_URL. */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { DbKind, type Db, type Queryable } from './db.ts';

export interface PostgresOptions {
  readonly connectionString: string;
  readonly maxConnections?: number;
  /** Connections of the pool for long reads, apart from the others. */
  readonly readConnections?: number;
  /** A long read running longer is cancelled by the server (SQLSTATE 57014). */
  readonly readTimeoutMs?: number;
}

export async function openPostgres({
  connectionString,
  maxConnections = 10,
  readConnections = 2,
  readTimeoutMs = 10_000,
}: PostgresOptions): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: maxConnections });
  const readPool = new pg.Pool({
    connectionString,
    max: readConnections,
    statement_timeout: readTimeoutMs,
    options: '-c default_transaction_read_only=on',
  });
  // An idle client that loses its server must not take the process down with it.
  pool.on('error', () => {});
  readPool.on('error', () => {});
  try {
    const probe = await pool.connect();
    probe.release();
  } catch (error) {
    await Promise.all([pool.end(), readPool.end()]);
    throw error;
  }

  // A prepared statement is named after its text, so that each distinct text is prepared once per connection.
  const names = new Map<string, string>();
  const nameOf = (sql: string): string => {
    let name = names.get(sql);
    if (name === undefined) {
      name = `egsb_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
      names.set(sql, name);
    }
    return name;
  };

  return {
    kind: DbKind.POSTGRES,
    async query(sql, params = [], options = {}) {
      const result = options.prepared
        ? await pool.query({ name: nameOf(sql), text: sql, values: params as unknown[] })
        : await pool.query(sql, params as unknown[]);
      return result.rows;
    },
    reads: {
      async query(sql, params = []) {
        const result = await readPool.query(sql, params as unknown[]);
        return result.rows;
      },
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
      await Promise.all([pool.end(), readPool.end()]);
    },
  };
}
