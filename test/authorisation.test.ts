/**
 * Legal authorisations end to end on a real bus and provider: each refusal code with its detail,
 * minimisation of the request and the answer, the audit naming the legal basis, the operator API's
 * refusals of bad authorisations, bulk import, the explain endpoint, access approval for restricted
 * services, and (on PostgreSQL) a change reaching another bus instance.
 */
import { serve } from '@hono/node-server';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../bus/cli.ts';
import { createSharedDataClient } from '../connectors/index.ts';
import { readBundleDir } from '../contracts/index.ts';
import { createBus, readConfig } from '../bus/index.ts';
import {
  ADMIN,
  AIFO,
  PUBLISHER_KEY,
  READER_KEY,
  SEED_FILE,
  TEST_AUTHORISATION,
  contextHeaders,
  jsonRequest,
  publishDemoBundles,
  startHarness,
  type Harness,
} from './call-harness.ts';
import { startTestProvider } from './provider.ts';
import { createTestDatabase, postgresUrl } from './postgres.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const admin = (method: string, path: string, body?: unknown) =>
  h.bus.app.request(path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const callPersons = (headers: Record<string, string | undefined>, body: unknown = { aifo: AIFO }) =>
  h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest(body, headers));
const problemOf = async (res: Response) =>
  (await res.json()) as { code: string; detail: string; errors?: { location: string; message: string }[] };
const A343 = { 'x-egsb-agenda': 'A343', 'x-egsb-role': 'CR2001' };

