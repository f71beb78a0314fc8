/**
 * Bounded work per caller: each AIS may make so many calls a second, with a burst, as the operator
 * set for it (or the bus's default); requests without usable credentials are limited per client
 * address. Over the limit → 429 EGSB_RATE_LIMITED with Retry-After.
 *
 * The counters live in this instance's memory (rate-limiter-flexible, fixed windows of burst/rate
 * seconds): with N instances behind a balancer an AIS gets up to N times its rate. A limit shared
 * through PostgreSQL would add a write to every call on the hot path, which is what the limit is
 * there to protect; the operator sets the per-instance rate with that in mind.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { EgsbError, ErrorCode } from '../../contracts/index.ts';

export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

export interface RateLimits {
  /** Counts one call of an AIS; throws EGSB_RATE_LIMITED when over its limit. */
  forAis(aisId: number, limit: RateLimit | undefined): Promise<void>;
  /** Counts one request without usable credentials from an address; throws when over. */
  forAddress(address: string): Promise<void>;
}

export interface RateLimitsOptions {
  readonly ais: RateLimit;
  readonly anonymous: RateLimit;
  readonly onLimited?: (kind: 'ais' | 'anonymous') => void;
}

export function createRateLimits({ ais, anonymous, onLimited }: RateLimitsOptions): RateLimits {
  const limiters = new Map<string, RateLimiterMemory>();
  const limiterFor = (limit: RateLimit): RateLimiterMemory => {
    const key = `${limit.perSecond}/${limit.burst}`;
    let limiter = limiters.get(key);
    if (limiter === undefined) {
      limiter = new RateLimiterMemory({ points: limit.burst, duration: Math.max(1, Math.ceil(limit.burst / limit.perSecond)) });
      limiters.set(key, limiter);
    }
    return limiter;
  };

  async function take(limiter: RateLimiterMemory, key: string, kind: 'ais' | 'anonymous', who: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      onLimited?.(kind);
      const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new EgsbError(ErrorCode.RATE_LIMITED, `${who} is over its rate; try again in ${seconds} s`, {
        headers: { 'retry-after': String(seconds) },
      });
    }
  }

  return {
    forAis: (aisId, limit) => take(limiterFor(limit ?? ais), `ais:${aisId}`, 'ais', `AIS ${aisId}`),
    forAddress: (address) => take(limiterFor(anonymous), `addr:${address}`, 'anonymous', 'this client address'),
  };
}
