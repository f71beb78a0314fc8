/** The mocks' settings from the environment, shared by `npm run mocks` and `npm start`. */
import { parseFaultConfig, type FaultConfig } from './faults.ts';
import { MOCK_NAMES, VOZIDLA_SUBJECT, type MockName } from './server.ts';

export interface MocksConfig {
  /** Whether `npm start` runs the mocks beside the bus. */
  readonly enabled: boolean;
  readonly port: number;
  readonly host: string;
  readonly seed: string;
  readonly persons: number;
  readonly extractDelayMs: number;
  /** The vehicle register's NATS subject (`EGSB_MOCKS_NATS_SUBJECT`, default egsb.mock.vozidla). */
  readonly natsSubject: string;
  readonly faults: Readonly<Partial<Record<MockName, FaultConfig>>>;
}

export function readMocksConfig(env: Readonly<Record<string, string | undefined>> = process.env): MocksConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be an integer ${min}–${max}`);
    return value;
  };
  const faults: Partial<Record<MockName, FaultConfig>> = {};
  if (env.EGSB_MOCKS_FAULTS) {
    try {
      const parsed = JSON.parse(env.EGSB_MOCKS_FAULTS) as Record<string, unknown>;
      for (const [name, config] of Object.entries(parsed)) {
        if (!(MOCK_NAMES as readonly string[]).includes(name)) throw new Error(`no mock ${name}; mocks: ${MOCK_NAMES.join(', ')}`);
        faults[name as MockName] = parseFaultConfig(config);
      }
    } catch (error) {
      problems.push(`EGSB_MOCKS_FAULTS: ${(error as Error).message}`);
    }
  }
  const config: MocksConfig = {
    enabled: !['0', 'false', 'off'].includes(env.EGSB_MOCKS ?? ''),
    port: int('EGSB_MOCKS_PORT', 8091, 0, 65535),
    host: env.EGSB_MOCKS_HOST ?? '127.0.0.1',
    seed: env.EGSB_MOCKS_SEED ?? 'egsb',
    persons: int('EGSB_MOCKS_PERSONS', 10_000, 10, 20_000_000),
    extractDelayMs: int('EGSB_MOCKS_EXTRACT_DELAY_MS', 3000, 0, 600_000),
    natsSubject: env.EGSB_MOCKS_NATS_SUBJECT || VOZIDLA_SUBJECT,
    faults,
  };
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(config.natsSubject))
    problems.push('EGSB_MOCKS_NATS_SUBJECT must be dot-separated tokens of letters, digits, _ and -');
  if (problems.length > 0) throw new Error(`configuration: ${problems.join('; ')}`);
  return Object.freeze(config);
}
