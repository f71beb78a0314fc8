import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl } from './postgres.ts';
import { withCallerSession, type SessionClient } from '../connectors/index.ts';

const SCHEMA = [
  'CREATE TABLE vypis (id serial PRIMARY KEY, aifo text NOT NULL)',
  `CREATE TABLE provider_audit (id serial PRIMARY KEY, who text, request text, ais text, app text)`,
  `CREATE FUNCTION note_caller() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO provider_audit (who, request, ais, app)
     VALUES (current_setting('egsb.audit_user_id', true), current_setting('egsb.request_id', true),
             current_setting('egsb.client_ais', true), current_setting('application_name'));
     RETURN NEW;
   END $$`,
  'CREATE TRIGGER vypis_caller AFTER INSERT ON vypis FOR EACH ROW EXECUTE FUNCTION note_caller()',
];

async function suite(client: SessionClient, rows: (sql: string) => Promise<Record<string, unknown>[]>): Promise<void> {
  for (const statement of SCHEMA) await client.query(statement);
  const hostile = "o'brien'); DROP TABLE vypis; --";
  await withCallerSession(client, { auditUserId: hostile, requestId: 'req-1', clientAis: 900002, dataItems: [] }, () =>
    client.query("INSERT INTO vypis (aifo) VALUES ('AAECAwQFBgcICQoLDA0ODxA=')"),
  );
  expect(await rows('SELECT who, request, ais, app FROM provider_audit')).toEqual([
    { who: hostile, request: 'req-1', ais: '900002', app: 'egsb:req-1' },
  ]);
  // Local to the transaction: the next statement on the same connection names nobody.
  expect((await rows("SELECT coalesce(current_setting('egsb.audit_user_id', true), '') AS who"))[0]?.who).toBe('');
  // A failing call leaves nothing behind.
  await expect(
    withCallerSession(client, { auditUserId: 'novak', requestId: 'req-2', dataItems: [] }, async () => {
      await client.query("INSERT INTO vypis (aifo) VALUES ('x')");
      throw new Error('the handler failed');
    }),
  ).rejects.toThrow('the handler failed');
  expect(await rows('SELECT count(*)::int AS n FROM provider_audit')).toEqual([{ n: 1 }]);
}

describe('the caller in the provider’s database session', () => {
  it('is set for the transaction of one call, as values, on PGlite', async () => {
    const db = new PGlite();
    try {
      await suite(db, async (sql) => (await db.query<Record<string, unknown>>(sql)).rows);
    } finally {
      await db.close();
    }
  });

  it.skipIf(postgresUrl === undefined)('and on a PostgreSQL server', async () => {
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await suite(client, async (sql) => (await client.query(sql)).rows as Record<string, unknown>[]);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
