import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_HEADER, operationSubject } from '../connectors/index.ts';
import { parseEnvelope } from '../contracts/index.ts';
import { seedRppSource } from './rpp/rpp-source.ts';
import { startMocks, type MockName, type RunningMocks } from './server.ts';

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

const NS: Record<string, string> = {
  rob: 'urn:egsb:mock:rob:v1',
  ros: 'urn:egsb:mock:ros:v1',
  ruian: 'urn:egsb:mock:ruian:v1',
  rpp: 'urn:egsb:mock:rpp:v1',
};

/** Every item a mock's contract declares, as the bus would ask for them: a mock asked for none answers none. */
function allItems(mock: MockName): Record<string, string> {
  return { 'x-egsb-data-items': mocks.bundles.get(mock)?.contract.plan.itemNames.join(' ') ?? '' };
}

function envelope(version: '1.1' | '1.2', mock: string, body: string): string {
  const env = version === '1.1' ? 'http://schemas.xmlsoap.org/soap/envelope/' : 'http://www.w3.org/2003/05/soap-envelope';
  return `<s:Envelope xmlns:s="${env}"><s:Body><m:${body.replace(/^(\w+)/, `$1 xmlns:m="${NS[mock]}"`)}</s:Body></s:Envelope>`;
}

interface SoapResult {
  status: number;
  text: string;
  /** Contract violations of the answer's body element (empty when it conforms). */
  violations: string[];
  fault: boolean;
}

async function soap(
  mock: MockName,
  body: string,
  { version = '1.1' as '1.1' | '1.2', headers = {} as Record<string, string>, raw = undefined as string | undefined } = {},
): Promise<SoapResult> {
  const res = await fetch(`${mocks.url}/${mock}`, {
    method: 'POST',
    headers: {
      'content-type': version === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8',
      ...allItems(mock),
      ...headers,
    },
    body: raw ?? envelope(version, mock, body),
  });
  const text = await res.text();
  const parsed = parseEnvelope(Buffer.from(text));
  try {
    const contract = mocks.bundles.get(mock)?.contract.soap;
    const violations =
      parsed.isFault || parsed.payload === undefined ? [] : (contract?.validate(parsed.payload) ?? []).map((e) => e.message);
    return { status: res.status, text, violations, fault: parsed.isFault };
  } finally {
    parsed.dispose();
  }
}

