/**
 * The bus's metrics in the Prometheus exposition format at /metrics, on prom-client: the standard
 * process and Node.js metrics, HTTP requests by route pattern, calls by service, version, operation
 * and outcome (an error code, so refusals are counted by code), provider latency, the audit writer's
 * batches, commit latency and failures, and circuit state per endpoint. Labels take only values the
 * bus knows (published services, route patterns, catalogue codes): a caller cannot mint new series.
 * Each bus has its own registry, so that several in one process (tests) do not mix.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface CallObservation {
  readonly service: string;
  readonly version: string;
  readonly operation: string;
  /** `ok`, or the catalogue code the call ended with. */
  readonly outcome: string;
  readonly seconds: number;
}

export interface Metrics {
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  observeCall(call: CallObservation): void;
  /** One delivery to a provider: its latency, by service and whether an answer came. */
  observeProvider(service: string, version: string, outcome: 'answered' | 'failed', seconds: number): void;
  /** One audit group commit. */
  observeAuditBatch(size: number, seconds: number, ok: boolean): void;
  /** Adds one to a labelled counter, made on first use. */
  increment(name: string, help: string, labels: Readonly<Record<string, string>>): void;
  /** Replaces every series of a labelled gauge. */
  setGaugeSeries(
    name: string,
    help: string,
    labelNames: readonly string[],
    series: readonly { labels: Readonly<Record<string, string>>; value: number }[],
  ): void;
  /** Read at each scrape. */
  collectCircuits(read: () => readonly { circuit: string; endpoint: string; state: string }[]): void;
  readonly contentType: string;
  render(): Promise<string>;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];
const CIRCUIT_STATES = ['closed', 'open', 'half-open'];

export function createMetrics(): Metrics {
  const register = new Registry();
  collectDefaultMetrics({ register });
  // Gauges named like counters, which promtool's lint refuses; the per-type series
  // (nodejs_active_handles{type}, …) say the same.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
    register.removeSingleMetric(name);
  const requests = new Counter({
    name: 'egsb_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'],
    registers: [register],
  });
  const requestSeconds = new Histogram({
    name: 'egsb_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern and method.',
    labelNames: ['route', 'method'],
    buckets: LATENCY_BUCKETS,
    registers: [register],
  });
  const calls = new Counter({
    name: 'egsb_calls_total',
    help: 'Calls through the bus, by service and outcome (ok or the error code).',
    labelNames: ['service', 'outcome'],
    registers: [register],
  });
  const callSeconds = new Histogram({
    name: 'egsb_call_duration_seconds',
    help: 'Time from a call arriving to its answer leaving, audit included, by service, major version, operation and outcome.',
    labelNames: ['service', 'version', 'operation', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [register],
  });
  const providerSeconds = new Histogram({
    name: 'egsb_provider_duration_seconds',
    help: 'Time a provider took to answer (or to fail), retries included, by service, major version and outcome.',
    labelNames: ['service', 'version', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [register],
  });
  const auditBatch = new Histogram({
    name: 'egsb_audit_batch_records',
    help: 'Records per audit group commit.',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [register],
  });
  const auditCommit = new Histogram({
    name: 'egsb_audit_commit_duration_seconds',
    help: 'Time to commit one audit batch.',
    buckets: LATENCY_BUCKETS,
    registers: [register],
  });
  const auditFailures = new Counter({
    name: 'egsb_audit_failed_records_total',
    help: 'Audit records that could not be committed (their calls were refused with EGSB_AUDIT_UNAVAILABLE).',
    registers: [register],
  });
  let readCircuits: () => readonly { circuit: string; endpoint: string; state: string }[] = () => [];
  new Gauge({
    name: 'egsb_circuit_state',
    help: 'Circuit breaker per service version and provider endpoint: 1 for the state it is in, 0 for the others.',
    labelNames: ['circuit', 'endpoint', 'state'],
    registers: [register],
    collect() {
      this.reset();
      for (const { circuit, endpoint, state } of readCircuits())
        for (const s of CIRCUIT_STATES) this.set({ circuit, endpoint, state: s }, s === state ? 1 : 0);
    },
  });
  const counters = new Map<string, Counter>();
  const gauges = new Map<string, Gauge>();

  return {
    observeRequest(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      requestSeconds.observe({ route, method }, seconds);
    },
    observeCall({ service, version, operation, outcome, seconds }) {
      calls.inc({ service, outcome });
      callSeconds.observe({ service, version, operation, outcome }, seconds);
    },
    observeProvider(service, version, outcome, seconds) {
      providerSeconds.observe({ service, version, outcome }, seconds);
    },
    observeAuditBatch(size, seconds, ok) {
      auditBatch.observe(size);
      auditCommit.observe(seconds);
      if (!ok) auditFailures.inc(size);
    },
    increment(name, help, labels) {
      let counter = counters.get(name);
      if (counter === undefined) {
        counter = new Counter({ name, help, labelNames: Object.keys(labels), registers: [register] });
        counters.set(name, counter);
      }
      counter.inc(labels);
    },
    setGaugeSeries(name, help, labelNames, series) {
      let gauge = gauges.get(name);
      if (gauge === undefined) {
        gauge = new Gauge({ name, help, labelNames: [...labelNames], registers: [register] });
        gauges.set(name, gauge);
      }
      gauge.reset();
      for (const s of series) gauge.set(s.labels, s.value);
    },
    collectCircuits(read) {
      readCircuits = read;
    },
    contentType: register.contentType,
    render: () => register.metrics(),
  };
}
