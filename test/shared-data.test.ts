/**
 * The shared-data connector against the running bus and register mocks (real HTTP, real NATS): every
 * mock read through the client over its protocol, sync and async; each refusal surfacing as the right
 * typed error; problems found before sending; and the CLI's exit codes and --json output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readConfig, startServers, type RunningServers } from '../bus/index.ts';
import { startDemo, type Demo } from '../bus/demo.ts';
import {
  InvalidCallError,
  PendingError,
  RefusedError,
  UnavailableError,
  basicRegisters,
  createSharedDataClient,
  runCallCli,
  runCatalogueCli,
  type SharedDataClient,
} from '../connectors/index.ts';
import { NATS_URL, natsPrefix } from './async-support.ts';
import { ISZR_SERVICES } from '../mocks/index.ts';

const SEED = fileURLToPath(new URL('../mocks/seed.yaml', import.meta.url));
const KEY = 'egsb_demo_reader_key_00000002';
const CALL = { auditUserId: 'referent.novák', purpose: 'řízení č. j. ZU/7/2026' };
/** E03's data part: the client writes ZadostInfo and the item list itself. */
const e03 = (aifo: string | undefined): Record<string, unknown> => ({
  MapaAifo: { PrevodAifo: { LokalniAifo: 1, GlobalniAifo: aifo ?? '' } },
  Zadost: { RobCtiAifoData: { Aifo: 1, VyuzitiPoskytnuti: 'vyuziti' } },
});

let demo: Demo;
let servers: RunningServers;
let busUrl: string;
let trade: SharedDataClient;
let sample: {
  persons: { aifo: string; jmeno: string; prijmeni: string; datumNarozeni: string }[];
  legalPersons: { ico: string; nazev: string }[];
  addressPlaces: { kod: number; text: string }[];
  vehicles: { vin: string; rz: string }[];
};

function client(agenda: string, role: string, extra: object = {}): SharedDataClient {
  return createSharedDataClient({ busUrl, credentials: { apiKey: KEY }, ovm: '00064581', agenda, role, ...extra });
}

beforeAll(async () => {
  demo = await startDemo(
    readConfig({ EGSB_IN_MEMORY: '1', EGSB_SEED_FILE: SEED, EGSB_LOG_LEVEL: 'silent', NATS_URL, EGSB_NATS_PREFIX: natsPrefix('sdk') }),
    { port: 0, persons: 1000, seed: 'sdk-tests', extractDelayMs: 20 },
  );
  servers = await startServers(demo.bus, { port: 0, host: '127.0.0.1' });
  busUrl = `http://127.0.0.1:${servers.httpPort}`;
  for (let i = 0; i < 100 && demo.bus.queue?.ready() === undefined; i++) await new Promise((r) => setTimeout(r, 50));
  sample = (await (await fetch(`${demo.mocks?.url}/_control/sample?agenda=A1186&count=3`)).json()) as typeof sample;
  trade = client('A1186', 'CR3001');
});
afterAll(async () => {
  await trade?.close();
  await servers?.close();
  await demo?.close();
});

