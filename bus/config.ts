/** The bus's configuration: read once from the environment at start, checked, then frozen. */
import { availableParallelism } from 'node:os';
import { DEFAULT_BUNDLE_LIMITS, LogLevel } from '../contracts/index.ts';

export interface BusConfig {
  readonly port: number;
  readonly host: string;
  /** The URL readers use to reach the bus; WSDLs name it as their address. Derived per request if absent. */
  readonly publicUrl?: string;
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly inMemory: boolean;
  /** NATS with JetStream for the asynchronous mode; absent when switched off (`NATS_URL=`). */
  readonly nats?: NatsConfig;
  readonly async: AsyncConfig;
  /** Bearer token of the operator API; generated at start (and logged once) when not set. */
  readonly adminToken?: string;
  readonly seedFile?: string;
  /** `first-start`: the seed fills an empty registry only, so a restart never undoes the operator; `always`: applied at every start. */
  readonly seedMode: 'first-start' | 'always';
  /** Calls a second and burst per AIS (unless the operator set its own), and per address without credentials; per instance. */
  readonly rateLimits: {
    readonly ais: { readonly perSecond: number; readonly burst: number };
    readonly anonymous: { readonly perSecond: number; readonly burst: number };
  };
  readonly schemaCatalogue?: string;
  /**
   * The Ed25519 key (PKCS#8 PEM) that signs the audit's checkpoints; made there when missing. By
   * default `<dataDir>/audit-signing-key.pem`; in memory, a key for this run only.
   */
  readonly auditKeyFile?: string;
  /** Months of audit records kept besides the current one; older months are dropped, on record. 0 keeps all. */
  readonly auditRetentionMonths: number;
  /** Large messages are checked by worker threads, away from the event loop. */
  readonly checks: {
    /** Requests and answers of more bytes than this go to the threads. */
    readonly offloadBytes: number;
    /** Worker threads; 0 checks every message on the event loop. */
    readonly threads: number;
  };
  readonly maxBundleBytes: number;
  readonly logLevel: LogLevel;
  /** The share of successful calls logged at info (one line each); refusals and failures always are. */
  readonly logCalls: number;
  /** Whether an AIS may call with `Authorization: Bearer <API key>`; certificates always work. */
  readonly allowApiKeys: boolean;
  /** HTTPS with client certificates, served when a server certificate and key are configured. */
  readonly tls?: TlsConfig;
  /** Connect timeout towards providers. */
  readonly connectTimeoutMs: number;
}

export interface NatsConfig {
  readonly url: string;
  /** Names of the bus's streams, subjects and consumers start with it, so that separate buses can share a NATS. */
  readonly prefix: string;
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
  /** A NATS credentials file (JWT and nkey seed). */
  readonly credsFile?: string;
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
}

export interface AsyncConfig {
  /** How long a completed call's result can be fetched. */
  readonly resultTtlMs: number;
  /** Deliveries to the provider before a ticket fails. */
  readonly maxAttempts: number;
  /** A delivery not acknowledged (nor kept alive) within this time goes to another dispatcher. */
  readonly ackWaitMs: number;
  /** Calls one bus instance delivers at once, per service. */
  readonly concurrency: number;
  /** Whether this instance delivers queued calls; an instance may only accept them. */
  readonly dispatch: boolean;
}

