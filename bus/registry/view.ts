/**
 * What the call path needs from the registry, held in memory and indexed: credentials by digest,
 * AIS with the OVMs and agendas they may use, which OVM exercises which agenda, which agenda a role
 * belongs to, the published service versions, the legal authorisations and approved accesses. The
 * database stays the truth: each instance polls the registry's generation number and reloads when
 * another instance (or this one) changed anything, so a call costs map lookups, not queries.
 */
import { createAuthorisationIndex, type AuthorisationIndex } from './authorisation-index.ts';
import { loadAuthorisations } from './authorisation-store.ts';
import type { Logger } from '../../contracts/index.ts';
import type { AisState } from './schemas.ts';
import { readGeneration } from './generation.ts';
import type { ServiceStore, ServiceVersion } from './service-store.ts';
import type { Db } from '../storage/index.ts';
import { loadSources, type Source } from './sources.ts';

export interface CredentialEntry {
  readonly aisId: number;
  readonly kind: 'api-key' | 'certificate';
  readonly validFrom: number;
  readonly validTo: number;
}

export interface AisEntry {
  readonly id: number;
  readonly state: AisState;
  readonly actsFor: ReadonlySet<string>;
  readonly agendas: ReadonlySet<string>;
  /** Where finished asynchronous results are pushed. */
  readonly callbackUrl?: string;
  /** The operator's rate for this AIS; absent: the bus's default. */
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number };
}

export interface RegistrySnapshot {
  readonly generation: number;
  readonly credentials: ReadonlyMap<string, CredentialEntry>;
  readonly ais: ReadonlyMap<number, AisEntry>;
  readonly ovmAgendas: ReadonlyMap<string, ReadonlySet<string>>;
  /** Activity role → its agenda. */
  readonly roleAgenda: ReadonlyMap<string, string>;
  /** `code/vMajor` → the published version. */
  readonly services: ReadonlyMap<string, ServiceVersion>;
  /** Legal authorisations, indexed for decisions. */
  readonly authorisations: AuthorisationIndex;
  /** Sources of data items by code, with their owners. */
  readonly sources: ReadonlyMap<string, Source>;
  /** `service|ais` of every approved access to a restricted service. */
  readonly approvedAccess: ReadonlySet<string>;
}

export interface RegistryView {
  current(): RegistrySnapshot;
  /** Reloads now if the generation moved; writers call it so their own change is seen at once. */
  refresh(): Promise<void>;
  close(): void;
}

/** The key of an approved access in `RegistrySnapshot.approvedAccess`. */
export function accessKey(service: string, aisId: number): string {
  return `${service}|${aisId}`;
}

export function serviceKey(code: string, major: number): string {
  return `${code}/v${major}`;
}

export async function createRegistryView({
  db,
  store,
  logger,
  pollMs = 500,
}: {
  db: Db;
  store: ServiceStore;
  logger: Logger;
  pollMs?: number;
}): Promise<RegistryView> {
  let snapshot = await loadSnapshot(db, store);
  let loading: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    if (loading) return loading;
    loading = (async function reloadIfChanged() {
      try {
        const generation = await readGeneration(db);
        if (generation !== snapshot.generation) snapshot = await loadSnapshot(db, store);
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  }

  const timer = setInterval(() => {
    refresh().catch((error: unknown) => logger.warn('registry reload failed; serving the last snapshot', { error: String(error) }));
  }, pollMs);
  timer.unref();

  return {
    current: () => snapshot,
    refresh,
    close: () => clearInterval(timer),
  };
}

async function loadSnapshot(db: Db, store: ServiceStore): Promise<RegistrySnapshot> {
  // Read the generation first: a write landing during the load raises it again and is picked up next time.
  const generation = await readGeneration(db);
  const [credentials, ais, links, agendas, ovmAgendas, roles, services, authorisations, access, sources] = await Promise.all([
    db.query<{
      digest: string;
      ais_id: number;
      kind: 'api-key' | 'certificate';
      valid_from: Date | string;
      valid_to: Date | string | null;
    }>('SELECT digest, ais_id, kind, valid_from, valid_to FROM ais_credential'),
    db.query<{ id: number; state: AisState; callback_url: string | null; rate_per_second: number | null; rate_burst: number | null }>(
      'SELECT id, state, callback_url, rate_per_second, rate_burst FROM ais',
    ),
    db.query<{ ais_id: number; ovm_code: string }>('SELECT ais_id, ovm_code FROM ais_ovm'),
    db.query<{ ais_id: number; agenda_code: string }>('SELECT ais_id, agenda_code FROM ais_agenda'),
    db.query<{ ovm_code: string; agenda_code: string }>('SELECT ovm_code, agenda_code FROM ovm_agenda'),
    db.query<{ code: string; agenda_code: string }>('SELECT code, agenda_code FROM activity_role'),
    store.list(),
    loadAuthorisations(db),
    db.query<{ service_code: string; reader_ais: number }>("SELECT service_code, reader_ais FROM access_request WHERE state = 'approved'"),
    loadSources(db),
  ]);
  const aisMap = new Map<number, AisEntry & { actsFor: Set<string>; agendas: Set<string> }>();
  for (const row of ais)
    aisMap.set(row.id, {
      id: row.id,
      state: row.state,
      actsFor: new Set(),
      agendas: new Set(),
      ...(row.callback_url !== null ? { callbackUrl: row.callback_url } : {}),
      ...(row.rate_per_second !== null && row.rate_burst !== null
        ? { rateLimit: { perSecond: row.rate_per_second, burst: row.rate_burst } }
        : {}),
    });
  for (const row of links) aisMap.get(row.ais_id)?.actsFor.add(row.ovm_code.trim());
  for (const row of agendas) aisMap.get(row.ais_id)?.agendas.add(row.agenda_code);
  const ovmMap = new Map<string, Set<string>>();
  for (const row of ovmAgendas) {
    const code = row.ovm_code.trim();
    const set = ovmMap.get(code) ?? new Set<string>();
    set.add(row.agenda_code);
    ovmMap.set(code, set);
  }
  return {
    generation,
    sources: new Map(sources.map((s) => [s.code, s])),
    credentials: new Map(
      credentials.map((c) => [
        c.digest,
        {
          aisId: c.ais_id,
          kind: c.kind,
          validFrom: new Date(c.valid_from).getTime(),
          validTo: c.valid_to === null ? Infinity : new Date(c.valid_to).getTime(),
        },
      ]),
    ),
    ais: aisMap,
    ovmAgendas: ovmMap,
    roleAgenda: new Map(roles.map((r) => [r.code, r.agenda_code])),
    services: new Map(services.map((v) => [serviceKey(v.code, v.major), v])),
    authorisations: createAuthorisationIndex(authorisations),
    approvedAccess: new Set(access.map((a) => accessKey(a.service_code, a.reader_ais))),
  };
}
