/**
 * `GET /audit`: the caller's own audit records as JSON pages, or as CSV (`?format=csv` or
 * `Accept: text/csv`). Filters: from, to, service, agenda, ais, auditUserId, requestId, status, limit, cursor; any other
 * parameter is refused.
 */
import { Hono } from 'hono';
import { EgsbError, ErrorCode } from '../../contracts/index.ts';
import {
  createVerifier,
  type AuditQuery,
  type AuditStore,
  type AuditView,
  type EvidenceLine,
  type EvidenceRange,
  type RetentionOperation,
} from '../audit/index.ts';
import { requireOperator } from '../registry/index.ts';
import type { BusEnv } from './support.ts';

const MAX_LIMIT = 1000;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const CSV_LIMIT = 100_000;

export interface AuditApiOptions {
  readonly audit: AuditStore;
  readonly csvLimit?: number;
  /** The evidence of the hash chain, for verification. */
  readonly evidence?: (range: EvidenceRange) => AsyncGenerator<EvidenceLine>;
  /** The retention operations done so far. */
  readonly retention?: () => Promise<readonly RetentionOperation[]>;
}

export function auditApi({ audit, csvLimit = CSV_LIMIT, evidence, retention }: AuditApiOptions): Hono<BusEnv> {
  const api = new Hono<BusEnv>();

  // Calls per day and service (SLA: availability, mean and p95 latency), from the daily aggregate.
  api.get('/admin/audit/daily', async (c) => {
    requireOperator(c.get('caller'));
    const day = (name: string, fallback: string): string => {
      const raw = c.req.query(name) ?? fallback;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw))) throw invalid(name, 'is not a day (YYYY-MM-DD)');
      return raw;
    };
    const today = new Date().toISOString().slice(0, 10);
    const service = c.req.query('service');
    if (service !== undefined && !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(service)) throw invalid('service', 'is malformed');
    return c.json({
      days: await audit.daily({
        from: day('from', new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)),
        to: day('to', today),
        ...(service ? { service } : {}),
      }),
    });
  });

  if (retention !== undefined) {
    api.get('/admin/audit/retention', async (c) => {
      requireOperator(c.get('caller'));
      return c.json({ operations: await retention() });
    });
  }

  // Who read a subject's data: by its identifier (an AIFO, an IČO, an address code), refusals apart.
  api.get('/admin/audit/subjects/:subject', async (c) => {
    requireOperator(c.get('caller'));
    const subject = c.req.param('subject');
    if (subject.length < 1 || subject.length > 256 || /[\p{Cc}]/u.test(subject))
      throw new EgsbError(ErrorCode.REQUEST_INVALID, 'a subject identifier is 1–256 printable characters');
    return c.json(await audit.bySubject(subject));
  });

  if (evidence !== undefined) {
    const rangeOf = (get: (name: string) => string | undefined): EvidenceRange => {
      const time = (name: string): Date | undefined => {
        const raw = get(name);
        if (raw === undefined) return undefined;
        const value = new Date(raw);
        if (!ISO_TIME.test(raw) || Number.isNaN(value.getTime())) throw invalid(name, 'is not a date or date-time (ISO 8601)');
        return value;
      };
      const from = time('from');
      const to = time('to');
      return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
    };
    // The chain's evidence as NDJSON (keys, chains, checkpoints, records), for `egsb audit verify`.
    api.get('/admin/audit/evidence', (c) => {
      requireOperator(c.get('caller'));
      const lines = evidence(rangeOf((n) => c.req.query(n)));
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const chunk: string[] = [];
          for (let i = 0; i < 500; i++) {
            const next = await lines.next();
            if (next.done) {
              if (chunk.length > 0) controller.enqueue(encoder.encode(chunk.join('')));
              return controller.close();
            }
            chunk.push(`${JSON.stringify(next.value)}\n`);
          }
          controller.enqueue(encoder.encode(chunk.join('')));
        },
        async cancel() {
          await lines.return(undefined);
        },
      });
      return c.body(body, 200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    });
    // The same verification on the bus, for a quick look; `egsb audit verify` does it on your side.
    api.get('/admin/audit/verify', async (c) => {
      requireOperator(c.get('caller'));
      const range = rangeOf((n) => c.req.query(n));
      const verifier = createVerifier({ fromStart: range.from === undefined });
      for await (const line of evidence(range)) verifier.add(line);
      return c.json(verifier.finish());
    });
  }

  api.get('/audit', async function listAudit(c) {
    const caller = c.get('caller');
    if (caller.kind === 'anonymous') throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'the audit trail needs credentials');
    const csv = c.req.query('format') === 'csv' || (c.req.header('accept') ?? '').includes('text/csv');
    const unknown = Object.keys(c.req.queries()).filter((name) => !FILTERS.has(name));
    if (unknown.length > 0)
      throw new EgsbError(
        ErrorCode.REQUEST_INVALID,
        `GET /audit has no filter ${unknown.map((n) => JSON.stringify(n.slice(0, 40))).join(', ')}; it takes ${[...FILTERS].join(', ')}`,
      );
    const query = readQuery((name) => c.req.query(name), caller.kind === 'ais' ? caller.aisId : undefined, csv);
    if (!csv) return c.json(await audit.query(query));
    // Streamed page by page; an export cut at csvLimit says so in its last line, with the cursor
    // that continues it.
    // Pages never run past the limit, so a cut always falls between pages and `next` continues it.
    const first = await audit.query({ ...query, limit: Math.min(MAX_LIMIT, csvLimit) });
    const encoder = new TextEncoder();
    let page: typeof first | undefined = first;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`${CSV_HEADER}\r\n`));
      },
      async pull(controller) {
        if (page === undefined) return controller.close();
        const rows = page.records;
        sent += rows.length;
        if (rows.length > 0) controller.enqueue(encoder.encode(rows.map(csvLine).join('')));
        const next = page.next;
        if (next === undefined) {
          page = undefined;
          return controller.close();
        }
        if (sent >= csvLimit) {
          controller.enqueue(encoder.encode(`# truncated after ${csvLimit} records; continue with cursor=${next}\r\n`));
          page = undefined;
          return controller.close();
        }
        page = await audit.query({ ...query, cursor: next, limit: Math.min(MAX_LIMIT, csvLimit - sent) });
      },
    });
    return c.body(body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="audit.csv"',
    });
  });

  return api;
}

