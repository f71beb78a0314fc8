/**
 * What the call pipeline needs from a message protocol (JSON or SOAP): parse and check the request,
 * find its operation and the context it carries, rewrite its item list, and read the provider's
 * answer back into what the reader gets.
 */
import type { BodyContext, CompiledContract, ContextSource, ErrorEntry, SoapVersion } from '../../contracts/index.ts';
import type { ProviderAnswer } from '../../connectors/index.ts';

export interface InboundMessage {
  readonly body: Uint8Array;
  readonly contentType: string | undefined;
  readonly soapAction: string | undefined;
  /** JSON: the operation named in the URL. */
  readonly operation?: string;
}

export interface OutboundAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
  /** Headers of the bus's own beyond the usual ones (an acceptance's Location). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the bus says of a call in the provider's SOAP header. */
export interface ForwardContext {
  readonly ovm: string;
  readonly agenda: string;
  readonly role: string;
  readonly userId: string;
  readonly purpose?: string;
  readonly requestId: string;
}

export interface ParsedRequest {
  readonly operation: string;
  readonly soapVersion?: SoapVersion;
  /** Context fields the contract maps into the body. */
  readonly bodyContext: BodyContext;
  /** SOAP: the `ctx:Context` header block. */
  readonly envelopeContext?: ContextSource;
  readonly subjects: readonly string[];
  /** Broken contract rules; empty when the request conforms. */
  validate(): ErrorEntry[];
  /** The bytes for the provider, with the request's own item list rewritten to the effective items. */
  /**
   * The message the provider receives, rebuilt by the bus from what it checked: the body with its item
   * list narrowed to the effective items, and (SOAP) the bus's own ctx:Context in the header.
   */
  forwardBody(effective: readonly string[], context: ForwardContext): Uint8Array;
  /** Content type and, for SOAP 1.1, SOAPAction for the provider. */
  providerHeaders(): Record<string, string>;
  /** Checks the answer and filters it to the effective items; a SOAP answer also names them in a ctx header block. */
  readAnswer(answer: ProviderAnswer, items: AnswerItems): OutboundAnswer;
  /** Frees what parsing held (the SOAP document lives in WebAssembly memory). */
  dispose(): void;
}

export interface AnswerItems {
  readonly effective: ReadonlySet<string>;
  readonly refused: readonly string[];
}

export interface ProtocolHandler {
  parse(compiled: CompiledContract, message: InboundMessage): ParsedRequest;
  /**
   * Reads an answer to a call parsed earlier, perhaps by another bus instance (asynchronous mode):
   * the same checks and filtering as `ParsedRequest.readAnswer`.
   */
  readAnswer(
    compiled: CompiledContract,
    call: { operation: string; soapVersion?: SoapVersion },
    answer: ProviderAnswer,
    items: AnswerItems,
  ): OutboundAnswer;
}