describe('reading every register mock through the client', () => {
  for (const mode of ['sync', 'async'] as const) {
    it(`reads a person, a company and an address over SOAP (${mode})`, async () => {
      const registers = basicRegisters(trade);
      const options = { ...CALL, mode };
      const person = await registers.personByAifo(sample.persons[0]?.aifo ?? '', options);
      expect(person.result.code).toBe('OK');
      expect(person.record?.Prijmeni).toBe(sample.persons[0]?.prijmeni);
      expect(person.dataItems).toEqual(['Jmeno', 'Prijmeni', 'DatumNarozeni', 'AdresaPobytu']);
      expect(person.record).not.toHaveProperty('Obcanstvi');
      if (mode === 'async') expect(person.ticket).toMatch(/^[0-9a-f-]{36}$/);
      const company = await registers.legalPersonByIco(sample.legalPersons[1]?.ico ?? '', options);
      expect(company.record?.ObchodniNazev).toBe(sample.legalPersons[1]?.nazev);
      expect(company.record?.Ico).toBe(sample.legalPersons[1]?.ico);
      expect(company.record?.AdresaSidla).toMatch(/^\d+$/);
      const address = await registers.addressByCode(sample.addressPlaces[0]?.kod ?? 0, options);
      expect(address.record?.TextAdresy).toBe(sample.addressPlaces[0]?.text);
      expect(address.record?.Kod).toBe(String(sample.addressPlaces[0]?.kod));
    });
  }

  it('finds a person by name and birth date, named back by its AIFO in the agenda (E05)', async () => {
    const registers = basicRegisters(trade);
    const wanted = sample.persons[1] as { aifo: string; jmeno: string; prijmeni: string; datumNarozeni: string };
    const found = await registers.personsByDetails(
      { givenName: wanted.jmeno, surname: wanted.prijmeni, birthDate: wanted.datumNarozeni },
      { ...CALL, dataItems: ['Jmeno', 'Prijmeni'] },
    );
    expect(found.result.code).toBe('OK');
    expect(found.record).toEqual([{ aifo: wanted.aifo, Jmeno: wanted.jmeno, Prijmeni: wanted.prijmeni }]);
  });

  it("writes the request from the service schema: namespaces per declaration, the schema's order, attributes; refuses a stray key", async () => {
    const registers = basicRegisters(trade);
    const answer = await registers.personByAifo(sample.persons[0]?.aifo ?? '', { ...CALL, dataItems: ['Prijmeni'] });
    expect(answer.record?.Prijmeni).toBe(sample.persons[0]?.prijmeni);
    await expect(trade.call('IszrRobCtiAifo', 'IszrRobCtiAifo', { ZadostInfo: {}, Zadostt: {} }, CALL)).rejects.toMatchObject({
      code: 'EGSB_CLIENT_USAGE',
      message: expect.stringContaining('"Zadostt" is not an element here'),
    });
    await expect(trade.call('IszrRobCtiAifo', 'IszrRobCtiAifo', { MapaAifo: { '@nacistDataa': 'true' } }, CALL)).rejects.toMatchObject({
      message: expect.stringContaining('no attribute nacistDataa'),
    });
  });

  it('says when the register does not know the subject', async () => {
    const unknown = await basicRegisters(trade).personByAifo('AAAAAAAAAAAAAAAAAAAAAAA=', CALL);
    expect(unknown.record).toBeUndefined();
    expect(unknown.result).toEqual({ code: 'CHYBA', details: ['AIFO NEEXISTUJE'] });
  });

  it('reads the vehicle register over JSON, sync and async, and narrows the items', async () => {
    const cars = client('A343', 'CR2001');
    try {
      const sync = await cars.call<{ vozidlo: { vin: string; tovarniZnacka?: string; barva?: string } }>(
        'vozidla',
        'ctiVozidlo',
        { rz: sample.vehicles[0]?.rz },
        { ...CALL, dataItems: ['TovarniZnacka'] },
      );
      expect(sync.data.vozidlo.vin).toBe(sample.vehicles[0]?.vin);
      expect(sync.data.vozidlo.tovarniZnacka).toBeTruthy();
      expect(sync.data.vozidlo).not.toHaveProperty('barva');
      expect(sync.dataItems).toEqual(['TovarniZnacka']);
      const async = await cars.call<{ vozidlo: { vin: string } }>(
        'vozidla',
        'ctiVozidlo',
        { vin: sample.vehicles[1]?.vin },
        { ...CALL, mode: 'async' },
      );
      expect(async.data.vozidlo.vin).toBe(sample.vehicles[1]?.vin);
    } finally {
      await cars.close();
    }
  });

  it('reads the asynchronous-only criminal record and the RPP over SOAP', async () => {
    const registry = client('A121', 'CR1001');
    try {
      const aifo = ((await (await fetch(`${demo.mocks?.url}/_control/sample?agenda=A121&count=1`)).json()) as typeof sample).persons[0]
        ?.aifo;
      const { ticket } = await registry.submit('rejstrik-trestu', 'vypis', { aifo }, CALL);
      const extract = await registry.result<{ vypis: { osoba: { prijmeni: string } } }>(ticket, { waitMs: 10_000 });
      expect(extract.data.vypis.osoba.prijmeni).toBeTruthy();
      await expect(registry.call('rejstrik-trestu', 'vypis', { aifo }, CALL)).rejects.toMatchObject({ code: 'EGSB_ASYNC_ONLY' });
      const agenda = await registry.call<{ RppOdpoved: { RppVypisOpravneniDataResponse: { Agenda: { Kod: string } } } }>(
        'IszrRppVypisOpravneni',
        'IszrRppVypisOpravneni',
        { Zadost: { RppVypisOpravneniData: { KodAgendy: 'A121', DatumPlatnostiAgendyOd: '2020-01-01' } } },
        CALL,
      );
      expect(agenda.data.RppOdpoved.RppVypisOpravneniDataResponse.Agenda.Kod).toBe('A121');
    } finally {
      await registry.close();
    }
  });

  it('discovers services and explains what its agenda and role would get', async () => {
    const services = await trade.catalogue();
    expect(services.map((s) => s.code).sort()).toEqual([...Object.keys(ISZR_SERVICES), 'rejstrik-trestu', 'vozidla'].sort());
    expect(services.find((s) => s.code === 'IszrRobCtiAifo')?.operations).toEqual(['IszrRobCtiAifo']);
    const explained = await trade.explain('IszrRobCtiAifo');
    expect(explained.dataItems).toEqual(['Jmeno', 'Prijmeni', 'DatumNarozeni', 'AdresaPobytu']);
    expect(explained.authorisations.map((a) => a.id)).toEqual(['a1186-rob']);
  });
});

