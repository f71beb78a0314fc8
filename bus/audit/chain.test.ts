/**
 * The chain as evidence: whatever is written through the audit writer verifies, and any change made
 * behind the bus's back (a record modified, deleted, inserted or moved; a checkpoint forged or signed
 * by an unknown key) is found and named. The tampering goes around the append-only triggers as a
 * database superuser could.
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openStorage, type Db } from '../storage/index.ts';
import { canonicalRecord, createVerifier, signingKey, type VerifyReport } from './chain.ts';
import { readEvidence } from './evidence.ts';
import { applyRetention, listRetention } from './retention.ts';
import { createAuditStore } from './store.ts';
import { createAuditWriter, Decision, type AuditRecord } from './writer.ts';

function record(i: number): AuditRecord {
  return {
    id: randomUUID(),
    time: new Date(Date.UTC(2026, 10, 1, 8, 0, 0, i)),
    requestId: `r-${i}`,
    aisId: 900002,
    ovm: '00064581',
    agenda: 'A121',
    role: 'CR1001',
    auditUserId: `referent.${i % 7}`,
    service: 'rob',
    serviceMajor: 1,
    operation: 'RobCtiAifo',
    protocol: 'soap',
    mode: 'sync',
    decision: i % 5 === 0 ? Decision.REFUSED : Decision.PERMITTED,
    legalBasis: ['zákon č. 111/2009 Sb.'],
    authorisations: ['a121-rob'],
    dataItems: ['Jmeno', 'Prijmeni'],
    refusedItems: [],
    subjects: [`AIFO-${i % 13}`],
    status: i % 5 === 0 ? 403 : 200,
    requestBytes: 100 + i,
    responseBytes: 200 + i,
    latencyMs: 1.25 + i / 1000,
  };
}

async function writeBatches(db: Db, sizes: readonly number[], signer = signingKey()): Promise<number> {
  const writer = createAuditWriter({ db, signer, checkpointEvery: 7 });
  let n = 0;
  for (const size of sizes) await Promise.all(Array.from({ length: size }, () => writer.write(record(n++))));
  await writer.drain();
  return n;
}

async function verify(db: Db, trustedKeys?: string[]): Promise<VerifyReport> {
  const verifier = createVerifier({ fromStart: true, ...(trustedKeys ? { trustedKeys } : {}) });
  for await (const line of readEvidence(db)) verifier.add(line);
  return verifier.finish();
}

/** As a superuser would: with the append-only triggers out of the way. */
async function behindTheBusBack(db: Db, work: () => Promise<unknown>): Promise<void> {
  await db.query('ALTER TABLE audit_record DISABLE TRIGGER USER');
  await db.query('ALTER TABLE audit_checkpoint DISABLE TRIGGER USER');
  try {
    await work();
  } finally {
    await db.query('ALTER TABLE audit_record ENABLE TRIGGER USER');
    await db.query('ALTER TABLE audit_checkpoint ENABLE TRIGGER USER');
  }
}

const Tamper = ['modify', 'delete', 'insert', 'swap'] as const;

