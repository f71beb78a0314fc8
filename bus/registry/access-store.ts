/**
 * Access to restricted services, as the central point of services handles it: a reader AIS asks, the
 * publishing AIS that owns the service approves or rejects, and may later revoke. Every step is kept
 * with who took it and when; approving or revoking raises the registry generation so every instance
 * sees the change.
 */
import { randomUUID } from 'node:crypto';
import { EgsbError, ErrorCode, Visibility } from '../../contracts/index.ts';
import type { Caller } from './identity.ts';
import { bumpGeneration } from './generation.ts';
import type { Db, Queryable } from '../storage/index.ts';

export const AccessState = { REQUESTED: 'requested', APPROVED: 'approved', REJECTED: 'rejected', REVOKED: 'revoked' } as const;
export type AccessState = (typeof AccessState)[keyof typeof AccessState];

export type AccessDecision = 'approve' | 'reject' | 'revoke';

export interface AccessEvent {
  readonly action: AccessState;
  readonly actor: string;
  readonly at: string;
  readonly note?: string;
}

export interface AccessRequest {
  readonly id: string;
  readonly service: string;
  readonly readerAis: number;
  readonly ownerAis: number;
  readonly state: AccessState;
  readonly history: readonly AccessEvent[];
}

export interface AccessStore {
  request(service: string, caller: Caller, note?: string): Promise<AccessRequest>;
  decide(id: string, decision: AccessDecision, caller: Caller, note?: string): Promise<AccessRequest>;
  /** A reader sees its own requests, an owner those for its services, the operator all. */
  list(caller: Caller): Promise<AccessRequest[]>;
  get(id: string, caller: Caller): Promise<AccessRequest>;
}

const TRANSITIONS: Readonly<Record<AccessDecision, { from: AccessState; to: AccessState }>> = {
  approve: { from: AccessState.REQUESTED, to: AccessState.APPROVED },
  reject: { from: AccessState.REQUESTED, to: AccessState.REJECTED },
  revoke: { from: AccessState.APPROVED, to: AccessState.REVOKED },
};

interface Row {
  id: string;
  service_code: string;
  reader_ais: number;
  owner_ais: number;
  state: AccessState;
}

function actorOf(caller: Caller): string {
  if (caller.kind === 'operator') return 'operator';
  if (caller.kind === 'ais') return `ais:${caller.aisId}`;
  throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'access requests need the API key or certificate of an AIS');
}

