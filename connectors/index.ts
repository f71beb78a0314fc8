/**
 * Connectors: how the bus reaches providers. The HTTP connector (undici pools, buffered bodies,
 * connect and total deadlines) serves `http(s)://` endpoints.
 *
 * @example
 * const http = createHttpConnector({ connections: 64 });
 * const answer = await http.send({ endpoint: 'http://127.0.0.1:8091/persons', headers, body, deadline, connectTimeoutMs: 2000, maxResponseBytes: 1 << 20 });
 */
export * from './types.ts';
export { createHttpConnector, type HttpConnectorOptions } from './http/http-connector.ts';