describe('refusals, each with its code and a detail to act on', () => {
  it('EGSB_NOT_AUTHORISED when no authorisation covers the agenda and role', async () => {
    const res = await callPersons(A343);
    expect(res.status).toBe(403);
    const problem = await problemOf(res);
    expect(problem.code).toBe('EGSB_NOT_AUTHORISED');
    expect(problem.detail).toBe('no authorisation lets agenda A343, role CR2001 read source ROB through service demo-persons');
  });

  it('EGSB_NOT_AUTHORISED naming the authorisation that expired, and when', async () => {
    expect(
      (
        await admin('PUT', '/admin/authorisations/a343-old', {
          ...TEST_AUTHORISATION,
          agenda: 'A343',
          roles: ['CR2001'],
          validFrom: '2015-01-01',
          validTo: '2019-12-31',
        })
      ).status,
    ).toBe(201);
    const problem = await problemOf(await callPersons(A343));
    expect(problem.code).toBe('EGSB_NOT_AUTHORISED');
    expect(problem.detail).toContain('a343-old expired on 2019-12-31');
    expect((await admin('DELETE', '/admin/authorisations/a343-old')).status).toBe(204);
  });

  it('EGSB_DATA_ITEMS_NOT_AUTHORISED when none of the wanted items is permitted; partly permitted calls are minimised both ways', async () => {
    expect(
      (
        await admin('PUT', '/admin/authorisations/a343-names', {
          ...TEST_AUTHORISATION,
          agenda: 'A343',
          roles: ['CR2001'],
          dataItems: ['Jmeno', 'Prijmeni'],
          legalBasis: 'zákon 56/2001 Sb.',
        })
      ).status,
    ).toBe(201);
    try {
      const none = await problemOf(await callPersons({ ...A343, 'x-egsb-data-items': 'DatumNarozeni AdresaPobytu' }));
      expect(none.code).toBe('EGSB_DATA_ITEMS_NOT_AUTHORISED');
      expect(none.detail).toMatch(
        /none of the wanted data items \((DatumNarozeni, AdresaPobytu|AdresaPobytu, DatumNarozeni)\) is authorised for agenda A343, role CR2001/,
      );

      const before = h.provider.received.length;
      const res = await callPersons({ ...A343 }, { aifo: AIFO, seznamUdaju: ['Jmeno', 'DatumNarozeni'] });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-egsb-data-items')).toBe('Jmeno');
      expect(res.headers.get('x-egsb-data-items-refused')).toBe('DatumNarozeni');
      const answer = (await res.json()) as { osoba: Record<string, unknown> };
      expect(Object.keys(answer.osoba)).toEqual(['jmeno']);
      const sent = h.provider.received[before];
      expect(JSON.parse(sent?.body ?? '{}')).toEqual({ aifo: AIFO, seznamUdaju: ['Jmeno'] });
      expect(sent?.headers['x-egsb-data-items']).toBe('Jmeno');

      const audit = (await (
        await h.bus.app.request(`/audit?requestId=${res.headers.get('x-request-id')}`, { headers: { authorization: `Bearer ${ADMIN}` } })
      ).json()) as {
        records: { legalBasis: string[]; dataItems: string[]; refusedItems: string[] }[];
      };
      expect(audit.records[0]).toMatchObject({ legalBasis: ['zákon 56/2001 Sb.'], dataItems: ['Jmeno'], refusedItems: ['DatumNarozeni'] });
    } finally {
      await admin('DELETE', '/admin/authorisations/a343-names');
    }
  });

  it('names the effective and refused items in the SOAP answer header', async () => {
    const { soapRequest, soapEnvelope } = await import('./call-harness.ts');
    const res = await h.bus.app.request(
      '/soap/demo-persons-soap/v1',
      soapRequest('1.1', soapEnvelope('1.1'), { 'x-egsb-data-items': 'Jmeno RodneCislo' }),
    );
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(
      /<egsbctx:Context><egsbctx:dataItems>Jmeno<\/egsbctx:dataItems><egsbctx:refusedItems>RodneCislo<\/egsbctx:refusedItems><\/egsbctx:Context>/,
    );
    expect(text).not.toContain('Prijmeni>');
  });

  it('refuses lowercase or padded codes rather than guessing', async () => {
    expect((await problemOf(await callPersons({ 'x-egsb-agenda': 'a121' }))).code).toBe('EGSB_CONTEXT_INVALID');
    expect((await problemOf(await callPersons({ 'x-egsb-role': 'cr1001' }))).code).toBe('EGSB_CONTEXT_INVALID');
    const explain = await h.bus.app.request('/authorisations/effective?agenda=%20A121&role=CR1001&service=demo-persons', {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(explain.status).toBe(400);
  });
});

describe('the operator API refuses bad authorisations and stores nothing', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['an unknown agenda', { agenda: 'A999' }, 'agenda A999 is not registered'],
    ['a role of another agenda', { roles: ['CR2001'] }, 'activity role CR2001 does not belong to agenda A121'],
    ['validTo before validFrom', { validFrom: '2026-05-01', validTo: '2026-04-30' }, 'validTo 2026-04-30 is before validFrom 2026-05-01'],
    ['an item the source does not declare', { dataItems: ['Jmeno', 'RodneCislo'] }, 'data item RodneCislo is not declared'],
    ['an unknown source', { source: 'RZP' }, 'no published service has source RZP'],
    ['a service of another source', { services: ['nic'] }, 'service nic is not a published service of source ROB'],
    ['a day that does not exist', { validFrom: '2026-02-30' }, '2026-02-30 is not a calendar day'],
  ];
  for (const [name, change, message] of cases) {
    it(name, async () => {
      const res = await admin('PUT', '/admin/authorisations/bad-one', { ...TEST_AUTHORISATION, ...change });
      expect(res.status).toBe(400);
      const problem = await problemOf(res);
      expect(problem.code).toBe('EGSB_REQUEST_INVALID');
      expect(problem.errors?.map((e) => e.message).join(' | ')).toContain(message);
      expect((await admin('GET', '/admin/authorisations/bad-one')).status).toBe(404);
    });
  }

  it('refuses malformed codes by schema, and a reader AIS altogether', async () => {
    expect((await admin('PUT', '/admin/authorisations/bad-one', { ...TEST_AUTHORISATION, agenda: 'a121' })).status).toBe(400);
    expect((await admin('PUT', '/admin/authorisations/bad%20id', TEST_AUTHORISATION)).status).toBe(400);
    const asReader = await h.bus.app.request('/admin/authorisations/x', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: 'Bearer egsb_test_reader_key_0000000002' },
      body: JSON.stringify(TEST_AUTHORISATION),
    });
    expect(asReader.status).toBe(403);
  });
});

