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
import { AIFO, soapEnvelope } from '../call-harness.ts';
import { createTestDatabase } from '../postgres.ts';
import { startBus, startChild, stopChild, type BenchBus, BENCH_DATABASE_URL, benchHeaders } from './children.ts';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Rounds over all targets, alternating; each figure is the round with the median calls/s (of two, the lower). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
/** Load from wrk (Debian: wrk) when installed, unless BENCH_LOAD=node; else this process's own loader. */
const WRK = process.env.BENCH_LOAD === 'node' ? undefined : ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));
/**
 * Another build of the bus to measure beside this one, in the same run (`BENCH_BASELINE=../old/dist/bus/main.js`):
 * its targets are marked "(baseline)". Build it first in its own checkout.
 */
const BASELINE = process.env.BENCH_BASELINE;
/** Which storages the bus runs on: `pglite`, `postgres` or both (the default). */
const STORAGES = (process.env.BENCH_STORAGE ?? 'pglite,postgres').split(',');
if (STORAGES.some((s) => s !== 'pglite' && s !== 'postgres')) throw new Error('BENCH_STORAGE lists pglite, postgres or both');

interface Result {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly lightP50: number;
  readonly errors: number;
  /** Calls/s of every round, lowest first (the figure shown is their median). */
  readonly spread?: readonly number[];
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

/** The same load from wrk: a POST with these headers and body, latency percentiles from its report. */
async function loadWrk(
  origin: string,
  path: string,
  headers: Record<string, string>,
  body: string,
  concurrency: number,
  durationMs: number,
): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'egsb-bench-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\n${Object.entries(headers)
      .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
      .join('\n')}\n`,
  );
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(WRK ?? 'wrk', [
        '-t',
        concurrency > 1 ? '2' : '1',
        '-c',
        String(concurrency),
        '-d',
        `${Math.max(1, Math.round(durationMs / 1000))}s`,
        '--latency',
        '-s',
        script,
        `${origin}${path}`,
      ]);
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('exit', () => resolve(text));
    });
    const ms = (label: string): number => {
      const match = new RegExp(`^\\s*${label}%\\s+([0-9.]+)(us|ms|s)`, 'm').exec(output);
      if (!match) return NaN;
      const value = Number(match[1]);
      return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
    };
    const rps = Number(/Requests\/sec:\s+([0-9.]+)/.exec(output)?.[1] ?? NaN);
    const errors =
      Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0) + Number(/Socket errors:.*?(\d+)/.exec(output)?.[1] ?? 0);
    return { rps, p50: ms('50'), p99: ms('99'), errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(name: string, origin: string, path: string, headers: Record<string, string>, body: string): Promise<Result> {
  const drive = WRK ? loadWrk : load;
  await load(origin, path, headers, body, 4, 500); // warm-up: JIT, pools, caches
  const heavy = await drive(origin, path, headers, body, CONCURRENCY, DURATION_MS);
  const light = await drive(origin, path, headers, body, 1, Math.min(DURATION_MS, 2000));
  return { name, rps: heavy.rps, p50: heavy.p50, p99: heavy.p99, lightP50: light.p50, errors: heavy.errors + light.errors };
}

const context = benchHeaders();
const jsonHeaders = { ...context, 'content-type': 'application/json' };
const jsonBody = JSON.stringify({ aifo: AIFO });
const soapHeaders = { ...context, 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:egsb:demo:persons:CtiOsobu"' };
const soapBody = soapEnvelope('1.1');

/** nginx proxying to the provider, when installed: the reference a bus is compared with. */
async function startNginx(providerUrl: string): Promise<{ origin: string; stop(): void } | undefined> {
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
  return {
    origin: `http://127.0.0.1:${port}`,
    stop() {
      nginx.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database on the benchmark's PostgreSQL, or none when no server answers. */
async function postgresDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  return createTestDatabase(BENCH_DATABASE_URL).catch(() => undefined);
}

