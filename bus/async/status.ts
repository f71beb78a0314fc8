/**
 * The state of the asynchronous mode for operators (`GET /admin/async`, `egsb async status`) and for
 * the metrics: each stream, each consumer's backlog from JetStream, and each service's open and
 * failed tickets with the age of its oldest pending call from the database.
 */
import type { AsyncQueue } from './queue.ts';
import type { Metrics } from '../metrics.ts';
import type { TicketStore } from '../tickets/index.ts';

export interface AsyncStatus {
  readonly nats: 'connected' | 'unavailable';
  readonly streams: readonly { name: string; messages: number; bytes: number }[];
  readonly consumers: readonly { stream: string; name: string; pending: number; ackPending: number; redelivered: number }[];
  readonly services: readonly {
    service: string;
    version: number;
    queued: number;
    running: number;
    failed: number;
    oldestPendingSeconds?: number;
  }[];
}

export async function readAsyncStatus(queue: AsyncQueue | undefined, tickets: TicketStore): Promise<AsyncStatus> {
  const services = (await tickets.pending()).map((p) => ({
    service: p.service,
    version: p.major,
    queued: p.queued,
    running: p.running,
    failed: p.failed,
    ...(p.oldestPendingAt ? { oldestPendingSeconds: Math.max(0, Math.round((Date.now() - p.oldestPendingAt.getTime()) / 100) / 10) } : {}),
  }));
  const ready = queue?.ready();
  if (queue === undefined || ready === undefined) return { nats: 'unavailable', streams: [], consumers: [], services };
  const streams: { name: string; messages: number; bytes: number }[] = [];
  const consumers: { stream: string; name: string; pending: number; ackPending: number; redelivered: number }[] = [];
  for (const name of [queue.callStream, queue.callbackStream]) {
    const info = await ready.jsm.streams.info(name);
    streams.push({ name, messages: info.state.messages, bytes: info.state.bytes });
    for await (const c of ready.jsm.consumers.list(name)) {
      consumers.push({ stream: name, name: c.name, pending: c.num_pending, ackPending: c.num_ack_pending, redelivered: c.num_redelivered });
    }
  }
  return { nats: 'connected', streams, consumers, services };
}

/** Queue depth, oldest pending call and failures per service, as gauges. */
export function publishAsyncGauges(metrics: Metrics, status: AsyncStatus): void {
  metrics.setGaugeSeries(
    'egsb_async_queue_depth',
    'Asynchronous calls waiting or being delivered, per service version.',
    ['service', 'version'],
    status.services.map((s) => ({ labels: { service: s.service, version: String(s.version) }, value: s.queued + s.running })),
  );
  metrics.setGaugeSeries(
    'egsb_async_oldest_pending_seconds',
    'Age of the oldest asynchronous call not yet finished, per service version.',
    ['service', 'version'],
    status.services.map((s) => ({ labels: { service: s.service, version: String(s.version) }, value: s.oldestPendingSeconds ?? 0 })),
  );
  metrics.setGaugeSeries(
    'egsb_async_failed_tickets',
    'Failed tickets still kept, per service version.',
    ['service', 'version'],
    status.services.map((s) => ({ labels: { service: s.service, version: String(s.version) }, value: s.failed })),
  );
  metrics.setGaugeSeries(
    'egsb_async_consumer_pending',
    'Messages in JetStream not yet delivered, per consumer.',
    ['consumer'],
    status.consumers.map((c) => ({ labels: { consumer: c.name }, value: c.pending + c.ackPending })),
  );
}
