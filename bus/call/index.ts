/**
 * The synchronous call path: the reader's context read from headers, SOAP header and body, and the
 * pipeline that identifies, validates, authorises, routes, filters and audits one call.
 */
export { type CallPipeline, createCallPipeline, type InboundCall } from './pipeline.ts';
export { createRateLimits, type RateLimit, type RateLimits } from './rate-limits.ts';
