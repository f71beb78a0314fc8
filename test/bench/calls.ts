/**
 * `npm run bench`: calls per second and p50/p99 latency for a minimal provider called directly,
 * through nginx when installed, and through the bus with the full pipeline (identity, context,
 * authorisation, validation both ways, filtering, durable audit) for JSON and SOAP, on the embedded
 * PGlite and on PostgreSQL when one is reachable. The provider and the bus each run in their own
 * process; this one only generates load.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { AIFO, READER_KEY, soapEnvelope } from '../call-harness.ts';
import { createTestDatabase } from '../postgres.ts';
import { startChild, stopChild } from './children.ts';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

interface Result {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly lightP50: number;
  readonly errors: number;
}

async function load(
  origin: string,
  path: string,
  headers: Record<string, string>,
  body: string,
  concurrency: number,
  durationMs: number,
): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const res = await pool.request({ path, method: 'POST', headers, body });
        await res.body.arrayBuffer();
        if (res.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors };
}

async function measure(name: string, origin: string, path: string, headers: Record<string, string>, body: string): Promise<Result> {
  await load(origin, path, headers, body, 4, 500); // warm-up: JIT, pools, caches
  const heavy = await load(origin, path, headers, body, CONCURRENCY, DURATION_MS);
  const light = await load(origin, path, headers, body, 1, Math.min(DURATION_MS, 2000));
  return { name, rps: heavy.rps, p50: heavy.p50, p99: heavy.p99, lightP50: light.p50, errors: heavy.errors + light.errors };
}

const context = {
  authorization: `Bearer ${READER_KEY}`,
  'x-egsb-ovm': '00064581',
  'x-egsb-agenda': 'A121',
  'x-egsb-role': 'CR1001',
  'audit-user-id': 'bench@praha.example',
};
const jsonHeaders = { ...context, 'content-type': 'application/json' };
const jsonBody = JSON.stringify({ aifo: AIFO });
const soapHeaders = { ...context, 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:egsb:demo:persons:CtiOsobu"' };
const soapBody = soapEnvelope('1.1');

async function withNginx(providerUrl: string, run: (origin: string) => Promise<Result>): Promise<Result | undefined> {
  const binary = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
  if (binary === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'egsb-bench-nginx-'));
  const port = 18000 + Math.floor(Math.random() * 1000);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; upstream p { server ${new URL(providerUrl).host}; keepalive 64; }
  server { listen 127.0.0.1:${port}; location / { proxy_pass http://p; proxy_http_version 1.1; proxy_set_header Connection ""; } } }`,
  );
  const nginx = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  try {
    return await run(`http://127.0.0.1:${port}`);
  } finally {
    nginx.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh database on the benchmark's PostgreSQL, or none when no server answers. */
async function postgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const base = process.env.EGSB_BENCH_DATABASE_URL ?? process.env.EGSB_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';
  return createTestDatabase(base).catch(() => undefined);
}

async function main(): Promise<void> {
  const provider = await startChild('provider-child.ts', {});
  const providerUrl = String(provider.info.url);
  const results: Result[] = [];
  const memory: string[] = [];
  try {
    results.push(await measure('provider directly (JSON)', providerUrl, '/persons', { 'content-type': 'application/json' }, jsonBody));
    const viaNginx = await withNginx(providerUrl, (origin) =>
      measure('nginx proxy_pass (JSON)', origin, '/persons', { 'content-type': 'application/json' }, jsonBody),
    );
    if (viaNginx) results.push(viaNginx);
    const dataDir = mkdtempSync(join(tmpdir(), 'egsb-bench-data-'));
    const database = await postgresDatabase();
    const setups: [string, Record<string, string>][] = [
      ['PGlite', { EGSB_DATA_DIR: dataDir }],
      ...(database ? [['PostgreSQL', { DATABASE_URL: database.url }] as [string, Record<string, string>]] : []),
    ];
    for (const [storage, env] of setups) {
      const bus = await startChild('bus-child.ts', { ...env, BENCH_PROVIDER_URL: providerUrl });
      const origin = `http://127.0.0.1:${String(bus.info.port)}`;
      results.push(await measure(`bus JSON, ${storage}`, origin, '/rest/demo-persons/v1/ctiOsobu', jsonHeaders, jsonBody));
      results.push(await measure(`bus SOAP 1.1, ${storage}`, origin, '/soap/demo-persons-soap/v1', soapHeaders, soapBody));
      const stats = await stopChild(bus.child);
      memory.push(
        `${storage}: bus peak RSS ${(Number(stats.maxRssBytes) / 2 ** 20).toFixed(0)} MiB, ${String(stats.auditRecords)} audit records in ${String(stats.auditBatches)} commits`,
      );
    }
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  } finally {
    await stopChild(provider.child);
  }
  const reference = results.find((r) => r.name.startsWith('nginx')) ?? results[0];
  const direct = results[0];
  console.log(
    `\n${CONCURRENCY} concurrent connections for ${DURATION_MS} ms; light load = 1 connection. Reference for ratios: ${reference?.name}${reference === direct ? ' (nginx is not installed)' : ''}\n`,
  );
  console.log('| target | calls/s | p50 ms | p99 ms | ratio | light-load p50 ms | overhead p50 ms | errors |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const ratio = reference ? r.rps / reference.rps : NaN;
    const overhead = direct ? r.lightP50 - direct.lightP50 : NaN;
    console.log(
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${ratio.toFixed(2)} | ${r.lightP50.toFixed(3)} | ${overhead.toFixed(3)} | ${r.errors} |`,
    );
  }
  console.log(`\n${memory.join('\n')}`);
  console.log('Targets: JSON ≥ 0.40× and SOAP ≥ 0.25× the reference calls/s; overhead p50 at light load ≤ 1 ms.');
}

await main();
