/**
 * The publishing side over NATS: a publishing AIS serves its operations by answering requests on
 * `<subject>.<operation>`, in a queue group so that several instances share the load. The handler
 * sees the operation, the body and the context headers, as an HTTP provider would.
 */
import { headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { CONTENT_TYPE_HEADER, STATUS_HEADER, headerReader } from './nats-protocol.ts';

export interface ProviderReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array | string;
}

/** Returns the reply, or undefined to send none (the caller then times out). */
export type ProviderHandler = (operation: string, body: Uint8Array, header: (name: string) => string | undefined) => Promise<ProviderReply | undefined>;

export interface ServeOptions {
  /** Queue group shared by the instances of one provider. */
  readonly queue?: string;
  /** Told about a handler that threw; the caller gets a 500 reply. */
  readonly onError?: (error: unknown) => void;
}

export function serveOverNats(nc: NatsConnection, subject: string, handle: ProviderHandler, { queue = `egsb-provider.${subject}`, onError }: ServeOptions = {}): Subscription {
  const prefix = `${subject}.`;
  return nc.subscribe(`${subject}.*`, {
    queue,
    callback: (error, msg) => {
      if (error !== null || msg.reply === undefined) return;
      const operation = msg.subject.slice(prefix.length);
      handle(operation, msg.data, headerReader(msg.headers))
        .catch((failure: unknown): ProviderReply => {
          onError?.(failure);
          return { status: 500, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'provider failure', status: 500 }) };
        })
        .then((reply) => {
          if (reply === undefined) return;
          const h = natsHeaders();
          h.set(STATUS_HEADER, String(reply.status));
          h.set(CONTENT_TYPE_HEADER, reply.contentType);
          msg.respond(reply.body, { headers: h });
        })
        .catch((failure: unknown) => onError?.(failure));
    },
  });
}
