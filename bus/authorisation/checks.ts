/**
 * Authorising a call, in the order the RPP model gives: the AIS is active (checked when it was
 * identified), may act for the OVM, the OVM exercises the agenda, the role belongs to the agenda, and
 * the AIS serves the agenda. Then the authorisation engine says which data items the agenda and role
 * may read from the service, and on what legal basis; the effective items are wanted ∩ permitted.
 */
import { type CallContext, EgsbError, ErrorCode } from '../../contracts/index.ts';
import type { RegistrySnapshot, ServiceVersion } from '../registry/index.ts';

export interface AuthorisationRequest {
  readonly aisId: number;
  readonly context: CallContext;
  readonly service: ServiceVersion;
  /** The items the service declares. */
  readonly declared: readonly string[];
  readonly at: Date;
}

export interface Permission {
  /** Items the matching authorisations allow (a subset of the declared ones). */
  readonly permitted: readonly string[];
  readonly legalBasis: readonly string[];
  readonly authorisations: readonly string[];
}

/** The engine behind the last step; the legal-authorisation model plugs in here. */
export interface AuthorisationEngine {
  /** Returns what is permitted, or throws EGSB_NOT_AUTHORISED / EGSB_ACCESS_NOT_APPROVED. */
  permit(request: AuthorisationRequest): Permission;
}

export interface CallDecision extends Permission {
  readonly effective: readonly string[];
  readonly refused: readonly string[];
}

export function authoriseCall(registry: RegistrySnapshot, engine: AuthorisationEngine, request: AuthorisationRequest): CallDecision {
  const { aisId, context } = request;
  const ais = registry.ais.get(aisId);
  if (ais === undefined) throw new EgsbError(ErrorCode.AUTH_INVALID, `AIS ${aisId} is not registered`);
  if (!ais.actsFor.has(context.ovm))
    throw new EgsbError(ErrorCode.AGENDA_NOT_ALLOWED, `AIS ${aisId} is not registered to act for OVM ${context.ovm}`);
  if (!registry.ovmAgendas.get(context.ovm)?.has(context.agenda)) {
    throw new EgsbError(ErrorCode.AGENDA_NOT_ALLOWED, `OVM ${context.ovm} does not exercise agenda ${context.agenda}`);
  }
  const roleAgenda = registry.roleAgenda.get(context.role);
  if (roleAgenda !== context.agenda) {
    throw new EgsbError(
      ErrorCode.AGENDA_NOT_ALLOWED,
      roleAgenda === undefined
        ? `activity role ${context.role} is not registered`
        : `activity role ${context.role} belongs to agenda ${roleAgenda}, not ${context.agenda}`,
    );
  }
  if (!ais.agendas.has(context.agenda))
    throw new EgsbError(ErrorCode.AGENDA_NOT_ALLOWED, `AIS ${aisId} does not serve agenda ${context.agenda}`);

  const permission = engine.permit(request);
  const wanted = context.dataItems ?? request.declared;
  const effective: string[] = [];
  const refused: string[] = [];
  for (const item of wanted) (permission.permitted.includes(item) ? effective : refused).push(item);
  return { ...permission, effective, refused };
}

/** A call with no effective item is refused, whatever the service declares. */
export function requireSomeItem(decision: CallDecision, request: AuthorisationRequest): void {
  // Never an empty set: a provider asked for nothing must not be read as asked for everything.
  if (decision.effective.length === 0) {
    const { agenda, role } = request.context;
    throw new EgsbError(
      ErrorCode.DATA_ITEMS_NOT_AUTHORISED,
      `none of the wanted data items (${decision.refused.join(', ') || 'none'}) is authorised for agenda ${agenda}, role ${role}`,
    );
  }
}
