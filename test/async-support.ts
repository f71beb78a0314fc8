/**
 * Helpers for the asynchronous-mode tests: a NATS prefix of their own (so that parallel test files and
 * a developer's running bus never share a queue), and polling a ticket until it finishes.
 */
import { READER_KEY } from './call-harness.ts';

export const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';

export { natsPrefix } from './nats-prefixes.ts';

export interface Fetcher {
  (path: string, init?: RequestInit): Promise<Response> | Response;
}

export interface Finished {
  readonly status: string;
  readonly response: Response;
  readonly body: string;
}

/** Polls `GET /async/{ticket}` until the ticket is no longer queued or running. */
export async function waitForTicket(fetcher: Fetcher, ticket: string, { key = READER_KEY, timeoutMs = 20_000 } = {}): Promise<Finished> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetcher(`/async/${ticket}`, { headers: { authorization: `Bearer ${key}` } });
    const status = response.headers.get('x-egsb-ticket-status') ?? `http-${response.status}`;
    const body = await response.text();
    if (status !== 'queued' && status !== 'running') return { status, response, body };
    if (Date.now() > deadline) throw new Error(`ticket ${ticket} still ${status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
