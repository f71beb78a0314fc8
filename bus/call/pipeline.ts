/**
 * The synchronous call path, stage by stage: identify → find the service → read the body (bounded by
 * the service's limit) → parse → context → authorise → validate the request → route → validate and
 * filter the answer → audit → answer. Whatever happens, the call gets one audit record, and no answer
 * (nor refusal) leaves before that record is committed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  asEgsbError,
  type CallContext,
  type CheckedCall,
  type CompiledContract,
  EgsbError,
  encodeHeaderText,
  ErrorCode,
  headerContext,
  isEgsbError,
  itemHeaders,
  type Logger,
  Mode,
  type Protocol,
  resolveContext,
  type SoapVersion,
  soapVersionOfContentType,
} from '../../contracts/index.ts';
import type { Router, RouteTrace } from '../../routing/index.ts';
import { acceptCall, type AcceptOptions } from '../async/index.ts';
import type { Acceptance } from '../tickets/index.ts';
import { checkedFields, Decision, type AuditRecord, type AuditWriter } from '../audit/index.ts';
import { authoriseCall, requireSomeItem, type AuthorisationEngine, type CallDecision } from '../authorisation/index.ts';
import type { CallMessage, MessageChecks, OutboundAnswer } from '../protocols/index.ts';
import type { ContractCache } from '../publishing/index.ts';
import {
  type Identity,
  type PresentedCertificate,
  type RegistryView,
  routeTargetOf,
  serviceKey,
  type ServiceVersion,
} from '../registry/index.ts';
import type { Metrics } from '../metrics.ts';
import type { RateLimits } from './rate-limits.ts';

export interface InboundCall {
  readonly protocol: Protocol;
  readonly service: string;
  readonly major: string;
  readonly operation?: string;
  readonly requestId: string;
  readonly certificate?: PresentedCertificate;
  /** `Prefer: respond-async`, or `?async` on a SOAP call. */
  readonly asyncRequested: boolean;
  /** The client's network address, for limiting requests without usable credentials. */
  readonly clientAddress?: string;
  header(name: string): string | undefined;
  /** Reads the whole body; refuses with EGSB_MESSAGE_TOO_LARGE past `limit` bytes. */
  readBody(limit: number): Promise<Uint8Array>;
}

export interface CallPipeline {
  handle(call: InboundCall): Promise<Response>;
}

