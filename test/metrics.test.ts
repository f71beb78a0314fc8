/**
 * What an operator watches. /metrics as Prometheus reads it: the exposition passes `promtool check metrics`, and
 * holds the standard process and Node.js metrics, per-service call and provider latency, the audit
 * writer's batches, and circuit state per endpoint (an endpoint that keeps failing shows as open).
 * And the log: one line per call, sampled, never with a credential.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, LogLevel } from '../contracts/index.ts';
import { createBus, readConfig } from '../bus/index.ts';
import { Behaviour, startTestProvider } from './provider.ts';
import { ADMIN, jsonRequest, publishDemoBundles, READER_KEY, SEED_FILE, startHarness, type Harness } from './call-harness.ts';

const promtool = spawnSync('promtool', ['--version']).status === 0;
if (!promtool && process.env.EGSB_REQUIRE_TOOLS === '1')
  throw new Error('EGSB_REQUIRE_TOOLS=1 but promtool (Debian: prometheus) is not installed');
if (!promtool) console.warn('promtool not found (Debian package prometheus): the exposition is not linted');

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('/metrics', () => {
  it('exposes what an operator alerts on, in an exposition promtool accepts', async () => {
    expect((await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest())).status).toBe(200);
    expect((await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest({ aifo: 'short' }))).status).toBe(400);
    h.provider.behaviour = Behaviour.UNAVAILABLE;
    try {
      for (let i = 0; i < 6; i++) await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest());
    } finally {
      h.provider.behaviour = Behaviour.OK;
    }
    const res = await h.bus.app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ])
      expect(text).toContain(`\n${name}`);
    expect(text).toMatch(/egsb_call_duration_seconds_count\{service="demo-persons",version="1",operation="ctiOsobu",outcome="ok"\} 1\n/);
    expect(text).toMatch(
      /egsb_call_duration_seconds_count\{service="demo-persons",version="1",operation="ctiOsobu",outcome="EGSB_REQUEST_INVALID"\} 1\n/,
    );
    expect(text).toMatch(/egsb_calls_total\{service="demo-persons",outcome="EGSB_PROVIDER_UNAVAILABLE"\} [1-9]/);
    expect(text).toMatch(/egsb_provider_duration_seconds_count\{service="demo-persons",version="1",outcome="answered"\} 1\n/);
    expect(text).toMatch(/egsb_provider_duration_seconds_count\{service="demo-persons",version="1",outcome="failed"\} [1-9]/);
    expect(text).toMatch(/egsb_audit_batch_records_count [1-9]/);
    expect(text).toMatch(/egsb_audit_commit_duration_seconds_bucket\{le="\+Inf"\} [1-9]/);
    expect(text).toContain('egsb_audit_failed_records_total 0');
    const endpoint = `${h.provider.url}/persons`;
    expect(text).toContain(`egsb_circuit_state{circuit="demo-persons/v1",endpoint="${endpoint}",state="open"} 1`);
    expect(text).toContain(`egsb_circuit_state{circuit="demo-persons/v1",endpoint="${endpoint}",state="closed"} 0`);
    if (promtool) {
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(`${lint.stdout}${lint.stderr}`).toBe('');
      expect(lint.status).toBe(0);
    }
  });
});

describe('call log lines', () => {
  it('says each call in one info line, sampled as configured; failures always', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: LogLevel.INFO, write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const provider = await startTestProvider();
    const bus = await createBus(
      readConfig({ EGSB_IN_MEMORY: '1', EGSB_ADMIN_TOKEN: ADMIN, EGSB_SEED_FILE: SEED_FILE, NATS_URL: '', EGSB_LOG_CALLS: '0' }),
      { logger },
    );
    try {
      await publishDemoBundles(bus, provider.url, 1500);
      expect((await bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest())).status).toBe(200);
      expect(lines.filter((l) => l.msg === 'call')).toEqual([]); // sampled out
      provider.behaviour = Behaviour.UNAVAILABLE;
      const failed = await bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest());
      expect(failed.status).toBe(503);
      const [line] = lines.filter((l) => l.msg === 'call');
      expect(line).toMatchObject({
        level: 'info',
        requestId: failed.headers.get('x-request-id'),
        ais: 900002,
        service: 'demo-persons',
        version: 1,
        operation: 'ctiOsobu',
        status: 503,
        outcome: 'EGSB_PROVIDER_UNAVAILABLE',
      });
      expect(typeof line?.latencyMs).toBe('number');
      expect(JSON.stringify(lines)).not.toContain(READER_KEY);
    } finally {
      await bus.close();
      await provider.close();
    }
  });

  it('takes yes/no settings strictly: EGSB_ALLOW_API_KEYS=no turns keys off, a typo is refused', () => {
    expect(readConfig({ EGSB_ALLOW_API_KEYS: 'no' }).allowApiKeys).toBe(false);
    expect(readConfig({ EGSB_ALLOW_API_KEYS: 'off' }).allowApiKeys).toBe(false);
    expect(readConfig({ EGSB_ALLOW_API_KEYS: 'YES' }).allowApiKeys).toBe(true);
    expect(() => readConfig({ EGSB_ALLOW_API_KEYS: 'nope' })).toThrow(/EGSB_ALLOW_API_KEYS must be true or false/);
    expect(() => readConfig({ EGSB_LOG_CALLS: '2' })).toThrow(/EGSB_LOG_CALLS/);
  });
});
