/**
 * ISZR's asynchronous mode through the bus, as the state's reference client uses it: the service URL
 * with `?async` answers the operation with the assigned IszrZadostId; the reader lists its queue
 * (IszrAsyncVypisFronty), fetches the answer (IszrAsyncOdpovedZFronty, "still processing" until it is
 * ready) and deletes it (IszrAsyncSmazatFrontu). Clients are generated from the state's WSDLs; every
 * answer validates against the state's schemas. Real NATS JetStream carries the calls.
 */
import { createClientAsync, type Client } from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { startDemo, type Demo } from '../bus/demo.ts';
import { readConfig, startServers, type RunningServers } from '../bus/index.ts';
import type { CompiledContract } from '../contracts/index.ts';
import type { RunningMocks } from '../mocks/index.ts';
import { NATS_URL, natsPrefix } from './async-support.ts';
import {
  ISZR_PRESENT,
  at,
  callOperation,
  listAt,
  prevodAifo,
  stateContracts,
  stateErrors,
  stateWsdl,
  textAt,
  zadostInfo,
  type SoapAnswer,
} from './iszr-support.ts';

const SEED = fileURLToPath(new URL('../mocks/seed.yaml', import.meta.url));
const READER = 'Bearer egsb_demo_reader_key_00000002';
const OTHER = 'Bearer egsb_demo_publisher_key_0001';