export interface CallPipelineOptions {
  readonly view: RegistryView;
  readonly identity: Identity;
  readonly cache: ContractCache;
  /** Parses and checks messages: small ones here, large ones in worker threads. */
  readonly checks: MessageChecks;
  readonly router: Router;
  readonly audit: AuditWriter;
  readonly engine: AuthorisationEngine;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly limits: RateLimits;
  /** The share of calls logged at info, one line each (default all); failures of 5xx are always logged. */
  readonly logCalls?: number;
  /** What accepting asynchronous calls needs; absent when the bus runs without NATS. */
  readonly accepting?: AcceptOptions;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/;

/** Mutable while the call runs; becomes the audit record at the end. */
type Draft = { -readonly [K in keyof AuditRecord]: AuditRecord[K] };

export function createCallPipeline(options: CallPipelineOptions): CallPipeline {
  const { audit, metrics, logger } = options;
  const logShare = options.logCalls ?? 1;
  const run = { ...options, randomHex: createHexSource() };

  return {
    async handle(call) {
      const started = performance.now();
      const draft: Draft = {
        id: randomUUID(),
        time: new Date(),
        requestId: call.requestId,
        service: call.service,
        protocol: call.protocol,
        mode: Mode.SYNC,
        decision: Decision.REFUSED,
        legalBasis: [],
        authorisations: [],
        dataItems: [],
        refusedItems: [],
        subjects: [],
        status: 0,
        requestBytes: 0,
        responseBytes: 0,
        latencyMs: 0,
      };
      let soapVersion: SoapVersion | undefined =
        call.protocol === 'soap' ? soapVersionOfContentType(call.header('content-type')) : undefined;
      let response: Response;
      let parsed: CallMessage | undefined;
      let ticket: Acceptance | undefined;
      let nudge: (() => Promise<void>) | undefined;
      try {
        const done = await runCall(run, call, draft);
        parsed = done.parsed;
        ticket = done.ticket;
        nudge = done.nudge;
        soapVersion = done.parsed.soapVersion ?? soapVersion;
        response = new Response(done.answer.body, {
          status: done.answer.status,
          headers: {
            ...done.answer.headers,
            'content-type': done.answer.contentType,
            'x-request-id': draft.requestId,
            ...itemHeaders({ effective: draft.dataItems, refused: draft.refusedItems }),
          },
        });
        draft.status = done.answer.status;
        draft.responseBytes = done.answer.body.byteLength;
      } catch (error) {
        const known = asEgsbError(error, (cause) => logger.error('call failed unexpectedly', { requestId: draft.requestId, error: cause }));
        draft.code = known.code;
        draft.status = known.status;
        response = known.toResponse(draft.requestId, soapVersion);
      } finally {
        parsed?.dispose();
      }
      draft.latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
      // Only published services (and their operations) become metric labels: a caller must not be able to mint new series.
      const known = draft.serviceMajor !== undefined;
      const observe = (outcome: string, status = draft.status): void => {
        const seconds = (performance.now() - started) / 1000;
        metrics.observeCall({
          service: known ? call.service : '(unknown)',
          version: known ? String(draft.serviceMajor) : '',
          operation: known ? (draft.operation ?? '') : '',
          outcome,
          seconds,
        });
        if (status >= 500 || logShare >= 1 || Math.random() < logShare) {
          logger.info('call', {
            requestId: draft.requestId.slice(0, 128),
            ais: draft.aisId ?? null,
            service: call.service.slice(0, 64),
            version: known ? draft.serviceMajor : null,
            operation: draft.operation ?? null,
            mode: draft.mode,
            status,
            outcome,
            latencyMs: Math.round(seconds * 1e4) / 10,
          });
        }
      };
      // A flood without credentials is limited per address, and so is its trace: past the limit, the
      // refusals are counted (egsb_rate_limited_total) but not each recorded.
      if (draft.code === ErrorCode.RATE_LIMITED && draft.aisId === undefined) {
        metrics.observeCall({ service: '(unknown)', version: '', operation: '', outcome: draft.code, seconds: 0 });
        return response;
      }
      try {
        await audit.write(draft, ticket);
      } catch (error) {
        const refused = isEgsbError(error)
          ? error
          : new EgsbError(ErrorCode.AUDIT_UNAVAILABLE, 'the audit record could not be written', { cause: error });
        logger.warn('audit write failed; call refused', { requestId: draft.requestId, error: String((error as Error).cause ?? error) });
        observe(refused.code, refused.status);
        return refused.toResponse(draft.requestId, soapVersion);
      }
      if (nudge !== undefined) {
        try {
          await nudge();
        } catch (error) {
          // The ticket is on record but JetStream has not got it: the reader sends the same request id
          // again, which finds the ticket and publishes the nudge once more.
          logger.warn('an accepted call could not be queued; the reader is asked to repeat it', {
            requestId: draft.requestId,
            error: String(error),
          });
          const unavailable = new EgsbError(
            ErrorCode.ASYNC_UNAVAILABLE,
            'the call is on record but could not be queued; send it again with the same X-Request-Id',
            { headers: { 'retry-after': '2' }, cause: error },
          );
          observe(unavailable.code, unavailable.status);
          return unavailable.toResponse(draft.requestId, soapVersion);
        }
      }
      observe(draft.code ?? 'ok');
      return response;
    },
  };
}

type RunOptions = CallPipelineOptions & { readonly randomHex: (bytes: number) => string };

async function runCall(
  o: RunOptions,
  call: InboundCall,
  draft: Draft,
): Promise<{ parsed: CallMessage; answer: OutboundAnswer; ticket?: Acceptance; nudge?: () => Promise<void> }> {
  let caller: ReturnType<Identity['identify']>;
  try {
    caller = o.identity.identify(call.header('authorization'), call.certificate);
  } catch (error) {
    // Unknown credentials cost a refusal and its record: bounded per address like no credentials.
    await o.limits.forAddress(call.clientAddress ?? 'unknown');
    throw error;
  }
  if (caller.kind === 'anonymous') await o.limits.forAddress(call.clientAddress ?? 'unknown');
  if (caller.kind === 'anonymous')
    throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'a call needs a TLS client certificate or an API key registered to the calling AIS');
  if (caller.kind !== 'ais') throw new EgsbError(ErrorCode.FORBIDDEN, 'the operator token administers the bus; calls are made by an AIS');
  draft.aisId = caller.aisId;
  await o.limits.forAis(caller.aisId, o.view.current().ais.get(caller.aisId)?.rateLimit);

