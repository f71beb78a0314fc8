/**
 * Accepting an asynchronous call once the pipeline has checked it. The reader's request id names one
 * ticket; the same id with the same call gets that ticket back, with another call it is refused. The
 * ticket row, with the checked call and the body for the provider, commits in the same statement as the
 * acceptance audit record; only then is the call's nudge (the ticket and a MAC) published to JetStream,
 * and the reader hears 202 once JetStream has it. A nudge is only ever a reason to look at the row, so
 * sending it again (the reader repeating its request id) is harmless.
 */
import { createHash } from 'node:crypto';
import {
  CONTEXT_NS,
  EgsbError,
  ENVELOPE_NS,
  ErrorCode,
  iszrAcceptanceXml,
  SOAP_CONTENT_TYPE,
  SoapVersion,
  type CheckedCall,
} from '../../contracts/index.ts';
import type { OutboundAnswer } from '../protocols/index.ts';
import { ticketOf, type Acceptance, type TicketStore } from '../tickets/index.ts';
import type { QueueMessages } from './message.ts';
import type { AsyncQueue } from './queue.ts';

export interface AcceptOptions {
  readonly queue: AsyncQueue;
  readonly messages: QueueMessages;
  readonly tickets: TicketStore;
}

export interface AcceptInput {
  readonly call: CheckedCall;
  /** The body as the reader sent it: part of what makes two calls the same. */
  readonly received: Uint8Array;
  /** The body the provider will get (checked, its item list narrowed). */
  readonly forward: Uint8Array;
  readonly acceptedAt: Date;
  /**
   * For a service of the ISZR interface: the operation's answer element, which the acceptance takes
   * the shape of (its OdpovedInfo naming the ticket as IszrZadostId), answered 200 as ISZR does.
   */
  readonly iszrAnswer?: { readonly namespace: string; readonly name: string };
}

export interface Accepted {
  readonly answer: OutboundAnswer;
  /** The ticket to commit with the audit record; absent when the call was accepted before. */
  readonly acceptance?: Acceptance;
  /** Publishes the nudge; call it once the ticket row is committed. */
  nudge(): Promise<void>;
}

export async function acceptCall({ queue, messages, tickets }: AcceptOptions, input: AcceptInput): Promise<Accepted> {
  const { call } = input;
  const ticket = ticketOf(call.aisId, call.requestId);
  const digest = callDigest(call, input.received);
  const known = await tickets.digestOf(ticket);
  if (known !== undefined && known !== digest) {
    throw new EgsbError(
      ErrorCode.REQUEST_ID_REUSED,
      'this X-Request-Id was already used for another call (another context, service, operation or body); send a new request id',
    );
  }
  const answer =
    input.iszrAnswer !== undefined ? iszrAcceptedAnswer(ticket, call, input.iszrAnswer, input.acceptedAt) : acceptedAnswer(ticket, call);
  const subject = queue.callSubject(call.service, call.major);
  // JetStream drops a nudge it already holds (same message id); one that never reached it goes now.
  const nudge = async (): Promise<void> => {
    await queue.publish(subject, messages.encode(subject, ticket), ticket);
  };
  if (known === digest) return { answer, nudge };
  const acceptance: Acceptance = {
    ticket,
    requestId: call.requestId,
    aisId: call.aisId,
    service: call.service,
    major: call.major,
    operation: call.operation,
    protocol: call.protocol,
    createdAt: input.acceptedAt,
    call,
    body: input.forward,
    digest,
  };
  return { answer, acceptance, nudge };
}

/** What makes two calls the same call: the caller, its context, the service, the operation and the body. */
function callDigest(call: CheckedCall, received: Uint8Array): string {
  const { ovm, agenda, role, userId, purpose, dataItems } = call.context;
  const bodyDigest = createHash('sha256').update(received).digest('base64');
  const identity = JSON.stringify([
    call.aisId,
    ovm,
    agenda,
    role,
    userId,
    purpose ?? null,
    dataItems ?? null,
    call.service,
    call.major,
    call.operation,
    call.protocol,
    bodyDigest,
  ]);
  return createHash('sha256').update(identity, 'utf8').digest('base64');
}

const encoder = new TextEncoder();

function acceptedAnswer(ticket: string, call: CheckedCall): OutboundAnswer {
  const location = `/async/${ticket}`;
  const headers = { location, 'x-egsb-ticket': ticket };
  if (call.soapVersion === undefined) {
    return {
      status: 202,
      contentType: 'application/json',
      headers,
      body: encoder.encode(JSON.stringify({ ticket, status: 'queued', location })),
    };
  }
  // The ticket is a UUID and the location is made from it: nothing here needs escaping.
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${ENVELOPE_NS[call.soapVersion]}"><env:Body><ctx:Accepted xmlns:ctx="${CONTEXT_NS}">` +
    `<ctx:ticket>${ticket}</ctx:ticket><ctx:status>queued</ctx:status><ctx:location>${location}</ctx:location></ctx:Accepted></env:Body></env:Envelope>`;
  return { status: 202, contentType: SOAP_CONTENT_TYPE[call.soapVersion], headers, body: encoder.encode(xml) };
}

/**
 * ISZR's acceptance: an ordinary answer of the operation holding only OdpovedInfo, whose IszrZadostId
 * is the ticket; the reader then asks the queue (IszrAsyncOdpovedZFronty) or `GET /async/{ticket}`.
 */
function iszrAcceptedAnswer(ticket: string, call: CheckedCall, element: { namespace: string; name: string }, at: Date): OutboundAnswer {
  const version = call.soapVersion ?? SoapVersion.V11;
  const xml = `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${ENVELOPE_NS[version]}"><env:Body>${iszrAcceptanceXml(element, call.requestId, ticket, at)}</env:Body></env:Envelope>`;
  return {
    status: 200,
    contentType: SOAP_CONTENT_TYPE[version],
    headers: { location: `/async/${ticket}`, 'x-egsb-ticket': ticket },
    body: encoder.encode(xml),
  };
}