/** Every query parameter GET /audit takes; any other is refused rather than silently ignored. */
const FILTERS = new Set(['from', 'to', 'service', 'agenda', 'ais', 'auditUserId', 'requestId', 'status', 'limit', 'cursor', 'format']);

function readQuery(get: (name: string) => string | undefined, scopeAis: number | undefined, csv: boolean): AuditQuery {
  const time = (name: string): Date | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    const value = new Date(raw);
    if (!ISO_TIME.test(raw) || Number.isNaN(value.getTime()))
      throw invalid(name, 'is not a date or date-time (ISO 8601, e.g. 2026-11-21T08:00:00Z)');
    return value;
  };
  const text = (name: string, pattern: RegExp): string | undefined => {
    const raw = get(name);
    if (raw !== undefined && !pattern.test(raw)) throw invalid(name, 'is malformed');
    return raw;
  };
  const limitRaw = get('limit');
  const limit = limitRaw === undefined ? 100 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid('limit', `must be 1–${MAX_LIMIT}`);
  const statusRaw = text('status', /^[1-5][0-9]{2}$/);
  const from = time('from');
  const to = time('to');
  const service = text('service', /^[A-Za-z][A-Za-z0-9_-]{0,63}$/);
  const agenda = text('agenda', /^A[0-9]{1,6}$/);
  const auditUserId = text('auditUserId', /^[^\p{Cc}]{1,256}$/u);
  const requestId = text('requestId', /^[\x21-\x7e]{1,128}$/);
  const cursor = text('cursor', /^[A-Za-z0-9_-]{1,200}$/);
  const ais = text('ais', /^[1-9][0-9]{0,6}$/);
  return {
    limit: csv ? MAX_LIMIT : limit,
    ...(scopeAis !== undefined ? { scopeAis } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(service ? { service } : {}),
    ...(agenda ? { agenda } : {}),
    ...(auditUserId ? { auditUserId } : {}),
    ...(requestId ? { requestId } : {}),
    ...(statusRaw ? { status: Number(statusRaw) } : {}),
    ...(cursor ? { cursor } : {}),
    ...(ais ? { ais: Number(ais) } : {}),
  };
}

function invalid(name: string, why: string): EgsbError {
  return new EgsbError(ErrorCode.REQUEST_INVALID, `query parameter ${name} ${why}`, {
    errors: [{ location: `?${name}`, rule: 'format', message: why }],
  });
}

const CSV_COLUMNS: readonly (keyof AuditView)[] = [
  'id',
  'time',
  'requestId',
  'ais',
  'ovm',
  'agenda',
  'role',
  'auditUserId',
  'purpose',
  'service',
  'version',
  'operation',
  'mode',
  'decision',
  'legalBasis',
  'dataItems',
  'refusedItems',
  'subjects',
  'providerAis',
  'endpoint',
  'status',
  'code',
  'requestBytes',
  'responseBytes',
  'latencyMs',
];

const CSV_HEADER = CSV_COLUMNS.join(',');

function csvLine(row: AuditView): string {
  return `${CSV_COLUMNS.map((k) => csvCell(row[k])).join(',')}\r\n`;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = Array.isArray(value) ? value.join(' ') : String(value);
  // A leading = + - @ would make a spreadsheet evaluate the cell; quote it as text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
