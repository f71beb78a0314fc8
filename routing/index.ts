/**
 * Routing: what a provider connector is, endpoint selection (least-pending or weighted round-robin), passive health with a circuit
 * breaker per endpoint, deadlines and safe retries.
 *
 * @example
 * const router = createRouter({ connectors: [createHttpConnector()] });
 * const answer = await router.route({ endpoints, balancing: 'least-pending', timeoutMs: 30_000, idempotent: false, maxResponseBytes }, headers, body, { attempts: 0 });
 */
export { createRouter, type Router, type RouterOptions, type RouteTarget, type RouteTrace } from './router.ts';
export { createCircuitBreaker, CircuitState, type CircuitBreaker, type CircuitOptions } from './circuit-breaker.ts';
export { createEndpointSelector, Balancing, type EndpointSelector } from './endpoint-selector.ts';
export { FailureKind, ProviderFailure, type Connector, type ProviderAnswer, type ProviderRequest } from './connector.ts';
