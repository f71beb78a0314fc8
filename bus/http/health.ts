/** Liveness, readiness (storage and, when configured, NATS) and Prometheus metrics. */
import { Hono } from 'hono';
import type { BusEnv } from './support.ts';
import type { Metrics } from '../metrics.ts';
import type { Db } from '../storage/index.ts';

const PROBE_MS = 2000;

/** `nats` says 'ok' when the asynchronous mode can take calls, or what is missing. */
export function healthApi({ db, metrics, nats }: { db: Db; metrics: Metrics; nats?: () => string }): Hono<BusEnv> {
  const api = new Hono<BusEnv>();
  api.get('/healthz', (c) => c.json({ status: 'ok' }));
  api.get('/readyz', async (c) => {
    const checks: Record<string, string> = {};
    checks.storage = await withTimeout(db.query('SELECT 1').then(() => 'ok'));
    if (nats !== undefined) checks.nats = nats();
    const ready = Object.values(checks).every((v) => v === 'ok');
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  });
  api.get('/metrics', async (c) => c.body(await metrics.render(), 200, { 'content-type': metrics.contentType }));
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
