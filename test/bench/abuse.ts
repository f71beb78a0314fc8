/**
 * `npm run bench:abuse`: a well-behaved reader's latency (p50/p99 of sequential small calls) and
 * `/healthz` latency while another caller attacks the bus, with the defences on and off:
 * - heavy: four maximal (10 MiB) valid messages at a time, checked by the worker threads, or
 *   on the event loop with EGSB_CHECK_THREADS=0;
 * - flood: an AIS sending 32 calls at a time, limited to 50/s (burst 100), or unlimited;
 * - anonymous: 32 requests at a time without credentials, limited per address, or unlimited;
 * - redos: 32 calls at a time whose 10,000-character field meets a publisher's `^(a+)+$` pattern
 *   (linear with RE2 either way: the backtracking engine is gone, so "off" runs RE2 too);
 * - audit: 8 full CSV exports of the audit trail at a time by the operator (PGlite: one connection).
 * The bus and the provider each run in their own process; this one only generates load.
 */
import { Pool } from 'undici';
import { ADMIN, AIFO, bulkRequest, bulkUpload, PUBLISHER_KEY } from '../call-harness.ts';
import { startBus, startChild, stopChild, benchHeaders } from './children.ts';

const ATTACK_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const reader = benchHeaders({ 'content-type': 'application/json' });
const small = JSON.stringify({ aifo: AIFO });

interface Row {
  readonly defences: string;
  readonly attack: string;
  readonly readerP50: number;
  readonly readerP99: number;
  readonly readerFailed: number;
  readonly healthP99: number;
  readonly healthMax: number;
  readonly attackerCalls: number;
  readonly attackerLimited: number;
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

async function admin(origin: string, path: string, method: string, body: unknown, key = ADMIN): Promise<Record<string, unknown>> {
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function run(defences: boolean, providerUrl: string): Promise<Row[]> {
  const env: Record<string, string> = defences
    ? { EGSB_IN_MEMORY: '1' }
    : { EGSB_IN_MEMORY: '1', EGSB_CHECK_THREADS: '0', EGSB_ANONYMOUS_RATE_PER_SECOND: '1000000', EGSB_ANONYMOUS_RATE_BURST: '1000000' };
  const bus = await startBus(providerUrl, env);
  const { origin } = bus;
  try {
    await admin(origin, '/publish', 'POST', await bulkUpload(providerUrl), PUBLISHER_KEY);
    await admin(origin, '/publish', 'POST', await bulkUpload(providerUrl, { code: 'redos-persons', pattern: '^(a+)+$' }), PUBLISHER_KEY);
    await admin(origin, '/admin/ais/900004', 'PUT', {
      name: 'Attacking reader (bench)',
      operatorOvm: '00064581',
      actsFor: ['00064581'],
      agendas: ['A121'],
      ...(defences ? { rateLimit: { perSecond: 50, burst: 100 } } : {}),
    });
    const { apiKey } = (await admin(origin, '/admin/ais/900004/credentials', 'POST', { kind: 'api-key' })) as { apiKey: string };
    await new Promise((r) => setTimeout(r, 1500)); // the registry view refreshes
    const heavyBody = bulkRequest(10 * 1024 * 1024 - 4096);
    const attacks: Record<string, { concurrency: number; method?: 'GET'; path: string; headers: Record<string, string>; body: string }> = {
      none: { concurrency: 0, path: '', headers: {}, body: '' },
      heavy: {
        concurrency: 4,
        path: '/rest/bulk-persons/v1/ctiOsobu',
        headers: { ...reader, authorization: `Bearer ${apiKey}` },
        body: heavyBody,
      },
      flood: {
        concurrency: 32,
        path: '/rest/demo-persons/v1/ctiOsobu',
        headers: { ...reader, authorization: `Bearer ${apiKey}` },
        body: small,
      },
      anonymous: { concurrency: 32, path: '/rest/demo-persons/v1/ctiOsobu', headers: { 'content-type': 'application/json' }, body: small },
      redos: {
        concurrency: 32,
        path: '/rest/redos-persons/v1/ctiOsobu',
        headers: { ...reader, authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ aifo: AIFO, poznamky: [{ k: `${'a'.repeat(10_000)}!` }] }),
      },
      audit: { concurrency: 8, method: 'GET', path: '/audit?format=csv', headers: { authorization: `Bearer ${ADMIN}` }, body: '' },
    };
    const rows: Row[] = [];
    for (const [attack, spec] of Object.entries(attacks)) {
      const pool = new Pool(origin, { connections: 40 });
      const end = performance.now() + ATTACK_MS;
      let attackerCalls = 0;
      let attackerLimited = 0;
      const attacker = async (): Promise<void> => {
        while (performance.now() < end) {
          const res = await pool.request(
            spec.method === 'GET'
              ? { path: spec.path, method: 'GET', headers: spec.headers }
              : { path: spec.path, method: 'POST', headers: spec.headers, body: spec.body },
          );
          await res.body.arrayBuffer();
          attackerCalls++;
          if (res.statusCode === 429) attackerLimited++;
        }
      };
      const attackers = Promise.all(Array.from({ length: spec.concurrency }, attacker));
      await new Promise((r) => setTimeout(r, 200));
      const latencies: number[] = [];
      const health: number[] = [];
      let failed = 0;
      const probe = (async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          const res = await pool.request({ path: '/healthz', method: 'GET' });
          await res.body.arrayBuffer();
          health.push(performance.now() - t0);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await pool.request({ path: '/rest/demo-persons/v1/ctiOsobu', method: 'POST', headers: reader, body: small });
        await res.body.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.statusCode !== 200) failed++;
      }
      await Promise.all([attackers, probe]);
      await pool.close();
      rows.push({
        defences: defences ? 'on' : 'off',
        attack,
        readerP50: quantile(latencies, 0.5),
        readerP99: quantile(latencies, 0.99),
        readerFailed: failed,
        healthP99: quantile(health, 0.99),
        healthMax: Math.max(...health),
        attackerCalls,
        attackerLimited,
      });
    }
    return rows;
  } finally {
    await bus.close();
  }
}

const provider = await startChild('provider-child.ts', {});
const providerUrl = String(provider.info.url);
const rows = [...(await run(true, providerUrl)), ...(await run(false, providerUrl))];
await stopChild(provider.child);
const ms = (v: number): string => v.toFixed(1).padStart(8);
console.log('defences  attack      reader p50  reader p99  failed  healthz p99  healthz max  attacker calls (429)');
for (const r of rows) {
  console.log(
    `${r.defences.padEnd(9)} ${r.attack.padEnd(10)} ${ms(r.readerP50)} ms ${ms(r.readerP99)} ms ${String(r.readerFailed).padStart(6)}  ` +
      `${ms(r.healthP99)} ms  ${ms(r.healthMax)} ms  ${r.attackerCalls} (${r.attackerLimited})`,
  );
}
