/**
 * The legal-authorisation engine: after the registry checks, a restricted service needs approved
 * access; then some authorisation valid today (Europe/Prague) must cover the agenda, role and
 * service; the permitted items are the union of the valid ones' items among those the service
 * declares. Deny by default, and every refusal says why in words a person can act on.
 */
import { EgsbError, ErrorCode, Visibility } from '../../contracts/index.ts';
import { accessKey, type Authorisation, type RegistryView } from '../registry/index.ts';
import type { AuthorisationEngine, Permission } from './checks.ts';
import { pragueDay } from './prague-day.ts';

export function isValidOn(a: Authorisation, day: string): boolean {
  return a.validFrom <= day && (a.validTo === undefined || day <= a.validTo);
}

export function createLegalEngine(view: RegistryView): AuthorisationEngine {
  // What a covering list permits on a day, for a service's declared items: the same for every call
  // until the day turns or the index is rebuilt (a new index makes new covering lists).
  const memo = new WeakMap<readonly Authorisation[], { day: string; byDeclared: Map<readonly string[], Permission> }>();
  return {
    permit({ aisId, context, service, declared, at }) {
      const snapshot = view.current();
      if (service.manifest.visibility === Visibility.RESTRICTED && !snapshot.approvedAccess.has(accessKey(service.code, aisId))) {
        throw new EgsbError(
          ErrorCode.ACCESS_NOT_APPROVED,
          `${service.code} is a restricted service and AIS ${aisId} has no approved access: ask for it with POST /access-requests, the service's owner (AIS ${service.ownerAis}) approves`,
        );
      }
      const source = service.manifest.source;
      const covering = snapshot.authorisations.covering(context.agenda, context.role, service.code, source);
      const day = pragueDay(at.getTime());
      let entry = memo.get(covering);
      if (entry === undefined || entry.day !== day) {
        entry = { day, byDeclared: new Map() };
        memo.set(covering, entry);
      }
      const known = entry.byDeclared.get(declared);
      if (known !== undefined) return known;
      const valid = covering.filter((a) => isValidOn(a, day));
      if (valid.length === 0) throw new EgsbError(ErrorCode.NOT_AUTHORISED, notAuthorisedDetail(covering, context.agenda, context.role, service.code, source, day));
      const allowed = new Set<string>();
      for (const a of valid) for (const item of a.dataItems) allowed.add(item);
      const permission: Permission = {
        permitted: declared.filter((item) => allowed.has(item)),
        legalBasis: [...new Set(valid.map((a) => a.legalBasis))],
        authorisations: valid.map((a) => a.id),
      };
      if (entry.byDeclared.size < 64) entry.byDeclared.set(declared, permission);
      return permission;
    },
  };
}

function notAuthorisedDetail(covering: readonly Authorisation[], agenda: string, role: string, service: string, source: string, day: string): string {
  const subject = `agenda ${agenda}, role ${role}`;
  if (covering.length === 0) return `no authorisation lets ${subject} read source ${source} through service ${service}`;
  const reasons = covering.map((a) => (a.validTo !== undefined && a.validTo < day ? `${a.id} expired on ${a.validTo}` : `${a.id} is valid only from ${a.validFrom}`));
  return `no authorisation valid on ${day} lets ${subject} read ${source} through ${service}: ${reasons.join('; ')}`;
}
