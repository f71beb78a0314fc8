/**
 * The bus's HTTP API as Hono sub-apps: calls, async tickets, audit, authorisations and access
 * requests, catalogue, health, operator and publisher endpoints, and the OpenAPI document.
 */
export { asyncApi } from './async.ts';
export { iszrQueueApi, ISZR_QUEUE_SERVICES } from './iszr-queue.ts';
export { auditApi } from './audit.ts';
export { authorisationApi } from './authorisations.ts';
export { callApi } from './calls.ts';
export { catalogueApi } from './catalogue.ts';
export { healthApi } from './health.ts';
export { openApiDocument } from './openapi.ts';
export { operatorApi } from './operator.ts';
export { publishBodyLimit, publisherApi } from './publisher.ts';
export { bodyValidator, type BusEnv, requestIdOf } from './support.ts';
export { certificateOf, requireTrustedIssuer } from './tls-certificate.ts';
export { accountsApi, actorOf, operatorMay, requireCsrf, SESSION_COOKIE } from './accounts.ts';
export { portalApi } from './portal.ts';
