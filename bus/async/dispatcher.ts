/**
 * Delivers accepted asynchronous calls: one durable consumer per service version that offers the
 * asynchronous mode, worked by every bus instance. For each queued message: check its MAC, claim the
 * ticket it names and load the checked call and body from the ticket row (a ticket already finished is
 * acknowledged and not delivered again; a message with a bad MAC or an unknown ticket is never
 * delivered), send it through the same router and
 * connectors as a synchronous call, check and filter the answer against the contract, write the
 * completion's audit record, then record the outcome and acknowledge. Failures that may pass are
 * retried with growing delays up to the delivery limit; a call that may already have reached its
 * provider is repeated only when the operation is declared idempotent.
 */
import { randomUUID } from 'node:crypto';
import type { JsMsg } from '@nats-io/jetstream';
import { asEgsbError, type CheckedCall, errorCatalogue, ErrorCode, itemHeaders, type Logger, Mode } from '../../contracts/index.ts';
import type { RouteTrace, Router } from '../../routing/index.ts';
import type { CallbackPusher } from './callbacks.ts';
import type { QueueMessages } from './message.ts';
import type { AsyncQueue } from './queue.ts';
import { createWorkLoop, type WorkLoop } from './work-loop.ts';
import { checkedFields, type AuditRecord, type AuditWriter } from '../audit/index.ts';
import type { MessageChecks } from '../protocols/index.ts';
import type { AsyncConfig } from '../config.ts';
import type { ContractCache } from '../publishing/index.ts';
import type { Metrics } from '../metrics.ts';
import { routeTargetOf, serviceKey, type RegistryView } from '../registry/index.ts';
import type { Claim, Outcome, TicketStore } from '../tickets/index.ts';

export interface DispatcherOptions {
  readonly queue: AsyncQueue;
  readonly messages: QueueMessages;
  readonly view: RegistryView;
  readonly cache: ContractCache;
  readonly checks: MessageChecks;
  readonly router: Router;
  readonly tickets: TicketStore;
  readonly audit: AuditWriter;
  readonly callbacks: CallbackPusher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly config: AsyncConfig;
}

export interface Dispatcher {
  close(): Promise<void>;
}

const DELIVERIES = 'egsb_async_deliveries_total';
const DELIVERIES_HELP = 'Deliveries of asynchronous calls to providers, by service and outcome (succeeded, failed, retried).';
const NOT_YET_MS = 5000;
const REJECTED = 'egsb_async_rejected_messages_total';
const REJECTED_HELP = 'Queue messages never delivered: undecodable, with a bad MAC, on the wrong subject, or naming no ticket.';

/** 1 s, 2 s, 4 s … capped at 30 s, with a little jitter so that a recovering provider is not hit at once. */
const backoffMs = (attempt: number): number => Math.round(Math.min(1000 * 2 ** (attempt - 1), 30_000) * (0.8 + Math.random() * 0.4));

