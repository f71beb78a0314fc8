/**
 * Choosing a provider endpoint for a call: least-pending (fewest calls in flight per unit of weight,
 * ties broken in turn) or smooth weighted round-robin, skipping endpoints already tried for this call
 * and those whose circuit is open.
 */
import type { Endpoint } from '../contracts/index.ts';

export const Balancing = { LEAST_PENDING: 'least-pending', ROUND_ROBIN: 'round-robin' } as const;
export type Balancing = (typeof Balancing)[keyof typeof Balancing];

export interface EndpointSelector {
  /** The next endpoint to try, or undefined when none is left. */
  select(
    endpoints: readonly Endpoint[],
    strategy: Balancing,
    skip: ReadonlySet<string>,
    available: (url: string) => boolean,
  ): Endpoint | undefined;
  started(url: string): void;
  finished(url: string): void;
  pending(url: string): number;
}

export function createEndpointSelector(): EndpointSelector {
  const inFlight = new Map<string, number>();
  const current = new Map<string, number>();
  let turn = 0;

  function candidates(endpoints: readonly Endpoint[], skip: ReadonlySet<string>): Endpoint[] {
    return endpoints.filter((e) => !skip.has(e.url));
  }

  return {
    select(endpoints, strategy, skip, available) {
      const open = candidates(endpoints, skip);
      if (open.length === 0) return undefined;
      turn = (turn + 1) % 1_000_000;
      const ordered = strategy === Balancing.ROUND_ROBIN ? weightedOrder(open, current) : leastPendingOrder(open, inFlight, turn);
      return ordered.find((e) => available(e.url));
    },
    started(url) {
      inFlight.set(url, (inFlight.get(url) ?? 0) + 1);
    },
    finished(url) {
      inFlight.set(url, Math.max(0, (inFlight.get(url) ?? 1) - 1));
    },
    pending: (url) => inFlight.get(url) ?? 0,
  };
}

function leastPendingOrder(endpoints: readonly Endpoint[], inFlight: ReadonlyMap<string, number>, turn: number): Endpoint[] {
  const n = endpoints.length;
  // Rotate first so that equal loads take turns instead of always landing on the first endpoint.
  const rotated = endpoints.map((_, i) => endpoints[(i + turn) % n] as Endpoint);
  return rotated
    .map((e, i) => ({ e, i, load: (inFlight.get(e.url) ?? 0) / (e.weight ?? 1) }))
    .sort((a, b) => a.load - b.load || a.i - b.i)
    .map((x) => x.e);
}

/** Smooth weighted round-robin: each pick raises every endpoint by its weight and lowers the chosen one by the total. */
function weightedOrder(endpoints: readonly Endpoint[], current: Map<string, number>): Endpoint[] {
  const total = endpoints.reduce((sum, e) => sum + (e.weight ?? 1), 0);
  for (const e of endpoints) current.set(e.url, (current.get(e.url) ?? 0) + (e.weight ?? 1));
  const ordered = [...endpoints].sort((a, b) => (current.get(b.url) ?? 0) - (current.get(a.url) ?? 0));
  const first = ordered[0];
  if (first !== undefined) current.set(first.url, (current.get(first.url) ?? 0) - total);
  return ordered;
}