describe('the audit hash chain', () => {
  it('verifies what the writer wrote, and finds any record modified, deleted, inserted or moved', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 2, maxLength: 6 }),
        fc.constantFrom(...Tamper),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (sizes, tamper, where) => {
          const db = await openStorage({ inMemory: true });
          try {
            const total = await writeBatches(db, sizes);
            const clean = await verify(db);
            expect(clean).toMatchObject({ ok: true, records: total, unchained: 0, chains: 1 });
            expect(clean.checkpoints.verified).toBeGreaterThan(0);
            const [{ chain } = { chain: '' }] = await db.query<{ chain: string }>('SELECT chain FROM audit_record LIMIT 1');
            const seq = Math.max(1, Math.floor(where * total)) + (tamper === 'swap' && Math.floor(where * total) + 1 >= total ? -1 : 0);
            await behindTheBusBack(db, async () => {
              switch (tamper) {
                case 'modify':
                  return db.query("UPDATE audit_record SET audit_user_id = 'someone.else' WHERE chain = $1 AND seq = $2", [chain, seq]);
                case 'delete':
                  return db.query('DELETE FROM audit_record WHERE chain = $1 AND seq = $2', [chain, seq]);
                case 'insert': {
                  // A record slipped in at `seq`: the later ones move up, and the newcomer links to its predecessor.
                  await db.query('UPDATE audit_record SET seq = -seq WHERE chain = $1 AND seq >= $2', [chain, seq]);
                  await db.query('UPDATE audit_record SET seq = 1 - seq WHERE chain = $1 AND seq < 0', [chain]);
                  const [prev] = await db.query<{ hash: string }>('SELECT hash FROM audit_record WHERE chain = $1 AND seq = $2', [
                    chain,
                    seq - 1,
                  ]);
                  const forged = { ...record(999), id: randomUUID() };
                  const row = (await import('./chain.ts')).linkHash(prev?.hash ?? '0'.repeat(64), toRowLike(forged));
                  return db.query(
                    `INSERT INTO audit_record (id, time, request_id, ais_id, decision, status, latency_ms, mode, chain, seq, prev_hash, hash)
                     VALUES ($1, $2, $3, $4, 'permitted', 200, $5, 'sync', $6, $7, $8, $9)`,
                    [
                      forged.id,
                      forged.time.toISOString(),
                      forged.requestId,
                      forged.aisId,
                      forged.latencyMs,
                      chain,
                      seq,
                      prev?.hash ?? '',
                      row,
                    ],
                  );
                }
                case 'swap': {
                  // Two neighbours change places, each keeping its hash fields where they were.
                  const [a, b] = await db.query<{ id: string; seq: string }>(
                    'SELECT id, seq FROM audit_record WHERE chain = $1 AND seq IN ($2, $3) ORDER BY seq',
                    [chain, seq, seq + 1],
                  );
                  await db.query('UPDATE audit_record SET seq = -seq WHERE id = $1', [a?.id]);
                  await db.query('UPDATE audit_record SET seq = $2 WHERE id = $1', [b?.id, seq]);
                  return db.query('UPDATE audit_record SET seq = $2 WHERE id = $1', [a?.id, seq + 1]);
                }
              }
            });
            const found = await verify(db);
            expect(found.ok).toBe(false);
            expect(found.problems[0]?.seq).toBeLessThanOrEqual(seq + 1);
            expect(found.problems[0]?.seq).toBeGreaterThanOrEqual(seq);
          } finally {
            await db.close();
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);

  it('finds a forged checkpoint, one signed by a key it was not told to trust, and records gone after the last checkpoint', async () => {
    const db = await openStorage({ inMemory: true });
    try {
      const signer = signingKey();
      await writeBatches(db, [5, 5, 5], signer);
      expect((await verify(db, [signer.publicKey])).ok).toBe(true);

      const [head] = await db.query<{ chain: string; seq: string }>('SELECT chain, max(seq) AS seq FROM audit_record GROUP BY chain');
      await behindTheBusBack(db, () =>
        db.query("UPDATE audit_checkpoint SET hash = repeat('ab', 32) WHERE chain = $1 AND seq = $2", [head?.chain, head?.seq]),
      );
      expect((await verify(db)).problems.map((p) => p.kind)).toContain('checkpoint-forged');

      // A checkpoint re-signed by an intruder's own key verifies only for a reader who trusts any key on record.
      const intruder = signingKey();
      await db.query('INSERT INTO audit_key (id, public_key) VALUES ($1, $2)', [intruder.id, intruder.publicKey]);
      await behindTheBusBack(db, async () => {
        const [cp] = await db.query<{ at: Date }>('SELECT at FROM audit_checkpoint WHERE chain = $1 AND seq = $2', [
          head?.chain,
          head?.seq,
        ]);
        const { checkpointText } = await import('./chain.ts');
        const text = checkpointText({
          chain: head?.chain ?? '',
          seq: Number(head?.seq),
          hash: 'ab'.repeat(32),
          at: new Date(cp?.at ?? 0).toISOString(),
        });
        await db.query('UPDATE audit_checkpoint SET key_id = $3, signature = $4 WHERE chain = $1 AND seq = $2', [
          head?.chain,
          head?.seq,
          intruder.id,
          intruder.sign(text),
        ]);
      });
      expect((await verify(db, [signer.publicKey])).problems.map((p) => p.kind)).toContain('untrusted-key');
      expect((await verify(db)).problems.map((p) => p.kind)).toContain('checkpoint-mismatch');
    } finally {
      await db.close();
    }

    const db2 = await openStorage({ inMemory: true });
    try {
      await writeBatches(db2, [4, 4]);
      await behindTheBusBack(db2, () => db2.query('DELETE FROM audit_record WHERE seq = (SELECT max(seq) FROM audit_record)'));
      expect((await verify(db2)).problems.map((p) => p.kind)).toContain('missing');
    } finally {
      await db2.close();
    }
  });

  it('verifies across a key rotation, each checkpoint with the key that signed it', async () => {
    const db = await openStorage({ inMemory: true });
    try {
      const old = signingKey();
      const fresh = signingKey();
      await writeBatches(db, [3, 3], old);
      // The bus restarted with a new key file: a new writer, a new chain, checkpoints under the new key.
      await writeBatches(db, [3], fresh);
      const both = await verify(db, [old.publicKey, fresh.publicKey]);
      expect(both).toMatchObject({ ok: true, chains: 2, records: 9 });
      const onlyNew = await verify(db, [fresh.publicKey]);
      expect(onlyNew.problems.length).toBeGreaterThan(0);
      expect(new Set(onlyNew.problems.map((p) => p.kind))).toEqual(new Set(['untrusted-key']));
    } finally {
      await db.close();
    }
  });

  it('keeps months: retention drops old ones on record and verification goes on after the cut; an unrecorded drop is found', async () => {
    const db = await openStorage({ inMemory: true });
    try {
      for (const month of ['2026-01-15', '2026-02-15', '2026-11-15'])
        await db.query('SELECT audit_month_partition($1::timestamptz)', [month]);
      const writer = createAuditWriter({ db, signer: signingKey(), checkpointEvery: 4 });
      const at = (iso: string, i: number): AuditRecord => ({ ...record(i), time: new Date(Date.parse(iso) + i) });
      let i = 0;
      for (const month of ['2026-01-10T08:00:00Z', '2026-02-10T08:00:00Z', '2026-11-10T08:00:00Z'])
        for (let k = 0; k < 5; k++) await writer.write(at(month, i++));
      await writer.drain();
      expect((await verify(db)).ok).toBe(true);

      const dropped = await applyRetention(db, { months: 3, actor: 'test', now: new Date('2026-05-10T00:00:00Z') });
      expect(dropped.map((d) => [d.month, d.records])).toEqual([['2026-01', 5]]);
      expect(dropped[0]?.cuts).toEqual([expect.objectContaining({ seq: 5 })]);
      expect((await listRetention(db)).map((o) => o.partition)).toEqual(['audit_record_y2026m01']);
      const after = await verify(db);
      expect(after).toMatchObject({ ok: true, records: 10 });
      expect(after.checkpoints.outsideRange).toBeGreaterThan(0);

      // A month dropped without the record of it: the gap is named.
      await db.query('DROP TABLE audit_record_y2026m02');
      const gap = await verify(db);
      expect(gap.ok).toBe(false);
      expect(gap.problems[0]).toMatchObject({ kind: 'missing', seq: 11 });
      await expect(db.query('DELETE FROM audit_retention')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await db.close();
    }
  });

  it('keeps per-day, per-service figures in step with the records', async () => {
    const db = await openStorage({ inMemory: true });
    try {
      await db.query("SELECT audit_month_partition('2026-11-01T00:00:00Z')");
      await writeBatches(db, [10, 15]);
      const [day] = await createAuditStore({ db }).daily({ from: '2026-11-01', to: '2026-11-30' });
      const [counted] = await db.query<{ calls: number; refused: number }>(
        "SELECT count(*)::int AS calls, (count(*) FILTER (WHERE status BETWEEN 400 AND 499))::int AS refused FROM audit_record WHERE service = 'rob'",
      );
      expect(day).toMatchObject({
        day: '2026-11-01',
        service: 'rob',
        version: 1,
        calls: counted?.calls,
        refused: counted?.refused,
        failed: 0,
        availability: 1,
      });
      expect(day?.p95Ms).toBe(2.5);
    } finally {
      await db.close();
    }
  });

  it('is append-only for whoever writes through the bus: no update, delete or truncate', async () => {
    const db = await openStorage({ inMemory: true });
    try {
      await writeBatches(db, [3]);
      for (const statement of [
        "UPDATE audit_record SET audit_user_id = 'x'",
        'DELETE FROM audit_record',
        'TRUNCATE audit_record',
        'DELETE FROM audit_checkpoint',
        'DELETE FROM audit_key',
      ])
        await expect(db.query(statement), statement).rejects.toMatchObject({ code: '42501' });
    } finally {
      await db.close();
    }
  });

  it('hashes a record the same however its values come back from the database', () => {
    const row = toRowLike(record(3));
    expect(canonicalRecord({ ...row, time: new Date(row.time as string) })).toBe(canonicalRecord(row));
  });
});

/** The columns of a record as the writer stores them (the subset the forged insert sets, the rest null). */
function toRowLike(r: AuditRecord): Parameters<typeof canonicalRecord>[0] {
  return {
    id: r.id,
    time: r.time.toISOString(),
    request_id: r.requestId,
    ais_id: r.aisId ?? null,
    ovm: null,
    agenda: null,
    role: null,
    audit_user_id: null,
    purpose: null,
    service: null,
    service_major: null,
    operation: null,
    protocol: null,
    mode: 'sync',
    decision: 'permitted',
    legal_basis: [],
    authorisations: [],
    data_items: [],
    refused_items: [],
    subjects: [],
    provider_ais: null,
    endpoint: null,
    status: 200,
    code: null,
    request_bytes: 0,
    response_bytes: 0,
    latency_ms: r.latencyMs,
    cause: null,
  };
}