export function startDispatcher(o: DispatcherOptions): Dispatcher {
  const { queue, view, tickets, audit, metrics, logger, config } = o;
  const loops = new Map<string, WorkLoop>();
  let closed = false;

  function sync(): void {
    if (closed || queue.ready() === undefined) return;
    const wanted = new Set<string>();
    for (const version of view.current().services.values()) {
      if (!version.manifest.modes.includes(Mode.ASYNC)) continue;
      const key = serviceKey(version.code, version.major);
      wanted.add(key);
      if (loops.has(key)) continue;
      loops.set(
        key,
        createWorkLoop({
          queue,
          stream: queue.callStream,
          consumer: queue.callConsumer(version.code, version.major),
          filterSubject: queue.callSubject(version.code, version.major),
          ackWaitMs: config.ackWaitMs,
          concurrency: config.concurrency,
          logger,
          handle,
        }),
      );
    }
    // A service withdrawn from the asynchronous mode keeps its consumer (and any waiting calls) in
    // JetStream; this instance stops working it.
    for (const [key, loop] of loops) {
      if (!wanted.has(key)) {
        loops.delete(key);
        void loop.stop();
      }
    }
  }
  const timer = setInterval(sync, 1000);
  sync();

  function reject(m: JsMsg, reason: string): void {
    logger.warn('a queued message was rejected and will not be delivered', { subject: m.subject, seq: m.seq, reason });
    metrics.increment(REJECTED, REJECTED_HELP, { reason });
    m.term(reason);
  }

  async function handle(m: JsMsg): Promise<void> {
    // The message may have waited in this client's buffer: its acknowledgement clock starts again now.
    m.working();
    const decoded = o.messages.decode(m.subject, m.data);
    if ('rejected' in decoded) return reject(m, decoded.rejected);
    // With the audit failing, neither a delivery nor a completion could be recorded: wait.
    if (!audit.healthy()) {
      m.nak(NOT_YET_MS);
      return;
    }
    const claim = await tickets.claim(decoded.ticket);
    // The row commits before its nudge is published: a nudge for a ticket with no row was not made by
    // this installation's acceptance (or its ticket has long expired).
    if (claim.kind === 'unknown') return reject(m, 'unknown-ticket');
    if (claim.kind === 'busy') {
      m.nak(Math.min(config.ackWaitMs, NOT_YET_MS));
      return;
    }
    if (claim.kind === 'finished') {
      // Finished before, and the acknowledgement was lost: make sure of the callback, then let it go.
      await o.callbacks.offer(decoded.ticket, claim.aisId);
      m.ack();
      return;
    }
    const ticket = decoded.ticket;
    if (queue.callSubject(claim.call.service, claim.call.major) !== m.subject) {
      await tickets.release(
        ticket,
        { code: ErrorCode.INTERNAL, detail: 'a message for this ticket arrived on another service subject' },
        false,
      );
      return reject(m, 'wrong-subject');
    }
    const keepAlive = setInterval(() => m.working(), Math.max(500, Math.floor(config.ackWaitMs / 3)));
    try {
      await deliver(m, ticket, claim);
    } finally {
      clearInterval(keepAlive);
    }
  }

  async function deliver(m: JsMsg, ticket: string, claim: Extract<Claim, { kind: 'claimed' }>): Promise<void> {
    const { call, body } = claim;
    const started = performance.now();
    const trace: RouteTrace = { attempts: 0 };
    const done = (outcome: Outcome): Promise<void> => complete(m, ticket, call, body, outcome, trace, started);
    const version = view.current().services.get(serviceKey(call.service, call.major));
    if (version === undefined)
      return done(failure(ErrorCode.SERVICE_NOT_FOUND, `${call.service} v${call.major} is no longer published on this bus`));
    const target = routeTargetOf(version, call.operation);
    if (claim.previous === 'running' && !target.idempotent) {
      const detail =
        'an earlier delivery of this call was cut off (a bus instance stopped, or lost its acknowledgement) and the provider may have acted on it; it is not repeated because the operation is not declared idempotent';
      return done(failure(ErrorCode.PROVIDER_UNAVAILABLE, detail));
    }
    if (claim.attempt > config.maxAttempts)
      return done(failure(ErrorCode.PROVIDER_UNAVAILABLE, `the delivery limit of ${config.maxAttempts} attempts was reached`));
    try {
      const compiled = await o.cache.get(version);
      const raw = await o.router.route(target, call.providerHeaders, body, trace);
      const answer = await o.checks.readAnswer(compiled, call, raw, { effective: new Set(call.effective), refused: call.refused });
      return done({
        status: 'succeeded',
        result: { status: answer.status, contentType: answer.contentType, headers: itemHeaders(call), body: answer.body },
      });
    } catch (error) {
      const known = asEgsbError(error, (cause) =>
        logger.error('asynchronous delivery failed unexpectedly', { requestId: call.requestId, error: cause }),
      );
      const passing = known.code === ErrorCode.PROVIDER_UNAVAILABLE || known.code === ErrorCode.PROVIDER_TIMEOUT;
      const repeatable = passing && (trace.reached !== true || target.idempotent);
      if (repeatable && claim.attempt < config.maxAttempts) {
        await tickets.release(ticket, { code: known.code, detail: known.message }, true);
        metrics.increment(DELIVERIES, DELIVERIES_HELP, { service: call.service, outcome: 'retried' });
        m.nak(backoffMs(claim.attempt));
        return;
      }
      const detail = repeatable ? `gave up after ${claim.attempt} attempts: ${known.message}` : known.message;
      return done(failure(known.code, detail));
    }
  }

  /** Audits the completion, records the outcome (first one wins), acknowledges and offers the callback. */
  async function complete(
    m: JsMsg,
    ticket: string,
    call: CheckedCall,
    body: Uint8Array,
    outcome: Outcome,
    trace: RouteTrace,
    started: number,
  ): Promise<void> {
    const succeeded = outcome.status === 'succeeded';
    await auditPatiently(m, {
      id: randomUUID(),
      time: new Date(),
      ...checkedFields(call),
      mode: Mode.ASYNC,
      requestBytes: body.byteLength,
      ...(trace.endpoint !== undefined ? { endpoint: trace.endpoint } : {}),
      ...(trace.failure !== undefined ? { cause: trace.failure } : {}),
      status: succeeded ? outcome.result.status : statusOf(outcome.code),
      ...(succeeded ? {} : { code: outcome.code }),
      responseBytes: succeeded ? outcome.result.body.byteLength : 0,
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
    });
    const applied = await tickets.finish(ticket, outcome, config.resultTtlMs);
    if (applied) await o.callbacks.offer(ticket, call.aisId);
    m.ack();
    metrics.increment(DELIVERIES, DELIVERIES_HELP, { service: call.service, outcome: outcome.status });
  }

  /** The completion must be on record before its result can be read; a short outage is waited out. */
  async function auditPatiently(m: JsMsg, record: AuditRecord): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await audit.write(record);
        return;
      } catch (error) {
        if (attempt >= 5 || closed) throw error;
        m.working();
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      }
    }
  }

  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await Promise.all([...loops.values()].map((loop) => loop.stop()));
      loops.clear();
    },
  };
}

function failure(code: ErrorCode, detail: string): Outcome {
  return { status: 'failed', code, detail };
}

function statusOf(code: string): number {
  return (errorCatalogue as Readonly<Record<string, { status: number } | undefined>>)[code]?.status ?? 500;
}
