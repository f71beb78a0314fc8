/**
 * An accepted asynchronous call as it waits in JetStream: everything a dispatcher on any bus instance
 * needs to deliver it, read the answer and audit the completion, without asking the instance that
 * accepted it. Framed as a 4-byte length, the call's description as JSON, then the body for the
 * provider (already checked and with its item list narrowed) as raw bytes.
 */

import type { AcceptedTicket } from '../tickets/index.ts';

/** The ticket's fields (but the time, as epoch milliseconds), and what delivery and audit need. */
export interface QueuedCall extends Omit<AcceptedTicket, 'createdAt' | 'protocol'> {
  readonly protocol: 'json' | 'soap';
  readonly soapVersion?: '1.1' | '1.2';
  /** Epoch milliseconds of the acceptance. */
  readonly acceptedAt: number;
  /** The headers the provider gets, exactly as in a synchronous call. */
  readonly headers: Readonly<Record<string, string>>;
  readonly effective: readonly string[];
  readonly refused: readonly string[];
  readonly ovm: string;
  readonly agenda: string;
  readonly role: string;
  readonly auditUserId: string;
  readonly purpose?: string;
  readonly legalBasis: readonly string[];
  readonly authorisations: readonly string[];
  readonly subjects: readonly string[];
  readonly providerAis?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeQueuedCall(call: QueuedCall, body: Uint8Array): Uint8Array {
  const meta = encoder.encode(JSON.stringify(call));
  const out = new Uint8Array(4 + meta.byteLength + body.byteLength);
  new DataView(out.buffer).setUint32(0, meta.byteLength);
  out.set(meta, 4);
  out.set(body, 4 + meta.byteLength);
  return out;
}

export function decodeQueuedCall(data: Uint8Array): { call: QueuedCall; body: Uint8Array } {
  if (data.byteLength < 4) throw new Error('a queued call is at least 4 bytes');
  const length = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0);
  if (4 + length > data.byteLength) throw new Error('a queued call is shorter than its header says');
  const call = JSON.parse(decoder.decode(data.subarray(4, 4 + length))) as QueuedCall;
  if (typeof call.ticket !== 'string' || typeof call.service !== 'string' || typeof call.operation !== 'string' || typeof call.headers !== 'object') {
    throw new Error('a queued call lacks its ticket, service, operation or headers');
  }
  return { call, body: data.subarray(4 + length) };
}
