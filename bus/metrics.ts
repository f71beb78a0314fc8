/** Counters and histograms rendered in the Prometheus text format at /metrics. */

export interface Metrics {
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** One call through the bus, by service and outcome (`ok` or the error code). */
  observeCall(service: string, outcome: string): void;
  setGauge(name: string, help: string, value: number): void;
  /** Adds one to a labelled counter. */
  increment(name: string, help: string, labels: Readonly<Record<string, string>>): void;
  /** Replaces every series of a labelled gauge. */
  setGaugeSeries(name: string, help: string, series: readonly { labels: Readonly<Record<string, string>>; value: number }[]): void;
  render(): string;
}

const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];

interface Histogram {
  readonly counts: number[];
  sum: number;
  count: number;
}

export function createMetrics(): Metrics {
  const requests = new Map<string, number>();
  const durations = new Map<string, Histogram>();
  const gauges = new Map<string, { help: string; value: number }>();
  const calls = new Map<string, number>();
  const counters = new Map<string, { help: string; series: Map<string, number> }>();
  const gaugeSeries = new Map<string, { help: string; series: string[] }>();

  return {
    observeRequest(route, method, status, seconds) {
      const key = `route="${label(route)}",method="${label(method)}",status="${status}"`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
      const hkey = `route="${label(route)}",method="${label(method)}"`;
      let h = durations.get(hkey);
      if (h === undefined) durations.set(hkey, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
      BUCKETS.forEach((b, i) => {
        if (seconds <= b) h.counts[i] = (h.counts[i] ?? 0) + 1;
      });
      h.sum += seconds;
      h.count += 1;
    },
    observeCall(service, outcome) {
      const key = `service="${label(service)}",outcome="${label(outcome)}"`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
    },
    setGauge(name, help, value) {
      gauges.set(name, { help, value });
    },
    increment(name, help, labels) {
      let counter = counters.get(name);
      if (counter === undefined) counters.set(name, (counter = { help, series: new Map() }));
      const key = labelSet(labels);
      counter.series.set(key, (counter.series.get(key) ?? 0) + 1);
    },
    setGaugeSeries(name, help, series) {
      gaugeSeries.set(name, { help, series: series.map((s) => `${name}{${labelSet(s.labels)}} ${s.value}`) });
    },
    render() {
      const out: string[] = [];
      out.push('# HELP egsb_http_requests_total HTTP requests answered, by route pattern, method and status.');
      out.push('# TYPE egsb_http_requests_total counter');
      for (const [k, v] of requests) out.push(`egsb_http_requests_total{${k}} ${v}`);
      out.push('# HELP egsb_http_request_duration_seconds Time to answer an HTTP request.');
      out.push('# TYPE egsb_http_request_duration_seconds histogram');
      for (const [k, h] of durations) {
        BUCKETS.forEach((b, i) => out.push(`egsb_http_request_duration_seconds_bucket{${k},le="${b}"} ${h.counts[i]}`));
        out.push(`egsb_http_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
        out.push(`egsb_http_request_duration_seconds_sum{${k}} ${h.sum}`);
        out.push(`egsb_http_request_duration_seconds_count{${k}} ${h.count}`);
      }
      out.push('# HELP egsb_calls_total Calls through the bus, by service and outcome.');
      out.push('# TYPE egsb_calls_total counter');
      for (const [k, v] of calls) out.push(`egsb_calls_total{${k}} ${v}`);
      for (const [name, c] of counters) {
        out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
        for (const [k, v] of c.series) out.push(`${name}{${k}} ${v}`);
      }
      for (const [name, g] of gaugeSeries) out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, ...g.series);
      const mem = process.memoryUsage();
      gauges.set('egsb_process_resident_memory_bytes', { help: 'Resident memory of the bus process.', value: mem.rss });
      gauges.set('egsb_process_heap_used_bytes', { help: 'V8 heap in use.', value: mem.heapUsed });
      for (const [name, g] of gauges) {
        out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.value}`);
      }
      return `${out.join('\n')}\n`;
    },
  };
}

function label(value: string): string {
  return value.replace(/["\\\n]/g, '_');
}

function labelSet(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${label(v)}"`)
    .join(',');
}
