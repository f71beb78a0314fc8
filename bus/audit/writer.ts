/**
 * The audit writer: one record per call, made durable before the call's answer is released. Records
 * that arrive while a write is in flight wait and go together in the next one (group commit): under
 * load one INSERT carries hundreds of calls, at rest a call waits for its own single-row write.
 * When a write fails or takes too long, every call in it is refused with EGSB_AUDIT_UNAVAILABLE.
 */
import { EgsbError, ErrorCode, type CheckedCall } from '../../contracts/index.ts';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../storage/index.ts';
import { checkpointText, GENESIS, linkHash, type RecordRow, type SigningKey } from './chain.ts';
import { acceptTicketsSql, acceptedRow, type Acceptance } from '../tickets/index.ts';

export const Decision = { PERMITTED: 'permitted', REFUSED: 'refused' } as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

export interface AuditRecord {
  readonly id: string;
  readonly time: Date;
  readonly requestId: string;
  readonly aisId?: number;
  readonly ovm?: string;
  readonly agenda?: string;
  readonly role?: string;
  readonly auditUserId?: string;
  readonly purpose?: string;
  readonly service?: string;
  readonly serviceMajor?: number;
  readonly operation?: string;
  readonly protocol?: string;
  readonly mode: 'sync' | 'async';
  readonly decision: Decision;
  readonly legalBasis: readonly string[];
  readonly authorisations: readonly string[];
  readonly dataItems: readonly string[];
  readonly refusedItems: readonly string[];
  readonly subjects: readonly string[];
  readonly providerAis?: number;
  readonly endpoint?: string;
  readonly status: number;
  readonly code?: string;
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly latencyMs: number;
  /** Why the delivery failed, technically; never shown to the reader. */
  readonly cause?: string;
}

/** The fields of an audit record that the checked call gives: the same for acceptance and completion. */
export function checkedFields(call: CheckedCall) {
  const { context } = call;
  return {
    requestId: call.requestId,
    aisId: call.aisId,
    ovm: context.ovm,
    agenda: context.agenda,
    role: context.role,
    auditUserId: context.userId,
    ...(context.purpose !== undefined ? { purpose: context.purpose } : {}),
    service: call.service,
    serviceMajor: call.major,
    operation: call.operation,
    protocol: call.protocol,
    decision: Decision.PERMITTED,
    legalBasis: call.legalBasis,
    authorisations: call.authorisations,
    dataItems: call.effective,
    refusedItems: call.refused,
    subjects: call.subjects,
    ...(call.providerAis !== undefined ? { providerAis: call.providerAis } : {}),
  } satisfies Partial<AuditRecord>;
}

export interface AuditWriter {
  /**
   * Resolves once the record is committed; rejects with EGSB_AUDIT_UNAVAILABLE when it cannot be. An
   * asynchronous call's ticket, when given, commits in the same statement: accepted and on record
   * together, or neither.
   */
  write(record: AuditRecord, ticket?: Acceptance): Promise<void>;
  /** Waits for everything queued so far. */
  drain(): Promise<void>;
  /** False while the latest write failed and none has committed since: a call then need not reach its provider. */
  healthy(): boolean;
  /** Signs the current chain's head now, if records came since the last checkpoint. */
  checkpoint(): Promise<void>;
  readonly stats: { batches: number; records: number; failures: number; checkpoints: number };
}

export interface AuditWriterOptions {
  readonly db: Db;
  readonly maxBatch?: number;
  /** A write that has not committed by then counts as failed. */
  readonly timeoutMs?: number;
  readonly onBatch?: (size: number, seconds: number, ok: boolean) => void;
  /** Signs the chain's head at checkpoints; without it records are chained but not signed. */
  readonly signer?: SigningKey;
  /** Names this writer in its chains (host and process). */
  readonly writerName?: string;
  /** A checkpoint after this many records (or `checkpointMs`, whichever comes first). */
  readonly checkpointEvery?: number;
  readonly checkpointMs?: number;
  /** Told when a checkpoint could not be written (the records stay chained; the next one covers them). */
  readonly onCheckpointError?: (error: unknown) => void;
}

