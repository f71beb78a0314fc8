/**
 * Pushing finished asynchronous results to the reader AIS's callback URL, if it registered one. A
 * finished ticket is queued on the callbacks stream (one message per ticket, deduplicated), and a
 * durable consumer POSTs the result, retrying with growing delays until the AIS takes it (2xx) or
 * the attempts run out. The result stays fetchable at /async/{ticket} either way.
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { AsyncQueue } from './queue.ts';
import type { Logger } from '../../contracts/index.ts';
import type { Metrics } from '../metrics.ts';
import type { RegistryView } from '../registry/index.ts';
import { TicketStatus, ticketState, type Ticket, type TicketStore } from '../tickets/index.ts';
import { createWorkLoop, type WorkLoop } from './work-loop.ts';

export interface CallbackPusher {
  /** Queues the push of a finished ticket, when its reader has a callback URL. */
  offer(ticket: string, aisId: number): Promise<void>;
  close(): Promise<void>;
}

export interface CallbackOptions {
  readonly queue: AsyncQueue;
  readonly view: RegistryView;
  readonly tickets: TicketStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
  readonly concurrency?: number;
  readonly ackWaitMs: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** 2 s, 4 s, 8 s … capped at ten minutes: a dozen attempts span about an hour. */
const delayOf = (attempt: number): number => Math.min(2000 * 2 ** (attempt - 1), 600_000);

export function startCallbacks(o: CallbackOptions): CallbackPusher {
  const { queue, view, tickets, metrics, logger, maxAttempts = 12, timeoutMs = 10_000 } = o;
  const loop: WorkLoop = createWorkLoop({
    queue,
    stream: queue.callbackStream,
    consumer: queue.callbackConsumer,
    filterSubject: `${queue.prefix}.callbacks.>`,
    ackWaitMs: Math.max(o.ackWaitMs, timeoutMs * 2),
    concurrency: o.concurrency ?? 16,
    logger,
    handle: push,
  });

  async function push(m: JsMsg): Promise<void> {
    const ticket = await tickets.get(decoder.decode(m.data));
    const url = ticket === undefined ? undefined : view.current().ais.get(ticket.aisId)?.callbackUrl;
    if (ticket === undefined || ticket.callbackDone || url === undefined) {
      m.ack();
      return;
    }
    const outcome = await post(url, ticket, timeoutMs);
    if (outcome === 'ok') {
      await tickets.callbackDone(ticket.ticket);
      m.ack();
      metrics.increment('egsb_async_callbacks_total', 'Pushes of finished results to callback URLs, by outcome.', { outcome: 'delivered' });
      return;
    }
    const attempt = m.info.deliveryCount;
    if (attempt >= maxAttempts) {
      logger.warn('callback gave up; the result stays at /async/{ticket}', {
        ticket: ticket.ticket,
        ais: ticket.aisId,
        attempts: attempt,
        last: outcome,
      });
      metrics.increment('egsb_async_callbacks_total', 'Pushes of finished results to callback URLs, by outcome.', { outcome: 'abandoned' });
      m.term('callback attempts exhausted');
      return;
    }
    metrics.increment('egsb_async_callbacks_total', 'Pushes of finished results to callback URLs, by outcome.', { outcome: 'retried' });
    m.nak(delayOf(attempt));
  }

  return {
    async offer(ticket, aisId) {
      if (view.current().ais.get(aisId)?.callbackUrl === undefined) return;
      await queue.publish(queue.callbackSubject(aisId), encoder.encode(ticket), `callback-${ticket}`);
    },
    close: () => loop.stop(),
  };
}

/** The result itself, as GET /async/{ticket} would answer it, with the ticket named in headers. */
async function post(url: string, ticket: Ticket, timeoutMs: number): Promise<'ok' | string> {
  const status = ticket.status;
  const headers: Record<string, string> = {
    'x-egsb-ticket': ticket.ticket,
    'x-egsb-ticket-status': status,
    'x-request-id': ticket.requestId,
  };
  let body: Uint8Array | string;
  if (status === TicketStatus.SUCCEEDED && ticket.result !== undefined) {
    Object.assign(headers, ticket.result.headers, {
      'content-type': ticket.result.contentType,
      'x-egsb-result-status': String(ticket.result.status),
    });
    body = ticket.result.body;
  } else {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(ticketState(ticket));
  }
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.arrayBuffer().catch(() => undefined);
    return response.ok ? 'ok' : `HTTP ${response.status}`;
  } catch (error) {
    return (error as Error).message;
  }
}
