/**
 * Legal authorisations in the database: one at a time through the operator API, or thousands at once
 * from a file in one transaction with a report of what changed. Every write checks the authorisation
 * against the registry (agenda, its roles, the source's published services and their data items) and
 * raises the registry generation, so every bus instance reloads its index.
 */
import { EgsbError, ErrorCode, type ErrorEntry } from '../../contracts/index.ts';
import { bumpGeneration } from './generation.ts';
import type { Db, Queryable } from '../storage/index.ts';

export const ALL = '*';

export interface AuthorisationInput {
  readonly agenda: string;
  readonly roles: readonly string[] | typeof ALL;
  readonly source: string;
  readonly services: readonly string[] | typeof ALL;
  readonly dataItems: readonly string[];
  readonly legalBasis: string;
  /** `YYYY-MM-DD`, inclusive, in the Europe/Prague calendar. */
  readonly validFrom: string;
  readonly validTo?: string;
}

export interface Authorisation extends AuthorisationInput {
  readonly id: string;
}

export interface ImportReport {
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly unchanged: number;
  readonly removed: readonly string[];
}

export interface AuthorisationFilter {
  readonly agenda?: string;
  readonly role?: string;
  readonly source?: string;
}

export interface AuthorisationStore {
  put(id: string, input: AuthorisationInput): Promise<{ created: boolean; authorisation: Authorisation }>;
  get(id: string): Promise<Authorisation>;
  list(filter?: AuthorisationFilter): Promise<Authorisation[]>;
  remove(id: string): Promise<void>;
  /** All in one transaction; with `replace`, stored authorisations the list does not name are removed. */
  importMany(list: readonly Authorisation[], options?: { replace?: boolean }): Promise<ImportReport>;
}

interface Row {
  id: string;
  agenda_code: string;
  roles: string[];
  source: string;
  services: string[];
  data_items: string[];
  legal_basis: string;
  valid_from: string | Date;
  valid_to: string | Date | null;
}

const COLUMNS =
  'id, agenda_code, roles, source, services, data_items, legal_basis, valid_from::text AS valid_from, valid_to::text AS valid_to';

export function authorisationOfRow(r: Row): Authorisation {
  const list = (values: string[]): readonly string[] | typeof ALL => (values.length === 1 && values[0] === ALL ? ALL : values);
  return {
    id: r.id,
    agenda: r.agenda_code,
    roles: list(r.roles),
    source: r.source,
    services: list(r.services),
    dataItems: r.data_items,
    legalBasis: r.legal_basis,
    validFrom: String(r.valid_from).slice(0, 10),
    ...(r.valid_to === null ? {} : { validTo: String(r.valid_to).slice(0, 10) }),
  };
}

export async function loadAuthorisations(q: Queryable): Promise<Authorisation[]> {
  return (await q.query<Row>(`SELECT ${COLUMNS} FROM authorisation ORDER BY id`)).map(authorisationOfRow);
}

/** What an authorisation is checked against: the registry and the published services. */
interface CheckData {
  readonly agendaRoles: Map<string, Set<string>>;
  /** Source → service code → declared items. */
  readonly sources: Map<string, Map<string, Set<string>>>;
}

async function checkData(q: Queryable): Promise<CheckData> {
  // One after another: `q` may be a transaction's single connection, which runs one query at a time.
  const roles = await q.query<{ code: string; agenda_code: string }>('SELECT code, agenda_code FROM activity_role');
  const agendas = await q.query<{ code: string }>('SELECT code FROM agenda');
  const versions = await q.query<{ service_code: string; manifest: { source: string; dataItems?: { name: string }[] } | string }>(
    'SELECT service_code, manifest FROM service_version',
  );
  const agendaRoles = new Map<string, Set<string>>(agendas.map((a) => [a.code, new Set<string>()]));
  for (const r of roles) agendaRoles.get(r.agenda_code)?.add(r.code);
  const sources = new Map<string, Map<string, Set<string>>>();
  for (const v of versions) {
    const manifest =
      typeof v.manifest === 'string' ? (JSON.parse(v.manifest) as { source: string; dataItems?: { name: string }[] }) : v.manifest;
    const services = sources.get(manifest.source) ?? new Map<string, Set<string>>();
    const items = services.get(v.service_code) ?? new Set<string>();
    for (const item of manifest.dataItems ?? []) items.add(item.name);
    services.set(v.service_code, items);
    sources.set(manifest.source, services);
  }
  return { agendaRoles, sources };
}

function problemsOf(a: AuthorisationInput, data: CheckData, at: string): ErrorEntry[] {
  const problems: ErrorEntry[] = [];
  const add = (field: string, rule: string, message: string): void => {
    problems.push({ location: `${at}/${field}`, rule, message });
  };
  const roles = data.agendaRoles.get(a.agenda);
  if (roles === undefined) add('agenda', 'registered', `agenda ${a.agenda} is not registered`);
  else if (a.roles !== ALL) {
    for (const role of a.roles)
      if (!roles.has(role)) add('roles', 'in-agenda', `activity role ${role} does not belong to agenda ${a.agenda}`);
  }
  if (!isDay(a.validFrom)) add('validFrom', 'date', `${a.validFrom} is not a calendar day`);
  if (a.validTo !== undefined && !isDay(a.validTo)) add('validTo', 'date', `${a.validTo} is not a calendar day`);
  if (a.validTo !== undefined && a.validTo < a.validFrom)
    add('validTo', 'after-validFrom', `validTo ${a.validTo} is before validFrom ${a.validFrom}`);
  const services = data.sources.get(a.source);
  if (services === undefined) {
    add('source', 'published', `no published service has source ${a.source}, so it declares no data items to authorise`);
    return problems;
  }
  const covered = new Set<string>();
  const named = a.services === ALL ? [...services.keys()] : a.services;
  for (const code of named) {
    const items = services.get(code);
    if (items === undefined) add('services', 'of-source', `service ${code} is not a published service of source ${a.source}`);
    else for (const item of items) covered.add(item);
  }
  for (const item of a.dataItems) {
    if (!covered.has(item))
      add(
        'dataItems',
        'declared',
        `data item ${item} is not declared by ${a.services === ALL ? `any service of ${a.source}` : `the services ${a.services.join(', ')}`}`,
      );
  }
  return problems;
}

