/**
 * `npm run bench:async`: asynchronous calls through the whole acceptance path (identity, context,
 * authorisation, validation, JetStream publish with its acknowledgement, ticket and audit records on
 * PostgreSQL) and then end to end with a fast provider. Two runs, each on a fresh database and NATS
 * prefix:
 *  - accepted/s: a bus that only accepts (EGSB_ASYNC_DISPATCH=0), so the figure is the acceptance alone;
 *  - completed/s: a bus that accepts and delivers; the clock runs from the first submission until the
 *    last ticket is finished.
 * Both end by counting: every accepted ticket must be recorded, and in the second run finished.
 * Needs nats-server (NATS_URL, default local) and PostgreSQL (EGSB_BENCH_DATABASE_URL or the test one).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Pool } from 'undici';
import { AIFO } from '../call-harness.ts';
import { createTestDatabase } from '../postgres.ts';
import { startBus, startChild, stopChild, BENCH_DATABASE_URL, benchHeaders } from './children.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 128);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
/** Another build to measure in turn with this one (`BENCH_BASELINE=<checkout>/dist/bus/main.js`), as `npm run bench` does. */
const BASELINE = process.env.BENCH_BASELINE;
const NATS = process.env.NATS_URL || 'nats://127.0.0.1:4222';

const headers = benchHeaders({ 'content-type': 'application/json', prefer: 'respond-async' });
const body = JSON.stringify({ aifo: AIFO });

/** Sends `count` asynchronous calls; returns how many were accepted and how long that took. */
async function submit(
  origin: string,
  count: number,
  tag: string,
): Promise<{ accepted: number; refused: Map<string, number>; seconds: number }> {
  const pool = new Pool(origin, { connections: CONCURRENCY, pipelining: 1 });
  let next = 0;
  let accepted = 0;
  const refused = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const res = await pool.request({
          path: '/rest/demo-persons/v1/ctiOsobu',
          method: 'POST',
          headers: { ...headers, 'x-request-id': `${tag}-${i}` },
          body,
        });
        const text = await res.body.text();
        if (res.statusCode === 202) accepted++;
        else {
          const code = /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? String(res.statusCode);
          refused.set(code, (refused.get(code) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { accepted, refused, seconds };
}

async function counts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM async_call GROUP BY status');
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  } finally {
    await client.end();
  }
}

async function run(name: string, dispatch: boolean, providerUrl: string, main?: string): Promise<string> {
  const database = await createTestDatabase(BENCH_DATABASE_URL);
  const env = {
    DATABASE_URL: database.url,
    NATS_URL: NATS,
    EGSB_NATS_PREFIX: `bench${randomBytes(4).toString('hex')}`,
    EGSB_ASYNC_DISPATCH: dispatch ? '1' : '0',
  };
  const bus = await startBus(providerUrl, env, { modes: ['sync', 'async'] }, main);
  const { origin } = bus;
  try {
    await new Promise((r) => setTimeout(r, 1000)); // JetStream streams set up in the background
    await submit(origin, 500, 'warm'); // JIT, pools, the consumer
    const started = performance.now();
    const sent = await submit(origin, CALLS, 'bench');
    let state = await counts(database.url);
    if (dispatch) {
      const deadline = Date.now() + 300_000;
      while ((state.queued ?? 0) + (state.running ?? 0) > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        state = await counts(database.url);
      }
    }
    const total = (performance.now() - started) / 1000;
    const recorded = Object.values(state).reduce((a, b) => a + b, 0) - 500;
    const finished = (state.succeeded ?? 0) + (state.failed ?? 0) - 500;
    const stats = await bus.stop();
    const lost = sent.accepted - (dispatch ? finished : recorded);
    return [
      `${name}: ${sent.accepted} of ${CALLS} accepted in ${sent.seconds.toFixed(2)} s = ${Math.round(sent.accepted / sent.seconds)} accepted/s` +
        (dispatch
          ? `; all finished after ${total.toFixed(2)} s = ${Math.round(finished / total)} completed/s (${state.failed ?? 0} failed)`
          : ''),
      `  lost: ${lost}; refused: ${JSON.stringify(Object.fromEntries(sent.refused))}; bus peak RSS ${Math.round(Number(stats.maxRssBytes ?? 0) / 1048576)} MiB`,
    ].join('\n');
  } finally {
    await bus.close();
    await database.drop().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const provider = await startChild('provider-child.ts', {});
  try {
    console.log(`asynchronous calls: ${CALLS} per run, ${CONCURRENCY} connections, JSON, PostgreSQL, nats-server at ${NATS}`);
    // With a baseline build, the two take turns, round after round: figures differ between runs far more than within one.
    const builds: [string, string | undefined][] = [['', undefined], ...(BASELINE ? [[' (baseline)', BASELINE] as [string, string]] : [])];
    for (let round = 0; round < ROUNDS; round++)
      for (const [mark, main] of builds) {
        console.log(await run(`accept only${mark}`, false, String(provider.info.url), main));
        console.log(await run(`accept and deliver${mark}`, true, String(provider.info.url), main));
      }
  } finally {
    await stopChild(provider.child);
  }
}

await main();
