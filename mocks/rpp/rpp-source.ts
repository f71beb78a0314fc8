/**
 * Where the RPP mock reads agendas and authorisations: the registry the bus enforces. Under
 * `npm start` that is the bus's own registry; `npm run mocks` alone reads the seed file the bus
 * would load.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ErrorCode, isEgsbError } from '../../contracts/index.ts';

export interface RppAgenda {
  readonly code: string;
  readonly name: string;
  readonly roles: readonly { readonly code: string; readonly name: string }[];
  readonly ovms: readonly string[];
}

export interface RppAuthorisation {
  readonly id: string;
  readonly source: string;
  /** Activity roles, or `*` for all roles of the agenda. */
  readonly roles: readonly string[] | '*';
  readonly services: readonly string[] | '*';
  readonly dataItems: readonly string[];
  readonly legalBasis: string;
  readonly validFrom: string;
  readonly validTo?: string;
}

/** An AIS as RPP knows it: the agendas it serves and the OVMs it acts for. */
export interface RppAis {
  readonly id: number;
  readonly agendas: readonly string[];
  readonly actsFor: readonly string[];
}

export interface RppSource {
  agenda(code: string): Promise<RppAgenda | undefined>;
  /** The codes of every agenda registered. */
  agendaCodes(): Promise<readonly string[]>;
  /** The authorisations of an agenda that name this role (or all roles). */
  authorisations(agenda: string, role: string): Promise<readonly RppAuthorisation[]>;
  /** The AIS in operation (blocked or suspended ones are left out). */
  aisList(): Promise<readonly RppAis[]>;
}

interface SeedShape {
  agendas?: { code: string; name: string; roles?: { code: string; name: string }[] }[];
  ovms?: { code: string; agendas?: string[] }[];
  ais?: { id: number; agendas?: string[]; actsFor?: string[] }[];
  authorisations?: (Omit<RppAuthorisation, 'id'> & { id?: string; agenda: string })[];
}

/** Reads the seed file once; the RPP of a mocks-only run is what the bus would load. */
export async function seedRppSource(file: string): Promise<RppSource> {
  const text = await readFile(file, 'utf8');
  const seed = (/\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 })) as SeedShape;
  const agendas = new Map<string, RppAgenda>();
  for (const a of seed.agendas ?? []) {
    const ovms = (seed.ovms ?? []).filter((o) => o.agendas?.includes(a.code)).map((o) => o.code);
    agendas.set(a.code, { code: a.code, name: a.name, roles: a.roles ?? [], ovms });
  }
  const authorisations = (seed.authorisations ?? []).map((a, i) => ({ ...a, id: a.id ?? `seed-${i + 1}` }));
  const ais = (seed.ais ?? []).map((a) => ({ id: a.id, agendas: a.agendas ?? [], actsFor: a.actsFor ?? [] }));
  return {
    agenda: async (code) => agendas.get(code),
    agendaCodes: async () => [...agendas.keys()],
    authorisations: async (agenda, role) =>
      authorisations.filter((a) => a.agenda === agenda && (a.roles === '*' || a.roles.includes(role))),
    aisList: async () => ais,
  };
}

/** The part of the bus's registry the RPP mock reads. */
export interface RegistryReader {
  getAgenda(code: string): Promise<{ code: string; name: string; roles: readonly { code: string; name: string }[] }>;
  listAgendas(): Promise<readonly { code: string }[]>;
  listOvms(): Promise<readonly { code: string; agendas: readonly string[] }[]>;
  listAis(): Promise<readonly { id: number; agendas: readonly string[]; actsFor: readonly string[]; state: string }[]>;
}

/** RPP over the bus's own registry (`npm start`): what RPP answers is what the bus enforces. */
export function registryRppSource(registry: RegistryReader, authorisations: RppSource['authorisations'] = async () => []): RppSource {
  return {
    async agenda(code) {
      // Only "not registered" means an unknown agenda; a storage failure must surface, not read as one.
      const agenda = await registry.getAgenda(code).catch((error: unknown) => {
        if (isEgsbError(error) && error.code === ErrorCode.NOT_FOUND) return undefined;
        throw error;
      });
      if (agenda === undefined) return undefined;
      const ovms = (await registry.listOvms()).filter((o) => o.agendas.includes(code)).map((o) => o.code);
      return { code: agenda.code, name: agenda.name, roles: agenda.roles.map((r) => ({ code: r.code, name: r.name })), ovms };
    },
    agendaCodes: async () => (await registry.listAgendas()).map((a) => a.code),
    authorisations,
    aisList: async () =>
      (await registry.listAis()).filter((a) => a.state === 'active').map((a) => ({ id: a.id, agendas: a.agendas, actsFor: a.actsFor })),
  };
}