interface Waiting {
  readonly record: AuditRecord;
  readonly ticket: Acceptance | undefined;
  resolve(): void;
  reject(error: unknown): void;
}

const COLUMNS = `id uuid, time timestamptz, request_id text, ais_id integer, ovm text, agenda text, role text,
  audit_user_id text, purpose text, service text, service_major integer, operation text, protocol text, mode text,
  decision text, legal_basis text[], authorisations text[], data_items text[], refused_items text[], subjects text[],
  provider_ais integer, endpoint text, status integer, code text, request_bytes integer, response_bytes integer,
  latency_ms double precision, cause text, chain text, seq bigint, prev_hash text, hash text`;
const NAMES = COLUMNS.split(',')
  .map((c) => c.trim().split(/\s+/)[0])
  .join(', ');
/** Upper bounds (ms) of the latency buckets of the daily aggregate; the last one takes the rest. */
export const DAILY_LATENCY_BUCKETS_MS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, Infinity];
const LATENCY_COLUMNS = DAILY_LATENCY_BUCKETS_MS.map((_, i) => `l${i}`);
// One statement: the batch travels as a JSON array and PostgreSQL unpacks it. The
// daily per-service figures move in the same statement, so they never disagree with the records;
// the writer sums the batch itself, and the statement only adds its few rows.
const BATCH = `batch AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${COLUMNS}))`;
const DAILY_COLUMNS = `day date, service text, version integer, calls bigint, refused bigint, failed bigint, latency_sum double precision, ${LATENCY_COLUMNS.map((c) => `${c} bigint`).join(', ')}`;
const DAILY_NAMES = DAILY_COLUMNS.split(',')
  .map((c) => c.trim().split(/\s+/)[0])
  .join(', ');
const daily = (param: string): string => `daily AS (
  INSERT INTO audit_daily (${DAILY_NAMES}) SELECT ${DAILY_NAMES} FROM jsonb_to_recordset(${param}::jsonb) AS d(${DAILY_COLUMNS})
  ON CONFLICT (day, service, version) DO UPDATE SET calls = audit_daily.calls + EXCLUDED.calls,
    refused = audit_daily.refused + EXCLUDED.refused, failed = audit_daily.failed + EXCLUDED.failed,
    latency_sum = audit_daily.latency_sum + EXCLUDED.latency_sum,
    ${LATENCY_COLUMNS.map((c) => `${c} = audit_daily.${c} + EXCLUDED.${c}`).join(', ')})`;

/** The batch's calls per day and published service, with latency buckets. */
function dailyRows(records: readonly AuditRecord[]): Record<string, unknown>[] {
  const rows = new Map<string, Record<string, number | string>>();
  for (const r of records) {
    if (r.service === undefined || r.serviceMajor === undefined) continue;
    const day = r.time.toISOString().slice(0, 10);
    const key = `${day} ${r.service} ${r.serviceMajor}`;
    let row = rows.get(key);
    if (row === undefined) {
      row = { day, service: r.service.slice(0, 64), version: r.serviceMajor, calls: 0, refused: 0, failed: 0, latency_sum: 0 };
      for (const c of LATENCY_COLUMNS) row[c] = 0;
      rows.set(key, row);
    }
    row.calls = (row.calls as number) + 1;
    if (r.status >= 400 && r.status < 500) row.refused = (row.refused as number) + 1;
    if (r.status >= 500) row.failed = (row.failed as number) + 1;
    row.latency_sum = (row.latency_sum as number) + r.latencyMs;
    const bucket = DAILY_LATENCY_BUCKETS_MS.findIndex((upper) => r.latencyMs <= upper);
    const column = `l${bucket === -1 ? DAILY_LATENCY_BUCKETS_MS.length - 1 : bucket}`;
    row[column] = (row[column] as number) + 1;
  }
  return [...rows.values()];
}
const INSERT = `INSERT INTO audit_record (${NAMES}) SELECT ${NAMES} FROM batch`;

