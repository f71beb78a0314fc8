import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_HEADER, operationSubject } from '../connectors/index.ts';
import { parseEnvelope } from '../contracts/index.ts';
import { seedRppSource } from './rpp/rpp-source.ts';
import type { IszrService } from './iszr/index.ts';
import { startMocks, type JsonMockName, type RunningMocks } from './server.ts';

const SEED = fileURLToPath(new URL('./seed.yaml', import.meta.url));
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
let mocks: RunningMocks;

beforeAll(async () => {
  mocks = await startMocks({
    port: 0,
    persons: 2000,
    seed: 'mock-tests',
    extractDelayMs: 50,
    rpp: await seedRppSource(SEED),
    natsUrl: NATS_URL,
    natsSubject: `egsb.test.vozidla.${randomBytes(4).toString('hex')}`,
  });
});
afterAll(async () => {
  await mocks?.close();
});

const ABS = 'urn:cz:isvs:iszr:schemas:IszrAbstract:v1';
const REG = 'urn:cz:isvs:reg:schemas:RegTypy:v1';
const ROD = 'urn:cz:isvs:rob:schemas:RobDotazyData:v1';

/** Every item a JSON mock's contract declares, as the bus would ask for them: a JSON mock asked for none answers none. */
function allItems(mock: JsonMockName): Record<string, string> {
  return { 'x-egsb-data-items': mocks.bundles.get(mock)?.contract.plan.itemNames.join(' ') ?? '' };
}

interface SoapResult {
  status: number;
  text: string;
  /** Contract violations of the answer's body element (empty when it conforms). */
  violations: string[];
  fault: boolean;
}

/** An ISZR request: ZadostInfo (agenda, role, OVM, a fresh AgendaZadostId), the item list if any, then `rest`. */
function iszrRequest(
  service: string,
  element: string,
  rest: string,
  { agenda = 'A121', role = 'CR1001', items }: { agenda?: string; role?: string; items?: string } = {},
): string {
  return (
    `<svc:${element} xmlns:svc="urn:cz:isvs:iszr:schemas:${service}:v1" xmlns:abs="${ABS}" xmlns:reg="${REG}" xmlns:rod="${ROD}">` +
    `<abs:ZadostInfo><reg:CasZadosti>2026-12-01T10:00:00Z</reg:CasZadosti><reg:Agenda>${agenda}</reg:Agenda><reg:AgendovaRole>${role}</reg:AgendovaRole>` +
    `<reg:Ovm>00064581</reg:Ovm><reg:AgendaZadostId>${randomUUID()}</reg:AgendaZadostId></abs:ZadostInfo>` +
    (items === undefined ? '' : `<abs:AutorizaceInfo><abs:SeznamUdaju>${items}</abs:SeznamUdaju></abs:AutorizaceInfo>`) +
    `${rest}</svc:${element}>`
  );
}

const mapa = (local: number, aifo: string): string =>
  `<abs:MapaAifo><reg:PrevodAifo><reg:LokalniAifo>${local}</reg:LokalniAifo><reg:GlobalniAifo>${aifo}</reg:GlobalniAifo></reg:PrevodAifo></abs:MapaAifo>`;
const e03Data = (local: number): string =>
  `<svc:Zadost><svc:RobCtiAifoData><rod:Aifo>${local}</rod:Aifo><rod:VyuzitiPoskytnuti>vyuziti</rod:VyuzitiPoskytnuti></svc:RobCtiAifoData></svc:Zadost>`;
const e03 = (aifo: string, options: { agenda?: string; role?: string; items?: string } = {}): string =>
  iszrRequest('IszrRobCtiAifo', 'RobCtiAifo', mapa(1, aifo) + e03Data(1), options);

const e36 = (code: number): string =>
  iszrRequest(
    'IszrRuianCtiAdresu',
    'RuianCtiAdresu',
    `<svc:Zadost><svc:RuianCtiAdresuData><ca:Kod xmlns:ca="urn:cz:isvs:ruian:schemas:CtiAdresa:v1">${code}</ca:Kod><ca:FormatAdresy xmlns:ca="urn:cz:isvs:ruian:schemas:CtiAdresa:v1">POLOZKOVY</ca:FormatAdresy></svc:RuianCtiAdresuData></svc:Zadost>`,
  );

