/**
 * A generated SOAP client, built by the `soap` package from the WSDL the bus serves and nothing else,
 * calls a service through the bus on a real port.
 */
import { createClientAsync } from 'soap';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServers, type RunningServers } from '../bus/index.ts';
import { AIFO, READER_KEY, startHarness, type Harness } from './call-harness.ts';

let h: Harness;
let servers: RunningServers;
beforeAll(async () => {
  h = await startHarness();
  servers = await startServers(h.bus, { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await servers.close();
  await h.close();
});

it('calls CtiOsobu through the bus with a client generated from the bus WSDL', async () => {
  const client = await createClientAsync(`http://127.0.0.1:${servers.httpPort}/soap/demo-persons-soap/v1?wsdl`);
  for (const [name, value] of Object.entries({
    Authorization: `Bearer ${READER_KEY}`,
    'X-Egsb-Ovm': '00064581',
    'X-Egsb-Agenda': 'A121',
    'X-Egsb-Role': 'CR1001',
    'audit-user-id': 'soap.client@praha.example',
  })) client.addHttpHeader(name, value);
  const [result] = (await client.CtiOsobuAsync({ ZadostInfo: { Agenda: 'A121', AgendovaRole: 'CR1001' }, Aifo: AIFO })) as [{ Osoba?: { Jmeno?: string; Prijmeni?: string } }];
  expect(result.Osoba).toEqual({ Jmeno: 'Jan', Prijmeni: 'Novák' });
  expect(h.provider.received.at(-1)?.headers['audit-user-id']).toBe('soap.client@praha.example');
});
