/**
 * The asynchronous mode against a real nats-server with JetStream: acceptance and tickets, results
 * filtered like synchronous answers, failures with reasons, retries, resubmission, ownership of
 * tickets, the listing, expiry, callbacks, a provider served over NATS, and a bus without NATS.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../bus/cli.ts';
import { createBus, readConfig, startServers } from '../bus/index.ts';
import { createTicketStore } from '../bus/tickets/index.ts';
import { serveOverNats, type ProviderContext } from '../connectors/index.ts';
import { loadMockBundle } from '../mocks/mock-bundle.ts';
import { NATS_URL, natsPrefix, waitForTicket } from './async-support.ts';
import {
  ADMIN,
  PUBLISHER_KEY,
  READER_KEY,
  SEED_FILE,
  jsonRequest,
  publishDemoBundles,
  soapEnvelope,
  soapRequest,
  startHarness,
  type Harness,
} from './call-harness.ts';
import { Behaviour, personJson } from './provider.ts';

const ASYNC = { modes: ['sync', 'async'] };
let h: Harness;
let fetcher: (path: string, init?: RequestInit) => Promise<Response>;

beforeAll(async () => {
  h = await startHarness({
    env: {
      EGSB_IN_MEMORY: '1',
      NATS_URL,
      EGSB_NATS_PREFIX: natsPrefix('async'),
      EGSB_ASYNC_ACK_WAIT_MS: '5000',
      EGSB_ASYNC_MAX_ATTEMPTS: '3',
    },
    manifest: ASYNC,
  });
  fetcher = async (path, init) => h.bus.app.request(path, init);
  // The queue is set up in the background once NATS answers.
  for (let i = 0; i < 100 && h.bus.queue?.ready() === undefined; i++) await new Promise((r) => setTimeout(r, 50));
});
afterAll(async () => {
  await h?.close();
});

const asyncJson = (overrides: Record<string, string | undefined> = {}, body?: unknown) =>
  jsonRequest(body, { prefer: 'respond-async', ...overrides });

describe('accepting an asynchronous call', () => {
  it('answers 202 with the ticket and Location once queued, then the filtered result', async () => {
    h.provider.behaviour = Behaviour.OK;
    const res = await fetcher(
      '/rest/demo-persons/v1/ctiOsobu',
      asyncJson({ 'x-egsb-data-items': 'Jmeno Prijmeni', 'x-request-id': 'async-json-1' }),
    );
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { ticket: string; status: string; location: string };
    expect(accepted.status).toBe('queued');
    expect(accepted.location).toBe(`/async/${accepted.ticket}`);
    expect(res.headers.get('location')).toBe(accepted.location);

    const done = await waitForTicket(fetcher, accepted.ticket);
    expect(done.status).toBe('succeeded');
    expect(done.response.status).toBe(200);
    expect(done.response.headers.get('content-type')).toBe('application/json');
    expect(done.response.headers.get('x-egsb-data-items')).toBe('Jmeno Prijmeni');
    const person = JSON.parse(done.body) as { osoba: Record<string, unknown> };
    expect(person.osoba).toEqual({ jmeno: 'Jan', prijmeni: 'Novák' });

    const seen = h.provider.received.filter((r) => r.headers['x-request-id'] === 'async-json-1');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers['audit-user-id']).toBe('referent.novak@praha.example');
    expect(seen[0]?.headers['x-egsb-data-items']).toBe('Jmeno Prijmeni');

    await h.bus.audit.drain();
    const audit = await fetcher('/audit?requestId=async-json-1', { headers: { authorization: `Bearer ${ADMIN}` } });
    const records = ((await audit.json()) as { records: { mode: string; status: number; auditUserId: string }[] }).records;
    expect(records.map((r) => [r.mode, r.status]).sort()).toEqual([
      ['async', 200],
      ['async', 202],
    ]);
    expect(records.every((r) => r.auditUserId === 'referent.novak@praha.example')).toBe(true);
  });

  it('takes SOAP with ?async and answers an Accepted envelope, then the SOAP answer', async () => {
    h.provider.behaviour = Behaviour.OK;
    const init = soapRequest('1.2', soapEnvelope('1.2'), { 'x-request-id': 'async-soap-1' });
    const res = await fetcher('/soap/demo-persons-soap/v1?async', init);
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toContain('application/soap+xml');
    const xml = await res.text();
    const ticket = /<ctx:ticket>([^<]+)<\/ctx:ticket>/.exec(xml)?.[1] ?? '';
    expect(xml).toContain('<ctx:status>queued</ctx:status>');
    const done = await waitForTicket(fetcher, ticket);
    expect(done.status).toBe('succeeded');
    expect(done.response.headers.get('content-type')).toContain('application/soap+xml');
    expect(done.body).toContain('<p:Jmeno>Jan</p:Jmeno>');
    expect(done.body).toContain('egsbctx:dataItems');
  });

  it('names the same ticket for the same request id and delivers it once', async () => {
    h.provider.behaviour = Behaviour.OK;
    const first = (await (await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson({ 'x-request-id': 'async-again-1' }))).json()) as {
      ticket: string;
    };
    await waitForTicket(fetcher, first.ticket);
    const again = await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson({ 'x-request-id': 'async-again-1' }));
    expect(again.status).toBe(202);
    expect(((await again.json()) as { ticket: string }).ticket).toBe(first.ticket);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.provider.received.filter((r) => r.headers['x-request-id'] === 'async-again-1')).toHaveLength(1);
  });

  it('checks and authorises before accepting: nothing is queued for a refused call', async () => {
    const before = h.provider.received.length;
    const refused = await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson({ 'x-egsb-role': 'CR2001', 'x-egsb-agenda': 'A343' }));
    expect(refused.status).toBe(403);
    const invalid = await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson({}, { aifo: 42 }));
    expect(((await invalid.json()) as { code: string }).code).toBe('EGSB_REQUEST_INVALID');
    const anonymous = await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson({ authorization: undefined }));
    expect(anonymous.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.provider.received.length).toBe(before);
  });

  it('refuses a call larger than one NATS message with EGSB_MESSAGE_TOO_LARGE, not as an outage', async () => {
    const queue = h.bus.queue;
    const limit = queue?.ready()?.nc.info?.max_payload ?? 0;
    expect(limit).toBeGreaterThan(0);
    await expect(queue?.publish(queue.callSubject('demo-persons', 1), new Uint8Array(limit + 1), 'too-large-1')).rejects.toMatchObject({
      code: 'EGSB_MESSAGE_TOO_LARGE',
    });
  });

  it('refuses a mode the service does not offer', async () => {
    const bus2 = await startHarness({
      env: { EGSB_IN_MEMORY: '1', NATS_URL, EGSB_NATS_PREFIX: natsPrefix('modes') },
      manifest: { modes: ['async'] },
    });
    try {
      const syncCall = await bus2.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest());
      expect(((await syncCall.json()) as { code: string }).code).toBe('EGSB_ASYNC_ONLY');
    } finally {
      await bus2.close();
    }
    const bus3 = await startHarness({ env: { EGSB_IN_MEMORY: '1', NATS_URL, EGSB_NATS_PREFIX: natsPrefix('modes') } });
    try {
      const asyncCall = await bus3.bus.app.request('/rest/demo-persons/v1/ctiOsobu', asyncJson());
      expect(((await asyncCall.json()) as { code: string }).code).toBe('EGSB_SYNC_ONLY');
    } finally {
      await bus3.close();
    }
  });
});

describe('failures end the ticket with a reason', () => {
  it('an answer that breaks the contract fails it with EGSB_PROVIDER_RESPONSE_INVALID', async () => {
    h.provider.behaviour = Behaviour.BREAKS_CONTRACT;
    const { ticket } = (await (await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson())).json()) as { ticket: string };
    const done = await waitForTicket(fetcher, ticket);
    h.provider.behaviour = Behaviour.OK;
    expect(done.status).toBe('failed');
    const state = JSON.parse(done.body) as { error: { code: string; detail: string }; attempts: number };
    expect(state.error.code).toBe('EGSB_PROVIDER_RESPONSE_INVALID');
    expect(state.attempts).toBe(1);
  });

  it('a provider that times out after taking the call is not asked again (operation not idempotent)', async () => {
    h.provider.behaviour = Behaviour.HANG;
    const res = await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson({ 'x-request-id': 'async-hang-1' }));
    const { ticket } = (await res.json()) as { ticket: string };
    const done = await waitForTicket(fetcher, ticket);
    h.provider.behaviour = Behaviour.OK;
    expect(done.status).toBe('failed');
    expect((JSON.parse(done.body) as { error: { code: string } }).error.code).toBe('EGSB_PROVIDER_TIMEOUT');
    expect(h.provider.received.filter((r) => r.headers['x-request-id'] === 'async-hang-1')).toHaveLength(1);
  });

  it('a provider that is unavailable is retried with backoff, and the ticket succeeds once it is back', async () => {
    h.provider.behaviour = Behaviour.UNAVAILABLE;
    const { ticket } = (await (await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson({ 'x-request-id': 'async-retry-1' }))).json()) as {
      ticket: string;
    };
    for (let i = 0; i < 100 && h.provider.received.filter((r) => r.headers['x-request-id'] === 'async-retry-1').length < 1; i++)
      await new Promise((r) => setTimeout(r, 20));
    const state = (await (await fetcher(`/async/${ticket}`, { headers: { authorization: `Bearer ${READER_KEY}` } })).json()) as {
      status: string;
    };
    expect(['queued', 'running'], JSON.stringify(state)).toContain(state.status);
    h.provider.behaviour = Behaviour.OK;
    const done = await waitForTicket(fetcher, ticket);
    expect(done.status).toBe('succeeded');
    expect(h.provider.received.filter((r) => r.headers['x-request-id'] === 'async-retry-1').length).toBeGreaterThanOrEqual(2);
  });

  it('gives up after the delivery limit with the last reason', async () => {
    h.provider.behaviour = Behaviour.UNAVAILABLE;
    const { ticket } = (await (await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson({ 'x-request-id': 'async-limit-1' }))).json()) as {
      ticket: string;
    };
    const done = await waitForTicket(fetcher, ticket, { timeoutMs: 30_000 });
    h.provider.behaviour = Behaviour.OK;
    expect(done.status).toBe('failed');
    const state = JSON.parse(done.body) as { error: { code: string; detail: string }; attempts: number };
    expect(state.error.code).toBe('EGSB_PROVIDER_UNAVAILABLE');
    expect(state.error.detail).toMatch(/gave up after 3 attempts/);
    expect(h.provider.received.filter((r) => r.headers['x-request-id'] === 'async-limit-1')).toHaveLength(3);
  });
});

describe('tickets belong to their reader', () => {
  it('another AIS, an unknown ticket and a malformed one all get 404', async () => {
    h.provider.behaviour = Behaviour.OK;
    const { ticket } = (await (await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson())).json()) as { ticket: string };
    const other = await fetcher(`/async/${ticket}`, { headers: { authorization: `Bearer ${PUBLISHER_KEY}` } });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { code: string }).code).toBe('EGSB_TICKET_NOT_FOUND');
    const unknown = await fetcher('/async/00000000-0000-8000-8000-000000000000', { headers: { authorization: `Bearer ${READER_KEY}` } });
    expect(unknown.status).toBe(404);
    const malformed = await fetcher('/async/..%2F..%2Fetc', { headers: { authorization: `Bearer ${READER_KEY}` } });
    expect(malformed.status).toBe(404);
    const anonymous = await fetcher(`/async/${ticket}`);
    expect(anonymous.status).toBe(401);
  });

  it('lists the reader open tickets, and finished ones on request', async () => {
    h.provider.behaviour = Behaviour.UNAVAILABLE;
    const { ticket } = (await (await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson({ 'x-request-id': 'async-open-1' }))).json()) as {
      ticket: string;
    };
    const open = (await (await fetcher('/async', { headers: { authorization: `Bearer ${READER_KEY}` } })).json()) as {
      tickets: { ticket: string; status: string }[];
    };
    expect(open.tickets.map((t) => t.ticket)).toContain(ticket);
    expect(open.tickets.every((t) => t.status === 'queued' || t.status === 'running')).toBe(true);
    const others = (await (await fetcher('/async', { headers: { authorization: `Bearer ${PUBLISHER_KEY}` } })).json()) as {
      tickets: unknown[];
    };
    expect(others.tickets).toEqual([]);
    h.provider.behaviour = Behaviour.OK;
    await waitForTicket(fetcher, ticket, { timeoutMs: 30_000 });
    const succeeded = (await (
      await fetcher('/async?status=succeeded&limit=1000', { headers: { authorization: `Bearer ${READER_KEY}` } })
    ).json()) as { tickets: { ticket: string }[] };
    expect(succeeded.tickets.map((t) => t.ticket)).toContain(ticket);
    const bad = await fetcher('/async?status=lost', { headers: { authorization: `Bearer ${READER_KEY}` } });
    expect(bad.status).toBe(400);
    const badCursor = await fetcher('/async?after=..%2Fx', { headers: { authorization: `Bearer ${READER_KEY}` } });
    expect(((await badCursor.json()) as { code: string }).code).toBe('EGSB_REQUEST_INVALID');
  });

  it('a result past its keeping time reads as expired, and its body is dropped', async () => {
    h.provider.behaviour = Behaviour.OK;
    const { ticket } = (await (await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson())).json()) as { ticket: string };
    await waitForTicket(fetcher, ticket);
    await h.bus.db.query("UPDATE async_call SET expires_at = now() - interval '1 second' WHERE ticket = $1", [ticket]);
    const expired = await waitForTicket(fetcher, ticket);
    expect(expired.status).toBe('expired');
    expect(JSON.parse(expired.body)).toMatchObject({ ticket, status: 'expired' });
    const [kept] = await h.bus.db.query<{ body: unknown }>('SELECT result_body AS body FROM async_call WHERE ticket = $1', [ticket]);
    expect(kept?.body).not.toBeNull();
    expect(await createTicketStore({ db: h.bus.db }).expire(7 * 24 * 3_600_000)).toBeGreaterThanOrEqual(1);
    const [dropped] = await h.bus.db.query<{ body: unknown }>('SELECT result_body AS body FROM async_call WHERE ticket = $1', [ticket]);
    expect(dropped?.body).toBeNull();
    expect((await waitForTicket(fetcher, ticket)).status).toBe('expired');
  });
});

describe('operations', () => {
  it('shows streams, consumers and per-service counts to the operator, and metrics', async () => {
    const status = await fetcher('/admin/async', { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(status.status).toBe(200);
    const body = (await status.json()) as { nats: string; streams: { name: string }[]; consumers: { name: string }[] };
    expect(body.nats).toBe('connected');
    expect(body.streams.map((s) => s.name).sort()).toEqual([h.bus.queue?.callbackStream, h.bus.queue?.callStream].sort());
    expect(body.consumers.map((c) => c.name)).toContain('calls-demo-persons-v1');
    const reader = await fetcher('/admin/async', { headers: { authorization: `Bearer ${READER_KEY}` } });
    expect(reader.status).toBe(403);
    const metrics = await (await fetcher('/metrics')).text();
    expect(metrics).toMatch(/egsb_async_deliveries_total\{service="demo-persons",outcome="succeeded"\} \d+/);
  });

  it('egsb async status prints the same for people and, with --json, for scripts', async () => {
    const servers = await startServers(h.bus, { port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${servers.httpPort}`;
    const text: string[] = [];
    const errors: string[] = [];
    const out = { write: (t: string) => text.push(t) };
    const err = { write: (t: string) => errors.push(t) };
    try {
      expect(await runCli(['async', 'status', '--url', url, '--key', ADMIN], out, err)).toBe(0);
      expect(text.join('')).toMatch(/NATS: connected/);
      expect(text.join('')).toMatch(/consumer calls-demo-persons-v1: \d+ waiting/);
      expect(text.join('')).toMatch(/demo-persons v1: \d+ queued, \d+ running, [1-9]\d* failed/);
      text.length = 0;
      expect(await runCli(['async', 'status', '--json', '--url', url, '--key', ADMIN], out, err)).toBe(0);
      expect((JSON.parse(text.join('')) as { nats: string }).nats).toBe('connected');
      expect(await runCli(['async', 'status', '--url', url, '--key', READER_KEY], out, err)).toBe(4); // ExitCode.REFUSED: a reader's key is not the operator's
      expect(errors.join('')).toContain('EGSB_FORBIDDEN');
    } finally {
      await servers.close();
    }
  });
});

describe('callbacks', () => {
  let server: Server;
  const pushes: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  let failFirst = true;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        pushes.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (failFirst) {
          failFirst = false;
          res.writeHead(500).end();
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('pushes the finished result to the reader callback URL, retrying until it is taken', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/egsb-results`;
    const put = await fetcher('/admin/ais/900002', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({
        name: 'Reader AIS (test)',
        operatorOvm: '00064581',
        actsFor: ['00064581'],
        agendas: ['A121', 'A343'],
        callbackUrl: url,
      }),
    });
    expect(put.status).toBe(200);
    const hostile = await fetcher('/admin/ais/900002', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ name: 'Reader AIS (test)', operatorOvm: '00064581', callbackUrl: 'file:///etc/passwd' }),
    });
    expect(hostile.status).toBe(400);
    h.provider.behaviour = Behaviour.OK;
    const { ticket } = (await (
      await fetcher('/rest/demo-persons/v1/ctiOsobu', asyncJson({ 'x-request-id': 'async-callback-1' }))
    ).json()) as { ticket: string };
    for (let i = 0; i < 200 && pushes.filter((p) => p.headers['x-egsb-ticket'] === ticket).length < 2; i++)
      await new Promise((r) => setTimeout(r, 50));
    const mine = pushes.filter((p) => p.headers['x-egsb-ticket'] === ticket);
    expect(mine).toHaveLength(2);
    expect(mine[1]?.headers['x-egsb-ticket-status']).toBe('succeeded');
    expect(mine[1]?.headers['x-request-id']).toBe('async-callback-1');
    expect(JSON.parse(mine[1]?.body ?? '{}')).toMatchObject({ osoba: { jmeno: 'Jan' } });
  });
});

describe('a provider served over NATS', () => {
  let nc: NatsConnection;
  let seen = 0;
  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    serveOverNats(nc, `egsb-test.persons.${process.pid}`, async (operation, _body, header) => {
      seen++;
      if (operation !== 'ctiOsobu' || header('audit-user-id') === undefined)
        return { status: 400, contentType: 'application/json', body: '{}' };
      return { status: 200, contentType: 'application/json', body: JSON.stringify(personJson()) };
    });
  });
  afterAll(() => nc.close());

  it('answers synchronous and asynchronous calls through the bus', async () => {
    const prefix = natsPrefix('natsprov');
    const bus = await createBus(
      readConfig({
        EGSB_IN_MEMORY: '1',
        EGSB_ADMIN_TOKEN: ADMIN,
        EGSB_SEED_FILE: SEED_FILE,
        EGSB_LOG_LEVEL: 'silent',
        NATS_URL,
        EGSB_NATS_PREFIX: prefix,
      }),
    );
    try {
      await publishDemoBundles(bus, 'http://127.0.0.1:9', 2000, {
        ...ASYNC,
        endpoints: [{ url: `nats:egsb-test.persons.${process.pid}` }],
      });
      for (let i = 0; i < 100 && bus.queue?.ready() === undefined; i++) await new Promise((r) => setTimeout(r, 50));
      const sync = await bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest());
      expect(sync.status).toBe(200);
      expect(((await sync.json()) as { osoba: { jmeno: string } }).osoba.jmeno).toBe('Jan');
      const accepted = await bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, { prefer: 'respond-async' }));
      const { ticket } = (await accepted.json()) as { ticket: string };
      const done = await waitForTicket(async (p, i) => bus.app.request(p, i), ticket);
      expect(done.status).toBe('succeeded');
      expect(seen).toBeGreaterThanOrEqual(2);
    } finally {
      await bus.close();
    }
  });
});

describe('the provider adapter', () => {
  it('decodes the context for the handler, and checks requests and answers against the contract', async () => {
    const nc = await connect({ servers: NATS_URL });
    const bundle = await loadMockBundle(new URL('./fixtures/bundles/persons-json', import.meta.url).pathname);
    const subject = `egsb-test.checked.${process.pid}`;
    const contexts: ProviderContext[] = [];
    let answer: object = personJson();
    const failures: unknown[] = [];
    serveOverNats(
      nc,
      subject,
      async (_operation, _body, _header, context) => {
        contexts.push(context);
        return { status: 200, contentType: 'application/json', body: JSON.stringify(answer) };
      },
      { contract: bundle.contract.json, onError: (e) => failures.push(e) },
    );
    const bus = await createBus(
      readConfig({
        EGSB_IN_MEMORY: '1',
        EGSB_ADMIN_TOKEN: ADMIN,
        EGSB_SEED_FILE: SEED_FILE,
        EGSB_LOG_LEVEL: 'silent',
        NATS_URL,
        EGSB_NATS_PREFIX: natsPrefix('adapter'),
      }),
    );
    try {
      await publishDemoBundles(bus, 'http://127.0.0.1:9', 2000, { endpoints: [{ url: `nats:${subject}` }] });
      const ok = await bus.app.request(
        '/rest/demo-persons/v1/ctiOsobu',
        jsonRequest(undefined, { 'x-egsb-data-items': 'Jmeno', 'x-egsb-purpose': 'spis 12/2026', 'x-request-id': 'adapter-1' }),
      );
      expect(ok.status).toBe(200);
      expect(contexts[0]).toEqual({
        requestId: 'adapter-1',
        auditUserId: 'referent.novak@praha.example',
        clientAis: 900002,
        clientOvm: '00064581',
        agenda: 'A121',
        role: 'CR1001',
        purpose: 'spis 12/2026',
        dataItems: ['Jmeno'],
      });

      const direct = await nc.request(`${subject}.ctiOsobu`, JSON.stringify({ aifo: 42 }), { timeout: 2000 });
      expect(direct.headers?.get('egsb-status')).toBe('400');
      expect(contexts).toHaveLength(1);

      answer = { status: { vysledekKod: 'NEVIM' } };
      const broken = await bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest());
      expect(broken.status).toBe(500);
      expect(failures).toHaveLength(1);
    } finally {
      await bus.close();
      await nc.close();
      bundle.contract.dispose();
    }
  });
});

describe('configuration of the asynchronous mode', () => {
  it('refuses settings that cannot work', () => {
    expect(() => readConfig({ EGSB_ASYNC_RESULT_TTL_HOURS: '0' })).toThrow(/EGSB_ASYNC_RESULT_TTL_HOURS must be at least 1/);
    expect(() => readConfig({ EGSB_ASYNC_ACK_WAIT_MS: '10' })).toThrow(/EGSB_ASYNC_ACK_WAIT_MS/);
    expect(() => readConfig({ EGSB_NATS_PREFIX: 'a.b' })).toThrow(/EGSB_NATS_PREFIX/);
    expect(readConfig({ NATS_URL: '' }).nats).toBeUndefined();
  });
});

describe('a bus whose NATS is away', () => {
  it('starts, reports not ready, and answers asynchronous calls with EGSB_ASYNC_UNAVAILABLE', async () => {
    const away = await startHarness({
      env: { EGSB_IN_MEMORY: '1', NATS_URL: 'nats://127.0.0.1:1', EGSB_NATS_PREFIX: natsPrefix('away') },
      manifest: ASYNC,
    });
    try {
      const res = await away.bus.app.request('/rest/demo-persons/v1/ctiOsobu', asyncJson());
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe('EGSB_ASYNC_UNAVAILABLE');
      const ready = await away.bus.app.request('/readyz');
      expect(ready.status).toBe(503);
      const sync = await away.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest());
      expect(sync.status).toBe(200);
    } finally {
      await away.close();
    }
  });
});
