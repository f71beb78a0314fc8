/**
 * The two call protocols, JSON and SOAP: how a request is parsed and checked against its contract,
 * and how a provider's answer is validated and filtered to the effective data items; large messages
 * are checked by a pool of worker threads.
 */
export { jsonProtocol } from './json.ts';
export { type OutboundAnswer, type ParsedRequest } from './protocol.ts';
export { soapProtocol } from './soap.ts';
export { type CallMessage } from './message.ts';
export { createMessageChecks, type MessageChecks, type MessageChecksOptions } from './check-pool.ts';
