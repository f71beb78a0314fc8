/**
 * A bus with the test registry and the demo contracts published against the test provider, plus
 * helpers to call it the way readers do, over JSON and over SOAP.
 */
import { readBundleDir } from '../contracts/index.ts';
import { createBus, readConfig, type Bus } from '../bus/index.ts';
import { startTestProvider, type TestProvider } from './provider.ts';

export const ADMIN = 'test-operator-token-0123456789';
export const PUBLISHER_KEY = 'egsb_test_publisher_key_000001';
export const READER_KEY = 'egsb_test_reader_key_0000000002';
export const SUSPENDED_KEY = 'egsb_test_suspended_key_00000003';
export const PERSON_NS = 'urn:egsb:demo:persons:v1';
export const AIFO = 'AAECAwQFBgcICQoLDA0ODxA=';

const bundles = new URL('./fixtures/bundles/', import.meta.url).pathname;

export interface Harness {
  readonly bus: Bus;
  readonly provider: TestProvider;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** Merged into every demo manifest (e.g. `{ modes: ['sync', 'async'] }`). */
  readonly manifest?: object;
}

export const SEED_FILE = new URL('./fixtures/seed.yaml', import.meta.url).pathname;

export async function startHarness({
  env = { EGSB_IN_MEMORY: '1' },
  timeoutMs = 1500,
  manifest = {},
}: HarnessOptions = {}): Promise<Harness> {
  const provider = await startTestProvider();
  const bus = await createBus(
    readConfig({ EGSB_ADMIN_TOKEN: ADMIN, EGSB_SEED_FILE: SEED_FILE, EGSB_LOG_LEVEL: 'silent', NATS_URL: '', ...env }),
  );
  try {
    await publishDemoBundles(bus, provider.url, timeoutMs, manifest);
  } catch (error) {
    await bus.close();
    await provider.close();
    throw error;
  }
  return {
    bus,
    provider,
    async close() {
      await bus.close();
      await provider.close();
    },
  };
}

/** A bus in this process, or one reached over HTTP at an origin (`http://127.0.0.1:8080`). */
export type BusTarget = Bus | { readonly origin: string };

function requester(target: BusTarget): (path: string, init?: RequestInit) => Promise<Response> {
  if ('app' in target) return async (path, init) => target.app.request(path, init);
  return (path, init) => fetch(`${target.origin}${path}`, init);
}

/** The operator approves, for the test publisher, the origins of these endpoints (keeping those approved before). */
export async function approveOrigins(bus: BusTarget, endpoints: readonly string[], aisId = 900001): Promise<void> {
  const request = requester(bus);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` };
  const current = await request(`/admin/ais/${aisId}/publishing`, { headers });
  const known = current.status === 200 ? ((await current.json()) as { quota: number; origins: string[] }) : { quota: 20, origins: [] };
  const wanted = endpoints.map((e) => (e.startsWith('nats:') ? e : new URL(e).origin));
  const origins = [...new Set([...known.origins, ...wanted])];
  const res = await request(`/admin/ais/${aisId}/publishing`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ quota: known.quota, origins }),
  });
  if (res.status >= 300) throw new Error(`approving origins failed: ${res.status} ${await res.text()}`);
}

/**
 * Publishes the demo JSON and SOAP contracts (and a SOAP 1.1-only twin) against a provider, and
 * authorises agenda A121, role CR1001 to read every item of source ROB through them. A bus reached
 * over HTTP sees its own registry writes at once; one in this process has its view refreshed here.
 */
export async function publishDemoBundles(bus: BusTarget, providerUrl: string, timeoutMs: number, extra: object = {}): Promise<void> {
  const extraEndpoints = (extra as { endpoints?: { url: string }[] }).endpoints?.map((e) => e.url) ?? [];
  await approveOrigins(bus, [providerUrl, ...extraEndpoints]);
  const json = await readBundleDir(`${bundles}persons-json`);
  await publish(bus, {
    ...json,
    manifest: { ...(json.manifest as object), endpoints: [{ url: `${providerUrl}/persons` }], timeoutMs, ...extra },
  });
  const soap = await readBundleDir(`${bundles}persons-soap`);
  await publish(bus, {
    ...soap,
    manifest: { ...(soap.manifest as object), endpoints: [{ url: `${providerUrl}/soap/persons` }], timeoutMs, ...extra },
  });
  const wsdl = String(soap.files['wsdl/persons.wsdl'])
    .replace(/<wsdl:binding name="PersonsBinding12"[\s\S]*?<\/wsdl:binding>/, '')
    .replace(/<wsdl:port name="PersonsPort12"[\s\S]*?<\/wsdl:port>/, '');
  await publish(bus, {
    files: { ...soap.files, 'wsdl/persons.wsdl': wsdl },
    manifest: {
      ...(soap.manifest as object),
      code: 'demo-persons-soap11',
      endpoints: [{ url: `${providerUrl}/soap/persons` }],
      timeoutMs,
      ...extra,
    },
  });
  const res = await requester(bus)('/admin/authorisations/test-a121-rob', {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify(TEST_AUTHORISATION),
  });
  if (res.status >= 300) throw new Error(`authorising failed: ${res.status} ${await res.text()}`);
  if ('view' in bus) await bus.view.refresh();
}

export const TEST_AUTHORISATION = {
  agenda: 'A121',
  roles: ['CR1001'],
  source: 'ROB',
  services: '*',
  dataItems: ['Jmeno', 'Prijmeni', 'DatumNarozeni', 'AdresaPobytu'],
  legalBasis: 'zákon č. 111/2009 Sb., § 8 (test)',
  validFrom: '2020-01-01',
} as const;

async function publish(bus: BusTarget, upload: object): Promise<void> {
  const res = await requester(bus)('/publish', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${PUBLISHER_KEY}` },
    body: JSON.stringify(upload),
  });
  if (res.status >= 300) throw new Error(`publishing failed: ${res.status} ${await res.text()}`);
}