function isDay(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function refuse(problems: ErrorEntry[]): EgsbError {
  const first = problems[0];
  return new EgsbError(
    ErrorCode.REQUEST_INVALID,
    `the authorisation is refused: ${first?.message ?? ''}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    {
      errors: problems.slice(0, 100),
    },
  );
}

const listOf = (value: readonly string[] | typeof ALL): string[] => (value === ALL ? [ALL] : [...value]);

async function upsert(tx: Queryable, id: string, a: AuthorisationInput): Promise<'created' | 'updated' | 'unchanged'> {
  const params = [
    id,
    a.agenda,
    listOf(a.roles),
    a.source,
    listOf(a.services),
    [...a.dataItems],
    a.legalBasis,
    a.validFrom,
    a.validTo ?? null,
  ];
  const [row] = await tx.query<{ inserted: boolean; changed: boolean }>(
    `WITH old AS (SELECT * FROM authorisation WHERE id = $1),
     up AS (
       INSERT INTO authorisation (id, agenda_code, roles, source, services, data_items, legal_basis, valid_from, valid_to)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET agenda_code = $2, roles = $3, source = $4, services = $5, data_items = $6, legal_basis = $7,
         valid_from = $8, valid_to = $9, updated_at = now()
       WHERE (authorisation.agenda_code, authorisation.roles, authorisation.source, authorisation.services, authorisation.data_items,
              authorisation.legal_basis, authorisation.valid_from, authorisation.valid_to)
         IS DISTINCT FROM ($2, $3::text[], $4, $5::text[], $6::text[], $7, $8::date, $9::date)
       RETURNING id)
     SELECT NOT EXISTS (SELECT 1 FROM old) AS inserted, EXISTS (SELECT 1 FROM up) AS changed`,
    params,
  );
  if (row?.inserted) return 'created';
  return row?.changed ? 'updated' : 'unchanged';
}

export function createAuthorisationStore({ db }: { db: Db }): AuthorisationStore {
  return {
    async put(id, input) {
      return db.transaction(async (tx) => {
        const problems = problemsOf(input, await checkData(tx), '');
        if (problems.length > 0) throw refuse(problems);
        const outcome = await upsert(tx, id, input);
        if (outcome !== 'unchanged') await bumpGeneration(tx);
        const [row] = await tx.query<Row>(`SELECT ${COLUMNS} FROM authorisation WHERE id = $1`, [id]);
        return { created: outcome === 'created', authorisation: authorisationOfRow(row as Row) };
      });
    },
    async get(id) {
      const [row] = await db.query<Row>(`SELECT ${COLUMNS} FROM authorisation WHERE id = $1`, [id]);
      if (row === undefined) throw new EgsbError(ErrorCode.NOT_FOUND, `no authorisation ${id}`);
      return authorisationOfRow(row);
    },
    async list({ agenda, role, source } = {}) {
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM authorisation
         WHERE ($1::text IS NULL OR agenda_code = $1) AND ($2::text IS NULL OR $2 = ANY (roles) OR '*' = ANY (roles)) AND ($3::text IS NULL OR source = $3)
         ORDER BY id LIMIT 10000`,
        [agenda ?? null, role ?? null, source ?? null],
      );
      return rows.map(authorisationOfRow);
    },
    async remove(id) {
      await db.transaction(async (tx) => {
        const removed = await tx.query('DELETE FROM authorisation WHERE id = $1 RETURNING id', [id]);
        if (removed.length === 0) throw new EgsbError(ErrorCode.NOT_FOUND, `no authorisation ${id}`);
        await bumpGeneration(tx);
      });
    },
    async importMany(list, { replace = false } = {}) {
      const seen = new Set<string>();
      const duplicates = list.filter((a) => seen.has(a.id) || !seen.add(a.id)).map((a) => a.id);
      if (duplicates.length > 0)
        throw new EgsbError(ErrorCode.REQUEST_INVALID, `the file names authorisation ${duplicates[0]} more than once`);
      return db.transaction(async (tx) => {
        const data = await checkData(tx);
        const problems = list.flatMap((a, i) => problemsOf(a, data, `/authorisations/${i}`));
        if (problems.length > 0) throw refuse(problems);
        const created: string[] = [];
        const updated: string[] = [];
        let unchanged = 0;
        for (const a of list) {
          const outcome = await upsert(tx, a.id, a);
          if (outcome === 'created') created.push(a.id);
          else if (outcome === 'updated') updated.push(a.id);
          else unchanged++;
        }
        let removed: string[] = [];
        if (replace) {
          const rows = await tx.query<{ id: string }>('DELETE FROM authorisation WHERE NOT (id = ANY ($1::text[])) RETURNING id', [
            [...seen],
          ]);
          removed = rows.map((r) => r.id).sort();
        }
        if (created.length + updated.length + removed.length > 0) await bumpGeneration(tx);
        return { created, updated, unchanged, removed };
      });
    },
  };
}
