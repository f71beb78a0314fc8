/** Liveness, readiness (storage and, when configured, NATS) and Prometheus metrics. */
import { Hono } from 'hono';
import { connect } from 'node:net';
import type { BusEnv } from './http-support.ts';
import type { Metrics } from './metrics.ts';
import type { Db } from './storage/index.ts';

const PROBE_MS = 2000;

export function healthApi({ db, metrics, natsUrl }: { db: Db; metrics: Metrics; natsUrl?: string }): Hono<BusEnv> {
  const api = new Hono<BusEnv>();
  api.get('/healthz', (c) => c.json({ status: 'ok' }));
  api.get('/readyz', async (c) => {
    const checks: Record<string, string> = {};
    checks.storage = await withTimeout(db.query('SELECT 1').then(() => 'ok'));
    if (natsUrl !== undefined) checks.nats = await withTimeout(probeNats(natsUrl));
    const ready = Object.values(checks).every((v) => v === 'ok');
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  });
  api.get('/metrics', (c) => c.body(metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));
  return api;
}

async function withTimeout(check: Promise<string>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timeout'), PROBE_MS)));
  try {
    return await Promise.race([check.catch((e: unknown) => `error: ${(e as Error).message}`), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A NATS server greets every connection with an INFO line; seeing it proves the server answers. */
function probeNats(natsUrl: string): Promise<string> {
  const first = natsUrl.split(',')[0] ?? natsUrl;
  const url = new URL(first.includes('://') ? first : `nats://${first}`);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 4222) });
    socket.setTimeout(PROBE_MS);
    socket.once('data', (data) => {
      socket.destroy();
      if (data.toString('latin1').startsWith('INFO ')) resolve('ok');
      else reject(new Error('not a NATS server'));
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('no greeting'));
    });
    socket.once('error', reject);
  });
}