describe('bulk import', () => {
  const many = (n: number, change: (i: number) => Record<string, unknown> = () => ({})) =>
    Array.from({ length: n }, (_, i) => ({
      ...TEST_AUTHORISATION,
      id: `bulk-${String(i).padStart(5, '0')}`,
      dataItems: ['Jmeno'],
      legalBasis: `předpis ${i}`,
      ...change(i),
    }));

  it('imports thousands in one transaction and reports what changed', async () => {
    const first = (await (await admin('POST', '/admin/authorisations/import', { authorisations: many(3000) })).json()) as {
      created: string[];
      updated: string[];
      unchanged: number;
      removed: string[];
    };
    expect(first.created).toHaveLength(3000);
    const again = (await (await admin('POST', '/admin/authorisations/import', { authorisations: many(3000) })).json()) as typeof first;
    expect(again).toMatchObject({ created: [], updated: [], unchanged: 3000 });
    const withBad = many(3000, (i) => (i === 2999 ? { agenda: 'A999' } : { legalBasis: 'changed' }));
    const refused = await admin('POST', '/admin/authorisations/import', { authorisations: withBad });
    expect(refused.status).toBe(400);
    expect((await problemOf(refused)).errors?.[0]?.location).toBe('/authorisations/2999/agenda');
    const unchangedAfterRefusal = (await (await admin('GET', '/admin/authorisations/bulk-00000')).json()) as { legalBasis: string };
    expect(unchangedAfterRefusal.legalBasis).toBe('předpis 0');
    const replaced = (await (
      await admin('POST', '/admin/authorisations/import', {
        replace: true,
        authorisations: [
          ...many(2999, (i) => (i === 5 ? { dataItems: ['Jmeno', 'Prijmeni'] } : {})),
          { ...TEST_AUTHORISATION, id: 'test-a121-rob' },
        ],
      })
    ).json()) as typeof first;
    expect(replaced.updated).toEqual(['bulk-00005']);
    expect(replaced.removed).toEqual(['bulk-02999']);
    expect(replaced.unchanged).toBe(2999);
    const cleared = (await (
      await admin('POST', '/admin/authorisations/import', {
        replace: true,
        authorisations: [{ ...TEST_AUTHORISATION, id: 'test-a121-rob' }],
      })
    ).json()) as typeof first;
    expect(cleared.removed).toHaveLength(2999);
  }, 120_000);

  it('refuses a file naming one id twice', async () => {
    const res = await admin('POST', '/admin/authorisations/import', { authorisations: [...many(2), ...many(1)] });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).detail).toContain('bulk-00000 more than once');
  });
});