interface Target {
  readonly name: string;
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

async function main(): Promise<void> {
  const provider = await startChild('provider-child.ts', {});
  const providerUrl = String(provider.info.url);
  const results: Result[] = [];
  const memory: string[] = [];
  const json = { 'content-type': 'application/json' };
  const dataDirs: string[] = [];
  const databases: { url: string; drop(): Promise<void> }[] = [];
  const nginx = await startNginx(providerUrl);
  const buses: { storage: string; bus: BenchBus }[] = [];
  try {
    const targets: Target[] = [{ name: 'provider directly (JSON)', origin: providerUrl, path: '/persons', headers: json, body: jsonBody }];
    if (nginx) targets.push({ name: 'nginx proxy_pass (JSON)', origin: nginx.origin, path: '/persons', headers: json, body: jsonBody });
    const builds: [string, string | undefined][] = [['', undefined], ...(BASELINE ? [[' (baseline)', BASELINE] as [string, string]] : [])];
    for (const storage of STORAGES)
      for (const [mark, main] of builds) {
        let env: Record<string, string>;
        if (storage === 'pglite') {
          const dir = mkdtempSync(join(tmpdir(), 'egsb-bench-data-'));
          dataDirs.push(dir);
          env = { EGSB_DATA_DIR: dir };
        } else {
          const database = await postgresDatabase();
          if (database === undefined) continue;
          databases.push(database);
          env = { DATABASE_URL: database.url };
        }
        const name = `${storage === 'pglite' ? 'PGlite' : 'PostgreSQL'}${mark}`;
        const bus = await startBus(providerUrl, env, {}, main);
        buses.push({ storage: name, bus });
        const { origin } = bus;
        targets.push({ name: `bus JSON, ${name}`, origin, path: '/rest/demo-persons/v1/ctiOsobu', headers: jsonHeaders, body: jsonBody });
        targets.push({ name: `bus SOAP 1.1, ${name}`, origin, path: '/soap/demo-persons-soap/v1', headers: soapHeaders, body: soapBody });
      }
    // Every target in every round, one after another: a machine that slows down mid-run slows all alike.
    const rounds = new Map<string, Result[]>();
    for (let round = 0; round < ROUNDS; round++)
      for (const t of targets) {
        const result = await measure(t.name, t.origin, t.path, t.headers, t.body);
        rounds.set(t.name, [...(rounds.get(t.name) ?? []), result]);
      }
    for (const t of targets) {
      const sorted = [...(rounds.get(t.name) ?? [])].sort((a, b) => a.rps - b.rps);
      const median = sorted[Math.floor((sorted.length - 1) / 2)];
      if (median) results.push({ ...median, spread: sorted.map((r) => Math.round(r.rps)) });
    }
    for (const bus of buses) {
      const stats = await bus.bus.stop();
      memory.push(
        `${bus.storage}: bus peak RSS ${(Number(stats.maxRssBytes) / 2 ** 20).toFixed(0)} MiB, ${String(stats.auditRecords)} audit records in ${String(stats.auditBatches)} commits`,
      );
    }
  } finally {
    await Promise.all(buses.map(({ bus }) => bus.close()));
    nginx?.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    for (const database of databases) await database.drop();
    await stopChild(provider.child);
  }
  const reference = results.find((r) => r.name.startsWith('nginx')) ?? results[0];
  const direct = results[0];
  console.log(
    `\n${CONCURRENCY} concurrent connections for ${DURATION_MS} ms from ${WRK ? 'wrk' : 'this process'}; light load = 1 connection; ${ROUNDS} rounds alternating, median shown. Reference for ratios: ${reference?.name}${reference === direct ? ' (nginx is not installed)' : ''}\n`,
  );
  console.log('| target | calls/s | p50 ms | p99 ms | ratio | light-load p50 ms | overhead p50 ms | errors | rounds (calls/s) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of results) {
    const ratio = reference ? r.rps / reference.rps : NaN;
    const overhead = direct ? r.lightP50 - direct.lightP50 : NaN;
    console.log(
      `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${ratio.toFixed(2)} | ${r.lightP50.toFixed(3)} | ${overhead.toFixed(3)} | ${r.errors} | ${(r.spread ?? []).join(', ')} |`,
    );
  }
  console.log(`\n${memory.join('\n')}`);
  console.log(
    'Goals (issue 20): JSON ≥ 0.5× and SOAP ≥ 0.3× the reference calls/s; JSON overhead p50 at light load ≤ 1 ms; bus peak RSS ≤ 300 MiB on PostgreSQL.',
  );
}

await main();
