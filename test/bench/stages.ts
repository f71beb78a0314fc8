/**
 * `npx tsx test/bench/stages.ts` (not part of `npm test`): where one call's time goes at light load.
 * One connection sends calls one after another to the bus (PostgreSQL when reachable, else PGlite);
 * the bus's own metrics then split each call into the provider's part, the audit commit and the rest.
 */
import { Pool } from 'undici';
import { AIFO } from '../call-harness.ts';
import { createTestDatabase } from '../postgres.ts';
import { startBus, startChild, stopChild, BENCH_DATABASE_URL, benchHeaders } from './children.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 3000);
const database = await createTestDatabase(BENCH_DATABASE_URL).catch(() => undefined);
const provider = await startChild('provider-child.ts', {});
const bus = await startBus(String(provider.info.url), database ? { DATABASE_URL: database.url } : { EGSB_IN_MEMORY: '1' });
const { origin } = bus;
const pool = new Pool(origin, { connections: 1 });
const headers = benchHeaders({ 'content-type': 'application/json' });
const call = async (): Promise<number> => {
  const t = performance.now();
  const res = await pool.request({ path: '/rest/demo-persons/v1/ctiOsobu', method: 'POST', headers, body: JSON.stringify({ aifo: AIFO }) });
  await res.body.arrayBuffer();
  if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
  return performance.now() - t;
};
for (let i = 0; i < 500; i++) await call(); // warm-up
const metric = async (): Promise<string> => {
  const res = await pool.request({ path: '/metrics', method: 'GET', headers: { authorization: headers.authorization } });
  return res.body.text();
};
const sumCount = (text: string, name: string): { sum: number; count: number } => {
  const read = (suffix: string) =>
    [...text.matchAll(new RegExp(`^${name}_${suffix}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
  return { sum: read('sum'), count: read('count') };
};
const before = await metric();
const times: number[] = [];
for (let i = 0; i < CALLS; i++) times.push(await call());
const after = await metric();
const delta = (name: string) => {
  const a = sumCount(after, name);
  const b = sumCount(before, name);
  return { ms: ((a.sum - b.sum) * 1000) / Math.max(1, a.count - b.count), n: a.count - b.count };
};
times.sort((a, b) => a - b);
const client = times.reduce((a, b) => a + b, 0) / times.length;
const callAt = delta('egsb_call_duration_seconds');
const providerAt = delta('egsb_provider_duration_seconds');
const commit = delta('egsb_audit_commit_duration_seconds');
const row = (what: string, ms: number) => `| ${what} | ${ms.toFixed(3)} |`;
console.log(`\n${CALLS} JSON calls on one connection, ${database ? 'PostgreSQL' : 'PGlite'}\n\n| stage (mean) | ms |\n|---|---:|`);
console.log(row('client round trip', client));
console.log(row('bus: call as measured by the bus', callAt.ms));
console.log(row('  of which the provider exchange', providerAt.ms));
console.log(row('  of which the audit commit (per batch)', commit.ms));
console.log(row('  the rest (parse, checks, authorisation, validation, filtering, answer)', callAt.ms - providerAt.ms - commit.ms));
console.log(`client p50 ${(times[Math.floor(times.length / 2)] ?? 0).toFixed(3)} ms; batches ${commit.n} for ${callAt.n} calls`);
await pool.close();
await bus.close();
provider.child.kill();
await database?.drop();