export interface TlsConfig {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  /** When set, client certificates must chain to this CA as well as be registered to an AIS. */
  readonly clientCaFile?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function readConfig(env: Env = process.env): BusConfig {
  const problems: string[] = [];
  const port = integer(env.EGSB_PORT, 8080, 'EGSB_PORT', problems);
  const maxBundleBytes = integer(env.EGSB_MAX_BUNDLE_BYTES, DEFAULT_BUNDLE_LIMITS.maxBytes, 'EGSB_MAX_BUNDLE_BYTES', problems);
  const logLevel = (env.EGSB_LOG_LEVEL ?? LogLevel.INFO) as LogLevel;
  if (!Object.values(LogLevel).includes(logLevel)) problems.push(`EGSB_LOG_LEVEL must be one of ${Object.values(LogLevel).join(', ')}`);
  const publicUrl = env.EGSB_PUBLIC_URL?.replace(/\/+$/, '');
  if (publicUrl !== undefined && !/^https?:\/\/[^\s/]+$/.test(publicUrl)) problems.push('EGSB_PUBLIC_URL must be http(s)://host[:port]');
  if (env.EGSB_ADMIN_TOKEN !== undefined && env.EGSB_ADMIN_TOKEN.length < 16)
    problems.push('EGSB_ADMIN_TOKEN must be at least 16 characters');
  const tlsPort = integer(env.EGSB_TLS_PORT, 8443, 'EGSB_TLS_PORT', problems);
  const connectTimeoutMs = integer(env.EGSB_CONNECT_TIMEOUT_MS, 3000, 'EGSB_CONNECT_TIMEOUT_MS', problems);
  if ((env.EGSB_TLS_CERT === undefined) !== (env.EGSB_TLS_KEY === undefined)) problems.push('EGSB_TLS_CERT and EGSB_TLS_KEY go together');
  const resultTtlHours = integer(env.EGSB_ASYNC_RESULT_TTL_HOURS, 7 * 24, 'EGSB_ASYNC_RESULT_TTL_HOURS', problems);
  const maxAttempts = integer(env.EGSB_ASYNC_MAX_ATTEMPTS, 10, 'EGSB_ASYNC_MAX_ATTEMPTS', problems);
  const ackWaitMs = integer(env.EGSB_ASYNC_ACK_WAIT_MS, 30_000, 'EGSB_ASYNC_ACK_WAIT_MS', problems);
  const concurrency = integer(env.EGSB_ASYNC_CONCURRENCY, 64, 'EGSB_ASYNC_CONCURRENCY', problems);
  if (resultTtlHours < 1) problems.push('EGSB_ASYNC_RESULT_TTL_HOURS must be at least 1');
  if (maxAttempts < 1) problems.push('EGSB_ASYNC_MAX_ATTEMPTS must be at least 1');
  if (ackWaitMs < 1000) problems.push('EGSB_ASYNC_ACK_WAIT_MS must be at least 1000');
  if (concurrency < 1) problems.push('EGSB_ASYNC_CONCURRENCY must be at least 1');
  const nats = readNatsConfig(env, problems);
  const allowApiKeys = flag(env.EGSB_ALLOW_API_KEYS, true, 'EGSB_ALLOW_API_KEYS', problems);
  const inMemory = flag(env.EGSB_IN_MEMORY, false, 'EGSB_IN_MEMORY', problems);
  const dispatch = flag(env.EGSB_ASYNC_DISPATCH, true, 'EGSB_ASYNC_DISPATCH', problems);
  const logCalls = Number(env.EGSB_LOG_CALLS ?? '1');
  if (!(logCalls >= 0 && logCalls <= 1)) problems.push('EGSB_LOG_CALLS must be a fraction from 0 to 1');
  if (env.EGSB_SEED_MODE !== undefined && env.EGSB_SEED_MODE !== '' && !['first-start', 'always'].includes(env.EGSB_SEED_MODE)) {
    problems.push('EGSB_SEED_MODE must be first-start or always');
  }
  const rateLimits = {
    ais: {
      perSecond: integer(env.EGSB_RATE_PER_SECOND, 500, 'EGSB_RATE_PER_SECOND', problems),
      burst: integer(env.EGSB_RATE_BURST, 1000, 'EGSB_RATE_BURST', problems),
    },
    anonymous: {
      perSecond: integer(env.EGSB_ANONYMOUS_RATE_PER_SECOND, 10, 'EGSB_ANONYMOUS_RATE_PER_SECOND', problems),
      burst: integer(env.EGSB_ANONYMOUS_RATE_BURST, 20, 'EGSB_ANONYMOUS_RATE_BURST', problems),
    },
  };
  for (const limit of [rateLimits.ais, rateLimits.anonymous]) {
    if (limit.perSecond < 1 || limit.burst < 1) problems.push('rates and bursts must be at least 1');
  }
  const auditRetentionMonths = integer(env.EGSB_AUDIT_RETENTION_MONTHS, 13, 'EGSB_AUDIT_RETENTION_MONTHS', problems);
  if (auditRetentionMonths < 0) problems.push('EGSB_AUDIT_RETENTION_MONTHS must be 0 (keep all) or more');
  const checks = {
    offloadBytes: integer(env.EGSB_OFFLOAD_BYTES, 128 * 1024, 'EGSB_OFFLOAD_BYTES', problems),
    threads: integer(env.EGSB_CHECK_THREADS, Math.max(1, availableParallelism() - 1), 'EGSB_CHECK_THREADS', problems),
  };
  if (problems.length > 0) throw new Error(`configuration: ${problems.join('; ')}`);
  return Object.freeze({
    rateLimits,
    checks,
    auditRetentionMonths,
    port,
    // Loopback unless the operator says otherwise: a bus is not exposed by accident.
    host: env.EGSB_HOST || '127.0.0.1',
    dataDir: env.EGSB_DATA_DIR ?? './data',
    inMemory,
    maxBundleBytes,
    logLevel,
    logCalls,
    allowApiKeys,
    connectTimeoutMs,
    async: {
      resultTtlMs: resultTtlHours * 3_600_000,
      maxAttempts,
      ackWaitMs,
      concurrency,
      dispatch,
    },
    ...(nats ? { nats } : {}),
    ...(env.EGSB_TLS_CERT && env.EGSB_TLS_KEY
      ? {
          tls: {
            port: tlsPort,
            certFile: env.EGSB_TLS_CERT,
            keyFile: env.EGSB_TLS_KEY,
            ...(env.EGSB_TLS_CLIENT_CA ? { clientCaFile: env.EGSB_TLS_CLIENT_CA } : {}),
          },
        }
      : {}),
    ...(publicUrl ? { publicUrl } : {}),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.EGSB_ADMIN_TOKEN ? { adminToken: env.EGSB_ADMIN_TOKEN } : {}),
    ...(env.EGSB_SEED_FILE ? { seedFile: env.EGSB_SEED_FILE } : {}),
    seedMode: env.EGSB_SEED_MODE === 'always' ? 'always' : 'first-start',
    ...(env.EGSB_SCHEMA_CATALOGUE ? { schemaCatalogue: env.EGSB_SCHEMA_CATALOGUE } : {}),
    ...(env.EGSB_AUDIT_KEY_FILE ? { auditKeyFile: env.EGSB_AUDIT_KEY_FILE } : {}),
  });
}

