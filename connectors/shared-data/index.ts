/**
 * The shared-data connector: a reader AIS's client for the basic registers and authoritative sources
 * behind the bus, over JSON or SOAP (written from the service's schemas), synchronous or asynchronous,
 * with typed errors; typed helpers for the registers' ISZR services; and the `egsb call` /
 * `egsb catalogue` commands built on it.
 *
 * @example
 * const client = createSharedDataClient({ busUrl: 'http://127.0.0.1:8080', credentials: { apiKey }, ovm: '00064581', agenda: 'A121', role: 'CR1001' });
 * const { record } = await basicRegisters(client).personByAifo(aifo, { auditUserId: 'referent.novak', purpose: 'spis 12/2026' });
 */
export {
  createSharedDataClient,
  type Answer,
  type CallOptions,
  type CatalogueService,
  type Credentials,
  type Explanation,
  type SharedDataClient,
  type SharedDataClientOptions,
  type Submitted,
} from './client.ts';
export { ClientCode, InvalidCallError, PendingError, ProviderError, RefusedError, SharedDataError, UnavailableError } from './errors.ts';
export {
  basicRegisters,
  type AddressPlace,
  type BasicRegisters,
  type LegalPerson,
  type Person,
  type PersonQuery,
  type RegisterAnswer,
} from './registers.ts';
export { runCallCli, runCatalogueCli } from './cli.ts';
