/**
 * The asynchronous mode under the faults it must survive, each against a real nats-server and a real
 * PostgreSQL: the bus killed with SIGKILL while 1,000 calls are in flight, then started again;
 * nats-server restarted mid-run; the provider down for a minute; two bus instances consuming the
 * same streams. In each, every accepted ticket ends succeeded or failed with a reason, and the
 * provider sees each request id at most once (the operation is not idempotent, so the bus never
 * repeats a delivery that may have reached it).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, readConfig, type Bus } from '../bus/index.ts';
import { NATS_URL, natsPrefix } from './async-support.ts';
import { ADMIN, READER_KEY, SEED_FILE, contextHeaders, publishDemoBundles } from './call-harness.ts';
import { createTestDatabase, postgresUrl } from './postgres.ts';
import { startTestProvider, type TestProvider } from './provider.ts';

const ASYNC = { modes: ['sync', 'async'] };
// Debian installs it outside a non-root PATH.
const NATS_SERVER = process.env.NATS_SERVER_BIN ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');
const FINISHED = new Set(['succeeded', 'failed']);

interface Database {
  readonly url: string;
  drop(): Promise<void>;
}

/** Submits `count` asynchronous calls, `parallel` at a time; returns the tickets of those accepted (202). */
async function submit(
  baseUrl: string | ((i: number) => string),
  count: number,
  tag: string,
  parallel = 50,
): Promise<{ tickets: Map<string, string>; refused: Map<string, number> }> {
  const tickets = new Map<string, string>();
  const refused = new Map<string, number>();
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const i = next++;
      const requestId = `${tag}-${i}`;
      const url = typeof baseUrl === 'string' ? baseUrl : baseUrl(i);
      try {
        const res = await fetch(`${url}/rest/demo-persons/v1/ctiOsobu`, {
          method: 'POST',
          headers: contextHeaders({ 'content-type': 'application/json', prefer: 'respond-async', 'x-request-id': requestId }),
          body: JSON.stringify({ aifo: 'AAECAwQFBgcICQoLDA0ODxA=' }),
        });
        const body = (await res.json()) as { ticket?: string; code?: string };
        if (res.status === 202 && body.ticket) tickets.set(requestId, body.ticket);
        else {
          const code = body.code ?? String(res.status);
          refused.set(code, (refused.get(code) ?? 0) + 1);
        }
      } catch {
        refused.set('connection', (refused.get('connection') ?? 0) + 1);
      }
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker));
  return { tickets, refused };
}

interface Row {
  ticket: string;
  request_id: string;
  status: string;
  error_code: string | null;
  error_detail: string | null;
}

/** Waits until every ticket is finished, reading the database the bus shares; returns the rows. */
async function waitFinished(databaseUrl: string, tickets: Iterable<string>, timeoutMs: number): Promise<Row[]> {
  const ids = [...tickets];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<Row>(
        'SELECT ticket::text, request_id, status, error_code, error_detail FROM async_call WHERE ticket = ANY($1::uuid[])',
        [ids],
      );
      const open = rows.filter((r) => !FINISHED.has(r.status)).length + (ids.length - rows.length);
      if (open === 0) return rows;
      if (Date.now() > deadline)
        throw new Error(`${open} of ${ids.length} tickets still open after ${timeoutMs} ms (${rows.length} recorded)`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await client.end();
  }
}

/** What every fault test asserts: all accepted tickets finished with a reason, none repeated at the provider. */
function expectNothingLost(rows: Row[], accepted: Map<string, string>, provider: TestProvider): { succeeded: number; failed: number } {
  expect(rows).toHaveLength(accepted.size);
  for (const row of rows) {
    expect(FINISHED.has(row.status)).toBe(true);
    if (row.status === 'failed') {
      expect(row.error_code).toMatch(/^EGSB_/);
      expect(row.error_detail?.length ?? 0).toBeGreaterThan(0);
    }
  }
  const perRequest = new Map<string, number>();
  for (const r of provider.received) {
    const id = String(r.headers['x-request-id']);
    perRequest.set(id, (perRequest.get(id) ?? 0) + 1);
  }
  const repeated = [...perRequest].filter(([id, n]) => accepted.has(id) && n > 1);
  expect(repeated).toEqual([]);
  const succeeded = rows.filter((r) => r.status === 'succeeded').length;
  // Only a ticket the provider answered can have succeeded.
  for (const row of rows) if (row.status === 'succeeded') expect(perRequest.get(row.request_id)).toBe(1);
  return { succeeded, failed: rows.length - succeeded };
}

