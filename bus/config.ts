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
  /** Whether an AIS may call with `Authorization: Bearer <API key>`; certificates always work. */
  readonly allowApiKeys: boolean;
  /** HTTPS with client certificates, served when a server certificate and key are configured. */
  readonly tls?: TlsConfig;
  /** Connect timeout towards providers. */
  readonly connectTimeoutMs: number;
}

export interface TlsConfig {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  /** When set, client certificates must chain to this CA as well as be registered to an AIS. */
  readonly clientCaFile?: string;
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
  const tlsPort = integer(env.EGSB_TLS_PORT, 8443, 'EGSB_TLS_PORT', problems);
  const connectTimeoutMs = integer(env.EGSB_CONNECT_TIMEOUT_MS, 3000, 'EGSB_CONNECT_TIMEOUT_MS', problems);
  if ((env.EGSB_TLS_CERT === undefined) !== (env.EGSB_TLS_KEY === undefined)) problems.push('EGSB_TLS_CERT and EGSB_TLS_KEY go together');
  const allowApiKeys = (env.EGSB_ALLOW_API_KEYS ?? 'true') !== 'false' && env.EGSB_ALLOW_API_KEYS !== '0';
  if (problems.length > 0) throw new Error(`configuration: ${problems.join('; ')}`);
  return Object.freeze({
    port,
    host: env.EGSB_HOST ?? '0.0.0.0',
    dataDir: env.EGSB_DATA_DIR ?? './data',
    inMemory: env.EGSB_IN_MEMORY === '1' || env.EGSB_IN_MEMORY === 'true',
    maxBundleBytes,
    logLevel,
    allowApiKeys,
    connectTimeoutMs,
    ...(env.EGSB_TLS_CERT && env.EGSB_TLS_KEY
      ? { tls: { port: tlsPort, certFile: env.EGSB_TLS_CERT, keyFile: env.EGSB_TLS_KEY, ...(env.EGSB_TLS_CLIENT_CA ? { clientCaFile: env.EGSB_TLS_CLIENT_CA } : {}) } }
      : {}),
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
