/**
 * The one access rule for restricted services, shared by the call path and the catalogue: a public
 * service is open to every AIS; a restricted one to the AIS that owns it and to AIS whose access its
 * owner approved. The operator sees every service but calls none.
 */
import { Visibility } from '../../contracts/index.ts';
import { accessKey, type Caller, type RegistrySnapshot, type ServiceVersion } from '../registry/index.ts';

export function hasAccess(snapshot: RegistrySnapshot, service: ServiceVersion, aisId: number): boolean {
  return (
    service.manifest.visibility !== Visibility.RESTRICTED ||
    service.ownerAis === aisId ||
    snapshot.approvedAccess.has(accessKey(service.code, aisId))
  );
}

/** Whether a caller may see a service in the catalogue and read its contract. */
export function canSee(snapshot: RegistrySnapshot, service: ServiceVersion, caller: Caller): boolean {
  if (caller.kind === 'operator') return true;
  if (service.manifest.visibility !== Visibility.RESTRICTED) return true;
  return caller.kind === 'ais' && hasAccess(snapshot, service, caller.aisId);
}
