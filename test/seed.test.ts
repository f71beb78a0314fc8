/**
 * The operator's word survives restarts: the seed fills an empty registry at the first start and
 * leaves alone, at every later start, what the operator changed since.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBus, readConfig, startServers, type Bus } from '../bus/index.ts';
import { runCli } from '../bus/cli.ts';
import { ADMIN, READER_KEY, SEED_FILE } from './call-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'egsb-seed-'));
const bundles = new URL('./fixtures/bundles/', import.meta.url).pathname;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = (mode?: string): Promise<Bus> =>
  createBus(
    readConfig({
      EGSB_DATA_DIR: dir,
      EGSB_ADMIN_TOKEN: ADMIN,
      EGSB_SEED_FILE: SEED_FILE,
      EGSB_LOG_LEVEL: 'silent',
      NATS_URL: '',
      ...(mode ? { EGSB_SEED_MODE: mode } : {}),
    }),
  );
const operator = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` };

describe('the seed file', () => {
  it('fills an empty registry once; a restart keeps a blocked AIS blocked and a deleted key deleted', async () => {
    let bus = await start();
    try {
      expect(bus.seed).toBeDefined();
      const ais = (await (await bus.app.request('/admin/ais/900002', { headers: operator })).json()) as Record<string, unknown>;
      const { id: _id, createdAt: _c, updatedAt: _u, ...body } = ais;
      expect(
        (
          await bus.app.request('/admin/ais/900002', {
            method: 'PUT',
            headers: operator,
            body: JSON.stringify({ ...body, state: 'blocked' }),
          })
        ).status,
      ).toBe(200);
      const keys = (await (await bus.app.request('/admin/ais/900002/credentials', { headers: operator })).json()) as {
        credentials: { id: string }[];
      };
      for (const key of keys.credentials)
        await bus.app.request(`/admin/ais/900002/credentials/${key.id}`, { method: 'DELETE', headers: operator });
    } finally {
      await bus.close();
    }

    bus = await start();
    try {
      expect(bus.seed).toBeUndefined();
      expect(((await (await bus.app.request('/admin/ais/900002', { headers: operator })).json()) as { state: string }).state).toBe(
        'blocked',
      );
      expect((await bus.app.request('/catalog', { headers: { authorization: `Bearer ${READER_KEY}` } })).status).toBe(401);
    } finally {
      await bus.close();
    }

    // Applied again on purpose, the seed adds what is missing and changes nothing that exists.
    bus = await start('always');
    try {
      expect(bus.seed?.created).toEqual([]);
      expect(bus.seed?.kept).toContain('ais 900002');
      expect(((await (await bus.app.request('/admin/ais/900002', { headers: operator })).json()) as { state: string }).state).toBe(
        'blocked',
      );
      const keys = (await (await bus.app.request('/admin/ais/900002/credentials', { headers: operator })).json()) as {
        credentials: unknown[];
      };
      expect(keys.credentials).toEqual([]);
    } finally {
      await bus.close();
    }
  });

  it('egsb seed FILE adds what the file declares to a running bus, sending its bundles; paths are not taken over HTTP', async () => {
    const bus = await start();
    const servers = await startServers(bus, { port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${servers.httpPort}`;
    const file = join(dir, 'more.yaml');
    writeFileSync(
      file,
      [
        'agendas:',
        '  - { code: A999, name: Nová agenda (test), roles: [{ code: CR9999, name: Referent }] }',
        'ovms:',
        '  - { code: "00007064", name: Přejmenováno seedem (nesmí se stát), agendas: [A121] }',
        'ais:',
        '  - id: 900009',
        '    name: Added by egsb seed',
        '    operatorOvm: "00007064"',
        '    apiKeys: [{ label: cli, key: egsb_test_seeded_by_cli_key_0009 }]',
        '    publishing: { quota: 1, origins: ["http://127.0.0.1:9"] }',
        'sources:',
        '  - { code: SEEDED, name: Seeded source, ownerAis: 900009, dataItems: [Polozka] }',
        'services:',
        `  - bundle: ${join(bundles, 'persons-json')}`,
      ].join('\n'),
    );
    const out: string[] = [];
    const err: string[] = [];
    try {
      const approved = await fetch(`${url}/admin/ais/900001/publishing`, {
        method: 'PUT',
        headers: operator,
        body: JSON.stringify({ quota: 20, origins: ['http://127.0.0.1:8091'] }),
      });
      expect(approved.status).toBe(200);
      const code = await runCli(['seed', file, '--url', url, '--key', ADMIN], { write: (t) => out.push(t) }, { write: (t) => err.push(t) });
      expect(err.join('')).toBe('');
      expect(code).toBe(0);
      const text = out.join('');
      expect(text).toMatch(/^seed: 4 created, 1 already there and kept$/m);
      expect(text).toContain('created ais 900009');
      expect(text).toContain('created service demo-persons v1');
      // The OVM existed: its name is the operator's, not the file's.
      expect(((await (await fetch(`${url}/admin/ovm/00007064`, { headers: operator })).json()) as { name: string }).name).not.toMatch(
        /seedem/,
      );
      expect((await fetch(`${url}/admin/sources/SEEDED`, { headers: operator })).status).toBe(200);
      // Over HTTP a seed names no paths on the bus's machine.
      const byPath = await fetch(`${url}/admin/seed`, {
        method: 'POST',
        headers: operator,
        body: JSON.stringify({ services: [{ bundle: '/etc' }] }),
      });
      expect(byPath.status).toBe(400);
      expect(((await byPath.json()) as { code: string }).code).toBe('EGSB_REQUEST_INVALID');
      const asReader = await fetch(`${url}/admin/seed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer egsb_test_seeded_by_cli_key_0009' },
        body: '{}',
      });
      expect(asReader.status).toBe(403);
    } finally {
      await servers.close();
      await bus.close();
    }
  });
});
