/**
 * `npm run bench:audit` (not part of `npm test`): the audit writer alone on PostgreSQL, without HTTP
 * or a provider. `BENCH_CONCURRENCY` callers each write a record and wait for its commit, over and
 * over, for `BENCH_DURATION_MS`; the figures are records/s, records per commit and the p50/p99 wait
 * for a commit. It shows the ceiling the audit puts on calls per second, whatever the rest costs.
 * `BENCH_SQL` runs statements after the migrations, to try a schema change (`DROP INDEX …`).
 */
import { randomUUID } from 'node:crypto';
import { createAuditWriter, Decision, type AuditRecord } from '../../bus/audit/index.ts';
import { openStorage } from '../../bus/storage/index.ts';
import { createTestDatabase } from '../postgres.ts';
import { BENCH_DATABASE_URL } from './children.ts';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

function record(): AuditRecord {
  return {
    id: randomUUID(),
    time: new Date(),
    requestId: randomUUID(),
    aisId: 1,
    ovm: '00064581',
    agenda: 'A121',
    role: 'CR1001',
    auditUserId: 'bench@praha.example',
    service: 'demo-persons',
    serviceMajor: 1,
    operation: 'ctiOsobu',
    protocol: 'json',
    mode: 'sync',
    decision: Decision.PERMITTED,
    legalBasis: ['111/2009 Sb. §18'],
    authorisations: ['A121/CR1001/demo-persons'],
    dataItems: ['rob.jmeno', 'rob.prijmeni', 'rob.datumNarozeni'],
    refusedItems: [],
    subjects: ['aifo:1234567'],
    providerAis: 2,
    endpoint: 'http://127.0.0.1:1/persons',
    status: 200,
    requestBytes: 40,
    responseBytes: 200,
    latencyMs: 1.5,
  };
}

const database = await createTestDatabase(BENCH_DATABASE_URL);
const db = await openStorage({ databaseUrl: database.url });
try {
  for (const sql of (process.env.BENCH_SQL ?? '').split(';').filter((x) => x.trim())) await db.query(sql);
  const audit = createAuditWriter({ db });
  const waits: number[] = [];
  const end = performance.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await audit.write(record());
        waits.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await audit.drain();
  waits.sort((a, b) => a - b);
  const at = (q: number) => waits[Math.min(waits.length - 1, Math.floor(q * waits.length))] ?? NaN;
  const { records, batches } = audit.stats;
  console.log(
    `${CONCURRENCY} writers, ${(DURATION_MS / 1000).toFixed(0)} s: ${(records / seconds).toFixed(0)} records/s, ${(records / batches).toFixed(1)} records per commit, wait p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms`,
  );
} finally {
  await db.close();
  await database.drop();
}
