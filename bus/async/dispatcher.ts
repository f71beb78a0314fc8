/**
 * Delivers accepted asynchronous calls: one durable consumer per service version that offers the
 * asynchronous mode, worked by every bus instance. For each queued call: claim its ticket (a ticket
 * already finished is acknowledged and not delivered again), send it through the same router and
 * connectors as a synchronous call, check and filter the answer against the contract, write the
 * completion's audit record, then record the outcome and acknowledge. Failures that may pass are
 * retried with growing delays up to the delivery limit; a call that may already have reached its
 * provider is repeated only when the operation is declared idempotent.
 */
import { randomUUID } from 'node:crypto';
import type { JsMsg } from '@nats-io/jetstream';
import { asEgsbError, EgsbError, errorCatalogue, ErrorCode, isEgsbError, type Logger, Mode } from '../../contracts/index.ts';
import type { RouteTrace, Router } from '../../routing/index.ts';
import type { CallbackPusher } from './callbacks.ts';
import { decodeQueuedCall, type QueuedCall } from './message.ts';
import type { AsyncQueue } from './queue.ts';
import { createWorkLoop, type WorkLoop } from './work-loop.ts';
import { Decision, type AuditRecord, type AuditWriter } from '../audit/index.ts';
import { jsonProtocol, soapProtocol } from '../protocols/index.ts';
import type { AsyncConfig } from '../config.ts';
import type { ContractCache } from '../publishing/index.ts';
import type { Metrics } from '../metrics.ts';
import { serviceKey, type RegistryView } from '../registry/index.ts';
import type { Claim, Outcome, TicketStore } from '../tickets/index.ts';

export interface DispatcherOptions {
  readonly queue: AsyncQueue;
  readonly view: RegistryView;
  readonly cache: ContractCache;
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

  async function handle(m: JsMsg): Promise<void> {
    let decoded: ReturnType<typeof decodeQueuedCall>;
    try {
      decoded = decodeQueuedCall(m.data);
    } catch (error) {
      logger.error('a queued message is not a call; dropped', { subject: m.subject, seq: m.seq, error: String(error) });
      m.term('undecodable');
      return;
    }
    const { call, body } = decoded;
    // With the audit failing, neither a delivery nor a completion could be recorded: wait.
    if (!audit.healthy()) {
      m.nak(NOT_YET_MS);
      return;
    }
    const claim = await tickets.claim({ ...call, createdAt: new Date(call.acceptedAt) });
    if (claim.kind === 'finished') {
      // Finished before, and the acknowledgement was lost: make sure of the callback, then let it go.
      await o.callbacks.offer(call.ticket, call.aisId);
      m.ack();
      return;
    }
    const keepAlive = setInterval(() => m.working(), Math.max(500, Math.floor(config.ackWaitMs / 3)));
    try {
      await deliver(m, call, body, claim);
    } finally {
      clearInterval(keepAlive);
    }
  }

