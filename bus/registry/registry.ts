/**
 * The registry: public authorities, agendas and their activity roles, which authority exercises
 * which agenda, and agenda information systems with their credentials. Every write is one
 * transaction; references to unknown codes are refused with the code named.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EgsbError, ErrorCode } from '../../contracts/index.ts';
import type { Db, Queryable } from '../storage/index.ts';
import { AisState } from './schemas.ts';
import { bumpGeneration } from './generation.ts';

export interface Ovm {
  readonly code: string;
  readonly name: string;
  readonly agendas: readonly string[];
}

export interface Agenda {
  readonly code: string;
  readonly name: string;
  readonly roles: readonly { readonly code: string; readonly name: string }[];
}

export interface Contact {
  readonly name: string;
  readonly email?: string;
  readonly phone?: string;
  readonly role?: string;
}

export interface Ais {
  readonly id: number;
  readonly name: string;
  readonly operatorOvm: string;
  readonly actsFor: readonly string[];
  readonly agendas: readonly string[];
  readonly state: AisState;
  readonly contacts: readonly Contact[];
  readonly callbackUrl?: string;
  readonly rateLimit?: RateLimitInput;
}

/** Calls per second and burst; absent: the bus's default. */
export interface RateLimitInput {
  readonly perSecond: number;
  readonly burst: number;
}

export interface AisInput {
  readonly name: string;
  readonly operatorOvm: string;
  readonly actsFor?: readonly string[];
  readonly agendas?: readonly string[];
  readonly state?: AisState;
  readonly contacts?: readonly Contact[];
  /** Where the bus pushes this AIS's finished asynchronous results; null or absent for none. */
  readonly callbackUrl?: string | null;
  /** This AIS's rate; null or absent for the bus's default. */
  readonly rateLimit?: RateLimitInput | null;
}

export interface CredentialInput {
  readonly kind: 'api-key' | 'certificate';
  readonly label?: string;
  readonly fingerprint?: string;
  readonly validFrom?: string;
  readonly validTo?: string;
  /** Seed files may fix a key so that a setup in version control keeps working; otherwise one is made. */
  readonly apiKey?: string;
}

export interface CredentialInfo {
  readonly id: string;
  readonly kind: 'api-key' | 'certificate';
  readonly label: string | null;
  readonly validFrom: string;
  readonly validTo: string | null;
}

export interface Registry {
  putOvm(code: string, input: { name: string; agendas?: readonly string[] }): Promise<Ovm>;
  getOvm(code: string): Promise<Ovm>;
  listOvms(): Promise<Ovm[]>;
  putAgenda(code: string, input: { name: string; roles?: Agenda['roles'] }): Promise<Agenda>;
  getAgenda(code: string): Promise<Agenda>;
  listAgendas(): Promise<Agenda[]>;
  putAis(id: number, input: AisInput): Promise<Ais>;
  getAis(id: number): Promise<Ais>;
  listAis(): Promise<Ais[]>;
  addCredential(aisId: number, input: CredentialInput): Promise<CredentialInfo & { apiKey?: string }>;
  listCredentials(aisId: number): Promise<CredentialInfo[]>;
  removeCredential(aisId: number, id: string): Promise<void>;
}

export function digestSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newApiKey(aisId: number): string {
  return `egsb_${aisId}_${randomBytes(24).toString('base64url')}`;
}