describe('errors are typed and carry the code and request id', () => {
  it('refusals: role of another agenda, no authorisation, no wanted item authorised', async () => {
    const wrongRole = client('A121', 'CR2001');
    const noRos = client('A121', 'CR1001');
    try {
      const a = await wrongRole
        .call('IszrRobCtiAifo', 'IszrRobCtiAifo', e03(sample.persons[0]?.aifo), { ...CALL, requestId: 'sdk-refused-1' })
        .catch((e: unknown) => e);
      expect(a).toBeInstanceOf(RefusedError);
      expect(a).toMatchObject({ code: 'EGSB_AGENDA_NOT_ALLOWED', requestId: 'sdk-refused-1', status: 403 });
      const b = await basicRegisters(noRos)
        .legalPersonByIco('00007064', CALL)
        .catch((e: unknown) => e);
      expect(b).toMatchObject({ code: 'EGSB_NOT_AUTHORISED' });
      expect(b).toBeInstanceOf(RefusedError);
      const c = await trade
        .call('IszrRobCtiAifo', 'IszrRobCtiAifo', e03(sample.persons[0]?.aifo), { ...CALL, dataItems: ['Obcanstvi'] })
        .catch((e: unknown) => e);
      expect(c).toMatchObject({ code: 'EGSB_DATA_ITEMS_NOT_AUTHORISED' });
      const d = await createSharedDataClient({
        busUrl,
        credentials: { apiKey: 'egsb_unknown_key_0000000000000' },
        ovm: '00064581',
        agenda: 'A121',
        role: 'CR1001',
      })
        .call('IszrRobCtiAifo', 'IszrRobCtiAifo', {}, CALL)
        .catch((e: unknown) => e);
      expect(d).toBeInstanceOf(RefusedError);
      expect(d).toMatchObject({ code: 'EGSB_AUTH_INVALID', status: 401 });
    } finally {
      await wrongRole.close();
      await noRos.close();
    }
  });

  it('an invalid request comes back with the contract errors (SOAP fault and problem+json alike)', async () => {
    const soap = await trade.call('IszrRobCtiAifo', 'IszrRobCtiAifo', e03('not an aifo'), CALL).catch((e: unknown) => e);
    expect(soap).toBeInstanceOf(InvalidCallError);
    expect(soap).toMatchObject({ code: 'EGSB_REQUEST_INVALID' });
    expect((soap as InvalidCallError).requestId).toBeTruthy();
    const cars = client('A343', 'CR2001');
    const json = await cars.call('vozidla', 'ctiVozidlo', { rz: 42 }, CALL).catch((e: unknown) => e);
    await cars.close();
    expect(json).toBeInstanceOf(InvalidCallError);
    expect(json).toMatchObject({ code: 'EGSB_REQUEST_INVALID' });
    expect((json as InvalidCallError).errors.length).toBeGreaterThan(0);
  });

  it('finds what it can before sending: audit user, purpose, unknown service or operation, wrong mode', async () => {
    await expect(trade.call('IszrRobCtiAifo', 'IszrRobCtiAifo', {}, { auditUserId: '', purpose: 'x' })).rejects.toMatchObject({
      code: 'EGSB_CLIENT_USAGE',
      message: /auditUserId is required/,
    });
    await expect(trade.call('IszrRobCtiAifo', 'IszrRobCtiAifo', {}, { auditUserId: 'a', purpose: ' ' })).rejects.toMatchObject({
      code: 'EGSB_CLIENT_USAGE',
      message: /purpose is required/,
    });
    await expect(trade.call('IszrRobCtiAifo', 'IszrRobCtiAifo', {}, undefined as never)).rejects.toBeInstanceOf(InvalidCallError);
    await expect(trade.call('nope', 'X', {}, CALL)).rejects.toMatchObject({
      code: 'EGSB_SERVICE_NOT_FOUND',
      message: /it has: .*IszrRobCtiAifo/,
    });
    await expect(trade.call('IszrRobCtiAifo', 'RobSmaz', {}, CALL)).rejects.toMatchObject({
      code: 'EGSB_OPERATION_NOT_FOUND',
      message: /IszrRobCtiAifo/,
    });
    await expect(
      trade.call('IszrVypisOpravneniPolozky', 'IszrVypisOpravneniPolozky', {}, { ...CALL, mode: 'async' }),
    ).rejects.toMatchObject({
      code: 'EGSB_SYNC_ONLY',
    });
    await expect(trade.call('IszrRobCtiAifo', 'IszrRobCtiAifo', {}, { ...CALL, requestId: 'číslo 1' })).rejects.toMatchObject({
      code: 'EGSB_CLIENT_USAGE',
      message: /requestId/,
    });
    await expect(trade.result('00000000-0000-8000-8000-000000000000', { waitMs: Number.NaN })).rejects.toMatchObject({
      code: 'EGSB_CLIENT_USAGE',
    });
    expect(() => createSharedDataClient({ busUrl, credentials: { apiKey: KEY }, ovm: '123', agenda: 'A1', role: 'CR1' })).toThrow(/ovm/);
  });

  it('an unreachable bus is unavailable; a result not there in time is pending; an abort stops the wait', async () => {
    const away = createSharedDataClient({
      busUrl: 'http://127.0.0.1:9',
      credentials: { apiKey: KEY },
      ovm: '00064581',
      agenda: 'A121',
      role: 'CR1001',
    });
    await expect(away.call('IszrRobCtiAifo', 'IszrRobCtiAifo', {}, CALL)).rejects.toBeInstanceOf(UnavailableError);
    await away.close();
    const registry = client('A121', 'CR1001');
    try {
      const aifo = ((await (await fetch(`${demo.mocks?.url}/_control/sample?agenda=A121&count=1`)).json()) as typeof sample).persons[0]
        ?.aifo;
      await fetch(`${demo.mocks?.url}/_control/faults/rejstrik-trestu`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs: 1500 }),
      });
      const { ticket } = await registry.submit('rejstrik-trestu', 'vypis', { aifo }, CALL);
      await expect(registry.result(ticket, { waitMs: 100 })).rejects.toBeInstanceOf(PendingError);
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('the user gave up')), 100);
      await expect(registry.result(ticket, { waitMs: 10_000, signal: controller.signal })).rejects.toThrow('the user gave up');
      expect((await registry.result(ticket, { waitMs: 10_000 })).ticket).toBe(ticket);
    } finally {
      await fetch(`${demo.mocks?.url}/_control/faults/rejstrik-trestu`, { method: 'DELETE' });
      await registry.close();
    }
  });

  it('passes Czech text in the audit user and purpose through to the provider unchanged', async () => {
    await trade.call('IszrRobCtiAifo', 'IszrRobCtiAifo', e03(sample.persons[0]?.aifo), {
      auditUserId: 'Jiří Šťastný',
      purpose: 'řízení o živnosti',
      requestId: 'sdk-czech-1',
    });
    await demo.bus.audit.drain();
    const { records } = (await (
      await fetch(`${busUrl}/audit?requestId=sdk-czech-1`, { headers: { authorization: `Bearer ${KEY}` } })
    ).json()) as { records: { auditUserId: string }[] };
    expect(records[0]?.auditUserId).toBe('Jiří Šťastný');
  });
});

