/**
 * Routing a call to its provider: pick an endpoint, send through the connector for its scheme, and on
 * failure try another endpoint only where that cannot repeat the call (nothing was sent, or the
 * operation is declared idempotent). Every attempt feeds the endpoint's circuit. The service's
 * timeout bounds the whole exchange, retries included.
 */
import { EgsbError, ErrorCode, type Endpoint } from '../contracts/index.ts';
import { FailureKind, ProviderFailure, type Connector, type ProviderAnswer } from './connector.ts';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.ts';
import { Balancing, createEndpointSelector, type EndpointSelector } from './endpoint-selector.ts';

export interface RouteTarget {
  readonly endpoints: readonly Endpoint[];
  readonly balancing: Balancing;
  readonly timeoutMs: number;
  readonly idempotent: boolean;
  readonly maxResponseBytes: number;
  readonly operation: string;
  readonly operationInPath: boolean;
  /**
   * Whose circuits these are (e.g. `rob/v1`): circuit state is kept per circuit and endpoint, so that
   * one service's failures, or a publisher's tiny timeout, never open the circuit of another service
   * on the same endpoint.
   */
  readonly circuit: string;
}

/** What routing did, for the audit record, filled in even when it fails. */
export interface RouteTrace {
  endpoint?: string;
  attempts: number;
  /** Why the last attempt failed, in technical terms: for the log and the audit, never for the reader. */
  failure?: string;
  /** Whether any attempt may have reached the provider (so that repeating the call could repeat its effect). */
  reached?: boolean;
}

export interface Router {
  route(target: RouteTarget, headers: Readonly<Record<string, string>>, body: Uint8Array, trace: RouteTrace): Promise<ProviderAnswer>;
  readonly breaker: CircuitBreaker;
  close(): Promise<void>;
}

export interface RouterOptions {
  readonly connectors: readonly Connector[];
  readonly breaker?: CircuitBreaker;
  readonly selector?: EndpointSelector;
  readonly connectTimeoutMs?: number;
  readonly maxAttempts?: number;
}

/** Statuses that say the provider could not serve the call at all, as opposed to an answer. */
const UNAVAILABLE_STATUS = new Set([502, 503, 504]);

export function createRouter({
  connectors,
  breaker = createCircuitBreaker(),
  selector = createEndpointSelector(),
  connectTimeoutMs = 3000,
  maxAttempts = 3,
}: RouterOptions): Router {
  const byScheme = new Map<string, Connector>();
  for (const connector of connectors) for (const scheme of connector.schemes) byScheme.set(scheme, connector);
  const schemeOf = (url: string): string => url.slice(0, url.indexOf(':') + 1);

  return {
    breaker,
    async route(target, headers, body, trace) {
      const deadline = performance.now() + target.timeoutMs;
      const tried = new Set<string>();
      let last: EgsbError | undefined;
      const circuit = (url: string): string => `${target.circuit} ${url}`;
      while (trace.attempts < maxAttempts && performance.now() < deadline) {
        const endpoint = selector.select(target.endpoints, target.balancing, tried, (url) => breaker.tryAcquire(circuit(url)));
        if (endpoint === undefined) break;
        tried.add(endpoint.url);
        trace.endpoint = endpoint.url;
        trace.attempts++;
        const connector = byScheme.get(schemeOf(endpoint.url));
        if (connector === undefined) {
          breaker.failure(circuit(endpoint.url));
          trace.failure = `no connector for ${schemeOf(endpoint.url)} endpoints is running on this bus`;
          last = unavailable();
          continue;
        }
        selector.started(endpoint.url);
        try {
          const answer = await connector.send({
            endpoint: endpoint.url,
            operation: target.operation,
            operationInPath: target.operationInPath,
            headers,
            body,
            deadline,
            connectTimeoutMs,
            maxResponseBytes: target.maxResponseBytes,
          });
          // A gateway timeout may hide a provider that did the work; 502 and 503 say it did not.
          if (answer.status === 504 || !UNAVAILABLE_STATUS.has(answer.status)) trace.reached = true;
          if (!UNAVAILABLE_STATUS.has(answer.status)) {
            breaker.success(circuit(endpoint.url));
            return answer;
          }
          breaker.failure(circuit(endpoint.url));
          trace.failure = `${endpoint.url} answered HTTP ${answer.status}`;
          last = answer.status === 504 ? timedOut(target.timeoutMs) : unavailable();
          if (!target.idempotent) break;
        } catch (error) {
          if (!(error instanceof ProviderFailure)) throw error;
          if (error.sent) trace.reached = true;
          if (error.kind !== FailureKind.TOO_LARGE) breaker.failure(circuit(endpoint.url));
          trace.failure = `${endpoint.url}: ${error.kind}: ${error.message}`;
          last = failureError(error, target.timeoutMs);
          if (error.sent && !target.idempotent) break;
        } finally {
          selector.finished(endpoint.url);
        }
      }
      if (last !== undefined) throw last;
      if (performance.now() >= deadline) throw timedOut(target.timeoutMs);
      throw new EgsbError(
        ErrorCode.PROVIDER_UNAVAILABLE,
        'every endpoint of the service is out of service (circuit open); try again shortly',
        { headers: { 'retry-after': '2' } },
      );
    },
    async close() {
      await Promise.all(connectors.map((c) => c.close()));
    },
  };
}

// What a reader learns of a failed delivery is generic: a refused connection, a reset, an HTTP error
// status or a foreign protocol on the port all read the same, so the bus is no port scanner. The
// technical cause goes to RouteTrace.failure, for the log and the audit.
function unavailable(options: { cause?: unknown; retryable?: boolean } = {}): EgsbError {
  return new EgsbError(ErrorCode.PROVIDER_UNAVAILABLE, 'the provider could not be reached or did not serve the call', {
    ...(options.cause !== undefined ? { cause: options.cause } : {}),
    // Retry-After tells the reader that nothing reached the provider, so the call may be sent again.
    ...(options.retryable ? { headers: { 'retry-after': '1' } } : {}),
  });
}

function timedOut(timeoutMs: number, cause?: unknown): EgsbError {
  return new EgsbError(
    ErrorCode.PROVIDER_TIMEOUT,
    `the provider did not answer within ${timeoutMs} ms`,
    cause === undefined ? {} : { cause },
  );
}

function failureError(failure: ProviderFailure, timeoutMs: number): EgsbError {
  switch (failure.kind) {
    case FailureKind.TIMEOUT:
      return timedOut(timeoutMs, failure);
    case FailureKind.TOO_LARGE:
      return new EgsbError(ErrorCode.PROVIDER_RESPONSE_INVALID, "the provider's answer exceeds the service's size limit", {
        cause: failure,
      });
    default:
      return unavailable({ cause: failure, retryable: !failure.sent });
  }
}
