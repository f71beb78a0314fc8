/**
 * A call as the bus checked it: who calls, in which context, which service version and operation,
 * what the authorisations allow and on what legal basis, whom the call is about, and the headers the
 * provider receives. Built once by the call pipeline; the audit record, the ticket of an asynchronous
 * call and its completion record are all made from it, so none of them copies fields by hand.
 */
import type { CallContext } from './call-context.ts';
import type { SoapVersion } from './errors.ts';
import type { Protocol } from './types.ts';

export interface CheckedCall {
  readonly requestId: string;
  readonly aisId: number;
  readonly context: CallContext;
  readonly service: string;
  readonly major: number;
  /** The AIS that owns the service version, when one does. */
  readonly providerAis?: number;
  readonly operation: string;
  readonly protocol: Protocol;
  readonly soapVersion?: SoapVersion;
  /** The data items the provider is asked for and the reader receives: never empty. */
  readonly effective: readonly string[];
  readonly refused: readonly string[];
  readonly legalBasis: readonly string[];
  readonly authorisations: readonly string[];
  /** Subject identifiers (AIFO, IČO, address codes) the contract marks in the request. */
  readonly subjects: readonly string[];
  /** Exactly the headers the provider receives. */
  readonly providerHeaders: Readonly<Record<string, string>>;
}

/** The headers a reader's answer carries about its data items. */
export function itemHeaders(call: Pick<CheckedCall, 'effective' | 'refused'>): Record<string, string> {
  return {
    'x-egsb-data-items': call.effective.join(' '),
    ...(call.refused.length > 0 ? { 'x-egsb-data-items-refused': call.refused.join(' ') } : {}),
  };
}
