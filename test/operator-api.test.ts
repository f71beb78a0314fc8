/**
 * The operator's registry API keeps to what it is told: PUT replaces but never reactivates an AIS
 * it was not asked to, PATCH changes only what it names, and GET /audit honours every filter it
 * documents and refuses the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundleDir } from '../contracts/index.ts';
import { ADMIN, approveOrigins, jsonRequest, PUBLISHER_KEY, READER_KEY, startHarness, type Harness } from './call-harness.ts';
import { startTestProvider } from './provider.ts';

const operator = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` };
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const ask = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await h.bus.app.request(path, { method, headers: operator, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('PUT and PATCH /admin/ais/{id}', () => {
  it('PUT replaces the AIS but keeps a state the body does not name: a suspended AIS renamed stays suspended', async () => {
    const made = await ask('PUT', '/admin/ais/900010', {
      name: 'Town AIS',
      operatorOvm: '00064581',
      actsFor: ['00064581'],
      agendas: ['A121'],
      contacts: [{ name: 'Helpdesk', email: 'help@example.org' }],
      callbackUrl: 'http://127.0.0.1:9/callbacks',
    });
    expect(made.status).toBe(200);
    expect(made.body.state).toBe('active');
    expect((await ask('PATCH', '/admin/ais/900010', { state: 'suspended' })).body.state).toBe('suspended');

    const renamed = await ask('PUT', '/admin/ais/900010', { name: 'Town AIS (renamed)', operatorOvm: '00064581', agendas: ['A121'] });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Town AIS (renamed)', state: 'suspended', actsFor: [], agendas: ['A121'], contacts: [] });
    expect(renamed.body.callbackUrl).toBeUndefined();
    expect((await ask('PUT', '/admin/ais/900010', { name: 'Town AIS', operatorOvm: '00064581', state: 'active' })).body.state).toBe(
      'active',
    );
  });

  it('PATCH changes only the fields it names; null removes the callback or the rate limit; the result is checked whole', async () => {
    await ask('PUT', '/admin/ais/900011', {
      name: 'Patched AIS',
      operatorOvm: '00064581',
      actsFor: ['00064581'],
      agendas: ['A121', 'A343'],
      callbackUrl: 'http://127.0.0.1:9/cb',
      rateLimit: { perSecond: 5, burst: 10 },
    });
    const patched = await ask('PATCH', '/admin/ais/900011', { rateLimit: null, name: 'Patched AIS 2' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Patched AIS 2',
      agendas: ['A121', 'A343'],
      callbackUrl: 'http://127.0.0.1:9/cb',
      state: 'active',
    });
    expect(patched.body.rateLimit).toBeUndefined();

    const broken = await ask('PATCH', '/admin/ais/900011', { state: 'sleeping' });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('EGSB_REQUEST_INVALID');
    expect((await ask('PATCH', '/admin/ais/900011', { operatorOvm: null })).status).toBe(400);
    expect((await ask('PATCH', '/admin/ais/900011', [])).status).toBe(400);
    expect((await ask('PATCH', '/admin/ais/999999', { name: 'x' })).status).toBe(404);
    expect((await ask('GET', '/admin/ais/900011')).body.name).toBe('Patched AIS 2');
  });
});

describe('PUT /services/{code}/v{major}/endpoints', () => {
  it('lets the owner move its provider within its approved origins, without a new contract version', async () => {
    const second = await startTestProvider();
    try {
      await approveOrigins(h.bus, [second.url]);
      const move = (key: string, endpoints: unknown) =>
        h.bus.app.request('/services/demo-persons/v1/endpoints', {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ endpoints }),
        });
      const moved = await move(PUBLISHER_KEY, [{ url: `${second.url}/persons` }]);
      expect(moved.status).toBe(200);
      expect(await moved.json()).toMatchObject({ version: '1.1', endpoints: [{ url: `${second.url}/persons` }] });
      await h.bus.view.refresh();
      const before = second.received.length;
      expect((await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest())).status).toBe(200);
      expect(second.received.length).toBe(before + 1);

      const outside = await move(PUBLISHER_KEY, [{ url: 'http://127.0.0.2:8080/persons' }]);
      expect(outside.status).toBe(403);
      expect(((await outside.json()) as { code: string }).code).toBe('EGSB_ENDPOINT_NOT_APPROVED');
      const withCredentials = await move(PUBLISHER_KEY, [{ url: `http://user:secret@${new URL(second.url).host}/persons` }]);
      expect(withCredentials.status).toBeGreaterThanOrEqual(400);
      expect(withCredentials.status).toBeLessThan(500);
      const byReader = await move(READER_KEY, [{ url: `${second.url}/persons` }]);
      expect(byReader.status).toBe(404);

      // Publishing the version again brings the manifest's endpoints back.
      const json = await readBundleDir(new URL('./fixtures/bundles/persons-json', import.meta.url).pathname);
      const { ais: _ais, ...manifest } = json.manifest as Record<string, unknown>;
      const republished = await h.bus.app.request('/publish', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${PUBLISHER_KEY}` },
        body: JSON.stringify({ ...json, manifest: { ...manifest, version: '1.2', endpoints: [{ url: `${h.provider.url}/persons` }] } }),
      });
      expect(republished.status).toBe(200);
      const service = (await (await h.bus.app.request('/services/demo-persons/v1', { headers: operator })).json()) as {
        manifest: { endpoints: { url: string }[] };
      };
      expect(service.manifest.endpoints).toEqual([{ url: `${h.provider.url}/persons` }]);
    } finally {
      await second.close();
    }
  });
});

describe('GET /audit filters', () => {
  it('honours ais and refuses a filter it does not know', async () => {
    expect((await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest())).status).toBe(200);
    const mine = await ask('GET', '/audit?ais=900002&limit=1000');
    const records = mine.body.records as { ais: number | null }[];
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.ais === 900002)).toBe(true);
    expect(((await ask('GET', '/audit?ais=900001')).body.records as unknown[]).length).toBe(0);

    const unknown = await ask('GET', '/audit?subject=AAECAwQFBgcICQoLDA0ODxA%3D');
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('EGSB_REQUEST_INVALID');
    expect(String(unknown.body.detail)).toContain('"subject"');
    expect((await ask('GET', '/audit?ais=abc')).status).toBe(400);
  });
});
