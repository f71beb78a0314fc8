/**
 * Secrets of one installation, kept in its database so that every instance sharing the database uses
 * the same: made at random the first time one is asked for, then read.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from './db.ts';

export async function installationSecret(db: Db, name: string, bytes = 32): Promise<Uint8Array> {
  await db.query('INSERT INTO installation_secret (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    name,
    randomBytes(bytes),
  ]);
  const [row] = await db.query<{ secret: Uint8Array }>('SELECT secret FROM installation_secret WHERE name = $1', [name]);
  if (row === undefined) throw new Error(`installation secret ${name} could not be made`);
  return new Uint8Array(row.secret);
}
