/**
 * The operator's word survives restarts: the seed fills an empty registry at the first start and
 * leaves alone, at every later start, what the operator changed since.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBus, readConfig, type Bus } from '../bus/index.ts';
import { ADMIN, READER_KEY, SEED_FILE } from './call-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'egsb-seed-'));
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

    bus = await start('always');
    try {
      expect(bus.seed).toBeDefined();
      expect(((await (await bus.app.request('/admin/ais/900002', { headers: operator })).json()) as { state: string }).state).toBe(
        'active',
      );
    } finally {
      await bus.close();
    }
  });
});