describe('egsb call and egsb catalogue', () => {
  const capture = () => {
    const text: string[] = [];
    return { text, writer: { write: (t: string) => text.push(t) } };
  };
  const env = () => ({ EGSB_URL: busUrl, EGSB_API_KEY: KEY, EGSB_OVM: '00064581', EGSB_AGENDA: 'A1186', EGSB_ROLE: 'CR3001' });

  it('answers readably, and with --json for scripts; async shows the ticket as it runs', async () => {
    const out = capture();
    const err = capture();
    const data = JSON.stringify(e03(sample.persons[0]?.aifo));
    expect(
      await runCallCli(
        ['IszrRobCtiAifo', 'IszrRobCtiAifo', '--data', data, '--user', 'referent.novak', '--purpose', 'spis 1'],
        out.writer,
        err.writer,
        env(),
      ),
    ).toBe(0);
    expect(out.text.join('')).toMatch(/data items: Jmeno Prijmeni DatumNarozeni AdresaPobytu/);
    expect(out.text.join('')).toContain(`"$value": "${sample.persons[0]?.prijmeni}"`);
    const json = capture();
    expect(
      await runCallCli(
        ['IszrRobCtiAifo', 'IszrRobCtiAifo', '--data', data, '--user', 'referent.novak', '--purpose', 'spis 1', '--async', '--json'],
        json.writer,
        err.writer,
        env(),
      ),
    ).toBe(0);
    const parsed = JSON.parse(json.text.join('')) as {
      ticket: string;
      dataItems: string[];
      data: { RobOdpoved: { RobCtiAifoDataResponse: { Prijmeni: { $value: string } } } };
    };
    expect(parsed.data.RobOdpoved.RobCtiAifoDataResponse.Prijmeni.$value).toBe(sample.persons[0]?.prijmeni);
    expect(err.text.join('')).toMatch(new RegExp(`ticket ${parsed.ticket}: queued[\\s\\S]*ticket ${parsed.ticket}: succeeded`));
  });

  it('tells refused, invalid, unavailable and usage apart by exit code', async () => {
    const data = JSON.stringify(e03(sample.persons[0]?.aifo));
    const base = ['--data', data, '--user', 'referent.novak', '--purpose', 'spis 1'];
    const refused = capture();
    expect(
      await runCallCli(
        [
          'IszrRosCtiIco',
          'IszrRosCtiIco',
          '--data',
          '{"Zadost":{"RosCtiIcoData":{"Ico":7064}}}',
          '--user',
          'u',
          '--purpose',
          'p',
          '--json',
        ],
        refused.writer,
        capture().writer,
        { ...env(), EGSB_AGENDA: 'A121', EGSB_ROLE: 'CR1001' },
      ),
    ).toBe(4);
    expect(JSON.parse(refused.text.join(''))).toMatchObject({ error: { kind: 'RefusedError', code: 'EGSB_NOT_AUTHORISED' } });
    expect(
      await runCallCli(
        ['IszrRobCtiAifo', 'IszrRobCtiAifo', '--data', JSON.stringify(e03('x')), '--user', 'u', '--purpose', 'p'],
        capture().writer,
        capture().writer,
        env(),
      ),
    ).toBe(5);
    expect(
      await runCallCli(['IszrRobCtiAifo', 'IszrRobCtiAifo', ...base], capture().writer, capture().writer, {
        ...env(),
        EGSB_URL: 'http://127.0.0.1:9',
      }),
    ).toBe(3);
    const usage = capture();
    expect(
      await runCallCli(['IszrRobCtiAifo', 'IszrRobCtiAifo', '--data', data, '--user', 'u'], capture().writer, usage.writer, env()),
    ).toBe(2);
    expect(
      await runCallCli(
        ['IszrRobCtiAifo', 'IszrRobCtiAifo', '--data', '/no/such/file.json', ...base.slice(2)],
        capture().writer,
        capture().writer,
        env(),
      ),
    ).toBe(2);
    expect(await runCallCli(['IszrRobCtiAifo'], capture().writer, capture().writer, env())).toBe(2);
    expect(
      await runCallCli(
        ['IszrRobCtiAifo', 'IszrRobCtiAifo', ...base, '--async', '--wait', 'soon'],
        capture().writer,
        capture().writer,
        env(),
      ),
    ).toBe(2);
    expect(
      await runCallCli(['IszrRobCtiAifo', 'IszrRobCtiAifo', ...base, '--version', 'v1'], capture().writer, capture().writer, env()),
    ).toBe(2);
  });

  it('lists the catalogue', async () => {
    const out = capture();
    expect(await runCatalogueCli([], out.writer, capture().writer, { EGSB_URL: busUrl, EGSB_API_KEY: KEY })).toBe(0);
    expect(out.text.join('')).toMatch(/^IszrRobCtiAifo v1 {2}soap sync\+async {2}source ROB/m);
    const json = capture();
    expect(await runCatalogueCli(['--json'], json.writer, capture().writer, { EGSB_URL: busUrl, EGSB_API_KEY: KEY })).toBe(0);
    expect((JSON.parse(json.text.join('')) as { services: unknown[] }).services).toHaveLength(2 + Object.keys(ISZR_SERVICES).length);
  });
});
