/**
 * One durable pull consumer worked by this bus instance: messages are taken as slots free up, each
 * handled on its own, at most `concurrency` at once. Other instances work the same consumer and
 * JetStream shares the messages out. When NATS goes away the loop waits and starts again; a handler
 * that throws leaves its message to be delivered again a little later.
 */
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { AsyncQueue } from './queue.ts';
import type { Logger } from '../../contracts/index.ts';

export interface WorkLoopOptions {
  readonly queue: AsyncQueue;
  readonly stream: string;
  readonly consumer: string;
  readonly filterSubject: string;
  readonly ackWaitMs: number;
  readonly concurrency: number;
  readonly logger: Logger;
  handle(message: JsMsg): Promise<void>;
}

export interface WorkLoop {
  /** Stops taking messages and waits for those being handled. */
  stop(): Promise<void>;
}

const RETRY_MS = 1000;
/** A handler's unexpected failure: the message comes back after this long. */
const REDELIVER_MS = 5000;

export function createWorkLoop(o: WorkLoopOptions): WorkLoop {
  let stopped = false;
  let messages: ConsumerMessages | undefined;
  let wake: (() => void) | undefined;
  const inFlight = new Set<Promise<void>>();

  function run(m: JsMsg): void {
    const p = o
      .handle(m)
      .catch((error: unknown) => {
        o.logger.warn('handling a queued message failed; it will be delivered again', {
          consumer: o.consumer,
          error: String((error as Error).stack ?? error),
        });
        try {
          m.nak(REDELIVER_MS);
        } catch {
          // The connection is gone: the message comes back once its ack wait runs out.
        }
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  const done = (async () => {
    while (!stopped) {
      const ready = o.queue.ready();
      if (ready !== undefined) {
        try {
          await o.queue.ensureConsumer(o.stream, o.consumer, o.filterSubject, o.ackWaitMs, Math.max(1000, o.concurrency * 16));
          const consumer = await ready.js.consumers.get(o.stream, o.consumer);
          messages = await consumer.consume({ max_messages: o.concurrency });
          if (stopped) messages.stop();
          for await (const m of messages) {
            while (inFlight.size >= o.concurrency) await Promise.race(inFlight);
            run(m);
          }
        } catch (error) {
          if (!stopped) o.logger.warn('queue consumer stopped; starting it again', { consumer: o.consumer, error: String(error) });
        }
      }
      if (!stopped) await new Promise<void>((resolve) => setTimeout((wake = resolve), RETRY_MS));
    }
  })();

  return {
    async stop() {
      stopped = true;
      messages?.stop();
      wake?.();
      await done;
      await Promise.allSettled([...inFlight]);
    },
  };
}