describe.runIf(ISZR_PRESENT)('ISZR asynchronous queue through the bus', () => {
  let demo: Demo;
  let mocks: RunningMocks;
  let servers: RunningServers;
  let state: Map<string, CompiledContract>;
  const base = (): string => `http://127.0.0.1:${servers.httpPort}/soap`;

  beforeAll(async () => {
    demo = await startDemo(
      readConfig({
        EGSB_IN_MEMORY: '1',
        EGSB_SEED_FILE: SEED,
        EGSB_LOG_LEVEL: 'silent',
        NATS_URL,
        EGSB_NATS_PREFIX: natsPrefix('iszr-async'),
      }),
      { port: 0, persons: 1000, seed: 'iszr-async', extractDelayMs: 10 },
    );
    mocks = demo.mocks as RunningMocks;
    servers = await startServers(demo.bus, { port: 0, host: '127.0.0.1' });
    state = stateContracts(['IszrRobCtiAifo', 'IszrAsyncVypisFronty', 'IszrAsyncOdpovedZFronty', 'IszrAsyncSmazatFrontu']);
  }, 60_000);
  afterAll(async () => {
    for (const c of state?.values() ?? []) c.dispose();
    await servers?.close();
    await demo?.close();
  });

  async function client(service: string, endpoint: string, key = READER): Promise<Client> {
    const c = await createClientAsync(stateWsdl(service), { endpoint });
    c.addHttpHeader('Authorization', key);
    return c;
  }

  /** Calls one operation; the answer must validate against the state's schema. */
  async function call(
    service: string,
    args: Record<string, unknown>,
    { async = false, key = READER } = {},
  ): Promise<{ answer: SoapAnswer; raw: string }> {
    const c = await client(service, `${base()}/${service}/v1${async ? '?async' : ''}`, key);
    const { answer, raw } = await callOperation(c, service, args);
    expect(stateErrors(state, service, raw)).toEqual([]);
    return { answer, raw };
  }

  const fetchAnswer = (ticket: string, key = READER) =>
    call(
      'IszrAsyncOdpovedZFronty',
      {
        KodAsyncSluzby: 'IszrRobCtiAifo',
        ZadostInfo: zadostInfo('A121', 'CR1001'),
        Zadost: { IszrAsyncOdpovedZFrontyData: { IszrZadostId: ticket } },
      },
      { key },
    );

  it('submits E03 with ?async, lists the queue, fetches the answer once ready and deletes it', async () => {
    const person = mocks.population.person(13);
    const info = zadostInfo('A121', 'CR1001');
    const accepted = await call(
      'IszrRobCtiAifo',
      {
        ZadostInfo: info,
        AutorizaceInfo: { SeznamUdaju: 'Jmeno Prijmeni' },
        MapaAifo: prevodAifo([[1, mocks.population.org.aifoOf(13, 'A121')]]),
        Zadost: { RobCtiAifoData: { Aifo: 1, VyuzitiPoskytnuti: 'vyuziti' } },
      },
      { async: true },
    );
    expect(at(accepted.answer, 'OdpovedInfo', 'Status', 'VysledekKod')).toBe('OK');
    expect(at(accepted.answer, 'OdpovedInfo', 'AgendaZadostId')).toBe(info.AgendaZadostId);
    const ticket = at(accepted.answer, 'OdpovedInfo', 'IszrZadostId') as string;
    expect(ticket).toMatch(/^[0-9a-f-]{36}$/);
    expect(at(accepted.answer, 'RobOdpoved')).toBeUndefined();

    const listed = await call('IszrAsyncVypisFronty', { ZadostInfo: zadostInfo('A121', 'CR1001') });
    const items = listAt(listed.answer, 'IszrOdpoved', 'IszrAsyncVypisFrontyDataResponse', 'PolozkyFronty', 'PolozkaFronty');
    expect(items.map((i) => at(i, 'IszrZadostId'))).toContain(ticket);
    expect(
      at(
        items.find((i) => at(i, 'IszrZadostId') === ticket),
        'KodAsyncSluzby',
      ),
    ).toBe('IszrRobCtiAifo');

    let fetched = await fetchAnswer(ticket);
    for (let i = 0; i < 100 && at(fetched.answer, 'OdpovedInfo', 'Status', 'VysledekKod') !== 'OK'; i++) {
      expect(at(fetched.answer, 'OdpovedInfo', 'Status', 'VysledekDetail', 'VysledekSubKod')).toBe('PROBIHA ZPRACOVANI');
      await new Promise((r) => setTimeout(r, 100));
      fetched = await fetchAnswer(ticket);
    }
    expect(at(fetched.answer, 'OdpovedInfo', 'Status', 'VysledekKod')).toBe('OK');
    expect(at(fetched.answer, 'OdpovedInfo', 'IszrZadostId')).toBe(ticket);
    expect(fetched.raw).toContain(`<rod:Jmeno stav="spravny">${person.givenName}</rod:Jmeno>`);
    expect(fetched.raw).not.toContain('DatumNarozeni');
    // The stored answer is E03's own, valid against the state's schema of E03.
    const inner = /<svc:RobCtiAifoResponse[\s\S]*<\/svc:RobCtiAifoResponse>/.exec(fetched.raw)?.[0] ?? '';
    expect(
      stateErrors(
        state,
        'IszrRobCtiAifo',
        `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${inner}</s:Body></s:Envelope>`,
      ),
    ).toEqual([]);

    // Another AIS learns nothing of it, not even its service (asked under another service's name).
    const foreign = await call(
      'IszrAsyncOdpovedZFronty',
      {
        KodAsyncSluzby: 'IszrRosCtiIco',
        ZadostInfo: zadostInfo('A121', 'CR1001'),
        Zadost: { IszrAsyncOdpovedZFrontyData: { IszrZadostId: ticket } },
      },
      { key: OTHER },
    );
    expect(at(foreign.answer, 'OdpovedInfo', 'Status')).toMatchObject({
      VysledekKod: 'CHYBA',
      VysledekDetail: { VysledekSubKod: 'NENALEZENO' },
    });
    expect(at(foreign.answer, 'KodAsyncSluzby')).toBe('IszrRosCtiIco');
    expect(foreign.raw).not.toContain('IszrRobCtiAifo');

    const deleted = await call('IszrAsyncSmazatFrontu', {
      ZadostInfo: zadostInfo('A121', 'CR1001'),
      Zadost: { IszrAsyncSmazatFrontuData: { IszrZadostIdPolozky: { IszrZadostId: [ticket] } } },
    });
    expect(at(deleted.answer, 'OdpovedInfo', 'Status', 'VysledekKod')).toBe('OK');
    const after = await fetchAnswer(ticket);
    expect(at(after.answer, 'OdpovedInfo', 'Status')).toMatchObject({ VysledekKod: 'CHYBA' });
    const relisted = await call('IszrAsyncVypisFronty', { ZadostInfo: zadostInfo('A121', 'CR1001') });
    const left = [at(relisted.answer, 'IszrOdpoved', 'IszrAsyncVypisFrontyDataResponse', 'PolozkyFronty', 'PolozkaFronty') ?? []].flat();
    expect(left.map((i) => at(i, 'IszrZadostId'))).not.toContain(ticket);
    // Deleting it again finds nothing to delete.
    const again = await call('IszrAsyncSmazatFrontu', {
      ZadostInfo: zadostInfo('A121', 'CR1001'),
      Zadost: { IszrAsyncSmazatFrontuData: { IszrZadostIdPolozky: { IszrZadostId: [ticket] } } },
    });
    expect(at(again.answer, 'OdpovedInfo', 'Status', 'VysledekKod')).toBe('VAROVANI');
  });

  it('an unknown IszrZadostId is NENALEZENO; the queue without a credential is a SOAP fault', async () => {
    const { answer } = await fetchAnswer('0b6b2f3e-5c1d-4e4f-8a9b-123456789abc');
    expect(at(answer, 'OdpovedInfo', 'Status')).toMatchObject({ VysledekKod: 'CHYBA', VysledekDetail: { VysledekSubKod: 'NENALEZENO' } });
    const res = await fetch(`${base()}/IszrAsyncVypisFronty/v1`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"IszrAsyncVypisFronty"' },
      body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>',
    });
    const text = await res.text();
    expect(text).toContain('EGSB_AUTH_REQUIRED');
    expect(text).toContain('<soapenv:Fault>');
  });

  it('refuses to publish a service under a queue service name', async () => {
    const res = await demo.bus.app.request('/publish', {
      method: 'POST',
      headers: { authorization: OTHER, 'content-type': 'application/json' },
      body: JSON.stringify({ manifest: { code: 'IszrAsyncVypisFronty', version: '1.0' }, files: {} }),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('served by the bus itself');
  });
});
