import { describe, expect, it } from 'vitest';
import { FailureKind, ProviderFailure, type Connector, type ProviderAnswer, type ProviderRequest } from './connector.ts';
import { CircuitState, createCircuitBreaker, createEndpointSelector, createRouter, type RouteTrace } from './index.ts';

const ok: ProviderAnswer = { status: 200, contentType: 'application/json', headers: {}, body: new Uint8Array() };

/** A connector whose answer per endpoint the test decides; it records where each call went. */
function scripted(answer: (endpoint: string) => ProviderAnswer | ProviderFailure): Connector & { calls: string[] } {
  const calls: string[] = [];
  return {
    schemes: ['http:'],
    calls,
    async send(request: ProviderRequest) {
      calls.push(request.endpoint);
      const result = answer(request.endpoint);
      if (result instanceof ProviderFailure) throw result;
      return result;
    },
    async close() {},
  };
}

const endpoints = [{ url: 'http://a' }, { url: 'http://b' }];
const target = (idempotent: boolean, circuit = 'svc/v1') => ({
  circuit,
  endpoints,
  balancing: 'least-pending' as const,
  timeoutMs: 1000,
  idempotent,
  maxResponseBytes: 1024,
  operation: 'op',
  operationInPath: false,
});

describe('router', () => {
  it('tries another endpoint when nothing was sent to the first', async () => {
    const connector = scripted((e) => (e === 'http://a' ? new ProviderFailure(FailureKind.CONNECT, false, 'refused') : ok));
    const router = createRouter({ connectors: [connector], selector: createEndpointSelector() });
    for (let i = 0; i < 4; i++) {
      const trace: RouteTrace = { attempts: 0 };
      await expect(router.route(target(false), {}, new Uint8Array(), trace)).resolves.toBe(ok);
      expect(trace.endpoint).toBe('http://b');
    }
  });

  it('does not repeat a non-idempotent call that may have reached the provider', async () => {
    const connector = scripted(() => new ProviderFailure(FailureKind.RESET, true, 'reset'));
    const router = createRouter({ connectors: [connector] });
    await expect(router.route(target(false), {}, new Uint8Array(), { attempts: 0 })).rejects.toMatchObject({
      code: 'EGSB_PROVIDER_UNAVAILABLE',
    });
    expect(connector.calls).toHaveLength(1);
  });

  it('repeats an idempotent call on the other endpoint', async () => {
    const connector = scripted((e) => (e === connector.calls[0] ? new ProviderFailure(FailureKind.TIMEOUT, true, 'slow') : ok));
    const router = createRouter({ connectors: [connector] });
    await expect(router.route(target(true), {}, new Uint8Array(), { attempts: 0 })).resolves.toBe(ok);
    expect(new Set(connector.calls).size).toBe(2);
  });

  it('refuses at once while every circuit is open', async () => {
    let now = 0;
    const breaker = createCircuitBreaker({ failureThreshold: 2, openMs: 1000, now: () => now });
    const connector = scripted(() => new ProviderFailure(FailureKind.CONNECT, false, 'refused'));
    const router = createRouter({ connectors: [connector], breaker });
    for (let i = 0; i < 2; i++) await router.route(target(false), {}, new Uint8Array(), { attempts: 0 }).catch(() => {});
    expect(breaker.state('svc/v1 http://a')).toBe(CircuitState.OPEN);
    const before = connector.calls.length;
    await expect(router.route(target(false), {}, new Uint8Array(), { attempts: 0 })).rejects.toMatchObject({
      code: 'EGSB_PROVIDER_UNAVAILABLE',
    });
    expect(connector.calls.length).toBe(before);
    now = 1500;
    expect(breaker.state('svc/v1 http://a')).toBe(CircuitState.HALF_OPEN);
    expect(breaker.tryAcquire('svc/v1 http://a')).toBe(true);
    expect(breaker.tryAcquire('svc/v1 http://a')).toBe(false);
    breaker.success('svc/v1 http://a');
    expect(breaker.state('svc/v1 http://a')).toBe(CircuitState.CLOSED);
  });

  it("keeps one service's open circuit from closing another service's way to the same endpoint", async () => {
    const breaker = createCircuitBreaker({ failureThreshold: 2, openMs: 60_000 });
    let failing = true;
    const connector = scripted(() => (failing ? new ProviderFailure(FailureKind.CONNECT, false, 'refused') : ok));
    const router = createRouter({ connectors: [connector], breaker });
    for (let i = 0; i < 3; i++) await router.route(target(false, 'spam/v1'), {}, new Uint8Array(), { attempts: 0 }).catch(() => {});
    expect(breaker.state('spam/v1 http://a')).toBe(CircuitState.OPEN);
    failing = false;
    await expect(router.route(target(false, 'rob/v1'), {}, new Uint8Array(), { attempts: 0 })).resolves.toBe(ok);
  });

  it('tells the reader nothing of why a provider failed, and keeps the cause for the log', async () => {
    const connector = scripted(() => new ProviderFailure(FailureKind.CONNECT, false, 'connect ECONNREFUSED 127.0.0.1:5432'));
    const router = createRouter({ connectors: [connector] });
    const trace: RouteTrace = { attempts: 0 };
    const error = (await router.route(target(false), {}, new Uint8Array(), trace).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toMatch(/ECONNREFUSED|5432|127\.0\.0\.1/);
    expect(trace.failure).toContain('ECONNREFUSED');
  });
});

describe('endpoint selector', () => {
  it('spreads weighted round-robin in proportion to the weights', () => {
    const selector = createEndpointSelector();
    const weighted = [
      { url: 'http://a', weight: 3 },
      { url: 'http://b', weight: 1 },
    ];
    const picks = Array.from({ length: 400 }, () => selector.select(weighted, 'round-robin', new Set(), () => true)?.url);
    expect(picks.filter((p) => p === 'http://a')).toHaveLength(300);
  });

  it('sends the next call to the endpoint with the fewest calls in flight', () => {
    const selector = createEndpointSelector();
    selector.started('http://a');
    selector.started('http://a');
    selector.started('http://b');
    expect(selector.select(endpoints, 'least-pending', new Set(), () => true)?.url).toBe('http://b');
  });
});
