/**
 * Bounded work per caller: an AIS over the rate the operator set for it, and a flood of requests
 * without credentials, are refused with 429 EGSB_RATE_LIMITED and Retry-After, counted in metrics,
 * while another caller's calls keep succeeding.
 */
import { Hono } from 'hono';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { startServers } from '../../bus/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../bus/audit/index.ts';
import { auditApi, type BusEnv } from '../../bus/http/index.ts';
import { ADMIN, auditRecordOf, jsonRequest, startHarness, type Harness } from '../call-harness.ts';
import { startChild, stopChild } from '../bench/children.ts';

const operator = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` };
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { EGSB_IN_MEMORY: '1', EGSB_ANONYMOUS_RATE_PER_SECOND: '1', EGSB_ANONYMOUS_RATE_BURST: '5' } });
});
afterAll(async () => {
  await h?.close();
});

describe('rate limits', () => {
  it('refuses an AIS over the rate the operator set for it, and tells it when to come back', async () => {
    const ais = (await (await h.bus.app.request('/admin/ais/900002', { headers: operator })).json()) as Record<string, unknown>;
    const { id: _id, createdAt: _c, updatedAt: _u, ...body } = ais;
    const set = await h.bus.app.request('/admin/ais/900002', {
      method: 'PUT',
      headers: operator,
      body: JSON.stringify({ ...body, rateLimit: { perSecond: 1, burst: 3 } }),
    });
    expect(set.status).toBe(200);
    await h.bus.view.refresh();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest());
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429, 429]);
    expect(limited?.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
    expect(((await limited?.json()) as { code: string }).code).toBe('EGSB_RATE_LIMITED');
    expect(await (await h.bus.app.request('/metrics')).text()).toMatch(/egsb_rate_limited_total\{kind="ais"\} 3/);
    // The operator lifts it again.
    await h.bus.app.request('/admin/ais/900002', { method: 'PUT', headers: operator, body: JSON.stringify({ ...body, rateLimit: null }) });
  });

  it('limits requests without credentials per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    // Refusals past the limit are counted, not recorded one by one.
    const records = (await (await h.bus.app.request('/audit?status=429', { headers: operator })).json()) as {
      records: { ais: number | null }[];
    };
    expect(records.records.filter((r) => r.ais === null)).toHaveLength(0);
    const refusals = (await (await h.bus.app.request('/audit?status=401', { headers: operator })).json()) as {
      records: { ais: number | null }[];
    };
    expect(refusals.records.filter((r) => r.ais === null)).toHaveLength(5);
    expect(await (await h.bus.app.request('/metrics')).text()).toMatch(/egsb_rate_limited_total\{kind="anonymous"\} 3/);
    const badKey = await h.bus.app.request(
      '/rest/demo-persons/v1/ctiOsobu',
      jsonRequest(undefined, { authorization: 'Bearer egsb_not_a_key_at_all_000000' }),
    );
    expect(badKey.status).toBe(429);
  });
});

describe('a bounded audit', () => {
  it('records a hostile refusal in bounded size: capped texts, escaped controls, no subjects from an unchecked body', async () => {
    const huge = 'x'.repeat(15_000);
    const unknown = await h.bus.app.request(`/rest/${huge}/v1/op`, jsonRequest(undefined, { 'audit-user-id': 'novak' }));
    expect(unknown.status).toBe(404);
    const record = await auditRecordOf(h.bus, unknown);
    expect(String(record.service).length).toBeLessThanOrEqual(65);

    const subjects = Array.from({ length: 5000 }, (_, i) => `AAECAwQFBgcICQoLDA0ODxA${i}`);
    const invalid = await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest({ aifo: subjects.join('') }));
    expect(invalid.status).toBe(400);
    expect(await auditRecordOf(h.bus, invalid)).toMatchObject({ code: 'EGSB_REQUEST_INVALID', subjects: [] });
  });
});

describe('audit reads', () => {
  it('stream a CSV export and say where one cut at its limit stops, with the cursor that continues it', async () => {
    for (let i = 0; i < 5; i++) await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest());
    const app = new Hono<BusEnv>();
    app.use(async (c, next) => {
      c.set('caller', { kind: 'operator', role: 'administrator', actor: 'test' });
      await next();
    });
    app.route('/', auditApi({ audit: createAuditStore({ db: h.bus.db }), csvLimit: 3 }));
    const csv = await (await app.request('/audit?format=csv')).text();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(5); // header, three records, the marker
    expect(lines[4]).toMatch(/^# truncated after 3 records; continue with cursor=\S+$/);
    const cursor = /cursor=(\S+)$/.exec(lines[4] ?? '')?.[1] ?? '';
    const next = (await (await app.request(`/audit?cursor=${cursor}&limit=1`)).json()) as { records: unknown[] };
    expect(next.records).toHaveLength(1);
  });
});

describe('audit exports on the embedded PGlite', () => {
  it('leave the bus answering: /healthz is served between their pages, not after them', async () => {
    // The bus in a process of its own, read by curl: nothing shares its event loop or slows its sending.
    const { child, info } = await startChild('../security/audit-export-child.ts', { AUDIT_ROWS: '200000' });
    const url = `http://127.0.0.1:${String(info.port)}`;
    const curl = (args: string[]): Promise<string> =>
      new Promise((resolve, reject) =>
        execFile('curl', ['-sf', ...args], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
      );
    try {
      let exportsDone = 0;
      const exports = Promise.all(
        Array.from({ length: 4 }, async () => {
          const csv = await curl(['-H', `authorization: Bearer ${ADMIN}`, `${url}/audit?format=csv`]);
          exportsDone++;
          return csv.split('\r\n').length;
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(await curl(['-o', '/dev/null', '-w', '%{http_code}', `${url}/healthz`])).toBe('200');
      const doneWhenHealthAnswered = exportsDone;
      expect((await exports).every((lines) => lines > 100_000)).toBe(true);
      expect(doneWhenHealthAnswered).toBeLessThan(4);
    } finally {
      await stopChild(child);
    }
  }, 60_000);
});