/** Publishes `demo-restricted`: the demo JSON contract, visible and callable only with approved access. */
export async function publishRestricted(bus: Bus, providerUrl: string): Promise<void> {
  const json = await readBundleDir(`${bundles}persons-json`);
  const { ais: _ais, ...manifest } = json.manifest as Record<string, unknown>;
  await publish(bus, {
    ...json,
    manifest: { ...manifest, code: 'demo-restricted', visibility: 'restricted', endpoints: [{ url: `${providerUrl}/persons` }] },
  });
  await bus.view.refresh();
}

/**
 * `bulk-persons`: the demo JSON contract with room for a long list of notes both ways (`poznamky`,
 * each `{k: "v<n>", text}`), to send maximal but valid messages; the test provider serves it.
 */
export async function bulkUpload(
  providerUrl: string,
  { maxMessageBytes = 10 * 1024 * 1024, code = 'bulk-persons', pattern = '^v[0-9]+$' } = {},
): Promise<object> {
  const json = await readBundleDir(`${bundles}persons-json`);
  const files = { ...json.files };
  const notes = {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['k'],
      properties: { k: { type: 'string', pattern }, text: { type: 'string' } },
    },
  };
  for (const name of ['schemas/cti-osobu-request.json', 'schemas/cti-osobu-response.json']) {
    const schema = JSON.parse(String(files[name])) as { properties: Record<string, unknown> };
    schema.properties.poznamky = notes;
    files[name] = JSON.stringify(schema);
  }
  const { ais: _ais, ...manifest } = json.manifest as Record<string, unknown>;
  return { files, manifest: { ...manifest, code, endpoints: [{ url: `${providerUrl}/persons` }], maxMessageBytes } };
}

/** A `bulk-persons` request of just under `bytes`, notes named by `note` (a wrong name breaks the contract). */
export function bulkRequest(bytes: number, note = (i: number) => `v${i}`): string {
  const parts: string[] = [];
  let length = 100;
  for (let i = 0; length < bytes - 200; i++) {
    const item = JSON.stringify({ k: note(i), text: `poznamka ${i} ${'x'.repeat(30)}` });
    parts.push(item);
    length += item.length + 1;
  }
  return `{"aifo":"${AIFO}","seznamUdaju":["Jmeno"],"poznamky":[${parts.join(',')}]}`;
}

/** The context headers of a well-formed call by the test reader. */
export function contextHeaders(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    authorization: `Bearer ${READER_KEY}`,
    'x-egsb-ovm': '00064581',
    'x-egsb-agenda': 'A121',
    'x-egsb-role': 'CR1001',
    'audit-user-id': 'referent.novak@praha.example',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
}

export function jsonRequest(body: unknown = { aifo: AIFO }, overrides: Record<string, string | undefined> = {}): RequestInit {
  return {
    method: 'POST',
    headers: contextHeaders({ 'content-type': 'application/json', ...overrides }),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

export function soapBody({ agenda = 'A121', role = 'CR1001', aifo = AIFO } = {}): string {
  return (
    `<p:CtiOsobu xmlns:p="${PERSON_NS}"><p:ZadostInfo><p:Agenda>${agenda}</p:Agenda><p:AgendovaRole>${role}</p:AgendovaRole></p:ZadostInfo>` +
    `<p:Aifo>${aifo}</p:Aifo></p:CtiOsobu>`
  );
}

export function soapEnvelope(version: '1.1' | '1.2', body = soapBody(), header = ''): string {
  const ns = version === '1.1' ? 'http://schemas.xmlsoap.org/soap/envelope/' : 'http://www.w3.org/2003/05/soap-envelope';
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${ns}">${header ? `<s:Header>${header}</s:Header>` : ''}<s:Body>${body}</s:Body></s:Envelope>`;
}

export function soapRequest(
  version: '1.1' | '1.2',
  envelope = soapEnvelope(version),
  overrides: Record<string, string | undefined> = {},
): RequestInit {
  const action = 'urn:egsb:demo:persons:CtiOsobu';
  const typeHeaders =
    version === '1.1'
      ? { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action}"` }
      : { 'content-type': `application/soap+xml; charset=utf-8; action="${action}"` };
  return { method: 'POST', headers: contextHeaders({ ...typeHeaders, ...overrides }), body: envelope };
}

export interface CallResult {
  readonly status: number;
  /** The catalogue code of a refusal, from problem+json or a SOAP fault's ctx:Error. */
  readonly code?: string;
  readonly text: string;
  readonly res: Response;
}

/** One call through the bus's app, with the refusal's code read from either kind of answer. */
export async function callBus(bus: Bus, path: string, init: RequestInit): Promise<CallResult> {
  const res = await bus.app.request(path, init);
  const text = await res.text();
  const code = res.headers.get('content-type')?.includes('json')
    ? (JSON.parse(text) as { code?: string }).code
    : /<ctx:code>([A-Z_]+)<\/ctx:code>/.exec(text)?.[1];
  return { status: res.status, text, res, ...(code ? { code } : {}) };
}

/** The one audit record of a call, as the operator sees it. */
export async function auditRecordOf(bus: Bus, res: Response): Promise<Record<string, unknown>> {
  const requestId = res.headers.get('x-request-id') ?? '';
  const answer = await bus.app.request(`/audit?requestId=${encodeURIComponent(requestId)}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const page = (await answer.json()) as { records: Record<string, unknown>[] };
  if (page.records.length !== 1) throw new Error(`expected one audit record of ${requestId}, found ${page.records.length}`);
  return page.records[0] as Record<string, unknown>;
}
