/** The bus's configuration: read once from the environment at start, checked, then frozen. */
import { DEFAULT_BUNDLE_LIMITS } from '../contracts/index.ts';

export interface BusConfig {
  readonly port: number;
  readonly host: string;
  /** The URL readers use to reach the bus; WSDLs name it as their address. Derived per request if absent. */
  readonly publicUrl?: string;
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly inMemory: boolean;
  /** Set when NATS is part of the setup; /readyz then checks it. */
  readonly natsUrl?: string;
  /** Bearer token of the operator API; generated at start (and logged once) when not set. */
  readonly adminToken?: string;
  readonly seedFile?: string;
  readonly schemaCatalogue?: string;
  readonly maxBundleBytes: number;
  readonly logLevel: LogLevel;
}

export const LogLevel = { DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error', SILENT: 'silent' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

type Env = Readonly<Record<string, string | undefined>>;

export function readConfig(env: Env = process.env): BusConfig {
  const problems: string[] = [];
  const port = integer(env.EGSB_PORT, 8080, 'EGSB_PORT', problems);
  const maxBundleBytes = integer(env.EGSB_MAX_BUNDLE_BYTES, DEFAULT_BUNDLE_LIMITS.maxBytes, 'EGSB_MAX_BUNDLE_BYTES', problems);
  const logLevel = (env.EGSB_LOG_LEVEL ?? LogLevel.INFO) as LogLevel;
  if (!Object.values(LogLevel).includes(logLevel)) problems.push(`EGSB_LOG_LEVEL must be one of ${Object.values(LogLevel).join(', ')}`);
  const publicUrl = env.EGSB_PUBLIC_URL?.replace(/\/+$/, '');
  if (publicUrl !== undefined && !/^https?:\/\/[^\s/]+$/.test(publicUrl)) problems.push('EGSB_PUBLIC_URL must be http(s)://host[:port]');
  if (env.EGSB_ADMIN_TOKEN !== undefined && env.EGSB_ADMIN_TOKEN.length < 16) problems.push('EGSB_ADMIN_TOKEN must be at least 16 characters');
  if (problems.length > 0) throw new Error(`configuration: ${problems.join('; ')}`);
  return Object.freeze({
    port,
    host: env.EGSB_HOST ?? '0.0.0.0',
    dataDir: env.EGSB_DATA_DIR ?? './data',
    inMemory: env.EGSB_IN_MEMORY === '1' || env.EGSB_IN_MEMORY === 'true',
    maxBundleBytes,
    logLevel,
    ...(publicUrl ? { publicUrl } : {}),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.NATS_URL ? { natsUrl: env.NATS_URL } : {}),
    ...(env.EGSB_ADMIN_TOKEN ? { adminToken: env.EGSB_ADMIN_TOKEN } : {}),
    ...(env.EGSB_SEED_FILE ? { seedFile: env.EGSB_SEED_FILE } : {}),
    ...(env.EGSB_SCHEMA_CATALOGUE ? { schemaCatalogue: env.EGSB_SCHEMA_CATALOGUE } : {}),
  });
}

function integer(raw: string | undefined, fallback: number, name: string, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) problems.push(`${name} must be a non-negative integer`);
  return value;
}
