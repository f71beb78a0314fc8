/**
 * A queued asynchronous call as it waits in JetStream: only its ticket and a MAC over the ticket and
 * the subject, under the installation's key. The ticket row, committed with the acceptance audit
 * record, is the truth about the call; a message is a nudge to deliver that ticket, nothing more. A
 * message without a valid MAC was not queued by this installation and is never delivered.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface QueueMessages {
  encode(subject: string, ticket: string): Uint8Array;
  /** The ticket a message names, or the reason it is rejected. */
  decode(subject: string, data: Uint8Array): { ticket: string } | { rejected: 'undecodable' | 'bad-mac' };
}

const VERSION = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function createQueueMessages(key: Uint8Array): QueueMessages {
  const macOf = (subject: string, ticket: string): Buffer =>
    createHmac('sha256', key).update(`${VERSION}\n${subject}\n${ticket}`, 'utf8').digest();
  return {
    encode(subject, ticket) {
      return encoder.encode(JSON.stringify({ v: VERSION, ticket, mac: macOf(subject, ticket).toString('base64url') }));
    },
    decode(subject, data) {
      let parsed: unknown;
      try {
        parsed = data.byteLength > 1024 ? undefined : JSON.parse(decoder.decode(data));
      } catch {
        parsed = undefined;
      }
      const { v, ticket, mac } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
      if (v !== VERSION || typeof ticket !== 'string' || typeof mac !== 'string' || ticket.length > 64) return { rejected: 'undecodable' };
      const given = Buffer.from(mac, 'base64url');
      const expected = macOf(subject, ticket);
      if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) return { rejected: 'bad-mac' };
      return { ticket };
    },
  };
}
