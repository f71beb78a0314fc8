import { serve, type ServerType } from '@hono/node-server';
import { createClientAsync } from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundleDir } from '../contracts/index.ts';
import { createBus, readConfig, type Bus } from '../bus/index.ts';

const ADMIN = 'test-operator-token-0123456789';
const PUBLISHER = 'egsb_demo_publisher_key_0001';
const bundles = new URL('./fixtures/bundles/', import.meta.url).pathname;

let bus: Bus;
beforeAll(async () => {
  bus = await createBus(
    readConfig({
      EGSB_IN_MEMORY: '1',
      EGSB_ADMIN_TOKEN: ADMIN,
      EGSB_SEED_FILE: new URL('../mocks/seed.yaml', import.meta.url).pathname,
      EGSB_LOG_LEVEL: 'silent',
      NATS_URL: '',
    }),
  );
  for (const name of ['persons-json', 'persons-soap']) {
    const res = await post('/publish', await readBundleDir(`${bundles}${name}`));
    if (res.status !== 201) throw new Error(`publishing ${name}: ${res.status} ${await res.text()}`);
  }
});
afterAll(async () => bus.close());

const post = (path: string, body: unknown, key = PUBLISHER) =>
  bus.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });

describe('publishing', () => {
  it('lists the seeded and published services in the catalogue with operations and data items', async () => {
    const seeded = (await (await bus.app.request('/catalog')).json()) as { services: { code: string }[] };
    expect(seeded.services.map((s) => s.code)).toContain('IszrRobCtiAifo');
    const res = await bus.app.request('/catalog');
    const body = (await res.json()) as {
      services: { code: string; version: number; protocol: string; operations: string[]; dataItems: string[] }[];
    };
    expect(body.services.find((s) => s.code === 'demo-persons')).toMatchObject({
      version: 1,
      protocol: 'json',
      operations: ['ctiOsobu'],
      dataItems: ['Jmeno', 'Prijmeni', 'DatumNarozeni', 'AdresaPobytu'],
    });
  });

  it('answers the same bundle again as unchanged, and a new major beside the old', async () => {
    const upload = await readBundleDir(`${bundles}persons-json`);
    const again = await post('/publish', upload);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ outcome: 'unchanged', version: '1.1' });
    const v2 = await post('/publish', { ...upload, manifest: { ...(upload.manifest as object), version: '2.0' } });
    expect(v2.status).toBe(201);
    const codes = ((await (await bus.app.request('/catalog')).json()) as { services: { code: string; version: number }[] }).services
      .filter((s) => s.code === 'demo-persons')
      .map((s) => s.version);
    expect(codes).toEqual([1, 2]);
  });

  it('refuses a changed contract under the same minor version, and replaces with a higher minor', async () => {
    const upload = await readBundleDir(`${bundles}persons-json`);
    const changed = { ...upload, manifest: { ...(upload.manifest as object), description: 'changed' } };
    const refused = await post('/publish', changed);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'EGSB_CONFLICT' });
    const replaced = await post('/publish', { ...changed, manifest: { ...changed.manifest, version: '1.2' } });
    expect(await replaced.json()).toMatchObject({ outcome: 'replaced', version: '1.2' });
  });

  it('refuses a service code another AIS owns, leaving the registry unchanged', async () => {
    const key = await post('/admin/ais/900002/credentials', { kind: 'api-key', label: 'second' }, ADMIN);
    const { apiKey } = (await key.json()) as { apiKey: string };
    // A publisher with a source of its own still cannot take a code another AIS publishes.
    await bus.app.request('/admin/ais/900002/publishing', put({ quota: 5, origins: ['http://127.0.0.1:8091'] }));
    await bus.app.request('/admin/sources/RX', put({ name: 'Second source', ownerAis: 900002, dataItems: ['Jmeno', 'Prijmeni'] }));
    const upload = await readBundleDir(`${bundles}persons-soap`);
    const { ais: _owner, ...manifest } = upload.manifest as Record<string, unknown>;
    const res = await post('/publish', { ...upload, manifest: { ...manifest, source: 'RX' } }, apiKey);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/taken by AIS 900001/);
  });

  it('refuses a bundle whose XSD has a DOCTYPE, storing nothing', async () => {
    const upload = await readBundleDir(`${bundles}persons-soap`);
    const manifest = { ...(upload.manifest as object), code: 'doctype-test' };
    const files = { ...upload.files, 'xsd/types.xsd': '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' };
    const res = await post('/publish', { manifest, files });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'EGSB_CONTRACT_INVALID', errors: [{ file: 'xsd/types.xsd', line: 1 }] });
    expect(await bus.db.query("SELECT 1 FROM service WHERE code = 'doctype-test'")).toEqual([]);
  });

  it("refuses asyncAnswer iszr on a contract whose answers do not take ISZR's OdpovedInfo alone, and a JSON contract", async () => {
    const soap = await readBundleDir(`${bundles}persons-soap`);
    const res = await post('/publish', { ...soap, manifest: { ...(soap.manifest as object), code: 'iszr-misfit', asyncAnswer: 'iszr' } });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      code: 'EGSB_CONTRACT_INVALID',
      detail: expect.stringContaining('asyncAnswer "iszr" answers CtiOsobu'),
    });
    const json = await readBundleDir(`${bundles}persons-json`);
    const jsonRes = await post('/publish', { ...json, manifest: { ...(json.manifest as object), code: 'iszr-json', asyncAnswer: 'iszr' } });
    expect(jsonRes.status).toBe(422);
    expect(await bus.db.query("SELECT 1 FROM service WHERE code IN ('iszr-misfit', 'iszr-json')")).toEqual([]);
  });

  it('refuses a 50 MB upload with EGSB_MESSAGE_TOO_LARGE', async () => {
    const res = await bus.app.request('/publish', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PUBLISHER}` },
      body: JSON.stringify({ manifest: {}, files: { 'big.xsd': 'x'.repeat(50 * 1024 * 1024) } }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'EGSB_MESSAGE_TOO_LARGE' });
  });

  it('refuses publishing without credentials, and the operator API to an AIS key', async () => {
    const anonymous = await bus.app.request('/publish', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"manifest":{},"files":{}}',
    });
    expect(await anonymous.json()).toMatchObject({ status: 401, code: 'EGSB_AUTH_REQUIRED' });
    const ais = await bus.app.request('/admin/ais', { headers: { authorization: `Bearer ${PUBLISHER}` } });
    expect(await ais.json()).toMatchObject({ status: 403, code: 'EGSB_FORBIDDEN' });
  });

  it('refuses malformed JSON and unknown fields in operator bodies', async () => {
    const malformed = await bus.app.request('/admin/ovm/00000001', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: '{"name":',
    });
    expect(await malformed.json()).toMatchObject({ code: 'EGSB_MESSAGE_MALFORMED' });
    const unknown = await bus.app.request('/admin/ovm/00000001', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: '{"name":"x","colour":"red"}',
    });
    expect(await unknown.json()).toMatchObject({ code: 'EGSB_REQUEST_INVALID', errors: [{ message: 'unknown field colour' }] });
  });
});

describe('the WSDL served by the bus', () => {
  let server: ServerType;
  let base: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      server = serve({ fetch: bus.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('names the bus as its address and links its schemas through ?xsd=', async () => {
    const wsdl = await (await fetch(`${base}/soap/demo-persons-soap/v1?wsdl`)).text();
    expect(wsdl).toContain(`location="${base}/soap/demo-persons-soap/v1"`);
    expect(wsdl).not.toContain('provider.invalid');
    expect(wsdl).toContain(`schemaLocation="${base}/soap/demo-persons-soap/v1?xsd=xsd%2Fpersons.xsd"`);
  });

  it('loads in the soap client, which sees the operation from the bus alone', async () => {
    const client = await createClientAsync(`${base}/soap/demo-persons-soap/v1?wsdl`);
    const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(description.PersonsService?.PersonsPort ?? {})).toEqual(['CtiOsobu']);
  });

  it('answers 404 for a schema outside the contract', async () => {
    const res = await fetch(`${base}/soap/demo-persons-soap/v1?xsd=..%2F..%2Fetc%2Fpasswd`);
    expect(res.status).toBe(404);
  });
});

function put(body: unknown): RequestInit {
  return { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` }, body: JSON.stringify(body) };
}
