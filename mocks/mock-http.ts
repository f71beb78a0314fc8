/** HTTP plumbing the mocks share: bounded body reads and the misbehaviours fault injection needs. */
import type { Context } from 'hono';
import { readBody as readLimitedBody } from '../connectors/index.ts';
import { ErrorCode, isEgsbError } from '../contracts/index.ts';

export const MOCK_MAX_BODY_BYTES = 1024 * 1024;

/** The request body, refused past `limit` bytes whether or not a length was declared (the bus's own reader). */
export async function readBody(c: Context, limit = MOCK_MAX_BODY_BYTES): Promise<Uint8Array> {
  return readLimitedBody(c.req.raw, limit);
}

/** Whether reading failed because the body was too large. */
export function isTooLarge(error: unknown): error is Error {
  return isEgsbError(error) && error.code === ErrorCode.MESSAGE_TOO_LARGE;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

interface NodeBindings {
  readonly incoming?: { socket?: { destroy(): void; once(event: 'close', listener: () => void): void; destroyed?: boolean } };
}

/** Never answers: waits until the caller gives up (or ten minutes pass), then closes the connection. */
export async function hang(c: Context): Promise<Response> {
  const socket = (c.env as NodeBindings | undefined)?.incoming?.socket;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 600_000);
    timer.unref();
    socket?.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    c.req.raw.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  socket?.destroy();
  return new Response(null, { status: 504 });
}

/** Cuts the connection without an answer. Outside a real server (app.request) it can only throw. */
export function drop(c: Context): Response {
  const socket = (c.env as NodeBindings | undefined)?.incoming?.socket;
  if (socket === undefined) throw new Error('dropped connection (injected fault)');
  socket.destroy();
  return new Response(null, { status: 502 });
}
