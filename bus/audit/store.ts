/**
 * Reading the audit trail: filtered, newest first, paged by an opaque cursor (the last record's time
 * and id), and scoped to what the asker may see: an AIS its own calls and the calls to its services,
 * the operator everything.
 */
import { EgsbError, ErrorCode } from '../../contracts/index.ts';
import pLimit from 'p-limit';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Db } from '../storage/index.ts';
import { DAILY_LATENCY_BUCKETS_MS } from './writer.ts';

export interface AuditQuery {
  /** The AIS asking; absent for the operator. */
  readonly scopeAis?: number;
  readonly from?: Date;
  readonly to?: Date;
  readonly service?: string;
  readonly agenda?: string;
  readonly auditUserId?: string;
  readonly requestId?: string;
  /** The calling AIS. */
  readonly ais?: number;
  readonly status?: number;
  readonly cursor?: string;
  readonly limit: number;
}

export interface AuditView {
  readonly id: string;
  readonly time: string;
  readonly requestId: string;
  readonly ais: number | null;
  readonly ovm: string | null;
  readonly agenda: string | null;
  readonly role: string | null;
  readonly auditUserId: string | null;
  readonly purpose: string | null;
  readonly service: string | null;
  readonly version: number | null;
  readonly operation: string | null;
  readonly mode: string;
  readonly decision: string;
  readonly legalBasis: readonly string[];
  readonly authorisations: readonly string[];
  readonly dataItems: readonly string[];
  readonly refusedItems: readonly string[];
  readonly subjects: readonly string[];
  readonly providerAis: number | null;
  readonly endpoint: string | null;
  readonly status: number;
  readonly code?: string;
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly latencyMs: number;
  /** Why a delivery failed, technically: shown to the operator only. */
  readonly cause?: string;
}

export interface AuditPage {
  readonly records: readonly AuditView[];
  readonly next?: string;
}

interface Row {
  id: string;
  time: Date | string;
  request_id: string;
  ais_id: number | null;
  ovm: string | null;
  agenda: string | null;
  role: string | null;
  audit_user_id: string | null;
  purpose: string | null;
  service: string | null;
  service_major: number | null;
  operation: string | null;
  mode: string;
  decision: string;
  legal_basis: string[];
  authorisations: string[];
  data_items: string[];
  refused_items: string[];
  subjects: string[];
  provider_ais: number | null;
  endpoint: string | null;
  status: number;
  code: string | null;
  request_bytes: number;
  response_bytes: number;
  latency_ms: number;
  cause: string | null;
}

/** One read (or refused attempt) of a subject's data, as the subject report gives it. */
export interface SubjectUse {
  /** The audit record's own id, and the request id the caller gave (or the bus assigned). */
  readonly id: string;
  readonly requestId: string;
  readonly time: string;
  readonly ovm: string | null;
  readonly agenda: string | null;
  readonly role: string | null;
  readonly ais: number | null;
  readonly auditUserId: string | null;
  readonly purpose: string | null;
  readonly service: string | null;
  readonly version: number | null;
  readonly operation: string | null;
  readonly dataItems: readonly string[];
  readonly code?: string;
}

export interface SubjectReport {
  readonly subject: string;
  /** Calls that read the subject's data: who, in which agenda, for what, which items. */
  readonly reads: readonly SubjectUse[];
  /** Calls naming the subject that the bus refused (no data left). */
  readonly refusals: readonly SubjectUse[];
  /** True when more records name the subject than the report holds. */
  readonly truncated: boolean;
}

/** One service's day, from the daily aggregate. */
export interface DailyFigures {
  readonly day: string;
  readonly service: string;
  readonly version: number;
  readonly calls: number;
  readonly refused: number;
  readonly failed: number;
  /** Share of calls not failed by the bus or the provider (5xx). */
  readonly availability: number;
  readonly meanMs: number;
  /** Upper bound of the latency bucket holding the 95th percentile; null past the last bound. */
  readonly p95Ms: number | null;
}

export interface AuditStore {
  /** Calls per day and service between two days (inclusive), from the aggregate kept as records commit. */
  daily(q: { from: string; to: string; service?: string }): Promise<DailyFigures[]>;
  query(query: AuditQuery): Promise<AuditPage>;
  /** Who read a subject's data (an AIFO, an IČO, an address code), newest first, refusals apart. */
  bySubject(subject: string, limit?: number): Promise<SubjectReport>;
}

export interface AuditStoreOptions {
  readonly db: Db;
  /** Searches at once per instance: the rest wait, so the audit writer always finds a connection. */
  readonly concurrency?: number;
}

/**
 * Searches run on the storage's pool for long reads (on a PostgreSQL server: its own connections,
 * read-only, with a statement timeout), at most `concurrency` at once per instance.
 */
