/**
 * The registry: OVMs, agendas and roles, AIS with credentials, services, legal authorisations and
 * access requests in the database, the identity of a caller, and the in-memory view the call path reads.
 */
export { type AccessStore, createAccessStore } from './access-store.ts';
export { createAuthorisationIndex } from './authorisation-index.ts';
export {
  ALL,
  type Authorisation,
  type AuthorisationInput,
  type AuthorisationStore,
  createAuthorisationStore,
} from './authorisation-store.ts';
export {
  BOOTSTRAP_OPERATOR,
  type Caller,
  type OperatorRoleName,
  createIdentity,
  type Identity,
  presentedCertificate,
  type PresentedCertificate,
  requireOperator,
} from './identity.ts';
export { type AisInput, createRegistry, type CredentialInput, digestSecret, type Registry } from './registry.ts';
export {
  agendaBody,
  AisState,
  aisBody,
  authorisationBody,
  authorisationId,
  authorisationImportBody,
  credentialBody,
  ovmBody,
  patterns,
} from './schemas.ts';
export { createServiceStore, type PublishOutcome, routeTargetOf, type ServiceStore, type ServiceVersion } from './service-store.ts';
export { accessKey, createRegistryView, type RegistrySnapshot, type RegistryView, serviceKey } from './view.ts';
export {
  createSourceStore,
  loadSources,
  type Publishing,
  type PublishingInput,
  type Source,
  type SourceInput,
  type SourceStore,
} from './sources.ts';
export { sourceBody, publishingBody, sourceCode } from './schemas.ts';
