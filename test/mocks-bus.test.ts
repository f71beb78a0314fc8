/**
 * The demo as `npm start` runs it: the bus with the demo registry and every register mock published
 * from its bundle, called the way a reader AIS calls, over JSON and SOAP.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../bus/demo.ts';
import { readConfig, type Bus } from '../bus/index.ts';
import { ISZR_SERVICES, type RunningMocks } from '../mocks/index.ts';

const SEED = fileURLToPath(new URL('../mocks/seed.yaml', import.meta.url));
const READER = 'Bearer egsb_demo_reader_key_00000002';
let demo: Demo;
let bus: Bus;
let mocks: RunningMocks;

beforeAll(async () => {
  demo = await startDemo(readConfig({ EGSB_IN_MEMORY: '1', EGSB_SEED_FILE: SEED, EGSB_LOG_LEVEL: 'silent', NATS_URL: '' }), {
    port: 0,
    persons: 1000,
    seed: 'bus-tests',
    extractDelayMs: 10,
  });
  bus = demo.bus;
  mocks = demo.mocks as RunningMocks;
});
afterAll(async () => {
  await demo?.close();
});

function context(agenda: string, role: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    authorization: READER,
    'x-egsb-ovm': '00064581',
    'x-egsb-agenda': agenda,
    'x-egsb-role': role,
    'audit-user-id': 'referent.novak',
    ...extra,
  };
}

const ABS = 'urn:cz:isvs:iszr:schemas:IszrAbstract:v1';
const REG = 'urn:cz:isvs:reg:schemas:RegTypy:v1';

/** An ISZR request as an ISZR client writes it: ZadostInfo with the context, the item list, then `rest`. */
function iszr(service: string, element: string, rest: string, agenda = 'A121', role = 'CR1001', items?: string): string {
  return (
    `<svc:${element} xmlns:svc="urn:cz:isvs:iszr:schemas:${service}:v1" xmlns:abs="${ABS}" xmlns:reg="${REG}">` +
    `<abs:ZadostInfo><reg:CasZadosti>2026-12-01T10:00:00Z</reg:CasZadosti><reg:Agenda>${agenda}</reg:Agenda><reg:AgendovaRole>${role}</reg:AgendovaRole>` +
    `<reg:Ovm>00064581</reg:Ovm><reg:Uzivatel>referent.novak</reg:Uzivatel><reg:AgendaZadostId>${randomUUID()}</reg:AgendaZadostId></abs:ZadostInfo>` +
    (items === undefined ? '' : `<abs:AutorizaceInfo><abs:SeznamUdaju>${items}</abs:SeznamUdaju></abs:AutorizaceInfo>`) +
    `${rest}</svc:${element}>`
  );
}

const e03 = (aifo: string, agenda = 'A121', role = 'CR1001', items?: string): string =>
  iszr(
    'IszrRobCtiAifo',
    'RobCtiAifo',
    `<abs:MapaAifo><reg:PrevodAifo><reg:LokalniAifo>1</reg:LokalniAifo><reg:GlobalniAifo>${aifo}</reg:GlobalniAifo></reg:PrevodAifo></abs:MapaAifo>` +
      `<svc:Zadost><svc:RobCtiAifoData><d:Aifo xmlns:d="urn:cz:isvs:rob:schemas:RobDotazyData:v1">1</d:Aifo>` +
      `<d:VyuzitiPoskytnuti xmlns:d="urn:cz:isvs:rob:schemas:RobDotazyData:v1">vyuziti</d:VyuzitiPoskytnuti></svc:RobCtiAifoData></svc:Zadost>`,
    agenda,
    role,
    items,
  );
const e20 = (ico: number, agenda: string, role: string): string =>
  iszr(
    'IszrRosCtiIco',
    'RosCtiIco',
    `<svc:Zadost><svc:RosCtiIcoData><s:Ico xmlns:s="urn:cz:isvs:ros:schemas:RosDotazyData:v2">${ico}</s:Ico></svc:RosCtiIcoData></svc:Zadost>`,
    agenda,
    role,
  );
