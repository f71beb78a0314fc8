/**
 * Tickets of asynchronous calls in PostgreSQL: accepted → queued, claimed by a dispatcher → running,
 * then succeeded (with the filtered result) or failed (with the reason). The first finishing write
 * wins; a ticket already finished is never claimed again, which is what makes a JetStream redelivery
 * harmless. Writes are group-committed: thousands of calls a second share a few statements.
 */
import { createHash } from 'node:crypto';
import type { CheckedCall } from '../../contracts/index.ts';
import { type Db, groupCommit } from '../storage/index.ts';

export const TicketStatus = { QUEUED: 'queued', RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', EXPIRED: 'expired' } as const;
export type TicketStatus = (typeof TicketStatus)[keyof typeof TicketStatus];

const OPEN: readonly TicketStatus[] = [TicketStatus.QUEUED, TicketStatus.RUNNING];

export interface AcceptedTicket {
  readonly ticket: string;
  readonly requestId: string;
  readonly aisId: number;
  readonly service: string;
  readonly major: number;
  readonly operation: string;
  readonly protocol: string;
  readonly createdAt: Date;
}

/** A ticket as acceptance records it: with the checked call, the body for the provider, and the call's digest. */
export interface Acceptance extends AcceptedTicket {
  readonly call: CheckedCall;
  readonly body: Uint8Array;
  /** Names the call a request id was used for: the same id with another call is refused. */
  readonly digest: string;
}

export interface TicketResult {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export interface Ticket extends AcceptedTicket {
  readonly status: TicketStatus;
  readonly attempts: number;
  readonly startedAt?: Date;
  readonly completedAt?: Date;
  readonly expiresAt?: Date;
  readonly error?: { readonly code: string; readonly detail: string };
  readonly result?: TicketResult;
  readonly callbackDone: boolean;
}

/** What a dispatcher finds when it claims a ticket for delivery: the call to deliver comes from the row. */
export type Claim =
  | {
      readonly kind: 'claimed';
      readonly attempt: number;
      readonly previous: 'queued' | 'running';
      readonly call: CheckedCall;
      readonly body: Uint8Array;
    }
  | { readonly kind: 'finished'; readonly aisId: number }
  /** Being delivered by another dispatcher, recently enough that it may still finish. */
  | { readonly kind: 'busy' }
  /** No such ticket: it was never accepted here (or has long expired). */
  | { readonly kind: 'unknown' };

export type Outcome =
  | { readonly status: 'succeeded'; readonly result: TicketResult }
  | { readonly status: 'failed'; readonly code: string; readonly detail: string };

export interface ListOptions {
  readonly status?: readonly TicketStatus[];
  readonly limit: number;
  /** Cursor: tickets created after this one. */
  readonly after?: string;
}

export interface PendingCount {
  readonly service: string;
  readonly major: number;
  readonly queued: number;
  readonly running: number;
  readonly failed: number;
  readonly oldestPendingAt?: Date;
}

export interface TicketStore {
  /** Takes a queued call for delivery, loading what to deliver from the ticket row. */
  claim(ticket: string): Promise<Claim>;
  /**
   * Tickets waiting in `queued` with nothing happening for `idleMs`: their message never reached
   * JetStream (the publish failed after the row committed) or was lost with a stream.
   */
  idleQueued(idleMs: number, limit: number): Promise<{ ticket: string; service: string; major: number }[]>;
  /**
   * Puts a queued or failed ticket back in the queue for another round of deliveries (the operator's
   * retry); the ticket's service when it did, else the status that kept it from it.
   */
  requeue(ticket: string): Promise<{ service: string; major: number } | { status: TicketStatus | 'unknown' }>;
  /** The digest of the call a ticket was accepted for, if the ticket exists. */
  digestOf(ticket: string): Promise<string | undefined>;
  /** Puts a running ticket back in the queue after a delivery that may be retried. */
  release(ticket: string, reason: { code: string; detail: string }, countAttempt: boolean): Promise<void>;
  /** True when this write finished the ticket, false when it was already finished. */
  finish(ticket: string, outcome: Outcome, ttlMs: number): Promise<boolean>;
  get(ticket: string): Promise<Ticket | undefined>;
  list(aisId: number, options: ListOptions): Promise<Ticket[]>;
  callbackDone(ticket: string): Promise<void>;
  pending(): Promise<PendingCount[]>;
  /** Drops result bodies past their time and rows a retention past that; returns rows touched. */
  expire(ttlMs: number): Promise<number>;
  /**
   * The reader is done with finished tickets (ISZR's IszrAsyncSmazatFrontu): their results go now and
   * they read as expired; the rows stay for the retention, so their request ids cannot be used again.
   * `all` takes every finished ticket of the AIS. Returns the tickets taken.
   */
  discard(aisId: number, tickets: readonly string[] | 'all'): Promise<string[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isTicket(value: string): boolean {
  return UUID.test(value);
}

/**
 * A ticket is named by its submitter and request id: sending the same request id again names the same
 * ticket, and JetStream drops the second message as a duplicate.
 */
export function ticketOf(aisId: number, requestId: string): string {
  const h = createHash('sha256').update(`${aisId}\n${requestId}`, 'utf8').digest('hex');
  // Shaped as a UUID of version 8 (custom), variant 10.
  const variant = ((parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface Row {
  ticket: string;
  request_id: string;
  ais_id: number;
  service: string;
  service_major: number;
  operation: string;
  protocol: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  attempts: number;
  created_at: Date | string;
  started_at: Date | string | null;
  completed_at: Date | string | null;
  expires_at: Date | string | null;
  error_code: string | null;
  error_detail: string | null;
  result_status: number | null;
  result_content_type: string | null;
  result_headers: Record<string, string> | null;
  result_body: Uint8Array | null;
  callback_done_at: Date | string | null;
}

const SELECT = `SELECT ticket::text, request_id, ais_id, service, service_major, operation, protocol, status, attempts, created_at,
  started_at, completed_at, expires_at, error_code, error_detail, result_status, result_content_type, result_headers, result_body, callback_done_at
  FROM async_call`;

/** Records accepted tickets given as a JSON array (of `acceptedRow`s) in parameter `param`. */
export function acceptTicketsSql(param: string): string {
  return `INSERT INTO async_call (ticket, request_id, ais_id, service, service_major, operation, protocol, status, created_at, call, body, call_digest)
  SELECT ticket, request_id, ais_id, service, service_major, operation, protocol, 'queued', created_at, call, decode(body, 'base64'), call_digest
  FROM jsonb_to_recordset(${param}::jsonb) AS x(ticket uuid, request_id text, ais_id integer, service text, service_major integer,
    operation text, protocol text, created_at timestamptz, call jsonb, body text, call_digest text)
  ON CONFLICT (ticket) DO NOTHING`;
}

// CLAIM, RELEASE and FINISH (a batch joined to the table) are not prepared: with CLAIM and FINISH
// prepared, delivery fell from 2.4k to 1.7k completed calls/s (bench:async), most likely because
// PostgreSQL's generic plan for the join is worse than one planned for the batch at hand.
//
// CLAIM locks the rows, moves the open ones to running, and tells each ticket what it was before.
// A running ticket is taken over only once its delivery has gone stale ($2 ms): until then another
// instance may still be delivering it, and the message is offered again later.
const CLAIM = `WITH x AS (SELECT DISTINCT ticket FROM jsonb_to_recordset($1::jsonb) AS x(ticket uuid)),
  old AS (SELECT c.ticket, c.status, c.started_at < now() - $2 * interval '1 millisecond' AS stale
    FROM async_call c JOIN x USING (ticket) FOR UPDATE OF c),
  upd AS (UPDATE async_call c SET status = 'running', attempts = c.attempts + 1, started_at = now()
    FROM old WHERE c.ticket = old.ticket AND (old.status = 'queued' OR (old.status = 'running' AND old.stale))
    RETURNING c.ticket, c.attempts)
  SELECT old.ticket::text, old.status, upd.attempts, c.ais_id, c.call, c.body
  FROM old LEFT JOIN upd USING (ticket) JOIN async_call c ON c.ticket = old.ticket`;

const RELEASE = `UPDATE async_call c SET status = 'queued', attempts = c.attempts - CASE WHEN x.count THEN 0 ELSE 1 END,
    error_code = x.code, error_detail = x.detail
  FROM jsonb_to_recordset($1::jsonb) AS x(ticket uuid, code text, detail text, count boolean)
  WHERE c.ticket = x.ticket AND c.status = 'running'`;

const FINISH = `UPDATE async_call c SET status = x.status, completed_at = now(), expires_at = now() + x.ttl_ms * interval '1 millisecond',
    error_code = x.code, error_detail = x.detail, result_status = x.result_status, result_content_type = x.content_type,
    result_headers = x.headers, result_body = decode(x.body, 'base64')
  FROM jsonb_to_recordset($1::jsonb) AS x(ticket uuid, status text, ttl_ms bigint, code text, detail text, result_status integer,
    content_type text, headers jsonb, body text)
  WHERE c.ticket = x.ticket AND c.status IN ('queued', 'running')
  RETURNING c.ticket::text`;

export interface TicketStoreOptions {
  readonly db: Db;
  /** How long a running delivery may go without finishing before another dispatcher takes it over. */
  readonly runningStaleMs?: number;
}

export function createTicketStore({ db, runningStaleMs = 60_000 }: TicketStoreOptions): TicketStore {
  const claim = groupCommit<string, Claim>(async (batch) => {
    const valid = batch.filter(isTicket);
    const rows =
      valid.length === 0
        ? []
        : await db.query<{
            ticket: string;
            status: string;
            attempts: number | null;
            ais_id: number;
            call: CheckedCall | null;
            body: Uint8Array | null;
          }>(CLAIM, [JSON.stringify(valid.map((ticket) => ({ ticket }))), runningStaleMs]);
    const found = new Map(rows.map((r) => [r.ticket, r]));
    const seen = new Set<string>();
    return batch.map((ticket): Claim => {
      const row = found.get(ticket);
      if (row === undefined) return { kind: 'unknown' };
      if (row.attempts === null && (row.status === 'queued' || row.status === 'running')) return { kind: 'busy' };
      // The same ticket twice in one batch: only the first gets it.
      if (row.attempts === null || seen.has(ticket)) return { kind: 'finished', aisId: row.ais_id };
      seen.add(ticket);
      // A ticket from before the row held its call cannot be delivered from the row: it fails as such.
      if (row.call === null || row.body === null) return { kind: 'unknown' };
      return {
        kind: 'claimed',
        attempt: row.attempts,
        previous: row.status === 'running' ? 'running' : 'queued',
        call: row.call,
        body: row.body,
      };
    });
  });

  // Every asynchronous call asks whether its request id is taken: under load one query answers hundreds.
  const digestOf = groupCommit<string, string | undefined>(async (batch) => {
    const rows = await db.query<{ ticket: string; call_digest: string | null }>(
      'SELECT ticket::text, call_digest FROM async_call WHERE ticket = ANY($1::uuid[])',
      [[...new Set(batch)]],
      { prepared: true },
    );
    const found = new Map(rows.map((r) => [r.ticket, r.call_digest ?? '']));
    return batch.map((ticket) => found.get(ticket));
  });

  const release = groupCommit<{ ticket: string; code: string; detail: string; count: boolean }, void>(async (batch) => {
    await db.query(RELEASE, [JSON.stringify(batch)]);
    return batch.map(() => undefined);
  });

  const finish = groupCommit<{ ticket: string; outcome: Outcome; ttlMs: number }, boolean>(async (batch) => {
    const rows = batch.map(({ ticket, outcome, ttlMs }) =>
      outcome.status === 'succeeded'
        ? {
            ticket,
            status: outcome.status,
            ttl_ms: ttlMs,
            result_status: outcome.result.status,
            content_type: outcome.result.contentType,
            headers: outcome.result.headers,
            body: Buffer.from(outcome.result.body.buffer, outcome.result.body.byteOffset, outcome.result.body.byteLength).toString(
              'base64',
            ),
          }
        : { ticket, status: outcome.status, ttl_ms: ttlMs, code: outcome.code, detail: outcome.detail },
    );
    const done = new Set((await db.query<{ ticket: string }>(FINISH, [JSON.stringify(rows)])).map((r) => r.ticket));
    // Two outcomes for one ticket in a batch: the statement applied one of them; report it to the first.
    return batch.map(({ ticket }) => done.delete(ticket));
  });

  return {
    claim,
    async idleQueued(idleMs, limit) {
      const rows = await db.query<{ ticket: string; service: string; service_major: number }>(
        `SELECT ticket::text, service, service_major FROM async_call
         WHERE status = 'queued' AND COALESCE(started_at, created_at) < now() - $1 * interval '1 millisecond'
         ORDER BY created_at LIMIT $2`,
        [idleMs, limit],
      );
      return rows.map((r) => ({ ticket: r.ticket, service: r.service, major: r.service_major }));
    },
    async requeue(ticket) {
      if (!isTicket(ticket)) return { status: 'unknown' };
      const [row] = await db.query<{ service: string; service_major: number }>(
        `UPDATE async_call SET status = 'queued', attempts = 0, completed_at = NULL, expires_at = NULL, error_code = NULL,
           error_detail = NULL, started_at = NULL
         WHERE ticket = $1 AND status IN ('queued', 'failed') AND call IS NOT NULL RETURNING service, service_major`,
        [ticket],
      );
      if (row !== undefined) return { service: row.service, major: row.service_major };
      const current = await this.get(ticket);
      return { status: current?.status ?? 'unknown' };
    },
    async digestOf(ticket) {
      return isTicket(ticket) ? digestOf(ticket) : undefined;
    },
    release: (ticket, reason, countAttempt) => release({ ticket, ...reason, count: countAttempt }),
    finish: (ticket, outcome, ttlMs) => finish({ ticket, outcome, ttlMs }),

    async get(ticket) {
      if (!isTicket(ticket)) return undefined;
      const [row] = await db.query<Row>(`${SELECT} WHERE ticket = $1`, [ticket]);
      return row === undefined ? undefined : toTicket(row);
    },

    async list(aisId, { status = OPEN, limit, after }) {
      const stored = status.filter((s) => s !== TicketStatus.EXPIRED);
      const wantsExpired = status.includes(TicketStatus.EXPIRED);
      const params: unknown[] = [aisId, stored, wantsExpired, limit];
      let cursor = '';
      if (after !== undefined && isTicket(after)) {
        params.push(after);
        cursor = `AND (created_at, ticket) > (SELECT created_at, ticket FROM async_call WHERE ticket = $5)`;
      }
      // Results at or past their expiry read as expired, whatever they were.
      const rows = await db.query<Row>(
        `${SELECT} WHERE ais_id = $1 ${cursor}
           AND ((status = ANY($2::text[]) AND (expires_at IS NULL OR expires_at > now())) OR ($3 AND expires_at <= now()))
         ORDER BY created_at, ticket LIMIT $4`,
        params,
      );
      return rows.map(toTicket);
    },

    async callbackDone(ticket) {
      await db.query('UPDATE async_call SET callback_done_at = now() WHERE ticket = $1', [ticket]);
    },

    async pending() {
      const rows = await db.query<{
        service: string;
        service_major: number;
        queued: string;
        running: string;
        failed: string;
        oldest: Date | string | null;
      }>(
        `SELECT service, service_major,
           count(*) FILTER (WHERE status = 'queued') AS queued,
           count(*) FILTER (WHERE status = 'running') AS running,
           count(*) FILTER (WHERE status = 'failed') AS failed,
           min(created_at) FILTER (WHERE status IN ('queued', 'running')) AS oldest
         FROM async_call WHERE status IN ('queued', 'running') OR (status = 'failed' AND expires_at > now())
         GROUP BY service, service_major ORDER BY service, service_major`,
      );
      return rows.map((r) => ({
        service: r.service,
        major: r.service_major,
        queued: Number(r.queued),
        running: Number(r.running),
        failed: Number(r.failed),
        ...(r.oldest !== null ? { oldestPendingAt: new Date(r.oldest) } : {}),
      }));
    },

    async discard(aisId, which) {
      const list = which === 'all' ? null : which.filter(isTicket);
      if (list !== null && list.length === 0) return [];
      const rows = await db.query<{ ticket: string }>(
        `UPDATE async_call SET expires_at = now(), result_body = NULL, result_headers = NULL
         WHERE ais_id = $1 AND status IN ('succeeded', 'failed') AND (expires_at IS NULL OR expires_at > now())
           AND ($2::uuid[] IS NULL OR ticket = ANY($2::uuid[]))
         RETURNING ticket`,
        [aisId, list],
      );
      return rows.map((r) => r.ticket);
    },

    async expire(ttlMs) {
      const cleared = await db.query<{ n: string }>(
        `WITH cleared AS (UPDATE async_call SET result_body = NULL, result_headers = NULL
           WHERE expires_at <= now() AND result_body IS NOT NULL RETURNING 1)
         SELECT count(*) AS n FROM cleared`,
      );
      // An expired ticket still answers "expired" for one more retention period, then is forgotten.
      const dropped = await db.query<{ n: string }>(
        `WITH dropped AS (DELETE FROM async_call WHERE expires_at <= now() - $1 * interval '1 millisecond' RETURNING 1)
         SELECT count(*) AS n FROM dropped`,
        [ttlMs],
      );
      return Number(cleared[0]?.n ?? 0) + Number(dropped[0]?.n ?? 0);
    },
  };
}

export function acceptedRow(t: Acceptance): Record<string, unknown> {
  return {
    ticket: t.ticket,
    request_id: t.requestId,
    ais_id: t.aisId,
    service: t.service,
    service_major: t.major,
    operation: t.operation,
    protocol: t.protocol,
    created_at: t.createdAt.toISOString(),
    call: t.call,
    body: Buffer.from(t.body.buffer, t.body.byteOffset, t.body.byteLength).toString('base64'),
    call_digest: t.digest,
  };
}

function toTicket(r: Row): Ticket {
  const expired = r.expires_at !== null && new Date(r.expires_at).getTime() <= Date.now();
  return {
    ticket: r.ticket,
    requestId: r.request_id,
    aisId: r.ais_id,
    service: r.service,
    major: r.service_major,
    operation: r.operation,
    protocol: r.protocol,
    createdAt: new Date(r.created_at),
    status: expired ? TicketStatus.EXPIRED : r.status,
    attempts: r.attempts,
    ...(r.started_at !== null ? { startedAt: new Date(r.started_at) } : {}),
    ...(r.completed_at !== null ? { completedAt: new Date(r.completed_at) } : {}),
    ...(r.expires_at !== null ? { expiresAt: new Date(r.expires_at) } : {}),
    ...(r.error_code !== null ? { error: { code: r.error_code, detail: r.error_detail ?? '' } } : {}),
    ...(!expired && r.status === 'succeeded' && r.result_body !== null
      ? {
          result: {
            status: r.result_status ?? 200,
            contentType: r.result_content_type ?? 'application/octet-stream',
            headers: r.result_headers ?? {},
            body: r.result_body,
          },
        }
      : {}),
    callbackDone: r.callback_done_at !== null,
  };
}

/** The state document of a ticket (everything but a successful result), as readers see it. */
export function ticketState(t: Ticket): Record<string, unknown> {
  return {
    ticket: t.ticket,
    status: t.status,
    service: t.service,
    version: t.major,
    operation: t.operation,
    requestId: t.requestId,
    createdAt: t.createdAt.toISOString(),
    attempts: t.attempts,
    ...(t.completedAt ? { completedAt: t.completedAt.toISOString() } : {}),
    ...(t.expiresAt ? { expiresAt: t.expiresAt.toISOString() } : {}),
    ...(t.error && t.status !== TicketStatus.SUCCEEDED ? { error: t.error } : {}),
  };
}
