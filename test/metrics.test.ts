/**
 * /metrics as an operator's Prometheus reads it: the exposition passes `promtool check metrics`, and
 * holds the standard process and Node.js metrics, per-service call and provider latency, the audit
 * writer's batches, and circuit state per endpoint (an endpoint that keeps failing shows as open).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Behaviour } from './provider.ts';
import { jsonRequest, startHarness, type Harness } from './call-harness.ts';

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
