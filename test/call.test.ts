/**
 * The synchronous call path end to end, in memory: every scenario runs over JSON, SOAP 1.1 and
 * SOAP 1.2 against a real provider on a real port, and every call, refused or not, must leave an
 * audit record with the outcome the reader saw.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  READER_KEY,
  SUSPENDED_KEY,
  jsonRequest,
  soapBody,
  soapEnvelope,
  soapRequest,
  startHarness,
  type Harness,
  auditRecordOf,
  callBus,
  type CallResult,
} from './call-harness.ts';
import { Behaviour } from './provider.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ timeoutMs: 800 });
});
afterAll(async () => h.close());
beforeEach(() => {
  h.provider.behaviour = Behaviour.OK;
});

type Overrides = Record<string, string | undefined>;
interface Variant {
  readonly name: string;
  readonly path: string;
  request(overrides?: Overrides): RequestInit;
  /** A request whose body is replaced by `body` (same headers). */
  withBody(body: string, overrides?: Overrides): RequestInit;
  /** A well-formed request that breaks the contract. */
  invalid(): RequestInit;
}

const variants: Variant[] = [
  {
    name: 'JSON',
    path: '/rest/demo-persons/v1/ctiOsobu',
    request: (o) => jsonRequest(undefined, o),
    withBody: (body, o) => jsonRequest(body, o),
    invalid: () => jsonRequest({ aifo: 'not-an-aifo', navic: 1 }),
  },
  ...(['1.1', '1.2'] as const).map((v) => ({
    name: `SOAP ${v}`,
    path: '/soap/demo-persons-soap/v1',
    request: (o?: Overrides) => soapRequest(v, undefined, o),
    withBody: (body: string, o?: Overrides) => soapRequest(v, body, o),
    invalid: () => soapRequest(v, soapEnvelope(v, soapBody({ aifo: 'not-an-aifo' }))),
  })),
];

const call = (path: string, init: RequestInit): Promise<CallResult> => callBus(h.bus, path, init);
const auditOf = (res: Response): Promise<Record<string, unknown>> => auditRecordOf(h.bus, res);

const TEN_KB = 'x'.repeat(10_000);
const BILLION_LAUGHS =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';