async function json(mock: MockName, operation: string, body: unknown, headers: Record<string, string> = {}) {
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

describe('ROB mock', () => {
  it('reads a person by the agenda AIFO, with only the wanted items, in SOAP 1.1 and 1.2', async () => {
    const aifo = mocks.population.org.aifoOf(7, 'A121');
    const person = mocks.population.person(7);
    for (const version of ['1.1', '1.2'] as const) {
      const all = await soap('rob', `RobCtiAifo><m:Aifo>${aifo}</m:Aifo></m:RobCtiAifo>`, { version, headers: agendaHeaders });
      expect(all.status).toBe(200);
      expect(all.violations).toEqual([]);
      expect(all.text).toContain(`<rob:Jmeno>${person.givenName}</rob:Jmeno>`);
      expect(all.text).toContain(`<rob:AdresaPobytu><rob:AdresniMistoKod>${mocks.population.addressPlace(person.address).code}<`);
      const some = await soap(
        'rob',
        `RobCtiAifo><m:AutorizaceInfo><m:SeznamUdaju>Prijmeni</m:SeznamUdaju></m:AutorizaceInfo><m:Aifo>${aifo}</m:Aifo></m:RobCtiAifo>`,
        { version, headers: agendaHeaders },
      );
      expect(some.violations).toEqual([]);
      expect(some.text).toContain(`<rob:Prijmeni>${person.surname}</rob:Prijmeni>`);
      expect(some.text).not.toContain('<rob:Jmeno>');
      expect(some.text).not.toContain('<rob:DatumNarozeni>');
    }
  });

  it('answers no data item to a call that names none, never every item', async () => {
    const aifo = mocks.population.org.aifoOf(7, 'A121');
    for (const items of ['', '   ']) {
      const none = await soap('rob', `RobCtiAifo><m:Aifo>${aifo}</m:Aifo></m:RobCtiAifo>`, {
        headers: { ...agendaHeaders, 'x-egsb-data-items': items },
      });
      expect(none.status).toBe(200);
      expect(none.violations).toEqual([]);
      expect(none.text).toContain('<rob:VysledekKod>OK</rob:VysledekKod>');
      for (const item of ['Jmeno', 'Prijmeni', 'DatumNarozeni', 'AdresaPobytu', 'Obcanstvi'])
        expect(none.text).not.toContain(`<rob:${item}>`);
    }
    const vehicle = mocks.population.vehicle(0);
    const bare = await json('vozidla', 'ctiVozidlo', { vin: vehicle.vin }, { 'x-egsb-data-items': '' });
    expect(bare.res.status).toBe(200);
    expect(Object.keys(bare.answer.vozidlo as object)).not.toContain('provozovatel');
  });

  it('takes the agenda from ZadostInfo, and answers an AIFO of another agenda as unknown', async () => {
    const aifo = mocks.population.org.aifoOf(3, 'A343');
    const ok = await soap(
      'rob',
      `RobCtiAifo><m:ZadostInfo><m:Agenda>A343</m:Agenda><m:AgendovaRole>CR2001</m:AgendovaRole></m:ZadostInfo><m:Aifo>${aifo}</m:Aifo></m:RobCtiAifo>`,
    );
    expect(ok.text).toContain('<rob:VysledekKod>OK</rob:VysledekKod>');
    const other = await soap('rob', `RobCtiAifo><m:Aifo>${aifo}</m:Aifo></m:RobCtiAifo>`, { headers: agendaHeaders });
    expect(other.status).toBe(200);
    expect(other.violations).toEqual([]);
    expect(other.text).toContain('<rob:VysledekKod>CHYBA</rob:VysledekKod>');
    expect(other.text).toContain('<rob:VysledekSubKod>AIFO NEEXISTUJE</rob:VysledekSubKod>');
  });

  it('finds by name and birth date, and says when nobody matches', async () => {
    const p = mocks.population.person(11);
    const found = await soap(
      'rob',
      `RobCtiPodleUdaju><m:Jmeno>${p.givenName}</m:Jmeno><m:Prijmeni>${p.surname}</m:Prijmeni><m:DatumNarozeni>${p.birthDate}</m:DatumNarozeni></m:RobCtiPodleUdaju>`,
      { headers: agendaHeaders },
    );
    expect(found.violations).toEqual([]);
    expect(found.text).toContain(`<rob:Aifo>${mocks.population.org.aifoOf(11, 'A121')}</rob:Aifo>`);
    const none = await soap(
      'rob',
      `RobCtiPodleUdaju><m:Jmeno>Nikdo</m:Jmeno><m:Prijmeni>Neznámý</m:Prijmeni><m:DatumNarozeni>1900-01-01</m:DatumNarozeni></m:RobCtiPodleUdaju>`,
      { headers: agendaHeaders },
    );
    expect(none.violations).toEqual([]);
    expect(none.text).toContain('OSOBA NENALEZENA');
  });

  it('answers malformed and out-of-contract requests with a SOAP fault', async () => {
    const missingAgenda = await soap('rob', `RobCtiAifo><m:Aifo>${mocks.population.org.aifoOf(1, 'A121')}</m:Aifo></m:RobCtiAifo>`);
    expect(missingAgenda).toMatchObject({ status: 500, fault: true });
    expect(missingAgenda.text).toContain('X-Egsb-Agenda');
    const badAifo = await soap('rob', 'RobCtiAifo><m:Aifo>nope</m:Aifo></m:RobCtiAifo>', { version: '1.2', headers: agendaHeaders });
    expect(badAifo).toMatchObject({ status: 400, fault: true });
    expect(badAifo.text).toContain('Sender');
    const doctype = await soap('rob', '', { raw: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' });
    expect(doctype).toMatchObject({ status: 500, fault: true });
    expect(doctype.text).not.toContain('root:');
    const unknown = await soap('rob', 'Neznama/>');
    expect(unknown.fault).toBe(true);
    const agenda = await soap('rob', `RobCtiAifo><m:Aifo>${mocks.population.org.aifoOf(1, 'A121')}</m:Aifo></m:RobCtiAifo>`, {
      headers: { 'x-egsb-agenda': 'a121' },
    });
    expect(agenda.fault).toBe(true);
  });
});

describe('ROS mock', () => {
  it('reads a legal person by IČO, and answers a bad check digit and an unknown IČO in the contract', async () => {
    const lp = mocks.population.legalPerson(5);
    const ok = await soap('ros', `RosCtiIco><m:Ico>${lp.ico}</m:Ico></m:RosCtiIco>`, { headers: agendaHeaders });
    expect(ok.violations).toEqual([]);
    expect(ok.text).toContain(`<ros:ObchodniNazev>${lp.name}</ros:ObchodniNazev>`);
    expect(ok.text).toContain(`<ros:Aifo>${mocks.population.org.aifoOf(lp.statutoryBody[0]?.person ?? 0, 'A121')}</ros:Aifo>`);
    const prague = await soap('ros', 'RosCtiIco><m:Ico>00064581</m:Ico></m:RosCtiIco>');
    expect(prague.text).toContain('Hlavní město Praha');
    const badCheck = await soap('ros', 'RosCtiIco><m:Ico>00064582</m:Ico></m:RosCtiIco>');
    expect(badCheck.violations).toEqual([]);
    expect(badCheck.text).toContain('ICO NEPLATNE');
    const unknown = await soap('ros', 'RosCtiIco><m:Ico>00000019</m:Ico></m:RosCtiIco>');
    expect(unknown.violations).toEqual([]);
    expect(unknown.text).toContain('ICO NEEXISTUJE');
  });
});

describe('RUIAN mock', () => {
  it('reads an address place by code, and answers an unknown code with ADRESA NEEXISTUJE', async () => {
    const place = mocks.population.addressPlace(9);
    const ok = await soap('ruian', `RuianCtiAdresu><m:AdresniMistoKod>${place.code}</m:AdresniMistoKod></m:RuianCtiAdresu>`);
    expect(ok.violations).toEqual([]);
    expect(ok.text).toContain(`<ruian:Psc>${place.postcode}</ruian:Psc>`);
    const unknown = await soap('ruian', 'RuianCtiAdresu><m:AdresniMistoKod>1</m:AdresniMistoKod></m:RuianCtiAdresu>');
    expect(unknown.violations).toEqual([]);
    expect(unknown.text).toContain('ADRESA NEEXISTUJE');
  });
});

describe('RPP mock', () => {
  it('reads an agenda with its roles and OVMs from the registry the bus loads', async () => {
    const agenda = await soap('rpp', 'RppCtiAgendu><m:KodAgendy>A121</m:KodAgendy></m:RppCtiAgendu>');
    expect(agenda.violations).toEqual([]);
    expect(agenda.text).toContain('<rpp:Kod>CR1001</rpp:Kod>');
    expect(agenda.text).toContain('<rpp:Ovm>00064581</rpp:Ovm>');
    const unknown = await soap('rpp', 'RppCtiAgendu><m:KodAgendy>A999999</m:KodAgendy></m:RppCtiAgendu>');
    expect(unknown.violations).toEqual([]);
    expect(unknown.text).toContain('AGENDA NEEXISTUJE');
    const role = await soap('rpp', 'RppVypisOpravneni><m:KodAgendy>A121</m:KodAgendy><m:KodRole>CR2001</m:KodRole></m:RppVypisOpravneni>');
    expect(role.violations).toEqual([]);
    expect(role.text).toContain('ROLE NEEXISTUJE');
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
    const error = await soap('rob', `RobCtiAifo><m:Aifo>${aifo()}</m:Aifo></m:RobCtiAifo>`, {
      headers: { ...agendaHeaders, 'x-mock-fault': 'error' },
    });
    expect(error).toMatchObject({ status: 500, fault: true });
    const broken = await soap('rob', `RobCtiAifo><m:Aifo>${aifo()}</m:Aifo></m:RobCtiAifo>`, {
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
    const failing = await soap(
      'ruian',
      `RuianCtiAdresu><m:AdresniMistoKod>${mocks.population.addressPlace(0).code}</m:AdresniMistoKod></m:RuianCtiAdresu>`,
    );
    expect(failing).toMatchObject({ status: 500, fault: true });
    expect((await fetch(`${mocks.url}/_control/faults/ruian`, { method: 'DELETE' })).status).toBe(204);
    const back = await soap(
      'ruian',
      `RuianCtiAdresu><m:AdresniMistoKod>${mocks.population.addressPlace(0).code}</m:AdresniMistoKod></m:RuianCtiAdresu>`,
    );
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
