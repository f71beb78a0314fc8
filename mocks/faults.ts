/**
 * Fault injection for the mocks, so that integrators can see how their AIS (and the bus) cope with a
 * slow or failing register. Faults come from the mock's configuration (rates, applied at random with
 * the mock's seeded source) or, for one request, from the `X-Mock-Fault` header:
 * `X-Mock-Fault: latency=800, break-contract` (kinds: latency=<ms>, error, timeout, break-contract, drop).
 */
import { createRandom, type Random } from './data/random.ts';

export interface FaultConfig {
  /** Added to every answer. */
  readonly latencyMs?: number;
  /** Up to this much more, uniformly. */
  readonly jitterMs?: number;
  /** Shares of requests (0–1) answered with a server error, never answered, answered out of contract, or cut. */
  readonly errorRate?: number;
  readonly timeoutRate?: number;
  readonly breakContractRate?: number;
  readonly dropRate?: number;
}

export const FaultKind = { ERROR: 'error', TIMEOUT: 'timeout', BREAK_CONTRACT: 'break-contract', DROP: 'drop' } as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

/** What to do to one request. */
export interface FaultPlan {
  readonly delayMs: number;
  readonly fault?: FaultKind;
}

export const FAULT_HEADER = 'x-mock-fault';
const MAX_LATENCY_MS = 600_000;

const configSchemaKeys = ['latencyMs', 'jitterMs', 'errorRate', 'timeoutRate', 'breakContractRate', 'dropRate'] as const;

/** Checks a fault configuration from a file, the environment or the control endpoint. */
export function parseFaultConfig(input: unknown): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('a fault configuration is an object');
  const config: Record<string, number> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!(configSchemaKeys as readonly string[]).includes(key))
      throw new TypeError(`unknown fault setting ${key}; known: ${configSchemaKeys.join(', ')}`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`${key} must be a non-negative number`);
    if (key.endsWith('Rate') && value > 1) throw new TypeError(`${key} is a share between 0 and 1`);
    if (key.endsWith('Ms') && value > MAX_LATENCY_MS) throw new TypeError(`${key} is at most ${MAX_LATENCY_MS}`);
    config[key] = value;
  }
  return config;
}

/** Reads `X-Mock-Fault`; throws a TypeError naming the bad part. */
export function parseFaultHeader(header: string): FaultPlan {
  let delayMs = 0;
  let fault: FaultKind | undefined;
  for (const part of header
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const latency = /^latency=(\d{1,6})$/.exec(part);
    if (latency) delayMs = Math.min(MAX_LATENCY_MS, Number(latency[1]));
    else if ((Object.values(FaultKind) as string[]).includes(part)) fault = part as FaultKind;
    else
      throw new TypeError(
        `X-Mock-Fault: unknown part ${JSON.stringify(part.slice(0, 40))}; use latency=<ms>, error, timeout, break-contract or drop`,
      );
  }
  return fault === undefined ? { delayMs } : { delayMs, fault };
}

export interface FaultInjector {
  /** The plan for one request: the header wins over the configuration. */
  plan(header: string | undefined): FaultPlan;
  configure(config: FaultConfig): void;
  readonly config: FaultConfig;
}

export function createFaultInjector(seed: string, initial: FaultConfig = {}): FaultInjector {
  const random: Random = createRandom(`faults/${seed}`);
  let config = initial;
  return {
    get config() {
      return config;
    },
    configure(next) {
      config = next;
    },
    plan(header) {
      if (header !== undefined && header !== '') return parseFaultHeader(header);
      const delayMs = (config.latencyMs ?? 0) + (config.jitterMs ? random.below(config.jitterMs + 1) : 0);
      const roll = random.uint32() / 0x1_0000_0000;
      let edge = 0;
      for (const [kind, rate] of [
        [FaultKind.ERROR, config.errorRate],
        [FaultKind.TIMEOUT, config.timeoutRate],
        [FaultKind.BREAK_CONTRACT, config.breakContractRate],
        [FaultKind.DROP, config.dropRate],
      ] as const) {
        edge += rate ?? 0;
        if (roll < edge) return { delayMs, fault: kind };
      }
      return { delayMs };
    },
  };
}
