/**
 * The reader's call endpoints: `POST /rest/{service}/v{major}/{operation}` (JSON) and
 * `POST /soap/{service}/v{major}` (SOAP 1.1 / 1.2). They hand the request to the call pipeline with a
 * bounded body reader and the TLS client certificate, if the connection carried one.
 */
import { Hono, type Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { readBody, readNodeBody } from '../../connectors/index.ts';
import { Protocol } from '../../contracts/index.ts';
import type { CallPipeline, InboundCall } from '../call/index.ts';
import type { BusEnv } from './support.ts';
import { certificateOf } from './tls-certificate.ts';

export interface CallApiOptions {
  readonly pipeline: CallPipeline;
}

export function callApi({ pipeline }: CallApiOptions): Hono<BusEnv> {
  const api = new Hono<BusEnv>();
  function inbound(c: Context<BusEnv>, protocol: Protocol, operation?: string): InboundCall {
    const certificate = certificateOf(c);
    const prefer = c.req.header('prefer') ?? '';
    return {
      protocol,
      service: c.req.param('service') ?? '',
      major: c.req.param('major') ?? '',
      ...(operation !== undefined ? { operation } : {}),
      requestId: c.get('requestId'),
      ...(certificate ? { certificate } : {}),
      asyncRequested: /\brespond-async\b/i.test(prefer) || (protocol === Protocol.SOAP && c.req.query('async') !== undefined),
      header: (name) => c.req.header(name),
      ...(clientAddress(c) ? { clientAddress: clientAddress(c) } : {}),
      readBody: (limit) => {
        // On a real server, read the Node stream itself: cheaper than the web stream Hono builds over it.
        const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
        return incoming instanceof Readable ? readNodeBody(incoming, limit) : readBody(c.req.raw, limit);
      },
    };
  }

  api.post('/rest/:service/v:major/:operation', (c) => pipeline.handle(inbound(c, Protocol.JSON, c.req.param('operation'))));
  api.post('/soap/:service/v:major', (c) => pipeline.handle(inbound(c, Protocol.SOAP)));
  return api;
}

/** The peer's address on a real server (none in an in-memory request). */
function clientAddress(c: Context<BusEnv>): string | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress;
}
