/** A fresh, throw-away PostgreSQL database per test file, when EGSB_TEST_DATABASE_URL names a server. */
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export const postgresUrl = process.env.EGSB_TEST_DATABASE_URL;
export const postgresRequired = process.env.EGSB_REQUIRE_POSTGRES === '1';

export async function createTestDatabase(base = postgresUrl): Promise<{ url: string; drop(): Promise<void> }> {
  if (base === undefined) throw new Error('EGSB_TEST_DATABASE_URL is not set');
  const name = `egsb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
