/**
 * Calls over HTTPS with TLS client certificates, on real ports: a CA, the bus's server certificate and
 * client certificates (registered, unregistered, expired, from another issuer) are made with openssl
 * for this test. A certificate the bus does not accept still gets a catalogue answer, not a reset.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServers, type RunningServers } from '../bus/index.ts';
import { ADMIN, contextHeaders, jsonRequest, soapRequest, startHarness, type Harness } from './call-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'egsb-tls-'));
const file = (name: string): string => join(dir, name);
const openssl = (...args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
};

function makeCertificates(): void {
  writeFileSync(
    file('ca.cnf'),
    '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n',
  );
  writeFileSync(file('index.txt'), '');
  writeFileSync(file('serial'), '1000\n');
  writeFileSync(file('san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=egsb test CA',
  );
  const signed = (name: string, extra: string[] = []): void => {
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      String(Math.floor(Math.random() * 1e9)),
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      ...extra,
    );
  };
  signed('server', ['-extfile', 'san.cnf']);
  signed('reader');
  signed('stranger');
  // Expired: valid through 2020 only.
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'expired.key',
    '-out',
    'expired.csr',
    '-subj',
    '/CN=expired',
  );
  openssl(
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-cert',
    'ca.crt',
    '-keyfile',
    'ca.key',
    '-in',
    'expired.csr',
    '-out',
    'expired.crt',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20201231000000Z',
    '-notext',
  );
  // Self-signed, so not from the configured client CA.
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'selfsigned.key',
    '-out',
    'selfsigned.crt',
    '-days',
    '2',
    '-subj',
    '/CN=selfsigned',
  );
}

let h: Harness;
let servers: RunningServers;
const agents: Agent[] = [];

beforeAll(async () => {
  makeCertificates();
  h = await startHarness();
  servers = await startServers(h.bus, {
    port: 0,
    host: '127.0.0.1',
    tls: { port: 0, certFile: file('server.crt'), keyFile: file('server.key'), clientCaFile: file('ca.crt') },
  });
  // Register the reader's, the expired and the self-signed certificates; leave the stranger's out.
  for (const name of ['reader', 'expired', 'selfsigned']) {
    const fingerprint = new X509Certificate(readFileSync(file(`${name}.crt`))).fingerprint256;
    const res = await h.bus.app.request('/admin/ais/900002/credentials', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ kind: 'certificate', fingerprint, label: name }),
    });
    expect(res.status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await servers?.close();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(name?: string): Agent {
  const agent = new Agent({
    connect: {
      ca: readFileSync(file('ca.crt')),
      ...(name ? { cert: readFileSync(file(`${name}.crt`)), key: readFileSync(file(`${name}.key`)) } : {}),
    },
  });
  agents.push(agent);
  return agent;
}

async function callOverTls(agent: Agent, path: string, init: RequestInit): Promise<{ status: number; text: string }> {
  const res = await request(`https://127.0.0.1:${servers.httpsPort}${path}`, {
    method: 'POST',
    headers: init.headers as Record<string, string>,
    body: init.body as string,
    dispatcher: agent,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

const withoutKey = { authorization: undefined };

describe('TLS client certificates', () => {
  it('identifies the reader AIS by its registered certificate, over JSON and SOAP', async () => {
    const agent = client('reader');
    const json = await callOverTls(agent, '/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, withoutKey));
    expect(json.status).toBe(200);
    expect(JSON.parse(json.text)).toMatchObject({ osoba: { jmeno: 'Jan' } });
    const soap = await callOverTls(agent, '/soap/demo-persons-soap/v1', soapRequest('1.2', undefined, withoutKey));
    expect(soap.status).toBe(200);
    expect(soap.text).toContain('<p:Jmeno>Jan</p:Jmeno>');
    expect(h.provider.received.at(-1)?.headers['x-egsb-client-ais']).toBe('900002');
  });

  it.each([
    ['a certificate registered to no AIS', 'stranger', 'not registered'],
    ['an expired certificate', 'expired', 'expired'],
    ['a certificate from outside the client CA', 'selfsigned', 'not trusted'],
  ])('answers %s with EGSB_AUTH_INVALID, not a broken handshake', async (_, name, why) => {
    const result = await callOverTls(client(name), '/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, withoutKey));
    expect(result.status).toBe(401);
    expect(JSON.parse(result.text)).toMatchObject({ code: 'EGSB_AUTH_INVALID' });
    expect(result.text).toContain(why);
  });

  it('asks for credentials when the client sends no certificate and no key', async () => {
    const result = await callOverTls(client(), '/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, withoutKey));
    expect(JSON.parse(result.text)).toMatchObject({ code: 'EGSB_AUTH_REQUIRED' });
  });

  it('still takes an API key over TLS when the operator allows keys', async () => {
    const result = await callOverTls(client(), '/rest/demo-persons/v1/ctiOsobu', {
      headers: contextHeaders({ 'content-type': 'application/json' }),
      body: '{"aifo":"AAECAwQFBgcICQoLDA0ODxA="}',
    });
    expect(result.status).toBe(200);
  });
});
