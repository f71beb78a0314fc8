/**
 * The reader's call endpoints: `POST /rest/{service}/v{major}/{operation}` (JSON) and
 * `POST /soap/{service}/v{major}` (SOAP 1.1 / 1.2). They hand the request to the call pipeline with a
 * bounded body reader and the TLS client certificate, if the connection carried one.
 */
import { Hono, type Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { EgsbError, ErrorCode, Protocol } from '../contracts/index.ts';
import type { CallPipeline, InboundCall } from './call-pipeline.ts';
import type { BusEnv } from './http-support.ts';
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

/** Reads a request body whole, refusing it as soon as it passes `limit` bytes. */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, size);
}

async function readNodeBody(incoming: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = incoming.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) {
      incoming.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

function tooLarge(limit: number): EgsbError {
  // The rest of the body may still be on its way: close the connection rather than let it be reused
  // with unread bytes in it, or read megabytes nobody wants.
  return new EgsbError(ErrorCode.MESSAGE_TOO_LARGE, `the message exceeds this service's limit of ${limit} bytes`, { headers: { connection: 'close' } });
}