/**
 * Where this writer's chain stands. A chain begins with its first batch (the chain row goes in the
 * same statement) and ends when a batch fails: whether a timed-out write committed after all is not
 * known, so the next batch starts a new chain rather than risk two records in one place.
 */
interface ChainHead {
  readonly id: string;
  seq: number;
  hash: string;
  started: boolean;
}

export function createAuditWriter({
  db,
  maxBatch = 1000,
  timeoutMs = 5000,
  onBatch,
  signer,
  writerName = `${hostname()}:${process.pid}`,
  checkpointEvery = 1000,
  checkpointMs = 60_000,
  onCheckpointError,
}: AuditWriterOptions): AuditWriter {
  const queue: Waiting[] = [];
  let running: Promise<void> | undefined;
  const stats = { batches: 0, records: 0, failures: 0, checkpoints: 0 };
  let failing = false;
  let chain: ChainHead | undefined;
  let signed = { chain: '', seq: 0, at: performance.now() };
  let keyRegistered = false;

  /** Signs the head of the current chain, if it moved since the last checkpoint. */
  async function checkpoint(): Promise<void> {
    const head = chain;
    if (signer === undefined || head === undefined || !head.started) return;
    if (signed.chain === head.id && signed.seq >= head.seq) return;
    const at = new Date().toISOString();
    const mark = { chain: head.id, seq: head.seq, hash: head.hash, at };
    try {
      if (!keyRegistered) {
        await db.query('INSERT INTO audit_key (id, public_key) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [signer.id, signer.publicKey]);
        keyRegistered = true;
      }
      await db.query(
        'INSERT INTO audit_checkpoint (chain, seq, hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
        [mark.chain, mark.seq, mark.hash, at, signer.id, signer.sign(checkpointText(mark))],
      );
      signed = { chain: head.id, seq: head.seq, at: performance.now() };
      stats.checkpoints++;
    } catch (error) {
      onCheckpointError?.(error);
    }
  }

  async function writeBatch(batch: Waiting[]): Promise<void> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`audit write did not commit within ${timeoutMs} ms`)), timeoutMs);
      });
      const head: ChainHead = chain ?? { id: `c${randomBytes(8).toString('hex')}`, seq: 0, hash: GENESIS, started: false };
      let { seq, hash } = head;
      const rows = JSON.stringify(
        batch.map((w) => {
          const row = toRow(w.record);
          const prev = hash;
          hash = linkHash(prev, row);
          // Set in place, not spread into a copy: the row keeps its shape, and a batch of hundreds costs less.
          row.chain = head.id;
          row.seq = ++seq;
          row.prev_hash = prev;
          row.hash = hash;
          return row;
        }),
      );
      const tickets = batch.flatMap((w) => (w.ticket ? [acceptedRow(w.ticket)] : []));
      const params: unknown[] = [rows];
      const ctes: string[] = [BATCH];
      const days = dailyRows(batch.map((w) => w.record));
      if (days.length > 0) {
        params.push(JSON.stringify(days));
        ctes.push(daily(`$${params.length}`));
      }
      if (tickets.length > 0) {
        params.push(JSON.stringify(tickets));
        ctes.push(`accepted AS (${acceptTicketsSql(`$${params.length}`)})`);
      }
      if (!head.started) {
        params.push(head.id, writerName.slice(0, 200));
        ctes.push(`new_chain AS (INSERT INTO audit_chain (id, writer) VALUES ($${params.length - 1}, $${params.length}))`);
      }
      // One of eight texts (daily figures, tickets, a new chain: each there or not), prepared once per connection.
      const write = db.query(`WITH ${ctes.join(', ')} ${INSERT}`, params, { prepared: true });
      await Promise.race([write, timeout]);
      chain = Object.assign(head, { seq, hash, started: true });
      stats.batches++;
      stats.records += batch.length;
      failing = false;
      onBatch?.(batch.length, (performance.now() - started) / 1000, true);
      for (const w of batch) w.resolve();
    } catch (cause) {
      stats.failures += batch.length;
      failing = true;
      chain = undefined;
      onBatch?.(batch.length, (performance.now() - started) / 1000, false);
      const error = new EgsbError(
        ErrorCode.AUDIT_UNAVAILABLE,
        'the audit record of this call could not be made durable, so the call is refused',
        { cause },
      );
      for (const w of batch) w.reject(error);
    } finally {
      clearTimeout(timer);
    }
  }

  async function run(): Promise<void> {
    while (queue.length > 0) {
      // Let the calls whose answers are already in finish first and join this commit; with the
      // embedded database a commit blocks the event loop, so nothing could join it otherwise.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await writeBatch(queue.splice(0, maxBatch));
      const head = chain;
      if (
        head !== undefined &&
        (head.id !== signed.chain || head.seq - signed.seq >= checkpointEvery || performance.now() - signed.at >= checkpointMs)
      )
        await checkpoint();
    }
    running = undefined;
  }

  return {
    stats,
    write(record, ticket) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ record, ticket, resolve, reject });
        running ??= run();
      });
    },
    healthy: () => !failing,
    async drain() {
      while (running) await running;
      await checkpoint();
    },
    checkpoint: async () => {
      while (running) await running;
      await checkpoint();
    },
  };
}

