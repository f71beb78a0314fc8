/**
 * A NATS connection that is allowed to be missing. It is opened in the background and kept trying for
 * as long as the process runs: until the server answers, and while it reconnects, `current()` is
 * undefined and the parts that need NATS say so to their callers instead of waiting.
 */
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';

export interface NatsLinkOptions {
  readonly url: string;
  readonly name: string;
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
  readonly credsFile?: string;
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
  /** Told once when the first connection fails, and on every later change of state. */
  readonly onState?: (state: NatsLinkState, detail?: string) => void;
}

export const NatsLinkState = { CONNECTED: 'connected', DISCONNECTED: 'disconnected', CLOSED: 'closed' } as const;
export type NatsLinkState = (typeof NatsLinkState)[keyof typeof NatsLinkState];

export interface NatsLink {
  /** The connection while it is up; undefined while connecting or reconnecting. */
  current(): NatsConnection | undefined;
  /** Resolves with the connection the first time it is up (never, if it never is). */
  readonly connected: Promise<NatsConnection>;
  close(): Promise<void>;
}

export function openNatsLink(options: NatsLinkOptions): NatsLink {
  let nc: NatsConnection | undefined;
  let up = false;
  let closed = false;
  const connecting = connect(connectionOptions(options)).then(
    (connection) => {
      nc = connection;
      up = true;
      if (closed) void connection.close();
      else options.onState?.(NatsLinkState.CONNECTED);
      void watch(connection);
      return connection;
    },
    (error: unknown) => {
      options.onState?.(NatsLinkState.CLOSED, String(error));
      return new Promise<NatsConnection>(() => {});
    },
  );

  async function watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        up = false;
        options.onState?.(NatsLinkState.DISCONNECTED, status.server);
      } else if (status.type === 'reconnect') {
        up = true;
        options.onState?.(NatsLinkState.CONNECTED, status.server);
      }
    }
  }

  return {
    current: () => (up && nc !== undefined && !nc.isClosed() ? nc : undefined),
    connected: connecting,
    async close() {
      closed = true;
      up = false;
      if (nc !== undefined && !nc.isClosed()) await nc.drain().catch(() => nc?.close());
    },
  };
}

function connectionOptions(o: NatsLinkOptions): NodeConnectionOptions {
  return {
    servers: o.url.split(',').map((s) => s.trim()),
    name: o.name,
    // Keep trying from the first attempt on, for as long as the process runs.
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    timeout: 2000,
    // Without it every request (each JetStream publish) builds two errors up front for their stack
    // traces: several per cent of the bus's CPU under load.
    noAsyncTraces: true,
    ...(o.user !== undefined ? { user: o.user } : {}),
    ...(o.password !== undefined ? { pass: o.password } : {}),
    ...(o.token !== undefined ? { token: o.token } : {}),
    ...(o.credsFile !== undefined ? { authenticator: credsAuthenticator(readFileSync(o.credsFile)) } : {}),
    ...(o.tls !== undefined ? { tls: { ...o.tls } } : {}),
  };
}
