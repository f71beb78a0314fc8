/**
 * The demo as `npm start` runs it: the bus with the demo registry and every register mock published
 * from its bundle, called the way a reader AIS calls, over JSON and SOAP.
 */
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

async function soapCall(
  service: string,
  ns: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string; res: Response }> {
  const res = await bus.app.request(`/soap/${service}/v1`, {
    method: 'POST',
    headers: { 'content-type': 'application/soap+xml; charset=utf-8', ...headers },
    body: `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><m:${body.replace(/^(\w+)/, `$1 xmlns:m="${ns}"`)}</s:Body></s:Envelope>`,
  });
  return { status: res.status, text: await res.text(), res };
}

describe('the demo registers through the bus', () => {
  it('publishes every mock and lists it in the catalogue', async () => {
    const catalogue = (await (await bus.app.request('/catalog')).json()) as { services: { code: string; modes: string[] }[] };
    expect(catalogue.services.map((s) => s.code).sort()).toEqual(
      [...Object.keys(ISZR_SERVICES), 'rejstrik-trestu', 'rob', 'ros', 'rpp', 'ruian', 'vozidla'].sort(),
    );
    expect(catalogue.services.find((s) => s.code === 'rejstrik-trestu')?.modes).toEqual(['async']);
  });

  it('reads a person from ROB over SOAP with only the wanted items, and the audit names the AIFO', async () => {
    const aifo = mocks.population.org.aifoOf(5, 'A121');
    const person = mocks.population.person(5);
    const { status, text, res } = await soapCall(
      'rob',
      'urn:egsb:mock:rob:v1',
      `RobCtiAifo><m:Aifo>${aifo}</m:Aifo></m:RobCtiAifo>`,
      context('A121', 'CR1001', { 'x-egsb-data-items': 'Jmeno Prijmeni' }),
    );
    expect(status).toBe(200);
    expect(text).toContain(`<rob:Jmeno>${person.givenName}</rob:Jmeno>`);
    expect(text).not.toContain('DatumNarozeni');
    const audit = (await (
      await bus.app.request(`/audit?requestId=${res.headers.get('x-request-id')}`, { headers: { authorization: READER } })
    ).json()) as { records: { dataItems: string[]; status: number }[] };
    expect(audit.records[0]).toMatchObject({ dataItems: ['Jmeno', 'Prijmeni'], status: 200 });
  });

  it('reads a company from ROS, an address from RUIAN and an agenda from RPP', async () => {
    const ros = await soapCall(
      'ros',
      'urn:egsb:mock:ros:v1',
      'RosCtiIco><m:Ico>00064581</m:Ico></m:RosCtiIco>',
      context('A1186', 'CR3001'),
    );
    expect(ros.text).toContain('<ros:ObchodniNazev>Hlavní město Praha</ros:ObchodniNazev>');
    const place = mocks.population.addressPlace(3);
    const ruian = await soapCall(
      'ruian',
      'urn:egsb:mock:ruian:v1',
      `RuianCtiAdresu><m:AdresniMistoKod>${place.code}</m:AdresniMistoKod></m:RuianCtiAdresu>`,
      context('A121', 'CR1001'),
    );
    expect(ruian.text).toContain(`<ruian:TextAdresy>${place.text}</ruian:TextAdresy>`);
    const rpp = await soapCall(
      'rpp',
      'urn:egsb:mock:rpp:v1',
      'RppCtiAgendu><m:KodAgendy>A343</m:KodAgendy></m:RppCtiAgendu>',
      context('A121', 'CR1001'),
    );
    expect(rpp.text).toContain('<rpp:Kod>CR2001</rpp:Kod>');
    expect(rpp.text).toContain('<rpp:Ovm>00064581</rpp:Ovm>');
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
    const body = `RuianCtiAdresu><m:AdresniMistoKod>${mocks.population.addressPlace(1).code}</m:AdresniMistoKod></m:RuianCtiAdresu>`;
    mocks.faults.get('ruian')?.configure({ breakContractRate: 1 });
    try {
      const broken = await soapCall('ruian', 'urn:egsb:mock:ruian:v1', body, context('A121', 'CR1001'));
      expect(broken.status).toBe(502);
      expect(broken.text).toContain('EGSB_PROVIDER_RESPONSE_INVALID');
      mocks.faults.get('ruian')?.configure({ errorRate: 1 });
      const failed = await soapCall('ruian', 'urn:egsb:mock:ruian:v1', body, context('A121', 'CR1001'));
      expect(failed.status).toBe(500);
      expect(failed.text).toContain('injected fault');
      expect(failed.text).not.toContain('EGSB_');
    } finally {
      mocks.faults.get('ruian')?.configure({});
    }
  });

  it('gives the same person to two agendas with different items, each by its own AIFO', async () => {
    const person = 8;
    const forAgenda = async (agenda: string, role: string) =>
      soapCall(
        'rob',
        'urn:egsb:mock:rob:v1',
        `RobCtiAifo><m:Aifo>${mocks.population.org.aifoOf(person, agenda)}</m:Aifo></m:RobCtiAifo>`,
        context(agenda, role),
      );
    const evidence = await forAgenda('A121', 'CR1001');
    const vehicles = await forAgenda('A343', 'CR2001');
    expect(evidence.status).toBe(200);
    expect(vehicles.status).toBe(200);
    expect(evidence.text).toContain('<rob:DatumNarozeni>');
    expect(vehicles.text).not.toContain('<rob:DatumNarozeni>');
    expect(vehicles.text).toContain(`<rob:Prijmeni>${mocks.population.person(person).surname}</rob:Prijmeni>`);
    expect(vehicles.res.headers.get('x-egsb-data-items')).toBe('Jmeno Prijmeni AdresaPobytu');
    expect(vehicles.res.headers.get('x-egsb-data-items-refused')).toContain('DatumNarozeni');
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
    const ros = await soapCall('ros', 'urn:egsb:mock:ros:v1', 'RosCtiIco><m:Ico>00064581</m:Ico></m:RosCtiIco>', context('A343', 'CR2001'));
    expect(ros.status).toBe(403);
    expect(ros.text).toContain('EGSB_NOT_AUTHORISED');
    expect(ros.text).toContain('a343-ros-2019 expired on 2019-12-31');
  });

  it('has RPP list the authorisations the bus enforces (like E227)', async () => {
    const rpp = await soapCall(
      'rpp',
      'urn:egsb:mock:rpp:v1',
      'RppVypisOpravneni><m:KodAgendy>A343</m:KodAgendy><m:KodRole>CR2001</m:KodRole></m:RppVypisOpravneni>',
      context('A121', 'CR1001'),
    );
    expect(rpp.status).toBe(200);
    expect(rpp.text).toContain('<rpp:Id>a343-rob</rpp:Id>');
    expect(rpp.text).toContain('<rpp:Udaje>Jmeno Prijmeni AdresaPobytu</rpp:Udaje>');
    expect(rpp.text).toContain('<rpp:PlatnostDo>2019-12-31</rpp:PlatnostDo>');
  });
});
