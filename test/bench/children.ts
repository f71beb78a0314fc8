/**
 * The benchmarks' child processes: the provider (started with tsx, reporting over IPC) and the bus as
 * it ships, from dist/.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ADMIN, SEED_FILE, contextHeaders, publishDemoBundles } from '../call-harness.ts';

const here = new URL('.', import.meta.url).pathname;

/** Forks `script` from this folder and resolves with the first message it sends (its port, …). */
export function startChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; info: Record<string, unknown> }> {
  const child = fork(join(here, script), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ child, info: info as Record<string, unknown> }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** Asks a child to stop and resolves with its last report (peak memory, …). */
export function stopChild(child: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('message', (m) => resolve(m as Record<string, unknown>));
    child.once('exit', () => resolve({}));
    child.send('stop');
  });
}

/** The benchmarks' PostgreSQL: EGSB_BENCH_DATABASE_URL, else the tests' server, else the local one. */
export const BENCH_DATABASE_URL =
  process.env.EGSB_BENCH_DATABASE_URL ?? process.env.EGSB_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';

/** The test reader's call headers, with the benchmark as the end user, plus `extra`. */
export function benchHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return contextHeaders({ 'audit-user-id': 'bench@praha.example', ...extra });
}

export interface BenchBus {
  readonly origin: string;
  readonly pid: number;
  /** Stops the bus (SIGTERM) and reports its peak RSS and its audit commits. */
  stop(): Promise<{ maxRssBytes: number; auditRecords: number; auditBatches: number }>;
  /** Ends the bus if it still runs (for `finally`): SIGTERM, SIGKILL after 5 s. */
  close(): Promise<void>;
}

const root = new URL('../../', import.meta.url).pathname;

/** A port free at the moment of asking. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The figure of one unlabelled (or summed) series in a Prometheus text exposition. */
function metricSum(text: string, name: string): number {
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
}

/**
 * The bus as it ships: `node dist/bus/main.js` (build it first), in its own process, with the test
 * registry, no mocks, plain HTTP on a free port, and the demo contracts published over HTTP against
 * the benchmark's provider. The caller's EGSB_* variables pass through; `env` adds to or overrides
 * them (storage, NATS); `manifest` is merged into every demo manifest; `main` is the entry of another
 * build to run instead. The rate limit is lifted: one AIS makes every call.
 */
export async function startBus(
  providerUrl: string,
  env: Record<string, string>,
  manifest: object = {},
  main = join(root, 'dist/bus/main.js'),
): Promise<BenchBus> {
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  const port = await freePort();
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, main], {
    env: {
      PATH: process.env.PATH ?? '',
      NATS_URL: '',
      // Settings to try (EGSB_CHECK_THREADS=0 npm run bench) pass through.
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('EGSB_'))),
      EGSB_RATE_PER_SECOND: '1000000',
      EGSB_RATE_BURST: '1000000',
      ...env,
      EGSB_MOCKS: '0',
      EGSB_PORT: String(port),
      EGSB_ADMIN_TOKEN: ADMIN,
      EGSB_SEED_FILE: SEED_FILE,
      EGSB_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  // The seed's demo keys are printed at every start; anything else the bus says on stderr is passed on.
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (!line.startsWith('egsb: demo API key')) process.stderr.write(`${line}\n`);
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the bus exited with ${code}`))));
  const origin = `http://127.0.0.1:${port}`;
  const ready = async (): Promise<void> => {
    for (let i = 0; i < 600; i++) {
      const up = await fetch(`${origin}/healthz`).then(
        (res) => res.ok,
        () => false,
      );
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the bus did not answer /healthz within 30 s');
  };
  try {
    await Promise.race([ready(), exited]);
    await publishDemoBundles({ origin }, providerUrl, 10_000, manifest);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  exited.catch(() => {});
  const ended = (): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => child.once('exit', () => resolve()));
  return {
    origin,
    pid: child.pid ?? 0,
    async stop() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const peakKb = Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
      const metrics = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } }).then((res) => res.text());
      const stopped = ended();
      child.kill('SIGTERM');
      await stopped;
      return {
        maxRssBytes: peakKb * 1024,
        auditRecords: metricSum(metrics, 'egsb_audit_batch_records_sum'),
        auditBatches: metricSum(metrics, 'egsb_audit_batch_records_count'),
      };
    },
    async close() {
      const stopped = ended();
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await stopped;
      clearTimeout(killer);
    },
  };
}