describe('the import command', () => {
  it('imports a YAML file through the operator API and reports; a bad file is refused whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'egsb-authz-'));
    const server = serve({ fetch: h.bus.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sink = () => {
      let text = '';
      return { stream: { write: (chunk: string) => (text += chunk) }, text: () => text };
    };
    try {
      const entry = (id: string, agenda = 'A121') =>
        `  - { id: ${id}, agenda: ${agenda}, roles: [CR1001], source: ROB, services: "*", dataItems: [Jmeno], legalBasis: "zákon 133/2000 Sb.", validFrom: "2024-01-01" }\n`;
      await writeFile(join(dir, 'ok.yaml'), `authorisations:\n${entry('cli-1')}${entry('cli-2')}`);
      const out = sink();
      const err = sink();
      expect(await runCli(['import-authorisations', join(dir, 'ok.yaml'), '--url', base, '--key', ADMIN], out.stream, err.stream)).toBe(0);
      expect(out.text()).toContain('2 authorisations: 2 created, 0 updated, 0 unchanged, 0 removed');
      await writeFile(join(dir, 'bad.yaml'), `authorisations:\n${entry('cli-3')}${entry('cli-4', 'A998')}`);
      const badErr = sink();
      expect(
        await runCli(['import-authorisations', join(dir, 'bad.yaml'), '--url', base, '--key', ADMIN], sink().stream, badErr.stream),
      ).toBe(5); // ExitCode.INVALID: the bus refused the file's content
      expect(badErr.text()).toContain('/authorisations/1/agenda: agenda A998 is not registered');
      expect((await admin('GET', '/admin/authorisations/cli-3')).status).toBe(404);
    } finally {
      await admin('DELETE', '/admin/authorisations/cli-1');
      await admin('DELETE', '/admin/authorisations/cli-2');
      server.close();
      await rm(dir, { recursive: true });
    }
  });
});

describe('explaining what an agenda and role would get', () => {
  it('answers the items and the authorisations behind them', async () => {
    const res = await h.bus.app.request('/authorisations/effective?agenda=A121&role=CR1001&service=demo-persons', {
      headers: { authorization: 'Bearer egsb_test_reader_key_0000000002' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      service: 'demo-persons',
      agenda: 'A121',
      role: 'CR1001',
      dataItems: ['Jmeno', 'Prijmeni', 'DatumNarozeni', 'AdresaPobytu'],
      authorisations: [{ id: 'test-a121-rob', legalBasis: TEST_AUTHORISATION.legalBasis, validFrom: '2020-01-01' }],
    });
    const none = (await (
      await h.bus.app.request('/authorisations/effective?agenda=A343&role=CR2001&service=demo-persons', {
        headers: { authorization: `Bearer ${ADMIN}` },
      })
    ).json()) as { dataItems: string[] };
    expect(none.dataItems).toEqual([]);
    expect(
      (
        await h.bus.app.request('/authorisations/effective?agenda=A121&role=CR1001&service=nic', {
          headers: { authorization: `Bearer ${ADMIN}` },
        })
      ).status,
    ).toBe(404);
    expect((await h.bus.app.request('/authorisations/effective?agenda=A121&role=CR1001&service=demo-persons')).status).toBe(401);
  });
});

describe('restricted services and access approval', () => {
  it('refuses until the owner approves, and again once it revokes; each step recorded', async () => {
    const upload = await readBundleDir(new URL('./fixtures/bundles/persons-json', import.meta.url).pathname);
    const published = await h.bus.app.request('/publish', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PUBLISHER_KEY}` },
      body: JSON.stringify({
        ...upload,
        manifest: {
          ...(upload.manifest as object),
          code: 'demo-restricted',
          visibility: 'restricted',
          endpoints: [{ url: `${h.provider.url}/persons` }],
        },
      }),
    });
    expect(published.status).toBe(201);
    const call = () => h.bus.app.request('/rest/demo-restricted/v1/ctiOsobu', jsonRequest());
    const refused = await problemOf(await call());
    expect(refused.code).toBe('EGSB_ACCESS_NOT_APPROVED');
    expect(refused.detail).toContain('POST /access-requests');
    const hidden = (await (await h.bus.app.request('/catalog', { headers: contextHeaders() })).json()) as { services: { code: string }[] };
    expect(hidden.services.map((s) => s.code)).not.toContain('demo-restricted');

    const reader = { 'content-type': 'application/json', authorization: 'Bearer egsb_test_reader_key_0000000002' };
    const owner = { 'content-type': 'application/json', authorization: `Bearer ${PUBLISHER_KEY}` };
    const asked = await h.bus.app.request('/access-requests', {
      method: 'POST',
      headers: reader,
      body: JSON.stringify({ service: 'demo-restricted', note: 'evidence obyvatel' }),
    });
    expect(asked.status).toBe(201);
    const { id } = (await asked.json()) as { id: string };
    expect(
      (
        await h.bus.app.request('/access-requests', {
          method: 'POST',
          headers: reader,
          body: JSON.stringify({ service: 'demo-restricted' }),
        })
      ).status,
    ).toBe(409);
    expect(
      (await h.bus.app.request('/access-requests', { method: 'POST', headers: reader, body: JSON.stringify({ service: 'demo-persons' }) }))
        .status,
    ).toBe(400);

    const selfApproved = await h.bus.app.request(`/access-requests/${id}/approve`, { method: 'POST', headers: reader });
    expect(selfApproved.status).toBe(403);
    expect((await problemOf(await call())).code).toBe('EGSB_ACCESS_NOT_APPROVED');

    expect(
      (await h.bus.app.request(`/access-requests/${id}/approve`, { method: 'POST', headers: owner, body: JSON.stringify({ note: 'ok' }) }))
        .status,
    ).toBe(200);
    expect((await call()).status).toBe(200);
    // The catalogue follows the same access rule as the call path: the approved reader sees the service,
    // reads its descriptor, and the SDK (which reads the catalogue first) calls it.
    const listedForReader = (await (await h.bus.app.request('/catalog', { headers: reader })).json()) as { services: { code: string }[] };
    expect(listedForReader.services.map((s) => s.code)).toContain('demo-restricted');
    expect((await h.bus.app.request('/rest/demo-restricted/v1', { headers: reader })).status).toBe(200);
    const server = serve({ fetch: h.bus.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const sdk = createSharedDataClient({
      busUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { apiKey: READER_KEY },
      ovm: '00064581',
      agenda: 'A121',
      role: 'CR1001',
    });
    try {
      const answer = await sdk.call('demo-restricted', 'ctiOsobu', { aifo: AIFO }, { auditUserId: 'referent.novak', purpose: 'test' });
      expect(answer.dataItems.length).toBeGreaterThan(0);
    } finally {
      await sdk.close();
      await new Promise((resolve) => server.close(resolve));
    }
    expect((await h.bus.app.request(`/access-requests/${id}/approve`, { method: 'POST', headers: owner })).status).toBe(409);

    const revoked = await h.bus.app.request(`/access-requests/${id}/revoke`, { method: 'POST', headers: owner });
    expect(revoked.status).toBe(200);
    const history = ((await revoked.json()) as { history: { action: string; actor: string; at: string }[] }).history;
    expect(history.map((e) => `${e.action} by ${e.actor}`)).toEqual([
      'requested by ais:900002',
      'approved by ais:900001',
      'revoked by ais:900001',
    ]);
    expect((await problemOf(await call())).code).toBe('EGSB_ACCESS_NOT_APPROVED');
    const listed = (await (await h.bus.app.request('/access-requests', { headers: owner })).json()) as {
      requests: { id: string; state: string; history: unknown[] }[];
    };
    expect(listed.requests.find((r) => r.id === id)).toMatchObject({ state: 'revoked', history: history });
    const others = await h.bus.app.request(`/access-requests/${id}`, {
      headers: { authorization: 'Bearer egsb_test_suspended_key_00000003' },
    });
    expect(others.status).not.toBe(200);
    const garbled = await h.bus.app.request(`/access-requests/${id}/approve`, { method: 'POST', headers: owner, body: '{"note":' });
    expect(garbled.status).toBe(400);
    const huge = await h.bus.app.request('/access-requests', {
      method: 'POST',
      headers: reader,
      body: JSON.stringify({ service: 'demo-restricted', note: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
  });
});

describe.skipIf(postgresUrl === undefined)('two bus instances on one PostgreSQL', () => {
  it('a new authorisation made through one is enforced by the other within a second or so', async () => {
    const database = await createTestDatabase();
    const provider = await startTestProvider();
    const env = { DATABASE_URL: database.url, EGSB_ADMIN_TOKEN: ADMIN, EGSB_SEED_FILE: SEED_FILE, EGSB_LOG_LEVEL: 'silent', NATS_URL: '' };
    const first = await createBus(readConfig(env));
    const second = await createBus(readConfig({ ...env, EGSB_SEED_FILE: undefined }));
    try {
      await publishDemoBundles(first, provider.url, 2000);
      await second.view.refresh();
      const call = () => second.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, A343));
      expect((await problemOf(await call())).code).toBe('EGSB_NOT_AUTHORISED');
      const put = await first.app.request('/admin/authorisations/a343-live', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ ...TEST_AUTHORISATION, agenda: 'A343', roles: ['CR2001'] }),
      });
      expect(put.status).toBe(201);
      const started = performance.now();
      let status = 0;
      while (performance.now() - started < 5000) {
        status = (await call()).status;
        if (status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(status).toBe(200);
      console.info(`authorisation reached the other instance after ${Math.round(performance.now() - started)} ms`);
    } finally {
      await second.close();
      await first.close();
      await provider.close();
      await database.drop();
    }
  }, 60_000);
});
