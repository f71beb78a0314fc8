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
  }))
    client.addHttpHeader(name, value);
  const [result] = (await client.CtiOsobuAsync({ ZadostInfo: { Agenda: 'A121', AgendovaRole: 'CR1001' }, Aifo: AIFO })) as [
    { Osoba?: { Jmeno?: string; Prijmeni?: string } },
  ];
  expect(result.Osoba).toEqual({ Jmeno: 'Jan', Prijmeni: 'Novák' });
  expect(h.provider.received.at(-1)?.headers['audit-user-id']).toBe('soap.client@praha.example');
});

it('refuses an 11 MB body on a real port while it is still arriving, and keeps serving', async () => {
  const url = `http://127.0.0.1:${servers.httpPort}/rest/demo-persons/v1/ctiOsobu`;
  const headers = {
    authorization: `Bearer ${READER_KEY}`,
    'content-type': 'application/json',
    'x-egsb-ovm': '00064581',
    'x-egsb-agenda': 'A121',
    'x-egsb-role': 'CR1001',
    'audit-user-id': 'big.sender',
  };
  // Sent in chunks without a length, so only counting the bytes can stop it.
  const chunk = new Uint8Array(1024 * 1024).fill(0x20);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < 11) controller.enqueue(chunk);
      else controller.close();
    },
  });
  const res = await fetch(url, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
  expect(res.status).toBe(413);
  expect(await res.json()).toMatchObject({ code: 'EGSB_MESSAGE_TOO_LARGE' });
  const after = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ aifo: AIFO }) });
  expect(after.status).toBe(200);
});

it('declares ctx:Context in the WSDL, so a generated client can send the context in the envelope', async () => {
  const wsdl = await (await fetch(`http://127.0.0.1:${servers.httpPort}/soap/demo-persons-soap/v1?wsdl`)).text();
  expect(wsdl.match(/:header message="egsbw:EgsbContext" part="context" use="literal"/g)).toHaveLength(2);
  const client = await createClientAsync(`http://127.0.0.1:${servers.httpPort}/soap/demo-persons-soap/v1?wsdl`);
  client.addHttpHeader('Authorization', `Bearer ${READER_KEY}`);
  client.addSoapHeader(
    '<ctx:Context xmlns:ctx="urn:egsb:context:v1"><ctx:ovm>00064581</ctx:ovm><ctx:agenda>A121</ctx:agenda><ctx:role>CR1001</ctx:role><ctx:userId>envelope.only@praha.example</ctx:userId><ctx:dataItems>Jmeno</ctx:dataItems></ctx:Context>',
  );
  const [result] = (await client.CtiOsobuAsync({ ZadostInfo: { Agenda: 'A121', AgendovaRole: 'CR1001' }, Aifo: AIFO })) as [
    { Osoba?: { Jmeno?: string; Prijmeni?: string } },
  ];
  expect(result.Osoba).toEqual({ Jmeno: 'Jan' });
  expect(h.provider.received.at(-1)?.headers['audit-user-id']).toBe('envelope.only@praha.example');
});