/** A yes/no setting: true/false, 1/0, yes/no, on/off; anything else is a configuration error, not a guess. */
function flag(raw: string | undefined, fallback: boolean, name: string, problems: string[]): boolean {
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  problems.push(`${name} must be true or false (also 1/0, yes/no, on/off), not ${JSON.stringify(raw.slice(0, 40))}`);
  return fallback;
}

function integer(raw: string | undefined, fallback: number, name: string, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) problems.push(`${name} must be a non-negative integer`);
  return value;
}

/** NATS_URL defaults to the local server; set it empty to run without the asynchronous mode. */
function readNatsConfig(env: Env, problems: string[]): NatsConfig | undefined {
  const url = env.NATS_URL ?? 'nats://127.0.0.1:4222';
  if (url === '') return undefined;
  if (!/^(nats|tls):\/\/[^\s]+$/.test(url) && !/^[^\s:/]+:\d+$/.test(url))
    problems.push('NATS_URL must be nats://host:port (several separated by commas) or empty');
  const prefix = env.EGSB_NATS_PREFIX ?? 'egsb';
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(prefix))
    problems.push('EGSB_NATS_PREFIX must be a letter then letters, digits, _ or - (at most 32)');
  if ((env.NATS_TLS_CERT === undefined) !== (env.NATS_TLS_KEY === undefined)) problems.push('NATS_TLS_CERT and NATS_TLS_KEY go together');
  const tls = {
    ...(env.NATS_TLS_CA ? { caFile: env.NATS_TLS_CA } : {}),
    ...(env.NATS_TLS_CERT ? { certFile: env.NATS_TLS_CERT } : {}),
    ...(env.NATS_TLS_KEY ? { keyFile: env.NATS_TLS_KEY } : {}),
  };
  return {
    url,
    prefix,
    ...(env.NATS_USER ? { user: env.NATS_USER } : {}),
    ...(env.NATS_PASSWORD ? { password: env.NATS_PASSWORD } : {}),
    ...(env.NATS_TOKEN ? { token: env.NATS_TOKEN } : {}),
    ...(env.NATS_CREDS ? { credsFile: env.NATS_CREDS } : {}),
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
  };
}
