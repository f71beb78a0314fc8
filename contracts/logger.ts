/** Structured logs: one JSON object per line on stdout. Never given credentials or message bodies. */

export const LogLevel = { DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error', SILENT: 'silent' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

export function createLogger({
  level = LogLevel.INFO,
  write = (l) => process.stdout.write(l),
  now = () => new Date(),
}: LoggerOptions = {}): Logger {
  const threshold = RANK[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>) =>
    function log(msg: string, fields: Record<string, unknown> = {}): void {
      if (RANK[lvl] < threshold) return;
      write(`${JSON.stringify({ time: now().toISOString(), level: lvl, msg, ...fields }, errorReplacer)}\n`);
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}