  const version = findService(o.view, call.service, call.major);
  draft.serviceMajor = version.major;
  draft.providerAis = version.ownerAis;
  if (call.asyncRequested) {
    draft.mode = Mode.ASYNC;
    if (!version.manifest.modes.includes(Mode.ASYNC))
      throw new EgsbError(
        ErrorCode.SYNC_ONLY,
        `${version.code} v${version.major} is offered synchronously only: call without Prefer: respond-async`,
      );
    if (o.accepting === undefined)
      throw new EgsbError(
        ErrorCode.ASYNC_UNAVAILABLE,
        'this bus runs without NATS, so it takes no asynchronous calls; call without Prefer: respond-async where the service allows',
      );
  } else if (!version.manifest.modes.includes(Mode.SYNC)) {
    throw new EgsbError(
      ErrorCode.ASYNC_ONLY,
      `${version.code} v${version.major} is offered asynchronously only: send Prefer: respond-async`,
    );
  }
  const compiled = await o.cache.get(version);

  const body = await call.readBody(version.manifest.maxMessageBytes);
  draft.requestBytes = body.byteLength;
  const parsed = await o.checks.parse(compiled, {
    body,
    contentType: call.header('content-type'),
    soapAction: call.header('soapaction'),
    ...(call.operation ? { operation: call.operation } : {}),
  });
  try {
    draft.operation = parsed.operation;
    // Subjects enter the record only from a validated request (with the checked call): a refused
    // message's own claims about whom it concerns are not evidence, and could be of any size.
    const context = readCallContext(call, parsed, draft);
    const decision = authorise(o, caller.aisId, context, version, compiled, draft);

    const errors = await parsed.validate();
    if (errors.length > 0)
      throw new EgsbError(ErrorCode.REQUEST_INVALID, `the request breaks the contract: ${errors[0]?.location} ${errors[0]?.message}`, {
        errors,
      });

    // With the audit failing, the record of this call would fail too: spare the provider the work.
    if (!o.audit.healthy())
      throw new EgsbError(
        ErrorCode.AUDIT_UNAVAILABLE,
        'the audit trail cannot be written at the moment, so the call is refused before it reaches the provider',
        { headers: { 'retry-after': '2' } },
      );
    const checked: CheckedCall = {
      requestId: draft.requestId,
      aisId: caller.aisId,
      context,
      service: version.code,
      major: version.major,
      ...(version.ownerAis !== undefined ? { providerAis: version.ownerAis } : {}),
      operation: parsed.operation,
      protocol: call.protocol,
      ...(parsed.soapVersion !== undefined ? { soapVersion: parsed.soapVersion } : {}),
      effective: decision.effective,
      refused: decision.refused,
      legalBasis: decision.legalBasis,
      authorisations: decision.authorisations,
      subjects: parsed.subjects,
      providerHeaders: {
        ...parsed.providerHeaders(),
        ...propagatedHeaders(call, context, decision, caller.aisId, draft.requestId, o.randomHex),
      },
    };
    Object.assign(draft, checkedFields(checked));
    const forward = await parsed.forwardBody(decision.effective, { ...context, requestId: draft.requestId });
    if (o.accepting !== undefined && call.asyncRequested) {
      const output =
        version.manifest.asyncAnswer === 'iszr' && parsed.soapVersion !== undefined
          ? compiled.model.operations.find((op) => op.name === parsed.operation)?.output
          : undefined;
      const { answer, acceptance, nudge } = await acceptCall(o.accepting, {
        call: checked,
        received: body,
        forward,
        acceptedAt: draft.time,
        ...(output !== undefined ? { iszrAnswer: output } : {}),
      });
      return { parsed, answer, nudge, ...(acceptance ? { ticket: acceptance } : {}) };
    }
    const trace: RouteTrace = { attempts: 0 };
    const routed = performance.now();
    try {
      const answer = await o.router.route(routeTargetOf(version, parsed.operation), checked.providerHeaders, forward, trace).then(
        (answer) => {
          o.metrics.observeProvider(version.code, String(version.major), 'answered', (performance.now() - routed) / 1000);
          return answer;
        },
        (error: unknown) => {
          o.metrics.observeProvider(version.code, String(version.major), 'failed', (performance.now() - routed) / 1000);
          throw error;
        },
      );
      return { parsed, answer: await parsed.readAnswer(answer, { effective: new Set(checked.effective), refused: checked.refused }) };
    } finally {
      if (trace.endpoint !== undefined) draft.endpoint = trace.endpoint;
      if (trace.failure !== undefined) {
        draft.cause = trace.failure;
        o.logger.info('provider delivery failed', { requestId: draft.requestId, service: version.code, cause: trace.failure });
      }
    }
  } catch (error) {
    parsed.dispose();
    throw error;
  }
}

