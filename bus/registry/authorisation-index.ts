/**
 * Authorisations held in memory for the call path, indexed by agenda and role, so that a decision
 * costs a few map lookups however many authorisations exist. Which authorisations cover (agenda,
 * role, service, source) does not depend on the day, so it is cached; validity is checked per call.
 */
import { ALL, type Authorisation } from './authorisation-store.ts';

export interface AuthorisationIndex {
  readonly size: number;
  /** The authorisations that name this agenda and role (or all roles) for this service of this source, valid or not. */
  covering(agenda: string, role: string, service: string, source: string): readonly Authorisation[];
  /** Every authorisation of an agenda naming the role (or all roles), for explaining. */
  ofAgendaRole(agenda: string, role: string): readonly Authorisation[];
}

const MAX_CACHED = 100_000;

export function createAuthorisationIndex(list: readonly Authorisation[]): AuthorisationIndex {
  const byAgendaRole = new Map<string, Authorisation[]>();
  for (const a of list) {
    for (const role of a.roles === ALL ? [ALL] : a.roles) {
      const key = `${a.agenda}|${role}`;
      const entries = byAgendaRole.get(key);
      if (entries) entries.push(a);
      else byAgendaRole.set(key, [a]);
    }
  }
  const cache = new Map<string, readonly Authorisation[]>();
  const ofAgendaRole = (agenda: string, role: string): readonly Authorisation[] => [
    ...(byAgendaRole.get(`${agenda}|${role}`) ?? []),
    ...(byAgendaRole.get(`${agenda}|${ALL}`) ?? []),
  ];
  return {
    size: list.length,
    ofAgendaRole,
    covering(agenda, role, service, source) {
      const key = `${agenda}|${role}|${service}|${source}`;
      let found = cache.get(key);
      if (found === undefined) {
        found = ofAgendaRole(agenda, role).filter((a) => a.source === source && (a.services === ALL || a.services.includes(service)));
        if (cache.size >= MAX_CACHED) cache.clear();
        cache.set(key, found);
      }
      return found;
    },
  };
}
