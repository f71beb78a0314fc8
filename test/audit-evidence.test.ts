/**
 * The audit as evidence, end to end: calls through a running bus are chained and signed; `egsb audit
 * verify` finds nothing wrong, then names the first broken link once a record is changed behind the
 * bus's back; evidence saved before verifies offline; and "who read my data" lists the reads of a
 * subject, refusals apart. On PGlite, and on PostgreSQL when a server is configured.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServers } from '../bus/index.ts';
import { runCli } from '../bus/cli.ts';
import { ADMIN, AIFO, jsonRequest, startHarness } from './call-harness.ts';
import { Behaviour } from './provider.ts';
import { createTestDatabase, postgresUrl } from './postgres.ts';

const dir = mkdtempSync(join(tmpdir(), 'egsb-evidence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function egsb(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { write: (t) => (out += t) }, { write: (t) => (err += t) });
  return { code, out, err };
}

const storages: { name: string; env: () => Promise<{ env: Record<string, string>; drop(): Promise<void> }> }[] = [
  { name: 'PGlite', env: async () => ({ env: { EGSB_IN_MEMORY: '1' }, drop: async () => {} }) },
  ...(postgresUrl
    ? [
        {
          name: 'PostgreSQL',
          env: async () => {
            const database = await createTestDatabase();
            return { env: { DATABASE_URL: database.url, EGSB_AUDIT_KEY_FILE: join(dir, 'pg-key.pem') }, drop: () => database.drop() };
          },
        },
      ]
    : []),
];

for (const storage of storages) {
  describe(`the audit as evidence on ${storage.name}`, () => {
    it('verifies, finds a record changed behind the bus, verifies saved evidence offline, and tells who read a subject', async () => {
      const { env, drop } = await storage.env();
      const h = await startHarness({ env });
      const servers = await startServers(h.bus, { port: 0, host: '127.0.0.1' });
      const bus = ['--url', `http://127.0.0.1:${servers.httpPort}`, '--key', ADMIN];
      try {
        for (let i = 0; i < 5; i++) expect((await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest())).status).toBe(200);
        expect(
          (await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, { 'x-egsb-role': 'CR2001' }))).status,
        ).toBe(403);
        h.provider.behaviour = Behaviour.UNAVAILABLE;
        expect((await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest())).status).toBe(503);
        h.provider.behaviour = Behaviour.OK;
        await h.bus.audit.checkpoint();

        const verified = await egsb('audit', 'verify', ...bus);
        expect(verified.err).toBe('');
        expect(verified.out).toMatch(
          /^\d+ records \(0 from before the chain\) in [1-9]\d* chains; [1-9]\d* signed checkpoints verified\nno problem found\n$/,
        );
        expect(verified.code).toBe(0);
        const saved = await egsb('audit', 'evidence', ...bus);
        expect(saved.code).toBe(0);
        const file = join(dir, `${storage.name}.ndjson`);
        writeFileSync(file, saved.out);

        const subject = JSON.parse((await egsb('audit', 'subject', `AIFO:${AIFO}`, '--json', ...bus)).out) as {
          reads: { ovm: string; agenda: string; ais: number; dataItems: string[] }[];
          refusals: { code?: string }[];
        };
        expect(subject.reads).toHaveLength(5);
        expect(subject.reads[0]).toMatchObject({ ovm: '00064581', agenda: 'A121', ais: 900002 });
        expect(subject.reads[0]?.dataItems.length).toBeGreaterThan(0);
        expect(subject.refusals.map((r) => r.code)).toEqual(['EGSB_PROVIDER_UNAVAILABLE']);

        // A superuser edits the third record: the bus's own statements cannot.
        await expect(h.bus.db.query("UPDATE audit_record SET audit_user_id = 'jiny.clovek'")).rejects.toMatchObject({ code: '42501' });
        await h.bus.db.query('ALTER TABLE audit_record DISABLE TRIGGER USER');
        await h.bus.db.query(
          "UPDATE audit_record SET audit_user_id = 'jiny.clovek' WHERE seq = 3 AND chain = (SELECT min(chain) FROM audit_record WHERE seq = 3)",
        );
        await h.bus.db.query('ALTER TABLE audit_record ENABLE TRIGGER USER');
        const broken = await egsb('audit', 'verify', ...bus);
        expect(broken.code).toBe(5);
        expect(broken.out).toMatch(/^first broken link: chain c[0-9a-f]+ at 3 \(record [0-9a-f-]+\): modified: /m);
        expect((await egsb('audit', 'verify', '--json', ...bus)).out).toContain('"ok": false');

        const offline = await egsb('audit', 'verify', '--file', file);
        expect(offline.out).toContain('no problem found');
        expect(offline.code).toBe(0);
        const report = (await (
          await h.bus.app.request('/admin/audit/verify', { headers: { authorization: `Bearer ${ADMIN}` } })
        ).json()) as {
          ok: boolean;
        };
        expect(report.ok).toBe(false);
      } finally {
        await servers.close();
        await h.close();
        await drop();
      }
    }, 60_000);
  });
}
