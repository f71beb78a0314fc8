/**
 * The audit's months: partitions made ahead of time, and retention that drops whole months past the
 * configured age. Dropping a month is recorded first (which month, how many records, where each
 * chain was cut, by whom), in the same transaction, so that verification picks every chain up
 * after its cut and the operator can read what was removed and when.
 */
import type { Db } from '../storage/index.ts';

export interface Cut {
  readonly chain: string;
  readonly seq: number;
  readonly hash: string;
}

export interface RetentionOperation {
  readonly at: string;
  readonly actor: string;
  readonly partition: string;
  readonly month: string;
  readonly records: number;
  readonly cuts: readonly Cut[];
}

const MONTH_PARTITION = /^audit_record_y(\d{4})m(\d{2})$/;
// Any constant shared by all instances, apart from the migration lock.
const RETENTION_LOCK = 3473;

/** Makes the partitions of this month and the next two, where missing. */
export async function ensurePartitions(db: Db, now = new Date()): Promise<void> {
  await db.query(
    "SELECT audit_month_partition($1::timestamptz), audit_month_partition($1::timestamptz + interval '1 month'), audit_month_partition($1::timestamptz + interval '2 months')",
    [now.toISOString()],
  );
}

/**
 * Drops every month older than `months` before the current one (0 keeps everything), oldest first,
 * each in a transaction of its own that records it. Instances sharing the database take turns.
 */
export async function applyRetention(
  db: Db,
  { months, actor, now = new Date() }: { months: number; actor: string; now?: Date },
): Promise<RetentionOperation[]> {
  if (months <= 0) return [];
  const cutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  const partitions = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'audit_record'::regclass ORDER BY c.relname`,
  );
  const done: RetentionOperation[] = [];
  for (const { name } of partitions) {
    const match = MONTH_PARTITION.exec(name);
    if (match === null) continue;
    const month = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
    if (month >= cutoff) continue;
    const operation = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [RETENTION_LOCK]);
      const [still] = await tx.query<{ there: string | null }>('SELECT to_regclass($1)::text AS there', [name]);
      if (still?.there === null || still?.there === undefined) return undefined;
      // The partition's name comes from the catalogue and matched the month pattern: safe to quote.
      const [counted] = await tx.query<{ n: string | number }>(`SELECT count(*) AS n FROM "${name}"`);
      const cuts = (
        await tx.query<{ chain: string; seq: string | number; hash: string }>(
          `SELECT DISTINCT ON (chain) chain, seq, hash FROM "${name}" WHERE chain IS NOT NULL ORDER BY chain, seq DESC`,
        )
      ).map((c) => ({ chain: c.chain, seq: Number(c.seq), hash: c.hash }));
      const [row] = await tx.query<{ at: Date }>(
        'INSERT INTO audit_retention (actor, partition, month, records, cuts) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING at',
        [actor, name, month.toISOString().slice(0, 10), Number(counted?.n ?? 0), JSON.stringify(cuts)],
      );
      await tx.query(`DROP TABLE "${name}"`);
      return {
        at: new Date(row?.at ?? Date.now()).toISOString(),
        actor,
        partition: name,
        month: month.toISOString().slice(0, 7),
        records: Number(counted?.n ?? 0),
        cuts,
      };
    });
    if (operation) done.push(operation);
  }
  return done;
}

export async function listRetention(db: Db): Promise<RetentionOperation[]> {
  const rows = await db.query<{ at: Date; actor: string; partition: string; month: Date | string; records: string | number; cuts: Cut[] }>(
    'SELECT at, actor, partition, month, records, cuts FROM audit_retention ORDER BY id',
  );
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    partition: r.partition,
    month: new Date(r.month).toISOString().slice(0, 7),
    records: Number(r.records),
    cuts: r.cuts,
  }));
}
