/**
 * A call's message as the pipeline sees it: what the request says (operation, context, subjects),
 * whether it keeps the contract, the bytes the provider gets, and the answer checked and filtered.
 * Checked on the event loop when small, or in the message-check worker pool when large; both give
 * the same answers, since both run the protocol handlers below.
 */
import type { BodyContext, CompiledContract, ContextSource, ErrorEntry, SoapVersion } from '../../contracts/index.ts';
import type { ProviderAnswer } from '../../connectors/index.ts';
import { jsonProtocol } from './json.ts';
import type { AnswerItems, ForwardContext, InboundMessage, OutboundAnswer, ParsedRequest, ProtocolHandler } from './protocol.ts';
import { soapProtocol } from './soap.ts';

export interface CallMessage {
  readonly operation: string;
  readonly soapVersion?: SoapVersion;
  readonly bodyContext: BodyContext;
  readonly envelopeContext?: ContextSource;
  readonly subjects: readonly string[];
  /** Broken contract rules; empty when the request conforms. */
  validate(): Promise<ErrorEntry[]>;
  /** The message the provider receives, rebuilt by the bus from what it checked (see ParsedRequest). */
  forwardBody(effective: readonly string[], context: ForwardContext): Promise<Uint8Array>;
  providerHeaders(): Record<string, string>;
  readAnswer(answer: ProviderAnswer, items: AnswerItems): Promise<OutboundAnswer>;
  dispose(): void;
}

/** What checking a request finds, in a form that crosses to and from a worker thread. */
export interface RequestFindings {
  readonly operation: string;
  readonly soapVersion?: SoapVersion;
  readonly bodyContext: BodyContext;
  readonly envelopeContext?: ContextSource;
  readonly subjects: readonly string[];
  readonly errors: ErrorEntry[];
  readonly providerHeaders: Record<string, string>;
}

export function protocolOf(compiled: CompiledContract): ProtocolHandler {
  return compiled.json ? jsonProtocol : soapProtocol;
}

/** Parses, reads and validates a request in one go (the worker's first task). */
export function findRequest(compiled: CompiledContract, message: InboundMessage): RequestFindings {
  const parsed = protocolOf(compiled).parse(compiled, message);
  try {
    return {
      operation: parsed.operation,
      ...(parsed.soapVersion !== undefined ? { soapVersion: parsed.soapVersion } : {}),
      bodyContext: parsed.bodyContext,
      ...(parsed.envelopeContext !== undefined ? { envelopeContext: parsed.envelopeContext } : {}),
      subjects: parsed.subjects,
      errors: parsed.validate(),
      providerHeaders: parsed.providerHeaders(),
    };
  } finally {
    parsed.dispose();
  }
}

/** The provider's bytes for a request checked before (the worker's second task): parsed again, rewritten. */
export function forwardRequest(
  compiled: CompiledContract,
  message: InboundMessage,
  effective: readonly string[],
  context: ForwardContext,
): Uint8Array {
  const parsed = protocolOf(compiled).parse(compiled, message);
  try {
    return parsed.forwardBody(effective, context);
  } finally {
    parsed.dispose();
  }
}

/**
 * A small request, checked here on the event loop; its answer is read by `readAnswer`, which decides
 * by the answer's own size where to check it.
 */
export function localMessage(
  parsed: ParsedRequest,
  readAnswer: (
    call: { operation: string; soapVersion?: SoapVersion },
    answer: ProviderAnswer,
    items: AnswerItems,
  ) => Promise<OutboundAnswer>,
): CallMessage {
  return {
    operation: parsed.operation,
    ...(parsed.soapVersion !== undefined ? { soapVersion: parsed.soapVersion } : {}),
    bodyContext: parsed.bodyContext,
    ...(parsed.envelopeContext !== undefined ? { envelopeContext: parsed.envelopeContext } : {}),
    subjects: parsed.subjects,
    validate: async () => parsed.validate(),
    forwardBody: async (effective, context) => parsed.forwardBody(effective, context),
    providerHeaders: () => parsed.providerHeaders(),
    readAnswer: (answer, items) =>
      readAnswer({ operation: parsed.operation, ...(parsed.soapVersion ? { soapVersion: parsed.soapVersion } : {}) }, answer, items),
    dispose: () => parsed.dispose(),
  };
}