describe('Expect: 100-continue', () => {
  it('refuses a body announced larger than the service takes before it is sent, and lets a fitting one in', async () => {
    const servers = await startServers(h.bus, { port: 0, host: '127.0.0.1' });
    const exchange = (length: number): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(servers.httpPort, '127.0.0.1', () => {
          socket.write(
            `POST /rest/demo-persons/v1/ctiOsobu HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
              `Content-Length: ${length}\r\nExpect: 100-continue\r\nAuthorization: Bearer egsb_test_reader_key_0000000002\r\n\r\n`,
          );
        });
        let seen = '';
        socket.on('data', (chunk) => {
          seen += chunk.toString('latin1');
          if (/^HTTP\/1\.1 \d{3}/.test(seen)) {
            socket.destroy();
            resolve(seen.slice(0, 12));
          }
        });
        socket.on('error', reject);
      });
    try {
      expect(await exchange(200 * 1024 * 1024)).toBe('HTTP/1.1 413');
      expect(await exchange(20)).toBe('HTTP/1.1 100');
    } finally {
      await servers.close();
    }
  });
});

describe('a well-behaved reader while another floods', () => {
  it('keeps being answered, and /healthz too, while the flooding AIS is limited', async () => {
    const put = (path: string, body: unknown) => h.bus.app.request(path, { method: 'PUT', headers: operator, body: JSON.stringify(body) });
    const flooder = {
      name: 'Flooding reader (test)',
      operatorOvm: '00064581',
      actsFor: ['00064581'],
      agendas: ['A121'],
      rateLimit: { perSecond: 5, burst: 10 },
    };
    expect((await put('/admin/ais/900004', flooder)).status).toBe(200);
    const made = await h.bus.app.request('/admin/ais/900004/credentials', {
      method: 'POST',
      headers: operator,
      body: '{"kind":"api-key"}',
    });
    const { apiKey } = (await made.json()) as { apiKey: string };
    await h.bus.view.refresh();

    const timed = async (key?: string): Promise<{ status: number; ms: number }> => {
      const started = performance.now();
      const res = await h.bus.app.request(
        '/rest/demo-persons/v1/ctiOsobu',
        jsonRequest(undefined, key ? { authorization: `Bearer ${key}` } : {}),
      );
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    };
    const quiet: number[] = [];
    for (let i = 0; i < 30; i++) quiet.push((await timed()).ms);
    let flooding = true;
    const flood = (async () => {
      const statuses: number[] = [];
      while (flooding) statuses.push(...(await Promise.all(Array.from({ length: 20 }, () => timed(apiKey)))).map((r) => r.status));
      return statuses;
    })();
    const good: { status: number; ms: number }[] = [];
    for (let i = 0; i < 30; i++) good.push(await timed());
    const health = await h.bus.app.request('/healthz');
    flooding = false;
    const statuses = await flood;
    expect(good.every((r) => r.status === 200)).toBe(true);
    expect(health.status).toBe(200);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(statuses.filter((s) => s === 200).length);
    const p99 = good.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(good.length * 0.99)] ?? 0;
    const quietP99 = quiet.sort((a, b) => a - b)[Math.floor(quiet.length * 0.99)] ?? 0;
    console.info(
      `well-behaved reader: p99 ${quietP99.toFixed(1)} ms alone, ${p99.toFixed(1)} ms during a flood; ` +
        `flooder ${statuses.length} calls, ${statuses.filter((s) => s === 429).length} limited`,
    );
  });
});