  async function deliver(m: JsMsg, call: QueuedCall, body: Uint8Array, claim: Extract<Claim, { kind: 'claimed' }>): Promise<void> {
    const started = performance.now();
    const trace: RouteTrace = { attempts: 0 };
    const version = view.current().services.get(serviceKey(call.service, call.major));
    if (version === undefined) {
      return complete(m, call, body, failure(ErrorCode.SERVICE_NOT_FOUND, `${call.service} v${call.major} is no longer published on this bus`), trace, started);
    }
    const idempotent = version.manifest.idempotentOperations.includes(call.operation);
    if (claim.previous === 'running' && !idempotent) {
      const detail = 'an earlier delivery of this call was cut off (a bus instance stopped, or lost its acknowledgement) and the provider may have acted on it; it is not repeated because the operation is not declared idempotent';
      return complete(m, call, body, failure(ErrorCode.PROVIDER_UNAVAILABLE, detail), trace, started);
    }
    if (claim.attempt > config.maxAttempts) {
      return complete(m, call, body, failure(ErrorCode.PROVIDER_UNAVAILABLE, `the delivery limit of ${config.maxAttempts} attempts was reached`), trace, started);
    }
    try {
      const compiled = await o.cache.get(version);
      const target = {
        endpoints: version.manifest.endpoints,
        balancing: version.manifest.balancing ?? 'least-pending',
        timeoutMs: version.manifest.timeoutMs,
        idempotent,
        maxResponseBytes: version.manifest.maxMessageBytes,
        operation: call.operation,
        operationInPath: compiled.json !== undefined,
      };
      const raw = await o.router.route(target, call.headers, body, trace);
      const protocol = call.protocol === 'json' ? jsonProtocol : soapProtocol;
      const answer = protocol.readAnswer(compiled, call, raw, { effective: new Set(call.effective), refused: call.refused });
      const headers: Record<string, string> = { 'x-egsb-data-items': call.effective.join(' ') };
      if (call.refused.length > 0) headers['x-egsb-data-items-refused'] = call.refused.join(' ');
      return complete(m, call, body, { status: 'succeeded', result: { status: answer.status, contentType: answer.contentType, headers, body: answer.body } }, trace, started);
    } catch (error) {
      const known = asEgsbError(error, (cause) => logger.error('asynchronous delivery failed unexpectedly', { requestId: call.requestId, error: cause }));
      const passing = known.code === ErrorCode.PROVIDER_UNAVAILABLE || known.code === ErrorCode.PROVIDER_TIMEOUT;
      const repeatable = passing && (trace.reached !== true || idempotent);
      if (repeatable && claim.attempt < config.maxAttempts) {
        await tickets.release(call.ticket, { code: known.code, detail: known.message }, true);
        metrics.increment(DELIVERIES, DELIVERIES_HELP, { service: call.service, outcome: 'retried' });
        m.nak(backoffMs(claim.attempt));
        return;
      }
      const detail = repeatable ? `gave up after ${claim.attempt} attempts: ${known.message}` : known.message;
      return complete(m, call, body, failure(known.code, detail), trace, started);
    }
  }

  /** Audits the completion, records the outcome (first one wins), acknowledges and offers the callback. */
  async function complete(m: JsMsg, call: QueuedCall, body: Uint8Array, outcome: Outcome, trace: RouteTrace, started: number): Promise<void> {
    const succeeded = outcome.status === 'succeeded';
    await auditPatiently(m, {
      ...recordOf(call, body),
      ...(trace.endpoint !== undefined ? { endpoint: trace.endpoint } : {}),
      status: succeeded ? outcome.result.status : statusOf(outcome.code),
      ...(succeeded ? {} : { code: outcome.code }),
      responseBytes: succeeded ? outcome.result.body.byteLength : 0,
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
    });
    const applied = await tickets.finish(call.ticket, outcome, config.resultTtlMs);
    if (applied) await o.callbacks.offer(call.ticket, call.aisId);
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

/** The completion's audit record: the same call, identity and decision as at acceptance. */
function recordOf(call: QueuedCall, body: Uint8Array): Omit<AuditRecord, 'status' | 'responseBytes' | 'latencyMs'> {
  return {
    id: randomUUID(),
    time: new Date(),
    requestId: call.requestId,
    aisId: call.aisId,
    ovm: call.ovm,
    agenda: call.agenda,
    role: call.role,
    auditUserId: call.auditUserId,
    ...(call.purpose !== undefined ? { purpose: call.purpose } : {}),
    service: call.service,
    serviceMajor: call.major,
    operation: call.operation,
    protocol: call.protocol,
    mode: Mode.ASYNC,
    decision: Decision.PERMITTED,
    legalBasis: call.legalBasis,
    authorisations: call.authorisations,
    dataItems: call.effective,
    refusedItems: call.refused,
    subjects: call.subjects,
    ...(call.providerAis !== undefined ? { providerAis: call.providerAis } : {}),
    requestBytes: body.byteLength,
  };
}
