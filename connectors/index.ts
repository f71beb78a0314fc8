/**
 * Connectors: how the bus reaches providers. The HTTP connector (undici pools, buffered bodies,
 * connect and total deadlines) serves `http(s)://` endpoints. The NATS provider adapter lets a
 * publishing AIS serve its operations on a NATS subject (request/reply).
 *
 * @example
 * const http = createHttpConnector({ connections: 64 });
 * const answer = await http.send({ endpoint: 'http://127.0.0.1:8091/persons', headers, body, deadline, connectTimeoutMs: 2000, maxResponseBytes: 1 << 20 });
 */
export { FailureKind, ProviderFailure, type Connector, type ProviderAnswer, type ProviderRequest } from '../routing/index.ts';
export { createHttpConnector, type HttpConnectorOptions } from './http/http-connector.ts';
export {
  serveOverNats,
  contextOf,
  type ProviderContext,
  type ProviderHandler,
  type ProviderReply,
  type ServeOptions,
} from './nats/provider-adapter.ts';
export { operationSubject, headerReader, STATUS_HEADER } from './nats/nats-protocol.ts';
export { type SessionClient, withCallerSession } from './nats/caller-session.ts';
export { openNatsLink, NatsLinkState, type NatsLink, type NatsLinkOptions } from './nats/nats-link.ts';
export { createNatsConnector } from './nats/nats-connector.ts';
export { CALL_USAGE, EXIT_CODES, ExitCode, exitCodeOfStatus, runCallCli, runCatalogueCli } from './shared-data/cli.ts';
export {
  basicRegisters,
  createSharedDataClient,
  InvalidCallError,
  PendingError,
  RefusedError,
  type SharedDataClient,
  UnavailableError,
} from './shared-data/index.ts';
export { readBody, readNodeBody } from './http/read-body.ts';
