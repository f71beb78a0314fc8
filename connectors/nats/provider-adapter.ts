/**
 * The publishing side over NATS: a publishing AIS serves its operations by answering requests on
 * `<subject>.<operation>`, in a queue group so that several instances share the load. The bus sends
 * synchronous calls and, from its dispatcher, asynchronous ones the same way. The handler sees the
 * operation, the body, the headers and the call's context decoded from them; given the service's
 * compiled JSON contract, the adapter refuses requests that break it before the handler runs, and
 * never lets an answer that breaks it leave.
 */
import { headers as natsHeaders, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { type CompiledContract, decodeHeaderText } from '../../contracts/index.ts';
import { CONTENT_TYPE_HEADER, STATUS_HEADER, headerReader } from './nats-protocol.ts';

export interface ProviderReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array | string;
}

/** Who calls and why, as the bus passes it on (DESIGN.md, "What the provider receives"). */
export interface ProviderContext {
  readonly requestId?: string;
  readonly auditUserId?: string;
  readonly clientAis?: number;
  readonly clientOvm?: string;
  readonly agenda?: string;
  readonly role?: string;
  readonly purpose?: string;
  /** The data items the caller may get; answer only these. */
  readonly dataItems: readonly string[];
}

/** Returns the reply, or undefined to send none (the caller then times out). */
export type ProviderHandler = (
  operation: string,
  body: Uint8Array,
  header: (name: string) => string | undefined,
  context: ProviderContext,
) => Promise<ProviderReply | undefined>;

export interface ServeOptions {
  /** Queue group shared by the instances of one provider. */
  readonly queue?: string;
  /** The service's JSON contract: requests and 2xx answers are checked against it. */
  readonly contract?: CompiledContract['json'];
  /** Told about a handler that threw, or answered out of contract; the caller gets a 500 reply. */
  readonly onError?: (error: unknown) => void;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function serveOverNats(
  nc: NatsConnection,
  subject: string,
  handle: ProviderHandler,
  { queue = `egsb-provider.${subject}`, contract, onError }: ServeOptions = {},
): Subscription {
  const prefix = `${subject}.`;
  return nc.subscribe(`${subject}.*`, {
    queue,
    callback: (error, msg) => {
      if (error !== null || msg.reply === undefined) return;
      const operation = msg.subject.slice(prefix.length);
      const header = headerReader(msg.headers);
      const refusal = contract ? checkRequest(contract, operation, msg.data) : undefined;
      const replying = refusal
        ? Promise.resolve(refusal)
        : handle(operation, msg.data, header, contextOf(header)).then((reply) =>
            reply && contract ? checkAnswer(contract, operation, reply, onError) : reply,
          );
      replying
        .catch((failure: unknown): ProviderReply => {
          onError?.(failure);
          return problem(500, 'provider failure', 'the provider failed to handle the call');
        })
        .then((reply) => {
          if (reply === undefined) return;
          const h = natsHeaders();
          h.set(STATUS_HEADER, String(reply.status));
          h.set(CONTENT_TYPE_HEADER, reply.contentType);
          msg.respond(reply.body, { headers: h });
        })
        .catch((failure: unknown) => onError?.(failure));
    },
  });
}

export function contextOf(header: (name: string) => string | undefined): ProviderContext {
  const ais = Number(header('x-egsb-client-ais'));
  const fields: Record<string, string | number | undefined> = {
    requestId: header('x-request-id'),
    auditUserId: decoded(header('audit-user-id')),
    clientAis: Number.isInteger(ais) && ais > 0 ? ais : undefined,
    clientOvm: header('x-egsb-client-ovm'),
    agenda: header('x-egsb-agenda'),
    role: header('x-egsb-role'),
    purpose: decoded(header('x-egsb-purpose')),
  };
  const present = Object.fromEntries(Object.entries(fields).filter((e) => e[1] !== undefined));
  return { ...present, dataItems: (header('x-egsb-data-items') ?? '').split(' ').filter((i) => i !== '') };
}

function decoded(value: string | undefined): string | undefined {
  return value === undefined ? undefined : decodeHeaderText(value);
}

function checkRequest(contract: NonNullable<CompiledContract['json']>, operation: string, data: Uint8Array): ProviderReply | undefined {
  const checks = contract.operations.get(operation);
  if (checks === undefined) return problem(404, 'operation not found', `no operation ${operation} in this contract`);
  const body = parse(data);
  if (body === undefined) return problem(400, 'request malformed', 'the request is not UTF-8 JSON');
  const errors = checks.validateRequest(body);
  return errors.length > 0 ? problem(400, 'request breaks the contract', `${errors[0]?.location} ${errors[0]?.message}`) : undefined;
}

function checkAnswer(
  contract: NonNullable<CompiledContract['json']>,
  operation: string,
  reply: ProviderReply,
  onError: ((error: unknown) => void) | undefined,
): ProviderReply {
  if (reply.status < 200 || reply.status >= 300) return reply;
  const body = parse(typeof reply.body === 'string' ? new TextEncoder().encode(reply.body) : reply.body);
  const errors =
    body === undefined
      ? [{ location: '/', message: 'not UTF-8 JSON' }]
      : (contract.operations.get(operation)?.validateResponse(body) ?? []);
  if (errors.length === 0) return reply;
  onError?.(new Error(`the answer to ${operation} breaks the contract: ${errors[0]?.location} ${errors[0]?.message}`));
  return problem(500, 'answer out of contract', 'the provider could not produce an answer that keeps its contract');
}

function parse(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
}

function problem(status: number, title: string, detail: string): ProviderReply {
  return { status, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title, status, detail }) };
}