function busEnv(database: Database, prefix: string, natsUrl = NATS_URL): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    NATS_URL: natsUrl,
    EGSB_NATS_PREFIX: prefix,
    EGSB_ADMIN_TOKEN: ADMIN,
    EGSB_SEED_FILE: SEED_FILE,
    EGSB_LOG_LEVEL: 'silent',
    EGSB_ASYNC_ACK_WAIT_MS: '3000',
    EGSB_ASYNC_CONCURRENCY: '64',
    // A thousand calls from one AIS in a second or two: the faults are under test here, not the rate limit.
    EGSB_RATE_PER_SECOND: '100000',
    EGSB_RATE_BURST: '100000',
  };
}

async function startBus(env: Record<string, string>, providerUrl: string): Promise<Bus> {
  const bus = await createBus(readConfig(env));
  await publishDemoBundles(bus, providerUrl, 5000, ASYNC);
  for (let i = 0; i < 200 && bus.queue?.ready() === undefined; i++) await new Promise((r) => setTimeout(r, 50));
  return bus;
}

async function serve(bus: Bus): Promise<{ url: string; close(): Promise<void> }> {
  const { startServers } = await import('../bus/index.ts');
  const servers = await startServers(bus, { port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${servers.httpPort}`, close: () => servers.close() };
}

function forkBus(env: Record<string, string>, providerUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(new URL('./bus-child.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, BENCH_PROVIDER_URL: providerUrl, BENCH_MANIFEST: JSON.stringify(ASYNC) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ child, url: `http://127.0.0.1:${(info as { port: number }).port}` }));
    child.once('exit', (code) => reject(new Error(`bus child exited with ${code}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(postgresUrl === undefined)('asynchronous calls survive faults', () => {
  let provider: TestProvider;
  const databases: Database[] = [];
  beforeAll(async () => {
    provider = await startTestProvider();
  });
  afterAll(async () => {
    await provider.close();
    for (const d of databases) await d.drop().catch(() => undefined);
  });
  async function database(): Promise<Database> {
    const d = await createTestDatabase();
    databases.push(d);
    return d;
  }

  it('the bus killed with SIGKILL while 1,000 calls are in flight, then started again', async () => {
    const db = await database();
    const env = busEnv(db, natsPrefix('kill'));
    provider.delayMs = 15;
    const first = await forkBus(env, provider.url);
    let second: ChildProcess | undefined;
    try {
      const { tickets, refused } = await submit(first.url, 1000, 'kill');
      expect(tickets.size, JSON.stringify([...refused])).toBe(1000);
      // Some delivered, most still waiting or on their way to the provider.
      const seen = () => provider.received.filter((r) => String(r.headers['x-request-id']).startsWith('kill-')).length;
      for (let i = 0; i < 400 && seen() < 100; i++) await new Promise((r) => setTimeout(r, 10));
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      const inFlightAtKill = 1000 - seen();
      expect(inFlightAtKill).toBeGreaterThan(0);

      const restarted = await forkBus(env, provider.url);
      second = restarted.child;
      const rows = await waitFinished(db.url, tickets.values(), 120_000);
      const { succeeded, failed } = expectNothingLost(rows, tickets, provider);
      console.info(
        `SIGKILL: ${inFlightAtKill} of 1000 not yet at the provider when killed; ${succeeded} succeeded, ${failed} failed (cut off mid-delivery)`,
      );
      expect(succeeded).toBeGreaterThan(900);
      // The restarted bus answers the results the first one accepted.
      const sample = tickets.get('kill-999') ?? '';
      const result = await fetch(`${restarted.url}/async/${sample}`, { headers: { authorization: `Bearer ${READER_KEY}` } });
      expect(['succeeded', 'failed']).toContain(result.headers.get('x-egsb-ticket-status'));
    } finally {
      provider.delayMs = 0;
      first.child.kill('SIGKILL');
      second?.kill('SIGTERM');
    }
  }, 180_000);

  it('nats-server restarted mid-run', async () => {
    const port = await freePort();
    const store = mkdtempSync(join(tmpdir(), 'egsb-nats-'));
    const startNats = async (): Promise<ChildProcess> => {
      const server = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        const up = await new Promise<boolean>((resolve) => {
          const probe = createServer();
          probe.once('error', () => resolve(true));
          probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
        });
        if (up) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      return server;
    };
    let nats = await startNats();
    const db = await database();
    const bus = await startBus(busEnv(db, natsPrefix('restart'), `nats://127.0.0.1:${port}`), provider.url);
    const http = await serve(bus);
    try {
      provider.delayMs = 5;
      const before = await submit(http.url, 300, 'restart-a', 20);
      expect(before.tickets.size).toBe(300);
      nats.kill('SIGTERM');
      await new Promise((resolve) => nats.once('exit', resolve));
      // While NATS is away, calls are refused with a reason, not taken and lost.
      const during = await submit(http.url, 20, 'restart-b', 5);
      expect([...during.refused.keys()]).toEqual(['EGSB_ASYNC_UNAVAILABLE']);
      nats = await startNats();
      for (let i = 0; i < 200 && bus.queue?.ready() === undefined; i++) await new Promise((r) => setTimeout(r, 50));
      const after = await submit(http.url, 300, 'restart-c', 20);
      expect(after.tickets.size).toBeGreaterThan(250);
      const accepted = new Map([...before.tickets, ...during.tickets, ...after.tickets]);
      const rows = await waitFinished(db.url, accepted.values(), 120_000);
      const { succeeded } = expectNothingLost(rows, accepted, provider);
      expect(succeeded).toBeGreaterThan(500);
    } finally {
      provider.delayMs = 0;
      await http.close();
      await bus.close();
      nats.kill('SIGTERM');
      rmSync(store, { recursive: true, force: true });
    }
  }, 180_000);

  it('the provider down for a minute, then back', async () => {
    const db = await database();
    const bus = await startBus(busEnv(db, natsPrefix('down')), provider.url);
    const http = await serve(bus);
    try {
      await provider.stop();
      const { tickets } = await submit(http.url, 200, 'down', 20);
      expect(tickets.size).toBe(200);
      await new Promise((r) => setTimeout(r, 60_000));
      await provider.restart();
      const rows = await waitFinished(db.url, tickets.values(), 120_000);
      const { succeeded } = expectNothingLost(rows, tickets, provider);
      // Nothing reached the provider while it was down, so every call could be tried again.
      expect(succeeded).toBe(200);
    } finally {
      await http.close();
      await bus.close();
    }
  }, 240_000);

  it('two bus instances consuming the same streams', async () => {
    const db = await database();
    const env = busEnv(db, natsPrefix('two'));
    const one = await startBus(env, provider.url);
    const two = await startBus({ ...env, EGSB_SEED_FILE: '' }, provider.url);
    const servers = [await serve(one), await serve(two)];
    try {
      provider.delayMs = 2;
      const { tickets } = await submit((i) => (servers[i % 2] as { url: string }).url, 1000, 'two', 50);
      expect(tickets.size).toBe(1000);
      const rows = await waitFinished(db.url, tickets.values(), 120_000);
      const { succeeded } = expectNothingLost(rows, tickets, provider);
      expect(succeeded).toBe(1000);
      // Both instances delivered.
      for (const bus of [one, two]) {
        const metrics = await (await bus.app.request('/metrics')).text();
        const delivered = Number(/egsb_async_deliveries_total\{service="demo-persons",outcome="succeeded"\} (\d+)/.exec(metrics)?.[1] ?? 0);
        expect(delivered).toBeGreaterThan(0);
      }
      // Either instance answers a ticket accepted by the other.
      const ticket = tickets.get('two-1') ?? '';
      const res = await one.app.request(`/async/${ticket}`, { headers: { authorization: `Bearer ${READER_KEY}` } });
      expect(res.headers.get('x-egsb-ticket-status')).toBe('succeeded');
    } finally {
      provider.delayMs = 0;
      for (const s of servers) await s.close();
      await one.close();
      await two.close();
    }
  }, 180_000);
});
