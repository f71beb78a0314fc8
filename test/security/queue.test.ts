/**
 * The asynchronous mode under attack, against real nats-server: messages nobody accepted dropped on
 * the work queue, a request id reused for another call, and a provider's NATS credentials used to
 * publish calls or read other providers' traffic (with users configured as the README says).
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveOverNats } from '../../connectors/index.ts';
import { runCli } from '../../bus/cli.ts';
import { createBus, readConfig, startServers, type Bus } from '../../bus/index.ts';
import { NATS_URL, natsPrefix, waitForTicket } from '../async-support.ts';
import { ADMIN, SEED_FILE, jsonRequest, publishDemoBundles } from '../call-harness.ts';
import { createTestDatabase, postgresUrl } from '../postgres.ts';
import { personJson, startTestProvider, type TestProvider } from '../provider.ts';

const ASYNC = { modes: ['sync', 'async'] };
const NATS_SERVER = process.env.NATS_SERVER_BIN ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');

async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the work queue is not a source of truth', () => {
  let bus: Bus;
  let provider: TestProvider;
  const prefix = natsPrefix('forge');

  beforeAll(async () => {
    provider = await startTestProvider();
    bus = await createBus(
      readConfig({
        EGSB_IN_MEMORY: '1',
        EGSB_ADMIN_TOKEN: ADMIN,
        EGSB_SEED_FILE: SEED_FILE,
        EGSB_LOG_LEVEL: 'silent',
        NATS_URL,
        EGSB_NATS_PREFIX: prefix,
      }),
    );
    await publishDemoBundles(bus, provider.url, 2000, ASYNC);
    await waitFor(() => bus.queue?.ready() !== undefined);
  });
  afterAll(async () => {
    await bus?.close();
    await provider?.close();
  });

  it('never delivers a message the bus did not queue, forged in the old or the new shape, and counts it', async () => {
    const nc = await connect({ servers: NATS_URL });
    try {
      const subject = bus.queue?.callSubject('demo-persons', 1) ?? '';
      expect(subject).toMatch(new RegExp(`^${prefix}-[0-9a-f]{12}\\.calls\\.`));
      // A whole call, as queue messages once carried them: agenda, items and legal basis of the forger's choosing.
      const call = JSON.stringify({
        ticket: '00000000-0000-8000-8000-000000000001',
        aisId: 900002,
        service: 'demo-persons',
        operation: 'ctiOsobu',
        headers: { 'x-egsb-agenda': 'A343', 'x-egsb-data-items': 'Jmeno Prijmeni DatumNarozeni AdresaPobytu' },
        effective: ['Jmeno', 'Prijmeni', 'DatumNarozeni', 'AdresaPobytu'],
        legalBasis: ['forged'],
      });
      const framed = new Uint8Array(4 + call.length);
      new DataView(framed.buffer).setUint32(0, call.length);
      framed.set(new TextEncoder().encode(call), 4);
      // The new shape, naming a real ticket of another reader, with a MAC made up.
      const accepted = await bus.app.request(
        '/rest/demo-persons/v1/ctiOsobu',
        jsonRequest(undefined, { prefer: 'respond-async', 'x-request-id': 'forge-real' }),
      );
      const { ticket } = (await accepted.json()) as { ticket: string };
      await waitForTicket(async (p, i) => bus.app.request(p, i), ticket);
      const before = provider.received.length;
      nc.publish(subject, framed);
      nc.publish(subject, JSON.stringify({ v: 1, ticket, mac: Buffer.alloc(32, 7).toString('base64url') }));
      nc.publish(subject, JSON.stringify({ v: 1, ticket: '00000000-0000-8000-8000-000000000002', mac: 'x' }));
      await nc.flush();
      await waitFor(async () => {
        const metrics = await (await bus.app.request('/metrics')).text();
        return /egsb_async_rejected_messages_total\{reason="bad-mac"\} 2/.test(metrics) && /reason="undecodable"\} 1/.test(metrics);
      });
      expect(provider.received.length).toBe(before);
      const state = await (await bus.app.request(`/async/${ticket}`, { headers: jsonRequest().headers as Record<string, string> })).text();
      expect(state).toContain('Jan'); // the real ticket's result, untouched
    } finally {
      await nc.close();
    }
  });

  it('a reused X-Request-Id with another call is refused; the same call again gets its own ticket', async () => {
    const first = await bus.app.request(
      '/rest/demo-persons/v1/ctiOsobu',
      jsonRequest(undefined, { prefer: 'respond-async', 'x-request-id': 'reuse-1' }),
    );
    expect(first.status).toBe(202);
    const { ticket } = (await first.json()) as { ticket: string };
    const again = await bus.app.request(
      '/rest/demo-persons/v1/ctiOsobu',
      jsonRequest(undefined, { prefer: 'respond-async', 'x-request-id': 'reuse-1' }),
    );
    expect(again.status).toBe(202);
    expect(((await again.json()) as { ticket: string }).ticket).toBe(ticket);
    for (const other of [
      jsonRequest({ aifo: 'AQIDBAUGBwgJCgsMDQ4PEBE=' }, { prefer: 'respond-async', 'x-request-id': 'reuse-1' }),
      jsonRequest(undefined, { prefer: 'respond-async', 'x-request-id': 'reuse-1', 'audit-user-id': 'bob' }),
      jsonRequest(undefined, { prefer: 'respond-async', 'x-request-id': 'reuse-1', 'x-egsb-data-items': 'Jmeno' }),
    ]) {
      const reused = await bus.app.request('/rest/demo-persons/v1/ctiOsobu', other);
      expect(reused.status).toBe(409);
      const problem = (await reused.json()) as { code: string; detail: string };
      expect(problem.code).toBe('EGSB_REQUEST_ID_REUSED');
      expect(problem.detail).not.toContain(ticket);
    }
    const records = (await (
      await bus.app.request('/audit?requestId=reuse-1', { headers: { authorization: `Bearer ${ADMIN}` } })
    ).json()) as {
      records: { code?: string; status: number }[];
    };
    expect(records.records.filter((r) => r.code === 'EGSB_REQUEST_ID_REUSED')).toHaveLength(3);
  });

  it('request ids asked about together (one lookup for many calls) each get their own answer', async () => {
    // Each known call has its own user, so each has its own digest.
    const call = (id: string, user: string, aifo?: string) =>
      bus.app.request(
        '/rest/demo-persons/v1/ctiOsobu',
        jsonRequest(aifo === undefined ? undefined : { aifo }, { prefer: 'respond-async', 'x-request-id': id, 'audit-user-id': user }),
      );
    const tickets = new Map<string, string>();
    for (let i = 0; i < 10; i++) {
      const res = await call(`batch-known-${i}`, `user-${i}`);
      expect(res.status).toBe(202);
      tickets.set(`batch-known-${i}`, ((await res.json()) as { ticket: string }).ticket);
    }
    // Sent at once: the same call again, another call under a known id, and new ids, interleaved.
    const sent = Array.from({ length: 30 }, (_, i) => {
      const n = i % 10;
      if (i < 10) return { id: `batch-known-${n}`, user: `user-${n}`, expect: 202, ticket: tickets.get(`batch-known-${n}`) };
      if (i < 20) return { id: `batch-known-${n}`, user: `user-${n}`, aifo: 'AQIDBAUGBwgJCgsMDQ4PEBE=', expect: 409 };
      return { id: `batch-new-${n}`, user: `user-${n}`, expect: 202 };
    });
    const answers = await Promise.all(sent.map((s) => call(s.id, s.user, s.aifo)));
    const fresh = new Set<string>();
    for (const [i, res] of answers.entries()) {
      const s = sent[i];
      expect(res.status, s?.id).toBe(s?.expect);
      const body = (await res.json()) as { ticket?: string; code?: string };
      if (s?.expect === 409) expect(body.code).toBe('EGSB_REQUEST_ID_REUSED');
      else if (s?.ticket !== undefined) expect(body.ticket).toBe(s.ticket);
      else fresh.add(body.ticket ?? '');
    }
    // Every new call got a ticket of its own, and it is on record.
    expect(fresh.size).toBe(10);
    for (const ticket of fresh) {
      expect([...tickets.values()]).not.toContain(ticket);
      const state = await bus.app.request(`/async/${ticket}`, { headers: jsonRequest().headers as Record<string, string> });
      expect(state.status, ticket).toBe(200);
    }
  });
});

describe('two buses on one NATS with the same prefix', () => {
  it("never take each other's calls: each installation has its own streams", async () => {
    const prefix = natsPrefix('twins');
    const provider = await startTestProvider();
    const env = {
      EGSB_IN_MEMORY: '1',
      EGSB_ADMIN_TOKEN: ADMIN,
      EGSB_SEED_FILE: SEED_FILE,
      EGSB_LOG_LEVEL: 'silent',
      NATS_URL,
      EGSB_NATS_PREFIX: prefix,
    };
    const [one, two] = [await createBus(readConfig(env)), await createBus(readConfig(env))];
    try {
      for (const bus of [one, two]) {
        await publishDemoBundles(bus, provider.url, 2000, ASYNC);
        await waitFor(() => bus.queue?.ready() !== undefined);
      }
      expect(one.queue?.prefix).not.toBe(two.queue?.prefix);
      const tickets: string[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await one.app.request(
          '/rest/demo-persons/v1/ctiOsobu',
          jsonRequest(undefined, { prefer: 'respond-async', 'x-request-id': `twin-${i}` }),
        );
        tickets.push(((await res.json()) as { ticket: string }).ticket);
      }
      for (const ticket of tickets) expect((await waitForTicket(async (p, i) => one.app.request(p, i), ticket)).status).toBe('succeeded');
      expect(await (await two.app.request('/metrics')).text()).not.toMatch(/egsb_async_rejected_messages_total\{/);
    } finally {
      await one.close();
      await two.close();
      await provider.close();
    }
  });
});

describe.skipIf(postgresUrl === undefined)('a queued ticket whose message is gone', () => {
  it('is queued again and delivered, however its message was lost', async () => {
    const db = await createTestDatabase();
    const provider = await startTestProvider();
    const env = {
      DATABASE_URL: db.url,
      EGSB_ADMIN_TOKEN: ADMIN,
      EGSB_SEED_FILE: SEED_FILE,
      EGSB_LOG_LEVEL: 'silent',
      NATS_URL,
      EGSB_NATS_PREFIX: natsPrefix('lost'),
      EGSB_ASYNC_ACK_WAIT_MS: '1000',
    };
    // One instance accepts but does not deliver; the stream then loses what it held.
    const accepting = await createBus(readConfig({ ...env, EGSB_ASYNC_DISPATCH: '0' }));
    let delivering: Bus | undefined;
    try {
      await publishDemoBundles(accepting, provider.url, 2000, ASYNC);
      await waitFor(() => accepting.queue?.ready() !== undefined);
      const tickets: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await accepting.app.request(
          '/rest/demo-persons/v1/ctiOsobu',
          jsonRequest(undefined, { prefer: 'respond-async', 'x-request-id': `lost-${i}` }),
        );
        tickets.push(((await res.json()) as { ticket: string }).ticket);
      }
      const ready = accepting.queue?.ready();
      await ready?.jsm.streams.purge(accepting.queue?.callStream ?? '');
      delivering = await createBus(readConfig({ ...env, EGSB_SEED_FILE: '' }));
      const bus = delivering;
      for (const ticket of tickets) {
        expect((await waitForTicket(async (p, i) => bus.app.request(p, i), ticket, { timeoutMs: 40_000 })).status).toBe('succeeded');
      }
      expect(await (await bus.app.request('/metrics')).text()).toMatch(/egsb_async_requeued_total\{service="demo-persons"\} 3/);
    } finally {
      await delivering?.close();
      await accepting.close();
      await provider.close();
      await db.drop();
    }
  }, 60_000);
});

describe("the operator's word on a ticket", () => {
  it('gives up an open ticket and delivers a failed or queued one again, from the CLI', async () => {
    const provider = await startTestProvider();
    const env = { EGSB_IN_MEMORY: '1', EGSB_ADMIN_TOKEN: ADMIN, EGSB_SEED_FILE: SEED_FILE, EGSB_LOG_LEVEL: 'silent', NATS_URL };
    // An instance that accepts but does not deliver: its tickets stay queued until the operator acts.
    const bus = await createBus(readConfig({ ...env, EGSB_NATS_PREFIX: natsPrefix('operator'), EGSB_ASYNC_DISPATCH: '0' }));
    const servers = await startServers(bus, { port: 0, host: '127.0.0.1' });
    const cli = async (...args: string[]): Promise<{ code: number; out: string }> => {
      let out = '';
      const code = await runCli(
        [...args, '--url', `http://127.0.0.1:${servers.httpPort}`, '--key', ADMIN],
        { write: (t: string) => (out += t) },
        { write: () => true },
      );
      return { code, out };
    };
    try {
      await publishDemoBundles(bus, provider.url, 2000, ASYNC);
      await waitFor(() => bus.queue?.ready() !== undefined);
      const res = await bus.app.request(
        '/rest/demo-persons/v1/ctiOsobu',
        jsonRequest(undefined, { prefer: 'respond-async', 'x-request-id': 'operator-1' }),
      );
      const { ticket } = (await res.json()) as { ticket: string };
      const messages = async (): Promise<number> =>
        (await bus.queue?.ready()?.jsm.streams.info(bus.queue.callStream))?.state.messages ?? -1;
      const before = await messages();

      expect(await cli('async', 'fail', ticket)).toEqual({ code: 0, out: `${ticket}: failed\n` });
      expect((await cli('async', 'fail', ticket)).code).toBe(4); // already finished: a conflict
      expect(await cli('async', 'retry', ticket)).toEqual({ code: 0, out: `${ticket}: queued\n` });
      expect(await messages()).toBe(before + 1);
      expect((await cli('async', 'retry', '00000000-0000-8000-8000-000000000000')).code).toBe(5);
    } finally {
      await servers.close();
      await bus.close();
      await provider.close();
    }
  });
});

describe('NATS users: a provider serves its own subjects and nothing else', () => {
  let server: ChildProcess | undefined;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'egsb-nats-users-'));
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as { port: number };
        s.close(() => resolve(p));
      });
    });
    url = `nats://127.0.0.1:${port}`;
    // The configuration the README gives operators, with the test's own prefix and provider subject.
    writeFileSync(
      join(dir, 'nats.conf'),
      `listen: 127.0.0.1:${port}
jetstream { store_dir: "${join(dir, 'js')}" }
authorization {
  users = [
    { user: bus, password: bus-secret, permissions: { publish: ">", subscribe: ">" } }
    { user: persons, password: persons-secret, permissions: {
        subscribe: { allow: ["egsb-test.persons.>"] }
        publish: { deny: [">"] }
        allow_responses: true
    } }
  ]
}
`,
    );
    server = spawn(NATS_SERVER, ['-c', join(dir, 'nats.conf')], { stdio: 'ignore' });
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const probe = createServer();
          probe.once('error', () => resolve(true));
          probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
        }),
    );
  });
  afterAll(async () => {
    server?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('the bus delivers to the provider, which cannot publish calls nor read other traffic', async () => {
    const prefix = natsPrefix('users');
    const providerNc: NatsConnection = await connect({ servers: url, user: 'persons', pass: 'persons-secret' });
    const errors: string[] = [];
    void (async () => {
      for await (const s of providerNc.status()) if (s.type === 'error') errors.push(String(s.error));
    })();
    serveOverNats(providerNc, 'egsb-test.persons', async () => ({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify(personJson()),
    }));
    const bus = await createBus(
      readConfig({
        EGSB_IN_MEMORY: '1',
        EGSB_ADMIN_TOKEN: ADMIN,
        EGSB_SEED_FILE: SEED_FILE,
        EGSB_LOG_LEVEL: 'silent',
        NATS_URL: url,
        NATS_USER: 'bus',
        NATS_PASSWORD: 'bus-secret',
        EGSB_NATS_PREFIX: prefix,
      }),
    );
    try {
      await publishDemoBundles(bus, 'http://127.0.0.1:9', 2000, { ...ASYNC, endpoints: [{ url: 'nats:egsb-test.persons' }] });
      await waitFor(() => bus.queue?.ready() !== undefined);
      const accepted = await bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, { prefer: 'respond-async' }));
      const { ticket } = (await accepted.json()) as { ticket: string };
      expect((await waitForTicket(async (p, i) => bus.app.request(p, i), ticket)).status).toBe('succeeded');

      const own = bus.queue?.prefix ?? prefix;
      providerNc.publish(`${own}.calls.demo-persons.v1`, '{"v":1}');
      const spy = providerNc.subscribe(`${own}.calls.>`);
      const other = providerNc.subscribe('egsb-test.vozidla.>');
      await providerNc.flush().catch(() => undefined);
      await waitFor(() => errors.length >= 3);
      expect(errors.join('\n')).toMatch(/Permissions Violation for Publish to "[^"]*\.calls\.demo-persons\.v1"/i);
      expect(errors.join('\n')).toMatch(/Permissions Violation for Subscription to "[^"]*\.calls\.>"/i);
      expect(errors.join('\n')).toMatch(/Permissions Violation for Subscription to "egsb-test\.vozidla\.>"/i);
      spy.unsubscribe();
      other.unsubscribe();
    } finally {
      await bus.close();
      await providerNc.close().catch(() => undefined);
    }
  });
});
