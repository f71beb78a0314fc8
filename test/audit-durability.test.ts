/**
 * No answer without its audit record: the bus runs on a real PostgreSQL reached through a TCP proxy
 * that the test cuts in the middle of a load. Afterwards the provider's count, the answered calls and
 * the committed records are compared straight in the database: every call answered with data has
 * its record, every call refused for the outage says EGSB_AUDIT_UNAVAILABLE, and the bus recovers.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonRequest, startHarness, type Harness } from './call-harness.ts';
import { createTestDatabase, postgresRequired, postgresUrl } from './postgres.ts';

interface Proxy {
  readonly port: number;
  /** Drops every connection and refuses new ones until restored. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function startProxy(target: URL): Promise<Proxy> {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const describeWithPostgres = postgresUrl !== undefined ? describe : describe.skip;
if (postgresUrl === undefined && postgresRequired) throw new Error('EGSB_REQUIRE_POSTGRES=1 but EGSB_TEST_DATABASE_URL is not set');

describeWithPostgres('audit durability on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: Proxy;
  let h: Harness;
  let direct: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url);
    proxy = await startProxy(url);
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    h = await startHarness({ env: { DATABASE_URL: viaProxy.toString() } });
    direct = new pg.Client({ connectionString: database.url });
    await direct.connect();
  }, 60_000);

  afterAll(async () => {
    await direct?.end();
    await h?.close().catch(() => {});
    await proxy?.close();
    await database?.drop();
  });

  it('answers no call whose record did not commit, while the database goes away mid-load', async () => {
    const TOTAL = 400;
    const providerBefore = h.provider.received.length;
    const outcomes: { requestId: string; status: number; code?: string }[] = [];
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (sent < TOTAL) {
        const n = sent++;
        if (n === Math.floor(TOTAL / 3)) proxy.cut();
        const requestId = `durability-${n}`;
        const res = await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, { 'x-request-id': requestId }));
        const body = (await res.json()) as { code?: string };
        outcomes.push({ requestId, status: res.status, ...(body.code ? { code: body.code } : {}) });
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(outcomes).toHaveLength(TOTAL);

    const answered = outcomes.filter((o) => o.status === 200);
    const refused = outcomes.filter((o) => o.code === 'EGSB_AUDIT_UNAVAILABLE');
    // The cut came a third of the way in: some calls went through before it, the rest were refused.
    expect(answered.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(answered.length + refused.length).toBe(TOTAL);
    for (const r of refused) expect(r.status).toBe(503);

    const rows = await direct.query<{ request_id: string; status: number }>(
      "SELECT request_id, status FROM audit_record WHERE request_id LIKE 'durability-%'",
    );
    const committed = new Map(rows.rows.map((r) => [r.request_id, r.status]));
    for (const a of answered) expect(committed.get(a.requestId)).toBe(200);
    const providerCalls = h.provider.received.length - providerBefore;
    // The provider saw every answered call; once the first write failed, the rest stopped before it
    // (only the calls already on their way when the cut came got through).
    expect(providerCalls).toBeGreaterThanOrEqual(answered.length);
    expect(providerCalls).toBeLessThan(answered.length + 64);
    console.info(
      `durability: ${TOTAL} calls, provider saw ${providerCalls}, answered ${answered.length}, refused ${refused.length}, records ${committed.size}`,
    );

    proxy.restore();
    let recovered = 0;
    for (let i = 0; i < 50 && recovered === 0; i++) {
      const res = await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, { 'x-request-id': `after-${i}` }));
      if (res.status === 200) recovered++;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(1);
  }, 60_000);
});