export function createRegistry({ db }: { db: Db }): Registry {
  return {
    async putOvm(code, { name, agendas }) {
      await db.transaction(async function putOvmTx(tx) {
        await bumpGeneration(tx);
        await tx.query(
          `INSERT INTO ovm (code, name) VALUES ($1, $2)
           ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, updated_at = now()`,
          [code, name],
        );
        if (agendas !== undefined) {
          await requireAll(tx, 'agenda', 'code', agendas, 'agenda');
          await tx.query('DELETE FROM ovm_agenda WHERE ovm_code = $1', [code]);
          await tx.query('INSERT INTO ovm_agenda (ovm_code, agenda_code) SELECT $1, unnest($2::text[])', [code, agendas]);
        }
      });
      return this.getOvm(code);
    },

    async getOvm(code) {
      const [row] = await db.query<{ code: string; name: string; agendas: string[] }>(
        `SELECT o.code, o.name, COALESCE(array_agg(oa.agenda_code ORDER BY oa.agenda_code) FILTER (WHERE oa.agenda_code IS NOT NULL), '{}') AS agendas
         FROM ovm o LEFT JOIN ovm_agenda oa ON oa.ovm_code = o.code WHERE o.code = $1 GROUP BY o.code`,
        [code],
      );
      if (row === undefined) throw notFound(`OVM ${code} is not registered`);
      return row;
    },

    async listOvms() {
      return db.query<Ovm>(
        `SELECT o.code, o.name, COALESCE(array_agg(oa.agenda_code ORDER BY oa.agenda_code) FILTER (WHERE oa.agenda_code IS NOT NULL), '{}') AS agendas
         FROM ovm o LEFT JOIN ovm_agenda oa ON oa.ovm_code = o.code GROUP BY o.code ORDER BY o.code`,
      );
    },

    async putAgenda(code, { name, roles }) {
      await db.transaction(async function putAgendaTx(tx) {
        await bumpGeneration(tx);
        await tx.query(
          `INSERT INTO agenda (code, name) VALUES ($1, $2)
           ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, updated_at = now()`,
          [code, name],
        );
        if (roles === undefined) return;
        const taken = await tx.query<{ code: string; agenda_code: string }>(
          'SELECT code, agenda_code FROM activity_role WHERE code = ANY($1::text[]) AND agenda_code <> $2',
          [roles.map((r) => r.code), code],
        );
        if (taken[0] !== undefined) {
          throw new EgsbError(ErrorCode.CONFLICT, `activity role ${taken[0].code} belongs to agenda ${taken[0].agenda_code}`);
        }
        await tx.query('DELETE FROM activity_role WHERE agenda_code = $1 AND NOT (code = ANY($2::text[]))', [
          code,
          roles.map((r) => r.code),
        ]);
        for (const role of roles) {
          await tx.query(
            `INSERT INTO activity_role (code, agenda_code, name) VALUES ($1, $2, $3)
             ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name`,
            [role.code, code, role.name],
          );
        }
      });
      return this.getAgenda(code);
    },

    async getAgenda(code) {
      const [agenda] = await db.query<{ code: string; name: string }>('SELECT code, name FROM agenda WHERE code = $1', [code]);
      if (agenda === undefined) throw notFound(`agenda ${code} is not registered`);
      const roles = await db.query<{ code: string; name: string }>(
        'SELECT code, name FROM activity_role WHERE agenda_code = $1 ORDER BY code',
        [code],
      );
      return { ...agenda, roles };
    },

    async listAgendas() {
      const agendas = await db.query<{ code: string; name: string }>('SELECT code, name FROM agenda ORDER BY code');
      const roles = await db.query<{ code: string; name: string; agenda_code: string }>(
        'SELECT code, name, agenda_code FROM activity_role ORDER BY code',
      );
      return agendas.map((a) => ({ ...a, roles: roles.filter((r) => r.agenda_code === a.code).map(({ code, name }) => ({ code, name })) }));
    },

    async putAis(id, input) {
      await db.transaction(async function putAisTx(tx) {
        await bumpGeneration(tx);
        await requireAll(tx, 'ovm', 'code', [input.operatorOvm], 'operator OVM');
        await tx.query(
          `INSERT INTO ais (id, name, operator_ovm, state, contacts, callback_url, rate_per_second, rate_burst)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
           ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, operator_ovm = EXCLUDED.operator_ovm,
             state = EXCLUDED.state, contacts = EXCLUDED.contacts, callback_url = EXCLUDED.callback_url,
             rate_per_second = EXCLUDED.rate_per_second, rate_burst = EXCLUDED.rate_burst, updated_at = now()`,
          [
            id,
            input.name,
            input.operatorOvm,
            input.state ?? AisState.ACTIVE,
            JSON.stringify(input.contacts ?? []),
            input.callbackUrl ?? null,
            input.rateLimit?.perSecond ?? null,
            input.rateLimit?.burst ?? null,
          ],
        );
        if (input.actsFor !== undefined) {
          await requireAll(tx, 'ovm', 'code', input.actsFor, 'OVM');
          await tx.query('DELETE FROM ais_ovm WHERE ais_id = $1', [id]);
          await tx.query('INSERT INTO ais_ovm (ais_id, ovm_code) SELECT $1, unnest($2::text[])', [id, input.actsFor]);
        }
        if (input.agendas !== undefined) {
          await requireAll(tx, 'agenda', 'code', input.agendas, 'agenda');
          await tx.query('DELETE FROM ais_agenda WHERE ais_id = $1', [id]);
          await tx.query('INSERT INTO ais_agenda (ais_id, agenda_code) SELECT $1, unnest($2::text[])', [id, input.agendas]);
        }
      });
      return this.getAis(id);
    },

    async getAis(id) {
      const [row] = await db.query<AisRow>(`${AIS_SELECT} WHERE a.id = $1`, [id]);
      if (row === undefined) throw notFound(`AIS ${id} is not registered`);
      return toAis(row);
    },

    async listAis() {
      return (await db.query<AisRow>(`${AIS_SELECT} ORDER BY a.id`)).map(toAis);
    },

    async addCredential(aisId, input) {
      await this.getAis(aisId);
      const validFrom = input.validFrom ?? new Date().toISOString();
      if (input.validTo !== undefined && Date.parse(input.validTo) <= Date.parse(validFrom)) {
        throw new EgsbError(ErrorCode.REQUEST_INVALID, 'validTo must be later than validFrom');
      }
      let apiKey: string | undefined;
      let digest: string;
      if (input.kind === 'api-key') {
        apiKey = input.apiKey ?? newApiKey(aisId);
        if (apiKey.length < 24) throw new EgsbError(ErrorCode.REQUEST_INVALID, 'an API key must be at least 24 characters');
        digest = digestSecret(apiKey);
      } else {
        if (input.fingerprint === undefined)
          throw new EgsbError(ErrorCode.REQUEST_INVALID, 'a certificate credential needs its SHA-256 fingerprint');
        digest = input.fingerprint.replace(/:/g, '').toLowerCase();
      }
      const id = randomUUID();
      try {
        await db.transaction(async function addCredentialTx(tx) {
          await tx.query(
            'INSERT INTO ais_credential (id, ais_id, kind, digest, label, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5, $6, $7)',
            [id, aisId, input.kind, digest, input.label ?? null, validFrom, input.validTo ?? null],
          );
          await bumpGeneration(tx);
        });
      } catch (error) {
        if (pgCode(error) === '23505') throw new EgsbError(ErrorCode.CONFLICT, 'this credential is already registered', { cause: error });
        throw error;
      }
      const info: CredentialInfo = {
        id,
        kind: input.kind,
        label: input.label ?? null,
        validFrom: new Date(validFrom).toISOString(),
        validTo: input.validTo ? new Date(input.validTo).toISOString() : null,
      };
      // A key given in a seed is the operator's already; only a made one is shown, once.
      return apiKey !== undefined && input.apiKey === undefined ? { ...info, apiKey } : info;
    },

    async listCredentials(aisId) {
      await this.getAis(aisId);
      const rows = await db.query<{
        id: string;
        kind: 'api-key' | 'certificate';
        label: string | null;
        valid_from: Date;
        valid_to: Date | null;
      }>('SELECT id, kind, label, valid_from, valid_to FROM ais_credential WHERE ais_id = $1 ORDER BY created_at', [aisId]);
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        label: r.label,
        validFrom: iso(r.valid_from),
        validTo: r.valid_to ? iso(r.valid_to) : null,
      }));
    },

    async removeCredential(aisId, id) {
      await db.transaction(async function removeCredentialTx(tx) {
        const removed = await tx.query('DELETE FROM ais_credential WHERE ais_id = $1 AND id::text = $2 RETURNING id', [aisId, id]);
        if (removed.length === 0) throw notFound(`AIS ${aisId} has no credential ${id}`);
        await bumpGeneration(tx);
      });
    },
  };
}

