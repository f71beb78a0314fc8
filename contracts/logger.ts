/**
 * Structured logs on pino: one JSON object per line (`time`, `level`, `msg`, fields). Credentials
 * never reach a line: fields named like secrets are redacted, and any text carrying a password in a
 * URL (`nats://user:secret@host`) or a bearer token has it masked, wherever it sits. Message bodies
 * are never given to the logger.
 */
import { pino, stdSerializers, type Logger as Pino } from 'pino';

export const LogLevel = { DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error', SILENT: 'silent' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Where lines go; standard output by default. */
  readonly write?: (line: string) => void;
}

/** Field names whose values are secrets wherever they appear (one level of nesting included). */
const SECRET_FIELDS = ['password', 'token', 'adminToken', 'apiKey', 'authorization', 'secret', 'key', 'creds', 'privateKey'];
const REDACTED = '[redacted]';

export function createLogger({ level = LogLevel.INFO, write }: LoggerOptions = {}): Logger {
  const logger: Pino = pino(
    {
      level,
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => maskText(fields) as Record<string, unknown>,
      },
      redact: { paths: SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]), censor: REDACTED },
      serializers: { error: stdSerializers.err, err: stdSerializers.err, cause: stdSerializers.err },
    },
    write ? { write } : pino.destination({ dest: 1, sync: true }),
  );
  const emit = (lvl: Exclude<LogLevel, 'silent'>) =>
    function log(msg: string, fields: Record<string, unknown> = {}): void {
      logger[lvl](fields, msg);
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):([^\s/@]+)@/gi;
const BEARER = /\b(Bearer\s+)[^\s"',;]+/gi;

/** Masks passwords in URLs and bearer tokens inside any text of a log line, however deep. */
export function maskText(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(URL_CREDENTIALS, `$1$2:${REDACTED}@`).replace(BEARER, `$1${REDACTED}`);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return maskText(stdSerializers.err(value), depth + 1);
  if (Array.isArray(value)) return value.map((v) => maskText(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskText(v, depth + 1)]));
}
