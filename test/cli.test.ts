/**
 * The `egsb` command as an operator and an AIS owner use it against a running bus: --version, help
 * per command, unknown options refused with exit 2, --json on every command, and the registry,
 * credential, authorisation, access, ticket and audit commands doing what they say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServers, type RunningServers } from '../bus/index.ts';
import { runCli } from '../bus/cli.ts';
import { ADMIN, jsonRequest, publishRestricted, PUBLISHER_KEY, READER_KEY, startHarness, type Harness } from './call-harness.ts';

let h: Harness;
let servers: RunningServers;
let url: string;

beforeAll(async () => {
  h = await startHarness();
  await publishRestricted(h.bus, h.provider.url);
  servers = await startServers(h.bus, { port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${servers.httpPort}`;
});
afterAll(async () => {
  await servers?.close();
  await h?.close();
});

async function egsb(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { write: (t) => (out += t) }, { write: (t) => (err += t) });
  return { code, out, err };
}
const asOperator = ['--url', '', '--key', ADMIN];
const op = (...args: string[]) => egsb(...args, ...asOperator.map((a) => (a === '' ? url : a)));
const as = (key: string, ...args: string[]) => egsb(...args, '--url', url, '--key', key);

describe('egsb, the command', () => {
  it('says its version, helps per command, and refuses what it does not know with exit 2', async () => {
    expect(await egsb('--version')).toMatchObject({ code: 0, out: '0.1.0\n' });
    const help = await egsb('--help');
    expect(help.code).toBe(0);
    for (const command of [
      'publish',
      'seed',
      'ais',
      'credentials',
      'authorisations',
      'access',
      'ticket',
      'async',
      'audit',
      'call',
      'catalogue',
    ])
      expect(help.out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(help.out).toContain('Exit codes: 0 done; 2 usage');
    const sub = await egsb('credentials', '--help');
    expect(sub.out).toMatch(/issue \[options\] <ais>/);
    expect(sub.out).toMatch(/rotate \[options\] <ais> <credential>/);
    const unknown = await egsb('publish', 'x', '--frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown option '--frobnicate'");
    expect((await egsb('nonsense')).code).toBe(2);
    expect((await egsb('ais')).code).toBe(2);
    expect((await egsb('ticket', 'list', '--limit', '0')).code).toBe(2);
    expect((await egsb('async', 'status', '--url', 'http://127.0.0.1:9')).code).toBe(3);
  });

  it('manages an AIS, its keys and its authorisations as the operator', async () => {
    const listed = await op('ais', 'list');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^900002\s+active\s+Reader AIS \(test\)$/m);
    expect(JSON.parse((await op('ais', 'get', '900002', '--json')).out)).toMatchObject({ id: 900002, state: 'active' });

    const issued = await op('credentials', 'issue', '900002', '--label', 'cli', '--json');
    expect(issued.code).toBe(0);
    const { id, apiKey } = JSON.parse(issued.out) as { id: string; apiKey: string };
    expect(
      (await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, { authorization: `Bearer ${apiKey}` }))).status,
    ).toBe(200);
    const rotated = await op('credentials', 'rotate', '900002', id, '--json');
    expect(rotated.code).toBe(0);
    const fresh = JSON.parse(rotated.out) as { apiKey: string; label: string };
    expect(fresh.label).toBe('cli');
    await h.bus.view.refresh();
    expect(
      (await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, { authorization: `Bearer ${apiKey}` }))).status,
    ).toBe(401);
    expect(
      (await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, { authorization: `Bearer ${fresh.apiKey}` })))
        .status,
    ).toBe(200);
    const credentials = JSON.parse((await op('credentials', 'list', '900002', '--json')).out) as {
      credentials: { id: string; label?: string }[];
    };
    const freshId = credentials.credentials.find((c) => c.label === 'cli')?.id ?? '';
    expect((await op('credentials', 'revoke', '900002', freshId)).out).toBe(`credential ${freshId} revoked\n`);

    expect((await op('ais', 'suspend', '900002')).out).toBe('AIS 900002: suspended\n');
    await h.bus.view.refresh();
    expect((await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest())).status).toBe(403);
    expect((await op('ais', 'activate', '900002')).out).toBe('AIS 900002: active\n');
    await h.bus.view.refresh();

    expect((await op('authorisations', 'list', '--agenda', 'A121')).out).toMatch(/^test-a121-rob\s+A121\s+CR1001\s+ROB\s+Jmeno/m);
    expect((await as(READER_KEY, 'authorisations', 'list')).code).toBe(4);
  });

  it('asks for access to a restricted service as a reader, and the owner approves it', async () => {
    const asked = await as(READER_KEY, 'access', 'request', 'demo-restricted', '--note', 'for the town hall', '--json');
    expect(asked.code).toBe(0);
    const request = JSON.parse(asked.out) as { id: string; state: string };
    expect(request.state).toBe('requested');
    expect((await as(PUBLISHER_KEY, 'access', 'list')).out).toContain(request.id);
    expect((await as(PUBLISHER_KEY, 'access', 'approve', request.id)).out).toBe(`request ${request.id}: approved\n`);
    expect((await as(READER_KEY, 'access', 'approve', request.id)).code).toBe(4);
  });

  it('searches and exports the audit trail, and lists tickets', async () => {
    for (let i = 0; i < 3; i++) expect((await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest())).status).toBe(200);
    const search = await as(READER_KEY, 'audit', 'search', '--service', 'demo-persons', '--limit', '2');
    expect(search.code).toBe(0);
    expect(search.out.split('\n')[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\S+\s+\S+\s+900002\s+demo-persons\s+ctiOsobu\s+/);
    expect(search.out).toMatch(/^more: --cursor \S+$/m);
    const exported = await op('audit', 'export', '--ais', '900002');
    expect(exported.code).toBe(0);
    expect(exported.out.split('\r\n')[0]).toMatch(/^id,time,requestId,/);
    expect(exported.out.split('\r\n').length).toBeGreaterThan(3);
    expect((await op('audit', 'search', '--status', 'abc')).code).toBe(5);
    const tickets = await as(READER_KEY, 'ticket', 'list', '--json');
    expect(tickets.code).toBe(0);
    expect(JSON.parse(tickets.out)).toEqual({ tickets: [] });
    expect((await as(READER_KEY, 'ticket', 'get', 'no-such-ticket')).code).toBe(5);
  });
});