/**
 * Every recorded text is capped, whoever sent it: a record costs a bounded number of bytes even when
 * the request was refused for being hostile. Control characters are stored escaped (`\u001b`), never
 * raw; PostgreSQL text holds neither NUL nor lone surrogates.
 */
function clean(value: string | undefined, max: number): string | null {
  if (value === undefined) return null;
  const capped = value.length > max ? `${value.slice(0, max)}…` : value;
  return capped.toWellFormed().replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function cleanAll(values: readonly string[], count: number, max: number): string[] {
  return values.slice(0, count).map((v) => clean(v, max) ?? '');
}

/** A record as the batch carries it: the chained columns, then its place in the chain (set by the writer). */
type BatchRow = RecordRow & { chain: string | null; seq: number | null; prev_hash: string | null; hash: string | null };

function toRow(r: AuditRecord): BatchRow {
  return {
    id: r.id,
    time: r.time.toISOString(),
    request_id: clean(r.requestId, 128),
    ais_id: r.aisId ?? null,
    ovm: clean(r.ovm, 32),
    agenda: clean(r.agenda, 32),
    role: clean(r.role, 32),
    audit_user_id: clean(r.auditUserId, 256),
    purpose: clean(r.purpose, 1024),
    service: clean(r.service, 64),
    service_major: r.serviceMajor ?? null,
    operation: clean(r.operation, 128),
    protocol: clean(r.protocol, 16),
    mode: r.mode,
    decision: r.decision,
    legal_basis: cleanAll(r.legalBasis, 100, 512),
    authorisations: cleanAll(r.authorisations, 1000, 128),
    data_items: cleanAll(r.dataItems, 1000, 64),
    refused_items: cleanAll(r.refusedItems, 1000, 64),
    subjects: cleanAll(r.subjects, 100, 256),
    provider_ais: r.providerAis ?? null,
    endpoint: clean(r.endpoint, 2048),
    status: r.status,
    code: clean(r.code, 64),
    request_bytes: r.requestBytes,
    response_bytes: r.responseBytes,
    latency_ms: r.latencyMs,
    cause: clean(r.cause, 1024),
    chain: null,
    seq: null,
    prev_hash: null,
    hash: null,
  };
}
