import { describe, expect, it } from 'vitest';
import { createLogger, LogLevel } from './logger.ts';

function capture(level: LogLevel = LogLevel.DEBUG): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  return { lines, logger: createLogger({ level, write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

describe('log lines', () => {
  it('are one JSON object each, with time, level and message', () => {
    const { lines, logger } = capture();
    logger.info('egsb listening', { url: 'http://127.0.0.1:8080' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'egsb listening', url: 'http://127.0.0.1:8080' });
    expect(String(lines[0]?.time)).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('never carry a password in a URL, a bearer token or a field named as a secret, however deep', () => {
    const { lines, logger } = capture();
    logger.info('connected', {
      nats: 'nats://egsb:s3cret-pass@nats.example:4222',
      detail: 'retrying tls://admin:hunter2@10.0.0.1:4222 and postgres://bus:pw@db/egsb',
      header: 'Authorization: Bearer egsb_900002_abcdefghijklmnopqrstuvwx',
      apiKey: 'egsb_900002_abcdefghijklmnopqrstuvwx',
      nested: { password: 'p', token: 't', list: ['https://u:v@x.example/'] },
      error: new Error('connect to nats://egsb:s3cret-pass@nats.example failed'),
    });
    const text = JSON.stringify(lines[0]);
    for (const secret of ['s3cret-pass', 'hunter2', ':pw@', 'abcdefghijklmnopqrstuvwx', '"p"', '"t"', 'u:v@'])
      expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ nats: 'nats://egsb:[redacted]@nats.example:4222', apiKey: '[redacted]' });
    expect(text).toContain('connect to nats://egsb:[redacted]@nats.example failed');
  });

  it('stay below the level asked for', () => {
    const { lines, logger } = capture(LogLevel.WARN);
    logger.info('not shown');
    logger.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
    const silent = capture(LogLevel.SILENT);
    silent.logger.error('nothing');
    expect(silent.lines).toEqual([]);
  });
});
