/**
 * The legal-authorisation engine: after the registry checks, a restricted service needs approved
 * access; then some authorisation valid today (Europe/Prague) must cover the agenda, role and
 * service; the permitted items are the union of the valid ones' items among those the service
 * declares. Deny by default, and every refusal says why in words a person can act on.
 */
import { EgsbError, ErrorCode } from '../../contracts/index.ts';
import type { Authorisation, RegistrySnapshot, RegistryView, ServiceVersion } from '../registry/index.ts';
import { hasAccess } from './access.ts';
import type { AuthorisationEngine, Permission } from './checks.ts';
import { pragueDay } from './prague-day.ts';

export function isValidOn(a: Authorisation, day: string): boolean {
  return a.validFrom <= day && (a.validTo === undefined || day <= a.validTo);
}

export interface Explanation {
  /** The covering authorisations valid on the day. */
  readonly valid: readonly Authorisation[];
  /** The covering ones that are not (not yet, or no longer). */
  readonly notValid: readonly Authorisation[];
  /** The declared items the valid ones allow. */
  readonly permitted: readonly string[];
}

/**
 * Which authorisations cover an agenda and role for a service, which of them hold on a day, and the
 * declared items they permit: the rule the engine decides calls by and `/authorisations/effective`
 * explains them with.
 */
export function explainAuthorisations(
  snapshot: RegistrySnapshot,
  agenda: string,
  role: string,
  service: ServiceVersion,
  declared: readonly string[],
  day: string,
): Explanation {
  const covering = snapshot.authorisations.covering(agenda, role, service.code, service.manifest.source);
  const valid = covering.filter((a) => isValidOn(a, day));
  const allowed = new Set<string>();
  for (const a of valid) for (const item of a.dataItems) allowed.add(item);
  return { valid, notValid: covering.filter((a) => !isValidOn(a, day)), permitted: declared.filter((item) => allowed.has(item)) };
}

export function createLegalEngine(view: RegistryView): AuthorisationEngine {
  // What a covering list permits on a day, for a service's declared items: the same for every call
  // until the day turns or the index is rebuilt (a new index makes new covering lists).
  const memo = new WeakMap<readonly Authorisation[], { day: string; byDeclared: Map<readonly string[], Permission> }>();
  return {
    permit({ aisId, context, service, declared, at }) {
      const snapshot = view.current();
      if (!hasAccess(snapshot, service, aisId)) {
        throw new EgsbError(
          ErrorCode.ACCESS_NOT_APPROVED,
          `${service.code} is a restricted service and AIS ${aisId} has no approved access: ask for it with POST /access-requests, the service's owner (AIS ${service.ownerAis}) approves`,
        );
      }
      const source = service.manifest.source;
      // A service counts as its source's only when the source's owner published it (services published
      // before sources had owners, or since the source changed hands, are refused here too).
      const registered = snapshot.sources.get(source);
      if (registered === undefined || registered.ownerAis !== service.ownerAis) {
        throw new EgsbError(
          ErrorCode.NOT_AUTHORISED,
          `${service.code} claims source ${source}, which ${registered === undefined ? 'is not registered' : `belongs to AIS ${registered.ownerAis}, not to its publisher AIS ${service.ownerAis}`}; no authorisation of that source covers it`,
        );
      }
      const covering = snapshot.authorisations.covering(context.agenda, context.role, service.code, source);
      const day = pragueDay(at.getTime());
      let entry = memo.get(covering);
      if (entry === undefined || entry.day !== day) {
        entry = { day, byDeclared: new Map() };
        memo.set(covering, entry);
      }
      const known = entry.byDeclared.get(declared);
      if (known !== undefined) return known;
      const { valid, permitted } = explainAuthorisations(snapshot, context.agenda, context.role, service, declared, day);
      if (valid.length === 0)
        throw new EgsbError(
          ErrorCode.NOT_AUTHORISED,
          notAuthorisedDetail(covering, context.agenda, context.role, service.code, source, day),
        );
      const permission: Permission = {
        permitted,
        legalBasis: [...new Set(valid.map((a) => a.legalBasis))],
        authorisations: valid.map((a) => a.id),
      };
      if (entry.byDeclared.size < 64) entry.byDeclared.set(declared, permission);
      return permission;
    },
  };
}

function notAuthorisedDetail(
  covering: readonly Authorisation[],
  agenda: string,
  role: string,
  service: string,
  source: string,
  day: string,
): string {
  const subject = `agenda ${agenda}, role ${role}`;
  if (covering.length === 0) return `no authorisation lets ${subject} read source ${source} through service ${service}`;
  const reasons = covering.map((a) =>
    a.validTo !== undefined && a.validTo < day ? `${a.id} expired on ${a.validTo}` : `${a.id} is valid only from ${a.validFrom}`,
  );
  return `no authorisation valid on ${day} lets ${subject} read ${source} through ${service}: ${reasons.join('; ')}`;
}