const AIS_SELECT = `SELECT a.id, a.name, a.operator_ovm, a.state, a.contacts, a.callback_url, a.rate_per_second, a.rate_burst,
  COALESCE((SELECT array_agg(ovm_code ORDER BY ovm_code) FROM ais_ovm WHERE ais_id = a.id), '{}') AS acts_for,
  COALESCE((SELECT array_agg(agenda_code ORDER BY agenda_code) FROM ais_agenda WHERE ais_id = a.id), '{}') AS agendas
  FROM ais a`;

interface AisRow {
  id: number;
  name: string;
  operator_ovm: string;
  state: AisState;
  contacts: Contact[];
  callback_url: string | null;
  rate_per_second: number | null;
  rate_burst: number | null;
  acts_for: string[];
  agendas: string[];
}

function toAis(row: AisRow): Ais {
  return {
    id: row.id,
    name: row.name,
    operatorOvm: row.operator_ovm,
    actsFor: row.acts_for,
    agendas: row.agendas,
    state: row.state,
    contacts: row.contacts,
    ...(row.callback_url !== null ? { callbackUrl: row.callback_url } : {}),
    ...(row.rate_per_second !== null && row.rate_burst !== null
      ? { rateLimit: { perSecond: row.rate_per_second, burst: row.rate_burst } }
      : {}),
  };
}

async function requireAll(tx: Queryable, table: 'ovm' | 'agenda', column: string, codes: readonly string[], what: string): Promise<void> {
  if (codes.length === 0) return;
  const found = await tx.query<{ code: string }>(`SELECT ${column} AS code FROM ${table} WHERE ${column} = ANY($1::text[])`, [codes]);
  const known = new Set(found.map((r) => r.code.trim()));
  const missing = codes.filter((c) => !known.has(c));
  if (missing.length > 0) throw new EgsbError(ErrorCode.REQUEST_INVALID, `unknown ${what}: ${missing.join(', ')}`);
}

function notFound(detail: string): EgsbError {
  return new EgsbError(ErrorCode.NOT_FOUND, detail);
}

export function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
