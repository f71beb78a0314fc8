/**
 * Bounded body reads for HTTP servers (the bus's call endpoints and the mocks): a body is refused with
 * EGSB_MESSAGE_TOO_LARGE as soon as it passes the limit, whether or not a length was declared.
 */
import type { IncomingMessage } from 'node:http';
import { EgsbError, ErrorCode } from '../../contracts/index.ts';

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

/** The same over Node's own stream: cheaper than the web stream Hono builds over it. */
export async function readNodeBody(incoming: IncomingMessage, limit: number): Promise<Uint8Array> {
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
  return new EgsbError(ErrorCode.MESSAGE_TOO_LARGE, `the message exceeds this service's limit of ${limit} bytes`, {
    headers: { connection: 'close' },
  });
}