async function soap(
  service: IszrService,
  payload: string,
  { version = '1.1' as '1.1' | '1.2', headers = {} as Record<string, string>, raw = undefined as string | undefined } = {},
): Promise<SoapResult> {
  const env = version === '1.1' ? 'http://schemas.xmlsoap.org/soap/envelope/' : 'http://www.w3.org/2003/05/soap-envelope';
  const res = await fetch(`${mocks.url}/iszr/${service}`, {
    method: 'POST',
    headers: { 'content-type': version === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8', ...headers },
    body: raw ?? `<s:Envelope xmlns:s="${env}"><s:Body>${payload}</s:Body></s:Envelope>`,
  });
  const text = await res.text();
  const parsed = parseEnvelope(Buffer.from(text));
  try {
    const contract = mocks.iszrBundles.get(service)?.contract.soap;
    const violations =
      parsed.isFault || parsed.payload === undefined ? [] : (contract?.validate(parsed.payload) ?? []).map((e) => e.message);
    return { status: res.status, text, violations, fault: parsed.isFault };
  } finally {
    parsed.dispose();
  }
}

async function json(mock: JsonMockName, operation: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${mocks.url}/${mock}/${operation}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...allItems(mock), ...headers },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as Record<string, unknown>;
  const validate = mocks.bundles.get(mock)?.contract.json?.operations.get(operation)?.validateResponse;
  return { res, answer, violations: res.ok && validate ? validate(answer) : [] };
}

const agendaHeaders = { 'x-egsb-agenda': 'A121' };