export function createAuditStore({ db, concurrency = 2 }: AuditStoreOptions): AuditStore {
  const searches = pLimit(concurrency);
  const run = (sql: string, params: unknown[]): Promise<Row[]> =>
    searches(async () => {
      // Each search waits its turn behind I/O: on PGlite a query resolves at once, and an export's
      // pages would otherwise follow one another without ever letting a socket be served.
      await yieldToLoop();
      try {
        return await db.reads.query<Row>(sql, params);
      } catch (error) {
        if ((error as { code?: string }).code === '57014') {
          throw new EgsbError(
            ErrorCode.REQUEST_INVALID,
            'the search ran longer than the bus allows; narrow it (from, to, service, agenda)',
            {
              cause: error,
            },
          );
        }
        throw error;
      }
    });
  return {
    async daily({ from, to, service }) {
      const rows = await run(
        `SELECT day::text AS day, service, version, calls, refused, failed, latency_sum, ${DAILY_LATENCY_BUCKETS_MS.map((_, i) => `l${i}`).join(', ')} FROM audit_daily
         WHERE day BETWEEN $1::date AND $2::date ${service ? 'AND service = $3' : ''} ORDER BY day, service, version`,
        service ? [from, to, service] : [from, to],
      );
      return (rows as unknown as Record<string, unknown>[]).map((r) => {
        const calls = Number(r.calls);
        const buckets = DAILY_LATENCY_BUCKETS_MS.map((_, i) => Number(r[`l${i}`]));
        let seen = 0;
        let p95: number | null = null;
        for (let i = 0; i < buckets.length; i++) {
          seen += buckets[i] ?? 0;
          if (seen >= 0.95 * calls) {
            const bound = DAILY_LATENCY_BUCKETS_MS[i] ?? Infinity;
            p95 = Number.isFinite(bound) ? bound : null;
            break;
          }
        }
        const failed = Number(r.failed);
        return {
          day: String(r.day),
          service: String(r.service),
          version: Number(r.version),
          calls,
          refused: Number(r.refused),
          failed,
          availability: calls === 0 ? 1 : Math.round((1 - failed / calls) * 1e6) / 1e6,
          meanMs: calls === 0 ? 0 : Math.round((Number(r.latency_sum) / calls) * 1000) / 1000,
          p95Ms: p95,
        };
      });
    },
    async bySubject(subject, limit = 1000) {
      const rows = await run(
        `SELECT id, request_id, time, ovm, agenda, role, ais_id, audit_user_id, purpose, service, service_major, operation, data_items, decision, status, code
         FROM audit_record WHERE subjects @> ARRAY[$1]::text[] ORDER BY time DESC, id DESC LIMIT $2`,
        [subject, limit + 1],
      );
      const uses = rows.slice(0, limit).map((r) => ({
        permitted: r.decision === 'permitted' && r.status < 400,
        use: {
          id: r.id,
          requestId: r.request_id,
          time: new Date(r.time).toISOString(),
          ovm: r.ovm,
          agenda: r.agenda,
          role: r.role,
          ais: r.ais_id,
          auditUserId: r.audit_user_id,
          purpose: r.purpose,
          service: r.service,
          version: r.service_major,
          operation: r.operation,
          dataItems: r.data_items,
          ...(r.code ? { code: r.code } : {}),
        },
      }));
      return {
        subject,
        reads: uses.filter((u) => u.permitted).map((u) => u.use),
        refusals: uses.filter((u) => !u.permitted).map((u) => u.use),
        truncated: rows.length > limit,
      };
    },
    async query(q) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: (p: string) => string, value: unknown): void => {
        params.push(value);
        where.push(sql(`$${params.length}`));
      };
      if (q.scopeAis !== undefined) add((p) => `(ais_id = ${p} OR provider_ais = ${p})`, q.scopeAis);
      if (q.from) add((p) => `time >= ${p}`, q.from.toISOString());
      if (q.to) add((p) => `time < ${p}`, q.to.toISOString());
      if (q.service) add((p) => `service = ${p}`, q.service);
      if (q.agenda) add((p) => `agenda = ${p}`, q.agenda);
      if (q.auditUserId) add((p) => `audit_user_id = ${p}`, q.auditUserId);
      if (q.requestId) add((p) => `request_id = ${p}`, q.requestId);
      if (q.ais !== undefined) add((p) => `ais_id = ${p}`, q.ais);
      if (q.status !== undefined) add((p) => `status = ${p}`, q.status);
      if (q.cursor) {
        const { time, id } = decodeCursor(q.cursor);
        params.push(time, id);
        where.push(`(time, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
      }
      params.push(q.limit + 1);
      const rows = await run(
        `SELECT * FROM audit_record ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY time DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      const page = rows.slice(0, q.limit).map((r) => toView(r, q.scopeAis === undefined));
      const last = page[page.length - 1];
      return rows.length > q.limit && last ? { records: page, next: encodeCursor(last.time, last.id) } : { records: page };
    },
  };
}

function toView(r: Row, operator: boolean): AuditView {
  return {
    id: r.id,
    time: new Date(r.time).toISOString(),
    requestId: r.request_id,
    ais: r.ais_id,
    ovm: r.ovm,
    agenda: r.agenda,
    role: r.role,
    auditUserId: r.audit_user_id,
    purpose: r.purpose,
    service: r.service,
    version: r.service_major,
    operation: r.operation,
    mode: r.mode,
    decision: r.decision,
    legalBasis: r.legal_basis,
    authorisations: r.authorisations,
    dataItems: r.data_items,
    refusedItems: r.refused_items,
    subjects: r.subjects,
    providerAis: r.provider_ais,
    endpoint: r.endpoint,
    status: r.status,
    ...(r.code ? { code: r.code } : {}),
    requestBytes: r.request_bytes,
    responseBytes: r.response_bytes,
    latencyMs: r.latency_ms,
    ...(operator && r.cause !== null ? { cause: r.cause } : {}),
  };
}

function encodeCursor(time: string, id: string): string {
  return Buffer.from(`${time}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { time: string; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (time === undefined || id === undefined || Number.isNaN(Date.parse(time)) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new EgsbError(ErrorCode.REQUEST_INVALID, 'the cursor is not one this bus gave out');
  }
  return { time, id };
}
