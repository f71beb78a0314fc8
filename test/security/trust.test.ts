/**
 * The trust model under attack: each test replays one way a reader or a publisher got around the
 * authorisations (shadow sources, internal endpoints, squatting, envelope structure, unfiltered
 * answers, values in errors, shared circuits) against a running bus, and asserts the refusal, its
 * catalogue code and, for calls, the audit record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundleDir } from '../../contracts/index.ts';
import {
  ADMIN,
  AIFO,
  PERSON_NS,
  READER_KEY,
  approveOrigins,
  contextHeaders,
  jsonRequest,
  soapBody,
  soapEnvelope,
  soapRequest,
  startHarness,
  type Harness,
  auditRecordOf,
  callBus,
  type CallResult,
} from '../call-harness.ts';
import { envelope, personJson, personXml } from '../provider.ts';

const bundles = new URL('../fixtures/bundles/', import.meta.url).pathname;
const operator = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` };
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const call = (path: string, init: RequestInit): Promise<CallResult> => callBus(h.bus, path, init);
const auditOf = (res: Response): Promise<Record<string, unknown>> => auditRecordOf(h.bus, res);

async function publishAs(
  key: string,
  bundle: string,
  manifest: Record<string, unknown>,
): Promise<{ status: number; code?: string; detail?: string }> {
  const upload = await readBundleDir(`${bundles}${bundle}`);
  const { ais: _owner, ...base } = upload.manifest as Record<string, unknown>;
  const res = await h.bus.app.request('/publish', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ ...upload, manifest: { ...base, ...manifest } }),
  });
  const body = (await res.json()) as { code?: string; detail?: string };
  return { status: res.status, ...body };
}

async function put(path: string, body: unknown): Promise<number> {
  return (await h.bus.app.request(path, { method: 'PUT', headers: operator, body: JSON.stringify(body) })).status;
}

describe('shadow sources', () => {
  it('an AIS the operator did not make a publisher cannot publish at all', async () => {
    const refused = await publishAs(READER_KEY, 'persons-json', { code: 'shadow-rob', endpoints: [{ url: `${h.provider.url}/persons` }] });
    expect(refused).toMatchObject({ status: 403, code: 'EGSB_PUBLISHING_NOT_ALLOWED' });
    expect(refused.detail).toContain('not a publisher');
  });

  it("a publisher cannot claim another AIS's source, nor declare items its own source does not hold", async () => {
    expect(await put('/admin/ais/900002/publishing', { quota: 2, origins: [h.provider.url] })).toBe(200);
    const claimed = await publishAs(READER_KEY, 'persons-json', { code: 'shadow-rob', endpoints: [{ url: `${h.provider.url}/persons` }] });
    expect(claimed).toMatchObject({ status: 403, code: 'EGSB_PUBLISHING_NOT_ALLOWED' });
    expect(claimed.detail).toContain('source ROB belongs to AIS 900001');

    expect(await put('/admin/sources/TOWN', { name: 'Town register', ownerAis: 900002, dataItems: ['Jmeno'] })).toBe(200);
    const foreignItems = await publishAs(READER_KEY, 'persons-json', {
      code: 'town-persons',
      source: 'TOWN',
      endpoints: [{ url: `${h.provider.url}/persons` }],
    });
    expect(foreignItems).toMatchObject({ status: 403, code: 'EGSB_PUBLISHING_NOT_ALLOWED' });
    expect(foreignItems.detail).toContain('holds no data item Prijmeni');
  });

  it('a service whose source passed to another owner is refused at call time, and audited', async () => {
    expect(
      await put('/admin/sources/TOWN2', {
        name: 'Town register 2',
        ownerAis: 900002,
        dataItems: ['Jmeno', 'Prijmeni', 'DatumNarozeni', 'AdresaPobytu'],
      }),
    ).toBe(200);
    const published = await publishAs(READER_KEY, 'persons-json', {
      code: 'town2-persons',
      source: 'TOWN2',
      endpoints: [{ url: `${h.provider.url}/persons` }],
    });
    expect(published.status).toBe(201);
    // The operator hands the source to AIS 900001: the old publisher's service no longer speaks for it.
    expect(await put('/admin/sources/TOWN2', { name: 'Town register 2', ownerAis: 900001, dataItems: ['Jmeno'] })).toBe(200);
    await h.bus.view.refresh();
    const result = await call('/rest/town2-persons/v1/ctiOsobu', jsonRequest());
    expect(result.code).toBe('EGSB_NOT_AUTHORISED');
    expect(result.text).toContain('belongs to AIS 900001');
    expect(await auditOf(result.res)).toMatchObject({ decision: 'refused', code: 'EGSB_NOT_AUTHORISED', dataItems: [] });
  });

  it('no service declares no item, and the provider always hears the explicit effective list', async () => {
    const empty = await publishAs(READER_KEY, 'persons-json', { code: 'town-empty', source: 'TOWN', dataItems: [] });
    expect(empty).toMatchObject({ status: 422, code: 'EGSB_CONTRACT_INVALID' });
    const before = h.provider.received.length;
    const ok = await call('/rest/demo-persons/v1/ctiOsobu', jsonRequest());
    expect(ok.status).toBe(200);
    const received = h.provider.received.slice(before);
    expect(received).toHaveLength(1);
    expect(String(received[0]?.headers['x-egsb-data-items'])).toBe('Jmeno Prijmeni DatumNarozeni AdresaPobytu');
    const nothing = await call('/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, { 'x-egsb-data-items': 'Neexistuje' }));
    expect(nothing.code).toBe('EGSB_DATA_ITEMS_NOT_AUTHORISED');
    expect(h.provider.received.length).toBe(before + 1);
  });
});

describe('endpoints and squatting', () => {
  it("refuses an endpoint outside the publisher's approved origins, naming it", async () => {
    for (const url of [
      'http://127.0.0.1:8080/admin/ais',
      'http://169.254.169.254/latest',
      'http://localhost:5432/x',
      'nats:egsb.internal',
    ]) {
      const refused = await publishAs(READER_KEY, 'persons-json', {
        code: 'town-ssrf',
        source: 'TOWN',
        dataItems: [{ name: 'Jmeno', paths: ['/osoba/jmeno'] }],
        endpoints: [{ url }],
      });
      expect(refused, url).toMatchObject({ status: 403, code: 'EGSB_ENDPOINT_NOT_APPROVED' });
      expect(refused.detail).toContain(url);
    }
  });

  it('refuses a code that differs from a published one only in case, and a publisher past its quota', async () => {
    const squat = await publishAs(READER_KEY, 'persons-json', {
      code: 'DEMO-PERSONS',
      source: 'TOWN',
      dataItems: [{ name: 'Jmeno', paths: ['/osoba/jmeno'] }],
      endpoints: [{ url: `${h.provider.url}/persons` }],
    });
    expect(squat).toMatchObject({ status: 409, code: 'EGSB_CONFLICT' });
    expect(squat.detail).toContain('whatever their case');
    // AIS 900002 owns town2-persons; with a quota of one, a second service is refused.
    expect(await put('/admin/ais/900002/publishing', { quota: 1, origins: [h.provider.url] })).toBe(200);
    const over = await publishAs(READER_KEY, 'persons-json', {
      code: 'town-second',
      source: 'TOWN',
      dataItems: [{ name: 'Jmeno', paths: ['/osoba/jmeno'] }],
      endpoints: [{ url: `${h.provider.url}/persons` }],
    });
    expect(over).toMatchObject({ status: 403, code: 'EGSB_PUBLISHING_NOT_ALLOWED' });
    expect(over.detail).toContain('quota');
  });

  it("tells a reader nothing of why the provider failed; the operator's audit keeps the cause", async () => {
    const closed = 'http://127.0.0.1:9';
    await approveOrigins(h.bus, [closed]);
    const upload = await readBundleDir(`${bundles}persons-json`);
    const res = await h.bus.app.request('/publish', {
      method: 'POST',
      headers: operator,
      body: JSON.stringify({
        ...upload,
        manifest: { ...(upload.manifest as object), code: 'demo-closed', endpoints: [{ url: `${closed}/persons` }] },
      }),
    });
    expect(res.status).toBe(201);
    await h.bus.view.refresh();
    const result = await call('/rest/demo-closed/v1/ctiOsobu', jsonRequest());
    expect(result.code).toBe('EGSB_PROVIDER_UNAVAILABLE');
    expect(result.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|:9\b/);
    const record = await auditOf(result.res);
    expect(String(record.cause)).toContain('ECONNREFUSED');
    const own = (await (
      await h.bus.app.request(`/audit?requestId=${result.res.headers.get('x-request-id')}`, { headers: contextHeaders() })
    ).json()) as {
      records: Record<string, unknown>[];
    };
    expect(own.records[0]).not.toHaveProperty('cause');
  });
});

describe('SOAP envelopes', () => {
  const soapCall = (env: string, items = 'Jmeno') =>
    call('/soap/demo-persons-soap/v1', soapRequest('1.1', env, { 'x-egsb-data-items': items }));

  it('refuses two Bodies, an element after Body, text beside them, and header blocks the contract does not declare', async () => {
    const before = h.provider.received.length;
    const body = soapBody();
    const ns = 'http://schemas.xmlsoap.org/soap/envelope/';
    const cases = [
      `<s:Envelope xmlns:s="${ns}"><s:Body>${body}</s:Body><s:Body>${body}</s:Body></s:Envelope>`,
      `<s:Envelope xmlns:s="${ns}"><s:Body>${body}</s:Body><x:Po xmlns:x="urn:x"/></s:Envelope>`,
      `<s:Envelope xmlns:s="${ns}"><s:Body>${body}smuggled</s:Body></s:Envelope>`,
      soapEnvelope(
        '1.1',
        body,
        '<wsa:ReplyTo xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address>http://evil</wsa:Address></wsa:ReplyTo>',
      ),
      soapEnvelope(
        '1.1',
        body,
        '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"/>',
      ),
      soapEnvelope(
        '1.1',
        body,
        '<c:Context xmlns:c="urn:egsb:context:v1"><c:agenda>A121</c:agenda></c:Context><c:Context xmlns:c="urn:egsb:context:v1"><c:agenda>A343</c:agenda></c:Context>',
      ),
    ];
    for (const env of cases) {
      const result = await soapCall(env);
      expect(result.code, env).toBe('EGSB_REQUEST_INVALID');
      expect(await auditOf(result.res)).toMatchObject({ code: 'EGSB_REQUEST_INVALID', decision: 'refused' });
    }
    expect(h.provider.received.length).toBe(before);
  });

  it("gives the provider an envelope the bus rebuilt: the checked body and the bus's own context", async () => {
    const before = h.provider.received.length;
    const env = soapEnvelope('1.1', soapBody(), '<c:Context xmlns:c="urn:egsb:context:v1"><c:purpose>kontrola</c:purpose></c:Context>');
    const result = await soapCall(env);
    expect(result.status).toBe(200);
    const sent = h.provider.received[before]?.body ?? '';
    expect(sent).toContain('<egsbctx:dataItems>Jmeno</egsbctx:dataItems>');
    expect(sent).toContain('<egsbctx:agenda>A121</egsbctx:agenda>');
    expect(sent.match(/:Context\b/g)).toHaveLength(2); // the opening and closing tag of one block
  });

  it("writes context values into the provider's header as text: markup in a purpose stays text", async () => {
    const before = h.provider.received.length;
    const purpose = '</egsbctx:purpose><egsbctx:dataItems>RodneCislo</egsbctx:dataItems> & more';
    const escaped = purpose.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    const env = soapEnvelope('1.1', soapBody(), `<c:Context xmlns:c="urn:egsb:context:v1"><c:purpose>${escaped}</c:purpose></c:Context>`);
    const result = await soapCall(env);
    expect(result.status).toBe(200);
    const sent = h.provider.received[before]?.body ?? '';
    expect(sent).toContain(`<egsbctx:purpose>${escaped}</egsbctx:purpose>`);
    expect(sent.match(/<egsbctx:dataItems>/g)).toHaveLength(1);
    expect(sent).toContain('<egsbctx:dataItems>Jmeno</egsbctx:dataItems>');
  });

  it("answers only with the provider's checked body: items in its Header, in a second Body or after Body never reach the reader", async () => {
    const secret = `<p:Osoba xmlns:p="${PERSON_NS}"><p:Prijmeni>Tajná</p:Prijmeni></p:Osoba>`;
    const ns = 'http://schemas.xmlsoap.org/soap/envelope/';
    h.provider.respond = () => ({
      status: 200,
      body: `<s:Envelope xmlns:s="${ns}"><s:Header>${secret}</s:Header><s:Body>${personXml()}</s:Body></s:Envelope>`,
    });
    try {
      const headerSmuggle = await soapCall(soapEnvelope('1.1'));
      expect(headerSmuggle.status).toBe(200);
      expect(headerSmuggle.text).not.toContain('Tajná');
      expect(headerSmuggle.text).not.toContain('Novák'); // Prijmeni is not wanted
      expect(headerSmuggle.text).toContain('<p:Jmeno>Jan</p:Jmeno>');
      for (const answer of [
        `<s:Envelope xmlns:s="${ns}"><s:Body>${personXml()}</s:Body><s:Body>${secret}</s:Body></s:Envelope>`,
        `<s:Envelope xmlns:s="${ns}"><s:Body>${secret}</s:Body><s:Body>${personXml()}</s:Body></s:Envelope>`,
        `<s:Envelope xmlns:s="${ns}"><s:Body>${personXml()}</s:Body>${secret}</s:Envelope>`,
      ]) {
        h.provider.respond = () => ({ status: 200, body: answer });
        const result = await soapCall(soapEnvelope('1.1'));
        expect(result.code, answer).toBe('EGSB_PROVIDER_RESPONSE_INVALID');
        expect(result.text).not.toContain('Tajná');
        expect(await auditOf(result.res)).toMatchObject({ code: 'EGSB_PROVIDER_RESPONSE_INVALID' });
      }
    } finally {
      h.provider.respond = undefined;
    }
  });

  it("passes a provider's fault with its code and reason, never its detail", async () => {
    h.provider.respond = ({ version }) => ({
      status: 500,
      body: envelope(
        version,
        `<s:Fault><faultcode>s:Client</faultcode><faultstring>AIFO NEEXISTUJE</faultstring><detail><p:Osoba xmlns:p="${PERSON_NS}"><p:Prijmeni>Tajná</p:Prijmeni></p:Osoba></detail></s:Fault>`,
      ),
    });
    try {
      const result = await soapCall(soapEnvelope('1.1'));
      expect(result.status).toBe(500);
      expect(result.text).toContain('<faultstring>AIFO NEEXISTUJE</faultstring>');
      expect(result.text).toContain('soapenv:Client');
      expect(result.text).not.toContain('Tajná');
    } finally {
      h.provider.respond = undefined;
    }
  });
});

describe('JSON answers', () => {
  const wantJmeno = () => jsonRequest(undefined, { 'x-egsb-data-items': 'Jmeno' });
  const secretPerson = { ...personJson(), osoba: { jmeno: 'Jan', prijmeni: 'Tajný' } };

  it('passes no error that is not problem+json in the declared shape, no redirect, and no message with a key twice', async () => {
    const answers = [
      { status: 404, headers: { 'content-type': 'application/json' } as Record<string, string>, body: JSON.stringify(secretPerson) },
      {
        status: 403,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify({ type: 'x', title: 'y', status: 403, osoba: secretPerson.osoba }),
      },
      { status: 302, headers: { location: 'http://127.0.0.1:8080/admin/ais' }, body: JSON.stringify(secretPerson) },
      {
        status: 200,
        headers: {},
        body: `{"status":{"vysledekKod":"OK"},"osoba":{"jmeno":"Jan","prijmeni":"Tajný"},"osoba":{"jmeno":"Jan"}}`,
      },
    ];
    try {
      for (const answer of answers) {
        h.provider.respond = () => answer;
        const result = await call('/rest/demo-persons/v1/ctiOsobu', wantJmeno());
        expect(result.code, answer.body).toBe('EGSB_PROVIDER_RESPONSE_INVALID');
        expect(result.status).toBe(502);
        expect(result.text).not.toContain('Tajný');
        expect(await auditOf(result.res)).toMatchObject({ code: 'EGSB_PROVIDER_RESPONSE_INVALID' });
      }
    } finally {
      h.provider.respond = undefined;
    }
  });

  it('filters and rewrites a 2xx answer even when nothing needed removing', async () => {
    h.provider.respond = () => ({ status: 200, body: ` {"status":{"vysledekKod":"OK"},   "osoba":{"jmeno":"Jan"}}` });
    try {
      const result = await call('/rest/demo-persons/v1/ctiOsobu', wantJmeno());
      expect(result.status).toBe(200);
      expect(result.text).toBe('{"status":{"vysledekKod":"OK"},"osoba":{"jmeno":"Jan"}}');
    } finally {
      h.provider.respond = undefined;
    }
  });
});

describe('errors name locations and rules, never values', () => {
  it('a request value that breaks the contract is not quoted back', async () => {
    const secret = 'NotAnAifo8001011234';
    const soap = await call('/soap/demo-persons-soap/v1', soapRequest('1.1', soapEnvelope('1.1', soapBody({ aifo: secret }))));
    expect(soap.code).toBe('EGSB_REQUEST_INVALID');
    expect(soap.text).not.toContain(secret);
    const json = await call('/rest/demo-persons/v1/ctiOsobu', jsonRequest({ aifo: secret }));
    expect(json.code).toBe('EGSB_REQUEST_INVALID');
    expect(json.text).not.toContain(secret);
  });

  it("a provider's answer that breaks the contract is not quoted to the reader", async () => {
    h.provider.respond = () => ({
      status: 200,
      body: JSON.stringify({ ...personJson(), osoba: { jmeno: 'Jan', datumNarozeni: 'Tajné-datum' } }),
    });
    try {
      const result = await call('/rest/demo-persons/v1/ctiOsobu', jsonRequest());
      expect(result.code).toBe('EGSB_PROVIDER_RESPONSE_INVALID');
      expect(result.text).not.toContain('Tajné-datum');
    } finally {
      h.provider.respond = undefined;
    }
  });
});

describe('circuits', () => {
  it("a publisher's failing service on the same endpoint does not open another service's circuit", async () => {
    // AIS 900002 publishes its own service at the provider the demo services use, with a tiny timeout.
    expect(await put('/admin/ais/900002/publishing', { quota: 5, origins: [h.provider.url] })).toBe(200);
    const spam = await publishAs(READER_KEY, 'persons-json', {
      code: 'town-spam',
      source: 'TOWN',
      dataItems: [{ name: 'Jmeno', paths: ['/osoba/jmeno'] }],
      endpoints: [{ url: `${h.provider.url}/persons` }],
      timeoutMs: 100,
    });
    expect(spam.status).toBe(201);
    await put('/admin/authorisations/town-spam', {
      agenda: 'A121',
      roles: ['CR1001'],
      source: 'TOWN',
      services: '*',
      dataItems: ['Jmeno'],
      legalBasis: 'test',
      validFrom: '2020-01-01',
    });
    await h.bus.view.refresh();
    h.provider.delayMs = 300;
    try {
      for (let i = 0; i < 10; i++) await call('/rest/town-spam/v1/ctiOsobu', jsonRequest());
      const spamNow = await call('/rest/town-spam/v1/ctiOsobu', jsonRequest());
      expect(['EGSB_PROVIDER_TIMEOUT', 'EGSB_PROVIDER_UNAVAILABLE']).toContain(spamNow.code);
      const demo = await call('/rest/demo-persons/v1/ctiOsobu', jsonRequest());
      expect(demo.status).toBe(200);
    } finally {
      h.provider.delayMs = 0;
    }
  });
});

void AIFO;