const e36 = (code: number): string =>
  iszr(
    'IszrRuianCtiAdresu',
    'RuianCtiAdresu',
    `<svc:Zadost><svc:RuianCtiAdresuData><c:Kod xmlns:c="urn:cz:isvs:ruian:schemas:CtiAdresa:v1">${code}</c:Kod>` +
      `<c:FormatAdresy xmlns:c="urn:cz:isvs:ruian:schemas:CtiAdresa:v1">VSECHNY</c:FormatAdresy></svc:RuianCtiAdresuData></svc:Zadost>`,
  );

/** Calls an ISZR service through the bus with only the credential added, as an ISZR client would. */
async function soapCall(service: string, payload: string): Promise<{ status: number; text: string; res: Response }> {
  const res = await bus.app.request(`/soap/${service}/v1`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${service}"`, authorization: READER },
    body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${payload}</s:Body></s:Envelope>`,
  });
  return { status: res.status, text: await res.text(), res };
}

describe('the demo registers through the bus', () => {
  it('publishes every mock and lists it in the catalogue', async () => {
    const catalogue = (await (await bus.app.request('/catalog')).json()) as { services: { code: string; modes: string[] }[] };
    expect(catalogue.services.map((s) => s.code).sort()).toEqual([...Object.keys(ISZR_SERVICES), 'rejstrik-trestu', 'vozidla'].sort());
    expect(catalogue.services.find((s) => s.code === 'rejstrik-trestu')?.modes).toEqual(['async']);
  });

  it('reads a person from ROB (E03) with only the wanted items, and the audit names the AIFO', async () => {
    const aifo = mocks.population.org.aifoOf(5, 'A121');
    const person = mocks.population.person(5);
    const { status, text, res } = await soapCall('IszrRobCtiAifo', e03(aifo, 'A121', 'CR1001', 'Jmeno Prijmeni'));
    expect(status).toBe(200);
    expect(text).toContain(`<rod:Jmeno stav="spravny">${person.givenName}</rod:Jmeno>`);
    expect(text).not.toContain('DatumNarozeni');
    const audit = (await (
      await bus.app.request(`/audit?requestId=${res.headers.get('x-request-id')}`, { headers: { authorization: READER } })
    ).json()) as { records: { dataItems: string[]; status: number; auditUserId: string }[] };
    expect(audit.records[0]).toMatchObject({ dataItems: ['Jmeno', 'Prijmeni'], status: 200, auditUserId: 'referent.novak' });
  });

  it('reads a company from ROS (E20), an address from RUIAN (E36) and an agenda from RPP (E148)', async () => {
    const ros = await soapCall('IszrRosCtiIco', e20(64581, 'A1186', 'CR3001'));
    expect(ros.text).toContain('<dot:NazevOsoby stav="spravny">Hlavní město Praha</dot:NazevOsoby>');
    const place = mocks.population.addressPlace(3);
    const ruian = await soapCall('IszrRuianCtiAdresu', e36(place.code));
    expect(ruian.text).toContain(`<ca:RadekAdresy1>${place.text.split(', ')[0]}</ca:RadekAdresy1>`);
    const rpp = await soapCall(
      'IszrRppVypisOpravneni',
      iszr(
        'IszrRppVypisOpravneni',
        'RppVypisOpravneni',
        `<svc:Zadost><svc:RppVypisOpravneniData><p:KodAgendy xmlns:p="urn:cz:isvs:rpp:schemas:RppDotazyData:v1">A343</p:KodAgendy>` +
          `<p:DatumPlatnostiAgendyOd xmlns:p="urn:cz:isvs:rpp:schemas:RppDotazyData:v1">2020-01-01</p:DatumPlatnostiAgendyOd></svc:RppVypisOpravneniData></svc:Zadost>`,
      ),
    );
    expect(rpp.text).toContain('<pdo:KodCinnostiAgendy>CR2001</pdo:KodCinnostiAgendy>');
    expect(rpp.text).toContain('<pdo:Kod>900002</pdo:Kod>');
  });

  it('reads a vehicle over JSON, filtered to the wanted items', async () => {
    const v = mocks.population.vehicle(2);
    const res = await bus.app.request('/rest/vozidla/v1/ctiVozidlo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...context('A343', 'CR2001', { 'x-egsb-data-items': 'TovarniZnacka RokVyroby' }) },
      body: JSON.stringify({ vin: v.vin }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { vozidlo: unknown }).vozidlo).toEqual({
      vin: v.vin,
      rz: v.plate,
      tovarniZnacka: v.make,
      rokVyroby: v.year,
    });
  });

  it('refuses a synchronous call to the asynchronous-only criminal record', async () => {
    const res = await bus.app.request('/rest/rejstrik-trestu/v1/vypis', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...context('A121', 'CR1001') },
      body: JSON.stringify({ aifo: mocks.population.org.aifoOf(1, 'A121') }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe('EGSB_ASYNC_ONLY');
  });

  it('turns a mock told to break its contract into EGSB_PROVIDER_RESPONSE_INVALID, and a mock told to fail into a passed-on fault', async () => {
    const body = e36(mocks.population.addressPlace(1).code);
    mocks.faults.get('ruian')?.configure({ breakContractRate: 1 });
    try {
      const broken = await soapCall('IszrRuianCtiAdresu', body);
      expect(broken.status).toBe(500); // a SOAP 1.1 fault travels with HTTP 500
      expect(broken.text).toContain('EGSB_PROVIDER_RESPONSE_INVALID');
      mocks.faults.get('ruian')?.configure({ errorRate: 1 });
      const failed = await soapCall('IszrRuianCtiAdresu', body);
      expect(failed.status).toBe(500);
      expect(failed.text).toContain('injected fault');
      expect(failed.text).not.toContain('EGSB_');
    } finally {
      mocks.faults.get('ruian')?.configure({});
    }
  });

  it('gives the same person to two agendas with different items, each by its own AIFO', async () => {
    const person = 8;
    const evidence = await soapCall('IszrRobCtiAifo', e03(mocks.population.org.aifoOf(person, 'A121'), 'A121', 'CR1001'));
    const vehicles = await soapCall('IszrRobCtiAifo', e03(mocks.population.org.aifoOf(person, 'A343'), 'A343', 'CR2001'));
    expect(evidence.status).toBe(200);
    expect(vehicles.status).toBe(200);
    expect(evidence.text).toContain('<rod:DatumNarozeni');
    expect(vehicles.text).not.toContain('<rod:DatumNarozeni');
    expect(vehicles.text).toContain(`<rod:Prijmeni stav="spravny">${mocks.population.person(person).surname}</rod:Prijmeni>`);
    expect(vehicles.res.headers.get('x-egsb-data-items')).toBe('Jmeno Prijmeni AdresaPobytu');
  });

  it('refuses an agenda with no authorisation for a source over JSON, and one whose authorisation expired', async () => {
    const vin = mocks.population.vehicle(1).vin;
    const res = await bus.app.request('/rest/vozidla/v1/ctiVozidlo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...context('A121', 'CR1001') },
      body: JSON.stringify({ vin }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('EGSB_NOT_AUTHORISED');
    const ros = await soapCall('IszrRosCtiIco', e20(64581, 'A343', 'CR2001'));
    expect(ros.status).toBe(500); // SOAP 1.1 carries a fault with HTTP 500
    expect(ros.text).toContain('EGSB_NOT_AUTHORISED');
    expect(ros.text).toContain('a343-ros-2019 expired on 2019-12-31');
  });

  it('has RPP list the items a role may read, as the bus enforces them (E227)', async () => {
    const i33 = 'urn:cz:isvs:iszr:schemas:IszrDataVypisOpravneniPolozky:v1';
    const rpp = await soapCall(
      'IszrVypisOpravneniPolozky',
      iszr(
        'IszrVypisOpravneniPolozky',
        'IszrVypisOpravneniPolozky',
        `<svc:Zadost><svc:IszrVypisOpravneniPolozkyData><i:Agenda xmlns:i="${i33}">A343</i:Agenda><i:AgendovaRole xmlns:i="${i33}">CR2001</i:AgendovaRole>` +
          `<i:Ovm xmlns:i="${i33}">00064581</i:Ovm></svc:IszrVypisOpravneniPolozkyData></svc:Zadost>`,
      ),
    );
    expect(rpp.status).toBe(200);
    expect(rpp.text).toContain('<i33:KodRpp>ROB.Prijmeni</i33:KodRpp>');
    expect(rpp.text).not.toContain('ROB.DatumNarozeni');
    expect(rpp.text).not.toContain('ROS.');
  });
});
