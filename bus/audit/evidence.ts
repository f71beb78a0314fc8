/**
 * The audit's evidence, read for verification: the signing keys' public halves, the chains, their
 * signed checkpoints, then the records by chain and place, one line at a time so that a month streams
 * in bounded memory. Over a time range, the records of that range and every checkpoint of their chains.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Db } from '../storage/index.ts';
import { CHAINED_COLUMNS, type EvidenceLine, type RecordRow } from './chain.ts';

export interface EvidenceRange {
  readonly from?: Date;
  readonly to?: Date;
}

const PAGE = 1000;

export async function* readEvidence(db: Db, range: EvidenceRange = {}): AsyncGenerator<EvidenceLine> {
  const reads = db.reads;
  for (const k of await reads.query<{ id: string; public_key: string }>('SELECT id, public_key FROM audit_key ORDER BY created_at, id'))
    yield { kind: 'key', id: k.id, publicKey: k.public_key };
  const where: string[] = [];
  const params: unknown[] = [];
  if (range.from) where.push(`time >= $${params.push(range.from.toISOString())}`);
  if (range.to) where.push(`time < $${params.push(range.to.toISOString())}`);
  const inRange = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const chainFilter = where.length > 0 ? `WHERE c.id IN (SELECT DISTINCT chain FROM audit_record ${inRange} AND chain IS NOT NULL)` : '';
  const chains = await reads.query<{ id: string; started_at: Date; writer: string }>(
    `SELECT c.id, c.started_at, c.writer FROM audit_chain c ${chainFilter} ORDER BY c.id`,
    params,
  );
  for (const c of chains) yield { kind: 'chain', id: c.id, startedAt: new Date(c.started_at).toISOString(), writer: c.writer };
  const ids = chains.map((c) => c.id);
  if (ids.length > 0) {
    const checkpoints = await reads.query<{
      chain: string;
      seq: string | number;
      hash: string;
      at: Date;
      key_id: string;
      signature: string;
    }>('SELECT chain, seq, hash, at, key_id, signature FROM audit_checkpoint WHERE chain = ANY($1::text[]) ORDER BY chain, seq', [ids]);
    for (const c of checkpoints)
      yield {
        kind: 'checkpoint',
        chain: c.chain,
        seq: Number(c.seq),
        hash: c.hash,
        at: new Date(c.at).toISOString(),
        keyId: c.key_id,
        signature: c.signature,
      };
  }
  // Where retention cut each chain: its records up to there were dropped with their month, on record.
  const cutAt = new Map<string, { seq: number; hash: string }>();
  for (const { cuts } of await reads.query<{ cuts: { chain: string; seq: number; hash: string }[] }>(
    'SELECT cuts FROM audit_retention ORDER BY id',
  ))
    for (const cut of cuts) if ((cutAt.get(cut.chain)?.seq ?? -1) < cut.seq) cutAt.set(cut.chain, { seq: cut.seq, hash: cut.hash });
  for (const [chain, cut] of cutAt) yield { kind: 'cut', chain, seq: cut.seq, hash: cut.hash };
  // Records from before the chain began come first, then each chain in order; paged by key.
  const columns = `${CHAINED_COLUMNS.join(', ')}, chain, seq, prev_hash, hash`;
  let after: { chain: string; seq: number } | undefined;
  let unchainedAfter: { time: string; id: string } | undefined;
  for (;;) {
    const p = [...params];
    const conditions = [...where, 'chain IS NULL'];
    if (unchainedAfter) conditions.push(`(time, id) > ($${p.push(unchainedAfter.time)}::timestamptz, $${p.push(unchainedAfter.id)}::uuid)`);
    const rows = await reads.query<Row>(
      `SELECT ${columns} FROM audit_record WHERE ${conditions.join(' AND ')} ORDER BY time, id LIMIT ${PAGE}`,
      p,
    );
    for (const r of rows) yield recordLine(r);
    if (rows.length < PAGE) break;
    const lastRow = rows[rows.length - 1] as Row;
    unchainedAfter = { time: new Date(lastRow.time as string).toISOString(), id: String(lastRow.id) };
    await yieldToLoop();
  }
  for (;;) {
    const p = [...params];
    const conditions = [...where, 'chain IS NOT NULL'];
    if (after) conditions.push(`(chain, seq) > ($${p.push(after.chain)}, $${p.push(after.seq)})`);
    const rows = await reads.query<Row>(
      `SELECT ${columns} FROM audit_record WHERE ${conditions.join(' AND ')} ORDER BY chain, seq LIMIT ${PAGE}`,
      p,
    );
    for (const r of rows) yield recordLine(r);
    if (rows.length < PAGE) break;
    const lastRow = rows[rows.length - 1] as Row;
    after = { chain: String(lastRow.chain), seq: Number(lastRow.seq) };
    // Let other requests be served between pages (PGlite answers on this thread).
    await yieldToLoop();
  }
}

type Row = Record<string, unknown>;

function recordLine(r: Row): EvidenceLine {
  const row: Record<string, unknown> = {};
  for (const column of CHAINED_COLUMNS) row[column] = column === 'time' ? new Date(r.time as string).toISOString() : r[column];
  return {
    kind: 'record',
    chain: (r.chain as string | null) ?? null,
    seq: r.seq === null || r.seq === undefined ? null : Number(r.seq),
    prevHash: (r.prev_hash as string | null) ?? null,
    hash: (r.hash as string | null) ?? null,
    row: row as RecordRow,
  };
}
