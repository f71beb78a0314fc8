/**
 * Finds tickets left `queued` with nothing happening (their message never reached JetStream, or was
 * lost with a stream) and queues their message again. A message only ever asks a dispatcher to look at
 * the ticket row, so one sent twice is harmless: a finished ticket is acknowledged, a running one waits.
 */
import type { Logger } from '../../contracts/index.ts';
import type { Metrics } from '../metrics.ts';
import type { TicketStore } from '../tickets/index.ts';
import type { QueueMessages } from './message.ts';
import type { AsyncQueue } from './queue.ts';

export interface SweeperOptions {
  readonly queue: AsyncQueue;
  readonly messages: QueueMessages;
  readonly tickets: TicketStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** A queued ticket idle this long is queued again. */
  readonly idleMs: number;
  readonly intervalMs?: number;
}

const REQUEUED = 'egsb_async_requeued_total';
const REQUEUED_HELP = 'Queued tickets found without a message in JetStream and queued again.';

/** Publishes a ticket's message again, under a message id of its own so that the duplicate window keeps nothing back. */
export async function queueAgain(
  queue: AsyncQueue,
  messages: QueueMessages,
  ticket: string,
  service: string,
  major: number,
): Promise<void> {
  const subject = queue.callSubject(service, major);
  await queue.publish(subject, messages.encode(subject, ticket), `${ticket}:${Date.now()}`);
}

export function startSweeper({
  queue,
  messages,
  tickets,
  metrics,
  logger,
  idleMs,
  intervalMs = Math.max(1000, idleMs / 2),
}: SweeperOptions): { close(): void } {
  let running = false;
  async function sweep(): Promise<void> {
    if (running || queue.ready() === undefined) return;
    running = true;
    try {
      const ready = queue.ready();
      const idle = ready === undefined ? [] : await tickets.idleQueued(idleMs, 500);
      const backlog = new Map<string, boolean>();
      for (const { ticket, service, major } of idle) {
        // A consumer still holding messages has a backlog, not a lost message: leave it be.
        const consumer = queue.callConsumer(service, major);
        let busy = backlog.get(consumer);
        if (busy === undefined && ready !== undefined) {
          const info = await ready.jsm.consumers.info(queue.callStream, consumer).catch(() => undefined);
          busy = info === undefined ? false : info.num_pending + info.num_ack_pending > 0;
          backlog.set(consumer, busy);
        }
        if (busy) continue;
        await queueAgain(queue, messages, ticket, service, major);
        metrics.increment(REQUEUED, REQUEUED_HELP, { service });
        logger.warn('an idle queued ticket was queued again', { ticket, service });
      }
    } catch (error) {
      logger.warn('sweeping idle tickets failed; trying again later', { error: String(error) });
    } finally {
      running = false;
    }
  }
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return {
    close: () => clearInterval(timer),
  };
}