export function createAccessStore({ db }: { db: Db }): AccessStore {
  /** The requests with these ids and their histories, in two queries whatever their number. */
  const loadMany = async (q: Queryable, ids: readonly string[]): Promise<AccessRequest[]> => {
    if (ids.length === 0) return [];
    const rows = await q.query<Row>(
      'SELECT r.id, r.service_code, r.reader_ais, s.owner_ais, r.state FROM access_request r JOIN service s ON s.code = r.service_code WHERE r.id = ANY ($1::uuid[])',
      [ids],
    );
    const events = await q.query<{ request_id: string; action: AccessState; actor: string; at: Date | string; note: string | null }>(
      'SELECT request_id, action, actor, at, note FROM access_event WHERE request_id = ANY ($1::uuid[]) ORDER BY request_id, seq',
      [ids],
    );
    const histories = new Map<string, AccessEvent[]>();
    for (const e of events) {
      const history = histories.get(e.request_id) ?? [];
      history.push({ action: e.action, actor: e.actor, at: new Date(e.at).toISOString(), ...(e.note === null ? {} : { note: e.note }) });
      histories.set(e.request_id, history);
    }
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row === undefined
        ? []
        : [
            {
              id: row.id,
              service: row.service_code,
              readerAis: row.reader_ais,
              ownerAis: row.owner_ais,
              state: row.state,
              history: histories.get(id) ?? [],
            },
          ];
    });
  };
  const load = async (q: Queryable, id: string): Promise<AccessRequest | undefined> =>
    /^[0-9a-f-]{36}$/.test(id) ? (await loadMany(q, [id]))[0] : undefined;
  const record = async (q: Queryable, id: string, action: AccessState, actor: string, note: string | undefined): Promise<void> => {
    await q.query(
      'INSERT INTO access_event (request_id, seq, action, actor, at, note) VALUES ($1, (SELECT count(*) + 1 FROM access_event WHERE request_id = $1), $2, $3, now(), $4)',
      [id, action, actor, note ?? null],
    );
  };
  const visible = (request: AccessRequest, caller: Caller): boolean =>
    caller.kind === 'operator' || (caller.kind === 'ais' && (caller.aisId === request.readerAis || caller.aisId === request.ownerAis));

  return {
    async request(service, caller, note) {
      const actor = actorOf(caller);
      if (caller.kind !== 'ais') throw new EgsbError(ErrorCode.FORBIDDEN, 'a reader AIS asks for access as itself');
      return db.transaction(async (tx) => {
        const versions = await tx.query<{ visibility: string }>('SELECT visibility FROM service_version WHERE service_code = $1', [
          service,
        ]);
        if (versions.length === 0) throw new EgsbError(ErrorCode.SERVICE_NOT_FOUND, `no service ${service}`);
        if (!versions.some((v) => v.visibility === Visibility.RESTRICTED))
          throw new EgsbError(ErrorCode.REQUEST_INVALID, `${service} is public: it needs no approved access`);
        const id = randomUUID();
        const inserted = await tx.query(
          `INSERT INTO access_request (id, service_code, reader_ais, state, created_at, updated_at) VALUES ($1, $2, $3, 'requested', now(), now())
           ON CONFLICT (service_code, reader_ais) WHERE state IN ('requested', 'approved') DO NOTHING RETURNING id`,
          [id, service, caller.aisId],
        );
        if (inserted.length === 0)
          throw new EgsbError(ErrorCode.CONFLICT, `AIS ${caller.aisId} already has an open or approved request for ${service}`);
        await record(tx, id, AccessState.REQUESTED, actor, note);
        return (await load(tx, id)) as AccessRequest;
      });
    },
    async decide(id, decision, caller, note) {
      const actor = actorOf(caller);
      return db.transaction(async (tx) => {
        const current = await load(tx, id);
        if (current === undefined || !visible(current, caller)) throw new EgsbError(ErrorCode.NOT_FOUND, `no access request ${id}`);
        if (caller.kind === 'ais' && caller.aisId !== current.ownerAis) {
          throw new EgsbError(
            ErrorCode.FORBIDDEN,
            `only the owner of ${current.service} (AIS ${current.ownerAis}) or the operator may ${decision} access to it`,
          );
        }
        const { from, to } = TRANSITIONS[decision];
        if (current.state !== from)
          throw new EgsbError(ErrorCode.CONFLICT, `the request is ${current.state}; only a ${from} request can be ${to}`);
        await tx.query('UPDATE access_request SET state = $2, updated_at = now() WHERE id = $1', [id, to]);
        await record(tx, id, to, actor, note);
        if (to === AccessState.APPROVED || to === AccessState.REVOKED) await bumpGeneration(tx);
        return (await load(tx, id)) as AccessRequest;
      });
    },
    async list(caller) {
      actorOf(caller);
      const rows = await db.query<{ id: string }>(
        `SELECT r.id FROM access_request r JOIN service s ON s.code = r.service_code
         WHERE $1::integer IS NULL OR r.reader_ais = $1 OR s.owner_ais = $1 ORDER BY r.created_at DESC LIMIT 1000`,
        [caller.kind === 'ais' ? caller.aisId : null],
      );
      return loadMany(
        db,
        rows.map((r) => r.id),
      );
    },
    async get(id, caller) {
      actorOf(caller);
      const request = await load(db, id);
      if (request === undefined || !visible(request, caller)) throw new EgsbError(ErrorCode.NOT_FOUND, `no access request ${id}`);
      return request;
    },
  };
}
