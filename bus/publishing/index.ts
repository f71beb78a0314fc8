/**
 * Publishing: a bundle compiled once, stored, and its compiled contract kept for the call path.
 */
export { type ContractCache, createContractCache } from './contract-cache.ts';
export { createPublisher, RESERVED_SERVICE_CODES, type Publisher } from './publisher.ts';
export { createEndpointPolicy, parseOrigin, type EndpointPolicy } from './endpoint-policy.ts';