describe('ROB mock (ISZR E03, E05)', () => {
  it('reads a person by the agenda AIFO, with the items asked for, in SOAP 1.1 and 1.2', async () => {
    const aifo = mocks.population.org.aifoOf(7, 'A121');
    const person = mocks.population.person(7);
    for (const version of ['1.1', '1.2'] as const) {
      const all = await soap('IszrRobCtiAifo', e03(aifo), { version });
      expect(all.status).toBe(200);
      expect(all.violations).toEqual([]);
      expect(all.text).toContain(`<rod:Jmeno stav="spravny">${person.givenName}</rod:Jmeno>`);
      expect(all.text).toContain(`<rod:AdresaPobytu stav="spravny">${mocks.population.addressPlace(person.address).code}<`);
      const some = await soap('IszrRobCtiAifo', e03(aifo, { items: 'Prijmeni' }), { version });
      expect(some.violations).toEqual([]);
      expect(some.text).toContain(`<rod:Prijmeni stav="spravny">${person.surname}</rod:Prijmeni>`);
      expect(some.text).not.toContain('<rod:Jmeno');
      expect(some.text).not.toContain('<rod:DatumNarozeni');
    }
  });

  it('answers only what both the request and the bus allow when both name items', async () => {
    const aifo = mocks.population.org.aifoOf(7, 'A121');
    const both = await soap('IszrRobCtiAifo', e03(aifo, { items: 'Jmeno Prijmeni' }), {
      headers: { 'x-egsb-data-items': 'Prijmeni Obcanstvi' },
    });
    expect(both.violations).toEqual([]);
    expect(both.text).toContain('<rod:Prijmeni');
    expect(both.text).not.toContain('<rod:Jmeno');
    expect(both.text).not.toContain('<rod:Obcanstvi');
    const vehicle = mocks.population.vehicle(0);
    const bare = await json('vozidla', 'ctiVozidlo', { vin: vehicle.vin }, { 'x-egsb-data-items': '' });
    expect(bare.res.status).toBe(200);
    expect(Object.keys(bare.answer.vozidlo as object)).not.toContain('provozovatel');
  });

  it('takes the agenda from ZadostInfo, and answers an AIFO of another agenda as unknown', async () => {
    const aifo = mocks.population.org.aifoOf(3, 'A343');
    const ok = await soap('IszrRobCtiAifo', e03(aifo, { agenda: 'A343', role: 'CR2001' }));
    expect(ok.text).toContain('<reg:VysledekKod>OK</reg:VysledekKod>');
    const other = await soap('IszrRobCtiAifo', e03(aifo));
    expect(other.status).toBe(200);
    expect(other.violations).toEqual([]);
    expect(other.text).toContain('<reg:VysledekKod>CHYBA</reg:VysledekKod>');
    expect(other.text).toContain('<reg:VysledekSubKod>AIFO NEEXISTUJE</reg:VysledekSubKod>');
  });

  it('finds by name and birth date, and says when nobody matches', async () => {
    const p = mocks.population.person(11);
    const query = (jmeno: string, prijmeni: string, datum: string): string =>
      iszrRequest(
        'IszrRobCtiPodleUdaju',
        'RobCtiPodleUdaju',
        `<svc:Zadost><svc:RobCtiPodleUdajuData><rod:DatumNarozeni>${datum}</rod:DatumNarozeni><rod:Jmeno>${jmeno}</rod:Jmeno><rod:Prijmeni>${prijmeni}</rod:Prijmeni></svc:RobCtiPodleUdajuData></svc:Zadost>`,
      );
    const found = await soap('IszrRobCtiPodleUdaju', query(p.givenName, p.surname, p.birthDate));
    expect(found.violations).toEqual([]);
    expect(found.text).toContain(`<reg:GlobalniAifo>${mocks.population.org.aifoOf(11, 'A121')}</reg:GlobalniAifo>`);
    const none = await soap('IszrRobCtiPodleUdaju', query('Nikdo', 'Neznámý', '1900-01-01'));
    expect(none.violations).toEqual([]);
    expect(none.text).toContain('ZAZNAM NENALEZEN');
  });

  it('answers malformed and out-of-contract requests with a SOAP fault', async () => {
    const badAifo = await soap('IszrRobCtiAifo', e03('nope'), { version: '1.2', headers: agendaHeaders });
    expect(badAifo).toMatchObject({ status: 400, fault: true });
    expect(badAifo.text).toContain('Sender');
    const doctype = await soap('IszrRobCtiAifo', '', { raw: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' });
    expect(doctype).toMatchObject({ status: 500, fault: true });
    expect(doctype.text).not.toContain('root:');
    const unknown = await soap('IszrRobCtiAifo', `<m:Neznama xmlns:m="urn:x"/>`);
    expect(unknown.fault).toBe(true);
    const agenda = await soap('IszrRobCtiAifo', e03(mocks.population.org.aifoOf(1, 'A121'), { agenda: 'a121' }));
    expect(agenda.fault).toBe(true);
  });
});

describe('ROS mock (ISZR E20)', () => {
  const e20 = (ico: number): string =>
    iszrRequest(
      'IszrRosCtiIco',
      'RosCtiIco',
      `<svc:Zadost><svc:RosCtiIcoData><sdo:Ico xmlns:sdo="urn:cz:isvs:ros:schemas:RosDotazyData:v2">${ico}</sdo:Ico></svc:RosCtiIcoData></svc:Zadost>`,
      { agenda: 'A1186', role: 'CR3001' },
    );
  it('reads a legal person by IČO, and answers a bad check digit and an unknown IČO in the contract', async () => {
    const lp = mocks.population.legalPerson(5);
    const ok = await soap('IszrRosCtiIco', e20(Number(lp.ico)));
    expect(ok.violations).toEqual([]);
    expect(ok.text).toContain(`<dot:NazevOsoby stav="spravny">${lp.name}</dot:NazevOsoby>`);
    const prague = await soap('IszrRosCtiIco', e20(64581));
    expect(prague.text).toContain('Hlavní město Praha');
    const badCheck = await soap('IszrRosCtiIco', e20(64582));
    expect(badCheck.violations).toEqual([]);
    expect(badCheck.text).toContain('ICO CHYBA MODULO');
    const unknown = await soap('IszrRosCtiIco', e20(19));
    expect(unknown.violations).toEqual([]);
    expect(unknown.text).toContain('ICO NEEXISTUJE');
  });
});

describe('RUIAN mock (ISZR E36)', () => {
  it('reads an address place by code, and answers an unknown code with ADRESA NEEXISTUJE', async () => {
    const place = mocks.population.addressPlace(9);
    const ok = await soap('IszrRuianCtiAdresu', e36(place.code));
    expect(ok.violations).toEqual([]);
    expect(ok.text).toContain(`<ca:PostaKod>${Number(place.postcode)}</ca:PostaKod>`);
    const unknown = await soap('IszrRuianCtiAdresu', e36(1));
    expect(unknown.violations).toEqual([]);
    expect(unknown.text).toContain('ADRESA NEEXISTUJE');
  });
});

describe('RPP mock (ISZR E148, E227)', () => {
  it("reads an agenda's roles and what they may read from the registry the bus loads", async () => {
    const pdo = 'urn:cz:isvs:rpp:schemas:RppDotazyData:v1';
    const agenda = await soap(
      'IszrRppVypisOpravneni',
      iszrRequest(
        'IszrRppVypisOpravneni',
        'RppVypisOpravneni',
        `<svc:Zadost><svc:RppVypisOpravneniData><p:KodAgendy xmlns:p="${pdo}">A121</p:KodAgendy><p:DatumPlatnostiAgendyOd xmlns:p="${pdo}">2020-01-01</p:DatumPlatnostiAgendyOd></svc:RppVypisOpravneniData></svc:Zadost>`,
      ),
    );
    expect(agenda.violations).toEqual([]);
    expect(agenda.text).toContain('<pdo:KodCinnostiAgendy>CR1001</pdo:KodCinnostiAgendy>');
    const i33 = 'urn:cz:isvs:iszr:schemas:IszrDataVypisOpravneniPolozky:v1';
    const role = await soap(
      'IszrVypisOpravneniPolozky',
      iszrRequest(
        'IszrVypisOpravneniPolozky',
        'IszrVypisOpravneniPolozky',
        `<svc:Zadost><svc:IszrVypisOpravneniPolozkyData><i:Agenda xmlns:i="${i33}">A121</i:Agenda><i:AgendovaRole xmlns:i="${i33}">CR2001</i:AgendovaRole><i:Ovm xmlns:i="${i33}">00064581</i:Ovm></svc:IszrVypisOpravneniPolozkyData></svc:Zadost>`,
      ),
    );
    expect(role.violations).toEqual([]);
    expect(role.text).toContain('<reg:VysledekSubKod>NENALEZENO</reg:VysledekSubKod>');
  });
});

describe('vehicle register mock', () => {
  it('reads a vehicle by VIN and by plate, and a keeper’s vehicles by AIFO or IČO', async () => {
    const v = mocks.population.vehicle(4);
    const byVin = await json('vozidla', 'ctiVozidlo', { vin: v.vin }, agendaHeaders);
    expect(byVin.violations).toEqual([]);
    expect(byVin.answer.vozidlo).toMatchObject({ vin: v.vin, rz: v.plate, tovarniZnacka: v.make });
    const byPlate = await json('vozidla', 'ctiVozidlo', { rz: v.plate.replace(' ', ''), seznamUdaju: ['Barva'] });
    expect(byPlate.violations).toEqual([]);
    expect(byPlate.answer.vozidlo).toEqual({ vin: v.vin, rz: v.plate, barva: v.colour });
    const keeper =
      v.keeper.kind === 'person'
        ? { aifo: mocks.population.org.aifoOf(v.keeper.person, 'A121') }
        : { ico: mocks.population.legalPerson(v.keeper.legal).ico };
    const list = await json('vozidla', 'ctiVozidlaProvozovatele', keeper, agendaHeaders);
    expect(list.violations).toEqual([]);
    expect((list.answer.vozidla as { vin: string }[]).map((x) => x.vin)).toContain(v.vin);
  });

  it('answers unknown vehicles and keepers in the contract, bad input with problem+json', async () => {
    const unknown = await json('vozidla', 'ctiVozidlo', { vin: 'TMBAG7NE0AA000000' });
    expect(unknown.violations).toEqual([]);
    expect(unknown.answer).toMatchObject({ odpovedInfo: { status: { vysledekKod: 'CHYBA', vysledekSubKod: 'VOZIDLO NEEXISTUJE' } } });
    const badIco = await json('vozidla', 'ctiVozidlaProvozovatele', { ico: '12345678' });
    expect(badIco.answer).toMatchObject({ odpovedInfo: { status: { vysledekSubKod: 'ICO NEPLATNE' } } });
    const both = await json('vozidla', 'ctiVozidlo', { vin: 'TMBAG7NE0AA000000', rz: '1AA 0000' });
    expect(both.res.status).toBe(400);
    expect(both.res.headers.get('content-type')).toBe('application/problem+json');
    const malformed = await fetch(`${mocks.url}/vozidla/ctiVozidlo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"vin":',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { type: string }).type).toBe('urn:egsb:mock:error:malformed');
    const noOperation = await json('vozidla', 'smazVozidlo', {});
    expect(noOperation.res.status).toBe(404);
  });

  it('answers over NATS request/reply with the same contract', async () => {
    const nc = await connect({ servers: NATS_URL });
    try {
      expect(mocks.natsServing).toBe(true);
      const v = mocks.population.vehicle(12);
      const h = natsHeaders();
      h.set('x-egsb-agenda', 'A343');
      h.set('x-egsb-data-items', 'Provozovatel RokVyroby');
      const reply = await nc.request(operationSubject(mocks.natsSubject, 'ctiVozidlo'), JSON.stringify({ vin: v.vin }), {
        timeout: 5000,
        headers: h,
      });
      expect(reply.headers?.get(STATUS_HEADER)).toBe('200');
      const answer = reply.json<Record<string, unknown>>();
      expect(mocks.bundles.get('vozidla')?.contract.json?.operations.get('ctiVozidlo')?.validateResponse(answer)).toEqual([]);
      expect(Object.keys(answer.vozidlo as object).sort()).toEqual(['provozovatel', 'rokVyroby', 'rz', 'vin']);
      const bad = await nc.request(operationSubject(mocks.natsSubject, 'ctiVozidlo'), '{"vin": 1}', { timeout: 5000 });
      expect(bad.headers?.get(STATUS_HEADER)).toBe('400');
    } finally {
      await nc.close();
    }
  });
});

describe('criminal-record mock', () => {
  it('makes an extract after its delay, with records only for the wanted item', async () => {
    let withRecord = 0;
    for (; withRecord < mocks.population.counts.persons && mocks.population.criminalRecord(withRecord).length === 0; withRecord++);
    const aifo = mocks.population.org.aifoOf(withRecord, 'A121');
    const full = await json('rejstrik-trestu', 'vypis', { aifo }, agendaHeaders);
    expect(full.violations).toEqual([]);
    expect(full.answer.vypis).toMatchObject({ bezZaznamu: false, osoba: { rodneCislo: mocks.population.person(withRecord).birthNumber } });
    const personOnly = await json('rejstrik-trestu', 'vypis', { aifo, seznamUdaju: ['Osoba'] }, agendaHeaders);
    expect(personOnly.violations).toEqual([]);
    expect(personOnly.answer.vypis).not.toHaveProperty('zaznamy');
    expect(personOnly.answer.vypis).not.toHaveProperty('bezZaznamu');
  });
});

describe('fault injection', () => {
  const aifo = () => mocks.population.org.aifoOf(1, 'A121');

  it('per request: error, contract break, drop, timeout and latency', async () => {
    const error = await soap('IszrRobCtiAifo', e03(aifo()), {
      headers: { ...agendaHeaders, 'x-mock-fault': 'error' },
    });
    expect(error).toMatchObject({ status: 500, fault: true });
    const broken = await soap('IszrRobCtiAifo', e03(aifo()), {
      headers: { ...agendaHeaders, 'x-mock-fault': 'break-contract' },
    });
    expect(broken.status).toBe(200);
    expect(broken.violations.length).toBeGreaterThan(0);
    const brokenJson = await json('vozidla', 'ctiVozidlo', { vin: mocks.population.vehicle(0).vin }, { 'x-mock-fault': 'break-contract' });
    expect(brokenJson.violations.length).toBeGreaterThan(0);
    await expect(json('vozidla', 'ctiVozidlo', { vin: mocks.population.vehicle(0).vin }, { 'x-mock-fault': 'drop' })).rejects.toThrow();
    await expect(
      fetch(`${mocks.url}/vozidla/ctiVozidlo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mock-fault': 'timeout' },
        body: '{}',
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    const started = performance.now();
    const slow = await json('vozidla', 'ctiVozidlo', { vin: mocks.population.vehicle(0).vin }, { 'x-mock-fault': 'latency=250' });
    expect(slow.violations).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    const nonsense = await json('vozidla', 'ctiVozidlo', {}, { 'x-mock-fault': 'explode' });
    expect(nonsense.res.status).toBe(400);
  });

  it('by configuration through the control API', async () => {
    const set = await fetch(`${mocks.url}/_control/faults/ruian`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 1 }),
    });
    expect(set.status).toBe(200);
    const failing = await soap('IszrRuianCtiAdresu', e36(mocks.population.addressPlace(0).code));
    expect(failing).toMatchObject({ status: 500, fault: true });
    expect((await fetch(`${mocks.url}/_control/faults/ruian`, { method: 'DELETE' })).status).toBe(204);
    const back = await soap('IszrRuianCtiAdresu', e36(mocks.population.addressPlace(0).code));
    expect(back.violations).toEqual([]);
    expect(back.fault).toBe(false);
    const bad = await fetch(`${mocks.url}/_control/faults/ruian`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 2 }),
    });
    expect(bad.status).toBe(400);
    expect((await fetch(`${mocks.url}/_control/faults/nic`, { method: 'PUT', body: '{}' })).status).toBe(404);
  });

  it('hands out sample identifiers that the mocks know', async () => {
    const sample = (await (await fetch(`${mocks.url}/_control/sample?agenda=A343&count=2`)).json()) as {
      persons: { aifo: string }[];
      legalPersons: { ico: string }[];
    };
    expect(sample.persons).toHaveLength(2);
    expect(mocks.population.org.personOf('A343', sample.persons[0]?.aifo ?? '')).toBe(0);
    expect(mocks.population.legalByIco(sample.legalPersons[1]?.ico ?? '')).toBeDefined();
  });
});