describe.each(variants)('a $name call', (v) => {
  const status = (expected: number) => (v.name === 'SOAP 1.1' && expected >= 400 ? 500 : expected);

  it('reaches the provider with the context and the end user, and answers the person', async () => {
    const before = h.provider.received.length;
    const { res, text } = await call(
      v.path,
      v.request({
        'x-egsb-purpose': 'spisová značka MHMP 1/2026'.normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      }),
    );
    expect(res.status).toBe(200);
    expect(text).toMatch(/Nov(á|&#xE1;)k/);
    const got = h.provider.received[before];
    expect(got?.headers['audit-user-id']).toBe('referent.novak@praha.example');
    expect(got?.headers['x-egsb-client-ais']).toBe('900002');
    expect(got?.headers['x-egsb-client-ovm']).toBe('00064581');
    expect(got?.headers['x-egsb-agenda']).toBe('A121');
    expect(got?.headers['x-egsb-role']).toBe('CR1001');
    expect(got?.headers['x-egsb-purpose']).toBe('spisova znacka MHMP 1/2026');
    expect(got?.headers['x-request-id']).toBe(res.headers.get('x-request-id'));
    expect(got?.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(got?.headers.authorization).toBeUndefined();
    const record = await auditOf(res);
    expect(record).toMatchObject({
      ais: 900002,
      ovm: '00064581',
      agenda: 'A121',
      role: 'CR1001',
      auditUserId: 'referent.novak@praha.example',
      decision: 'permitted',
      status: 200,
      providerAis: 900001,
      subjects: ['AIFO:AAECAwQFBgcICQoLDA0ODxA='],
    });
  });

  it('drops a forged X-Egsb-Client-Ais and X-Egsb-Client-Ovm instead of forwarding them', async () => {
    const before = h.provider.received.length;
    const { status: got } = await call(
      v.path,
      v.request({ 'x-egsb-client-ais': '1', 'x-egsb-client-ovm': '00000001', 'x-egsb-client-evil': 'y' }),
    );
    expect(got).toBe(200);
    const headers = h.provider.received[before]?.headers;
    expect(headers?.['x-egsb-client-ais']).toBe('900002');
    expect(headers?.['x-egsb-client-ovm']).toBe('00064581');
    expect(headers?.['x-egsb-client-evil']).toBeUndefined();
  });

  it('returns only the wanted data items and tells the provider which they are', async () => {
    const before = h.provider.received.length;
    const { res, text } = await call(v.path, v.request({ 'x-egsb-data-items': 'Jmeno' }));
    expect(res.status).toBe(200);
    expect(text).toContain('Jan');
    expect(text).not.toMatch(/Nov(á|&#xE1;)k/);
    expect(h.provider.received[before]?.headers['x-egsb-data-items']).toBe('Jmeno');
    expect(await auditOf(res)).toMatchObject({ dataItems: ['Jmeno'], refusedItems: [] });
  });

  it.each([
    ['no credentials', { authorization: undefined }, 401, 'EGSB_AUTH_REQUIRED'],
    ['an unknown API key', { authorization: 'Bearer egsb_not_a_registered_key_000000' }, 401, 'EGSB_AUTH_INVALID'],
    ['a suspended AIS', { authorization: `Bearer ${SUSPENDED_KEY}` }, 403, 'EGSB_AIS_INACTIVE'],
    ['no audit-user-id', { 'audit-user-id': undefined }, 400, 'EGSB_AUDIT_USER_MISSING'],
    ['an audit-user-id 10 kB long', { 'audit-user-id': TEN_KB }, 400, 'EGSB_AUDIT_USER_MISSING'],
    ['an audit-user-id with a tab', { 'audit-user-id': 'novak\tadmin' }, 400, 'EGSB_AUDIT_USER_MISSING'],
    ['agenda a121', { 'x-egsb-agenda': 'a121' }, 400, 'EGSB_CONTEXT_INVALID'],
    ['no OVM', { 'x-egsb-ovm': undefined }, 400, 'EGSB_CONTEXT_INVALID'],
    ['an OVM the AIS does not act for', { 'x-egsb-ovm': '00007064' }, 403, 'EGSB_AGENDA_NOT_ALLOWED'],
    ['a role of another agenda', { 'x-egsb-role': 'CR2001' }, 403, 'EGSB_AGENDA_NOT_ALLOWED'],
    ['only data items the service does not have', { 'x-egsb-data-items': 'RodneCislo' }, 403, 'EGSB_DATA_ITEMS_NOT_AUTHORISED'],
    ['Prefer: respond-async to a sync-only service', { prefer: 'respond-async' }, 409, 'EGSB_SYNC_ONLY'],
  ] as const)('refuses a call with %s, and audits it', async (_, overrides, expected, code) => {
    if (v.name !== 'JSON' && code === 'EGSB_SYNC_ONLY') return; // the demo SOAP service offers async too
    const before = h.provider.received.length;
    // The SOAP body carries agenda and role too; keep it in step with the header under test.
    const role = (overrides as Overrides)['x-egsb-role'];
    const init =
      v.name !== 'JSON' && role
        ? v.withBody(soapEnvelope(v.name === 'SOAP 1.1' ? '1.1' : '1.2', soapBody({ role })), overrides)
        : v.request(overrides);
    const result = await call(v.path, init);
    expect(result.code).toBe(code);
    expect(result.status).toBe(status(expected));
    expect(h.provider.received.length).toBe(before);
    expect(await auditOf(result.res)).toMatchObject({ decision: 'refused', code, status: expected });
  });

  it.each([
    ['not well-formed', '{"aifo": <', 'EGSB_MESSAGE_MALFORMED'],
    ['a DOCTYPE with entity expansion (billion laughs)', BILLION_LAUGHS, 'EGSB_MESSAGE_MALFORMED'],
  ] as const)('refuses a body that is %s', async (_, body, code) => {
    const result = await call(v.path, v.withBody(body));
    expect(result.code).toBe(code);
    expect(result.status).toBe(status(400));
    expect(await auditOf(result.res)).toMatchObject({ code });
  });

  it('refuses an 11 MB body without passing it on', async () => {
    const before = h.provider.received.length;
    const result = await call(v.path, v.withBody(' '.repeat(11 * 1024 * 1024)));
    expect(result.code).toBe('EGSB_MESSAGE_TOO_LARGE');
    expect(result.status).toBe(status(413));
    expect(h.provider.received.length).toBe(before);
    expect(await auditOf(result.res)).toMatchObject({ code: 'EGSB_MESSAGE_TOO_LARGE', status: 413 });
  });

  it('refuses a wrong content type', async () => {
    const init = v.request({ 'content-type': 'text/plain' });
    const result = await call(v.path, init);
    expect(result.code).toBe('EGSB_MESSAGE_MALFORMED');
  });

  it('refuses a request that breaks the contract, naming where', async () => {
    const result = await call(v.path, v.invalid());
    expect(result.code).toBe('EGSB_REQUEST_INVALID');
    expect(result.text).toMatch(/aifo|Aifo/);
    expect(await auditOf(result.res)).toMatchObject({ code: 'EGSB_REQUEST_INVALID', decision: 'permitted' });
  });

  it.each([
    [Behaviour.GARBAGE, 502, 'EGSB_PROVIDER_RESPONSE_INVALID'],
    [Behaviour.BREAKS_CONTRACT, 502, 'EGSB_PROVIDER_RESPONSE_INVALID'],
    [Behaviour.HANG, 504, 'EGSB_PROVIDER_TIMEOUT'],
    [Behaviour.CLOSE, 503, 'EGSB_PROVIDER_UNAVAILABLE'],
    [Behaviour.UNAVAILABLE, 503, 'EGSB_PROVIDER_UNAVAILABLE'],
  ] as const)('answers a provider that behaves %s with its catalogue error', async (behaviour, expected, code) => {
    h.provider.behaviour = behaviour;
    const result = await call(v.path, v.request());
    expect(result.code).toBe(code);
    expect(result.status).toBe(status(expected));
    const record = await auditOf(result.res);
    expect(record).toMatchObject({ code, status: expected, decision: 'permitted' });
    expect(String(record.endpoint)).toContain(h.provider.url);
  });

  it("passes the provider's own business error through unchanged", async () => {
    h.provider.behaviour = Behaviour.BUSINESS_ERROR;
    const result = await call(v.path, v.request());
    expect(result.text).toContain('AIFO NEEXISTUJE');
    expect(result.status).toBe(v.name === 'JSON' ? 404 : 500);
  });
});

describe('SOAP specifics', () => {
  it('refuses a SOAP 1.2 body sent to a service bound to SOAP 1.1 only', async () => {
    const result = await call('/soap/demo-persons-soap11/v1', soapRequest('1.2'));
    expect(result.code).toBe('EGSB_REQUEST_INVALID');
    expect(result.text).toContain('SOAP 1.1');
    expect(result.text).toContain('http://www.w3.org/2003/05/soap-envelope');
    expect(await auditOf(result.res)).toMatchObject({ code: 'EGSB_REQUEST_INVALID', service: 'demo-persons-soap11' });
  });

  it('refuses a SOAP 1.2 envelope labelled as SOAP 1.1', async () => {
    const result = await call('/soap/demo-persons-soap/v1', soapRequest('1.1', soapEnvelope('1.2')));
    expect(result.code).toBe('EGSB_MESSAGE_MALFORMED');
  });

  it('takes the context from the ctx:Context header block when no headers carry it', async () => {
    const header =
      '<ctx:Context xmlns:ctx="urn:egsb:context:v1"><ctx:ovm>00064581</ctx:ovm><ctx:agenda>A121</ctx:agenda><ctx:role>CR1001</ctx:role><ctx:userId>z.ctx.header</ctx:userId></ctx:Context>';
    const init = soapRequest('1.1', soapEnvelope('1.1', soapBody(), header), {
      'x-egsb-ovm': undefined,
      'x-egsb-agenda': undefined,
      'x-egsb-role': undefined,
      'audit-user-id': undefined,
    });
    const before = h.provider.received.length;
    const result = await call('/soap/demo-persons-soap/v1', init);
    expect(result.status).toBe(200);
    expect(h.provider.received[before]?.headers['audit-user-id']).toBe('z.ctx.header');
  });

  it('answers and audits under the request id the ctx:Context block carries', async () => {
    const header = '<ctx:Context xmlns:ctx="urn:egsb:context:v1"><ctx:requestId>ctx-request-0001</ctx:requestId></ctx:Context>';
    const result = await call('/soap/demo-persons-soap/v1', soapRequest('1.1', soapEnvelope('1.1', soapBody(), header)));
    expect(result.status).toBe(200);
    expect(result.res.headers.get('x-request-id')).toBe('ctx-request-0001');
    expect(h.provider.received.at(-1)?.headers['x-request-id']).toBe('ctx-request-0001');
    expect(await auditOf(result.res)).toMatchObject({ requestId: 'ctx-request-0001', status: 200 });
  });

  it('refuses a ctx:Context userId holding a line break', async () => {
    const header =
      '<ctx:Context xmlns:ctx="urn:egsb:context:v1"><ctx:userId>novak&#13;&#10;X-Egsb-Client-Ais: 1</ctx:userId></ctx:Context>';
    const result = await call(
      '/soap/demo-persons-soap/v1',
      soapRequest('1.1', soapEnvelope('1.1', soapBody(), header), { 'audit-user-id': undefined }),
    );
    expect(result.code).toBe('EGSB_AUDIT_USER_MISSING');
    expect(await auditOf(result.res)).toMatchObject({ code: 'EGSB_AUDIT_USER_MISSING', decision: 'refused' });
  });

  it('refuses a body whose mapped agenda disagrees with the header', async () => {
    const result = await call(
      '/soap/demo-persons-soap/v1',
      soapRequest('1.1', soapEnvelope('1.1', soapBody({ agenda: 'A343', role: 'CR2001' }))),
    );
    expect(result.code).toBe('EGSB_CONTEXT_INVALID');
    expect(result.text).toContain('agenda differs');
  });

  it('refuses a SOAP body with a second element beside the request', async () => {
    const before = h.provider.received.length;
    const result = await call(
      '/soap/demo-persons-soap/v1',
      soapRequest('1.1', soapEnvelope('1.1', `${soapBody()}<x:Navic xmlns:x="urn:x">unchecked</x:Navic>`)),
    );
    expect(result.code).toBe('EGSB_REQUEST_INVALID');
    expect(h.provider.received.length).toBe(before);
    expect(await auditOf(result.res)).toMatchObject({ code: 'EGSB_REQUEST_INVALID' });
  });

  it('refuses an unknown SOAPAction', async () => {
    const result = await call('/soap/demo-persons-soap/v1', soapRequest('1.1', undefined, { soapaction: '"urn:nothing"' }));
    expect(result.code).toBe('EGSB_OPERATION_NOT_FOUND');
  });
});

describe('JSON specifics', () => {
  it("rewrites the request's own seznamUdaju to the effective items", async () => {
    const before = h.provider.received.length;
    const result = await call(
      '/rest/demo-persons/v1/ctiOsobu',
      jsonRequest({ aifo: 'AAECAwQFBgcICQoLDA0ODxA=', seznamUdaju: ['Jmeno', 'Prijmeni', 'RodneCislo'] }),
    );
    expect(result.status).toBe(200);
    expect(JSON.parse(h.provider.received[before]?.body ?? '{}')).toMatchObject({ seznamUdaju: ['Jmeno', 'Prijmeni'] });
    expect(await auditOf(result.res)).toMatchObject({ dataItems: ['Jmeno', 'Prijmeni'], refusedItems: ['RodneCislo'] });
  });

  it('answers an unknown service and an unknown operation with their codes', async () => {
    expect((await call('/rest/nothing/v1/x', jsonRequest())).code).toBe('EGSB_SERVICE_NOT_FOUND');
    expect((await call('/rest/demo-persons/v9/ctiOsobu', jsonRequest())).code).toBe('EGSB_SERVICE_NOT_FOUND');
    expect((await call('/rest/demo-persons/v1/smazOsobu', jsonRequest())).code).toBe('EGSB_OPERATION_NOT_FOUND');
    const metrics = await (await h.bus.app.request('/metrics')).text();
    expect(metrics).toContain('egsb_calls_total{service="(unknown)",outcome="EGSB_SERVICE_NOT_FOUND"}');
    expect(metrics).not.toContain('service="nothing"');
  });
});

describe('the audit trail', () => {
  it('shows a reader its own calls only, pages them, and exports CSV', async () => {
    const mine = (await (await h.bus.app.request('/audit?limit=2', { headers: { authorization: `Bearer ${READER_KEY}` } })).json()) as {
      records: { ais: number | null; providerAis: number | null }[];
      next?: string;
    };
    expect(mine.records).toHaveLength(2);
    expect(mine.next).toBeDefined();
    const next = (await (
      await h.bus.app.request(`/audit?limit=500&cursor=${mine.next}`, { headers: { authorization: `Bearer ${READER_KEY}` } })
    ).json()) as { records: { ais: number | null; providerAis: number | null }[] };
    for (const r of [...mine.records, ...next.records]) expect(r.ais === 900002 || r.providerAis === 900002).toBe(true);
    const csv = await h.bus.app.request('/audit?format=csv&status=200', { headers: { authorization: `Bearer ${READER_KEY}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,time,requestId,ais,/);
    expect(lines.length).toBeGreaterThan(3);
  });

  it('refuses an audit query whose time is not ISO 8601', async () => {
    const res = await h.bus.app.request('/audit?from=1', { headers: { authorization: `Bearer ${READER_KEY}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'EGSB_REQUEST_INVALID' });
    expect((await h.bus.app.request('/audit?from=2026-01-01', { headers: { authorization: `Bearer ${READER_KEY}` } })).status).toBe(200);
  });

  it('refuses the audit trail without credentials', async () => {
    expect((await h.bus.app.request('/audit')).status).toBe(401);
  });
});
