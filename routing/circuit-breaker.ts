/**
 * Passive health per provider endpoint: consecutive failures open its circuit, which keeps calls away
 * for a cool-down that doubles while the endpoint keeps failing; after the cool-down one trial call
 * is let through (half-open), and its success closes the circuit again.
 */

export const CircuitState = { CLOSED: 'closed', OPEN: 'open', HALF_OPEN: 'half-open' } as const;
export type CircuitState = (typeof CircuitState)[keyof typeof CircuitState];

export interface CircuitOptions {
  readonly failureThreshold?: number;
  readonly openMs?: number;
  readonly maxOpenMs?: number;
  readonly now?: () => number;
}

export interface CircuitBreaker {
  state(endpoint: string): CircuitState;
  /** Every circuit seen so far with its state now, for metrics. */
  states(): { endpoint: string; state: CircuitState }[];
  /** Whether a call may go to the endpoint now; claims the half-open trial when it is due. */
  tryAcquire(endpoint: string): boolean;
  success(endpoint: string): void;
  failure(endpoint: string): void;
}

interface Health {
  failures: number;
  openUntil: number;
  openMs: number;
  trialInFlight: boolean;
}

export function createCircuitBreaker({
  failureThreshold = 5,
  openMs = 2000,
  maxOpenMs = 60_000,
  now = () => performance.now(),
}: CircuitOptions = {}): CircuitBreaker {
  const byEndpoint = new Map<string, Health>();
  const healthOf = (endpoint: string): Health => {
    let health = byEndpoint.get(endpoint);
    if (health === undefined) {
      health = { failures: 0, openUntil: 0, openMs, trialInFlight: false };
      byEndpoint.set(endpoint, health);
    }
    return health;
  };
  const stateOf = (h: Health): CircuitState =>
    h.failures < failureThreshold ? CircuitState.CLOSED : now() < h.openUntil ? CircuitState.OPEN : CircuitState.HALF_OPEN;

  return {
    state: (endpoint) => stateOf(healthOf(endpoint)),
    states: () => [...byEndpoint].map(([endpoint, health]) => ({ endpoint, state: stateOf(health) })),
    tryAcquire(endpoint) {
      const health = healthOf(endpoint);
      const state = stateOf(health);
      if (state === CircuitState.CLOSED) return true;
      if (state === CircuitState.OPEN || health.trialInFlight) return false;
      health.trialInFlight = true;
      return true;
    },
    success(endpoint) {
      const health = healthOf(endpoint);
      health.failures = 0;
      health.openMs = openMs;
      health.trialInFlight = false;
    },
    failure(endpoint) {
      const health = healthOf(endpoint);
      const wasTrial = health.trialInFlight;
      health.trialInFlight = false;
      health.failures++;
      if (health.failures >= failureThreshold) {
        if (wasTrial) health.openMs = Math.min(maxOpenMs, health.openMs * 2);
        health.openUntil = now() + health.openMs;
      }
    },
  };
}