function findService(view: RegistryView, code: string, majorRaw: string): ServiceVersion {
  const major = /^[1-9][0-9]{0,4}$/.test(majorRaw) ? Number(majorRaw) : NaN;
  const version = Number.isNaN(major) ? undefined : view.current().services.get(serviceKey(code, major));
  if (version === undefined)
    throw new EgsbError(ErrorCode.SERVICE_NOT_FOUND, `no service ${code.slice(0, 64)} v${majorRaw.slice(0, 8)} is published on this bus`);
  return version;
}

function readCallContext(call: InboundCall, parsed: CallMessage, draft: Draft): CallContext {
  // Record what the caller claimed even when it does not hold up, so a refusal's record says who tried.
  const headers = headerContext((name) => call.header(name));
  draft.ovm = headers.ovm ?? parsed.envelopeContext?.ovm ?? parsed.bodyContext.ovm;
  draft.agenda = headers.agenda ?? parsed.envelopeContext?.agenda ?? parsed.bodyContext.agenda;
  draft.role = headers.role ?? parsed.envelopeContext?.role ?? parsed.bodyContext.role;
  draft.auditUserId = (headers.userId ?? parsed.envelopeContext?.userId ?? parsed.bodyContext.userId)?.slice(0, 256);
  const context = resolveContext({ headers, 'ctx:Context': parsed.envelopeContext, body: parsed.bodyContext });
  if (context.purpose !== undefined) draft.purpose = context.purpose;
  if (context.requestId !== undefined && call.header('x-request-id') === undefined) draft.requestId = context.requestId;
  return context;
}

function authorise(
  o: RunOptions,
  aisId: number,
  context: CallContext,
  version: ServiceVersion,
  compiled: CompiledContract,
  draft: Draft,
): CallDecision {
  const request = { aisId, context, service: version, declared: compiled.plan.itemNames, at: draft.time };
  const decision = authoriseCall(o.view.current(), o.engine, request);
  draft.legalBasis = [...decision.legalBasis];
  draft.authorisations = [...decision.authorisations];
  draft.refusedItems = [...decision.refused];
  requireSomeItem(decision, request);
  draft.dataItems = [...decision.effective];
  draft.decision = Decision.PERMITTED;
  return decision;
}

/** Exactly the headers DESIGN.md lists; nothing the reader sent besides them reaches the provider. */
function propagatedHeaders(
  call: InboundCall,
  context: CallContext,
  decision: CallDecision,
  aisId: number,
  requestId: string,
  randomHex: (bytes: number) => string,
): Record<string, string> {
  return {
    'audit-user-id': encodeHeaderText(context.userId),
    'x-request-id': requestId,
    'x-egsb-client-ais': String(aisId),
    'x-egsb-client-ovm': context.ovm,
    'x-egsb-agenda': context.agenda,
    'x-egsb-role': context.role,
    ...(context.purpose !== undefined ? { 'x-egsb-purpose': encodeHeaderText(context.purpose) } : {}),
    'x-egsb-data-items': decision.effective.join(' '),
    traceparent: childTraceparent(call.header('traceparent'), randomHex),
  };
}

/** Continues the caller's trace with the bus as a new span, or starts one. */
function childTraceparent(incoming: string | undefined, randomHex: (bytes: number) => string): string {
  const match = incoming === undefined ? null : TRACEPARENT.exec(incoming);
  const traceId = match?.[1] ?? randomHex(16);
  return `00-${traceId}-${randomHex(8)}-${match?.[2] ?? '01'}`;
}

/** Trace ids need randomness, not secrecy: drawn from a pooled buffer instead of a system call each. */
function createHexSource(): (bytes: number) => string {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return function randomHex(bytes) {
    if (offset + bytes > pool.length) {
      pool = randomBytes(4096);
      offset = 0;
    }
    offset += bytes;
    return pool.toString('hex', offset - bytes, offset);
  };
}
