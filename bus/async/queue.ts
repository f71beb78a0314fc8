/**
 * The JetStream side of the asynchronous mode: two work-queue streams (calls, one subject per
 * service version; and result callbacks, one subject per reader AIS), created when the bus first
 * reaches NATS, and a durable pull consumer per service. Every name starts with the configured
 * prefix, so that separate buses can share one NATS.
 */
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { EgsbError, ErrorCode } from '../../contracts/index.ts';
import type { NatsLink } from '../../connectors/index.ts';

/** How long JetStream remembers a message id: a resubmission within it is not queued twice. */
const DUPLICATE_WINDOW_MS = 120_000;

export interface AsyncQueue {
  readonly prefix: string;
  readonly callStream: string;
  readonly callbackStream: string;
  callSubject(service: string, major: number): string;
  callConsumer(service: string, major: number): string;
  callbackSubject(aisId: number): string;
  readonly callbackConsumer: string;
  /** The JetStream client and manager once streams exist; undefined while NATS is away. */
  ready(): { readonly js: JetStreamClient; readonly jsm: JetStreamManager; readonly nc: NatsConnection } | undefined;
  /** Publishes and waits for JetStream's acknowledgement; EGSB_ASYNC_UNAVAILABLE when it cannot. */
  publish(subject: string, data: Uint8Array, msgId: string): Promise<{ duplicate: boolean }>;
  /** Creates a durable pull consumer if it does not exist yet, or brings its timing up to date. */
  ensureConsumer(stream: string, name: string, filterSubject: string, ackWaitMs: number, maxAckPending: number): Promise<void>;
}

export interface AsyncQueueOptions {
  readonly link: NatsLink;
  readonly prefix: string;
  readonly publishTimeoutMs?: number;
  readonly onReady?: () => void;
  readonly onError?: (error: unknown) => void;
}

export function createAsyncQueue({ link, prefix, publishTimeoutMs = 5000, onReady, onError }: AsyncQueueOptions): AsyncQueue {
  const callStream = `${prefix}-calls`;
  const callbackStream = `${prefix}-callbacks`;
  let clients: { js: JetStreamClient; jsm: JetStreamManager; nc: NatsConnection } | undefined;

  void link.connected.then(async function setUp(nc) {
    // A server without JetStream, or one refusing the streams, leaves the asynchronous mode off; retry.
    for (let delay = 500; !nc.isClosed(); delay = Math.min(delay * 2, 10_000)) {
      try {
        const jsm = await jetstreamManager(nc, { timeout: publishTimeoutMs });
        await ensureStream(jsm, callStream, [`${prefix}.calls.>`]);
        await ensureStream(jsm, callbackStream, [`${prefix}.callbacks.>`]);
        clients = { js: jetstream(nc, { timeout: publishTimeoutMs }), jsm, nc };
        onReady?.();
        return;
      } catch (error) {
        onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  });

  return {
    prefix,
    callStream,
    callbackStream,
    callSubject: (service, major) => `${prefix}.calls.${service}.v${major}`,
    callConsumer: (service, major) => `calls-${service}-v${major}`,
    callbackSubject: (aisId) => `${prefix}.callbacks.${aisId}`,
    callbackConsumer: 'callbacks',
    ready: () => (clients !== undefined && link.current() !== undefined ? clients : undefined),

    async publish(subject, data, msgId) {
      const c = clients;
      if (c === undefined || link.current() === undefined) {
        throw new EgsbError(
          ErrorCode.ASYNC_UNAVAILABLE,
          'the bus is not connected to its message queue (NATS JetStream) at the moment; try again later or call synchronously where the service allows',
          { headers: { 'retry-after': '5' } },
        );
      }
      const limit = c.nc.info?.max_payload;
      if (limit !== undefined && data.byteLength > limit) {
        throw new EgsbError(
          ErrorCode.MESSAGE_TOO_LARGE,
          `an asynchronous call travels in one NATS message, at most ${limit} bytes on this bus (the server's max_payload); this one needs ${data.byteLength}`,
        );
      }
      try {
        const ack = await c.js.publish(subject, data, { msgID: msgId, timeout: publishTimeoutMs, retries: 0 });
        return { duplicate: ack.duplicate };
      } catch (error) {
        throw new EgsbError(ErrorCode.ASYNC_UNAVAILABLE, `the message queue did not confirm the call: ${(error as Error).message}`, {
          cause: error,
          headers: { 'retry-after': '5' },
        });
      }
    },

    async ensureConsumer(stream, name, filterSubject, ackWaitMs, maxAckPending) {
      const c = clients;
      if (c === undefined) throw new Error('JetStream is not ready');
      const config = {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: filterSubject,
        ack_wait: nanos(ackWaitMs),
        // Delivery limits are the bus's own (attempts on the ticket), so that no message is ever left
        // undeliverable in the stream with its ticket open.
        max_deliver: -1,
        max_ack_pending: maxAckPending,
      };
      try {
        const info = await c.jsm.consumers.info(stream, name);
        if (info.config.ack_wait !== config.ack_wait || info.config.max_ack_pending !== config.max_ack_pending) {
          await c.jsm.consumers.update(stream, name, { ack_wait: config.ack_wait, max_ack_pending: config.max_ack_pending });
        }
      } catch (error) {
        if (!isNotFound(error)) throw error;
        await c.jsm.consumers.add(stream, config);
      }
    },
  };
}

async function ensureStream(jsm: JetStreamManager, name: string, subjects: string[]): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.streams.add({
      name,
      subjects,
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    });
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && (error.status === 404 || /not found/i.test(error.message));
}
