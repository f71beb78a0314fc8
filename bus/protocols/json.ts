/**
 * JSON calls: `POST /rest/{service}/v{major}/{operation}` with an application/json body, checked
 * against the operation's request schema; the provider's 2xx answer is checked against the response
 * schema, filtered to the effective data items and written anew. A provider's non-2xx answer passes
 * only as problem+json in the error shape the operation declares; a redirect never passes; a message
 * that names a key twice is malformed.
 */
import {
  EgsbError,
  ErrorCode,
  isEgsbError,
  parseStrictJson,
  type CompiledContract,
  type CompiledJsonOperation,
} from '../../contracts/index.ts';
import type { ProviderAnswer } from '../../connectors/index.ts';
import type { OutboundAnswer, ParsedRequest, ProtocolHandler } from './protocol.ts';

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
const PROBLEM_TYPE = /^application\/problem\+json\s*(;|$)/i;
const encoder = new TextEncoder();

export const jsonProtocol: ProtocolHandler = {
  parse(compiled, message) {
    const contract = compiled.json;
    if (contract === undefined)
      throw new EgsbError(
        ErrorCode.OPERATION_NOT_FOUND,
        `${compiled.manifest.code} is a SOAP service; call it at /soap/${compiled.manifest.code}/v${compiled.manifest.version.split('.')[0]}`,
      );
    const name = message.operation ?? '';
    const operation = contract.operations.get(name);
    if (operation === undefined) {
      throw new EgsbError(
        ErrorCode.OPERATION_NOT_FOUND,
        `${compiled.manifest.code} has no operation ${JSON.stringify(name.slice(0, 128))}; it offers ${[...contract.operations.keys()].join(', ')}`,
      );
    }
    if (!JSON_TYPE.test(message.contentType ?? '')) {
      throw new EgsbError(
        ErrorCode.MESSAGE_MALFORMED,
        `a JSON call needs Content-Type application/json, not ${JSON.stringify((message.contentType ?? 'none').slice(0, 100))}`,
      );
    }
    const body = parseJson(message.body, ErrorCode.MESSAGE_MALFORMED, 'the request');
    const plan = compiled.plan;
    return {
      operation: name,
      bodyContext: plan.contextOf(body),
      subjects: plan.subjectsOf(body),
      validate: () => operation.validateRequest(body),
      forwardBody(effective) {
        // The body as the bus read and checked it, its item list narrowed: never the caller's bytes.
        plan.rewriteItems(body, effective);
        return encoder.encode(JSON.stringify(body));
      },
      providerHeaders: () => ({ 'content-type': 'application/json', accept: 'application/json' }),
      readAnswer(answer, { effective }) {
        return readJsonAnswer(compiled, operation, answer, effective);
      },
      dispose() {},
    } satisfies ParsedRequest;
  },
  readAnswer(compiled, call, answer, { effective }) {
    const operation = compiled.json?.operations.get(call.operation);
    if (operation === undefined)
      throw new EgsbError(ErrorCode.OPERATION_NOT_FOUND, `${compiled.manifest.code} no longer has operation ${call.operation}`);
    return readJsonAnswer(compiled, operation, answer, effective);
  },
};

function readJsonAnswer(
  compiled: CompiledContract,
  operation: CompiledJsonOperation,
  answer: ProviderAnswer,
  effective: ReadonlySet<string>,
): OutboundAnswer {
  const code = compiled.manifest.code;
  if (answer.status >= 300 && answer.status < 400) {
    throw new EgsbError(
      ErrorCode.PROVIDER_RESPONSE_INVALID,
      'the provider answered with a redirect, which the bus neither follows nor passes on',
    );
  }
  if (answer.status < 200 || answer.status >= 300) return providerError(code, operation, answer);
  if (!JSON_TYPE.test(answer.contentType)) {
    throw new EgsbError(
      ErrorCode.PROVIDER_RESPONSE_INVALID,
      `the provider's answer is not JSON (Content-Type ${safeType(answer.contentType)})`,
    );
  }
  const body = parseJson(answer.body, ErrorCode.PROVIDER_RESPONSE_INVALID, "the provider's answer");
  const errors = operation.validateResponse(body);
  if (errors.length > 0) {
    throw new EgsbError(
      ErrorCode.PROVIDER_RESPONSE_INVALID,
      `the provider's answer breaks the contract of ${code}: ${errors[0]?.location} ${errors[0]?.message}`,
      {
        errors,
      },
    );
  }
  compiled.plan.filterAnswer(body, effective);
  // Always the bus's own serialisation of what it checked: never the provider's bytes as they came.
  return { status: answer.status, contentType: 'application/json', body: encoder.encode(JSON.stringify(body)) };
}

/**
 * A provider's own error passes only as problem+json in the shape the contract declares for the
 * operation; anything else becomes the catalogue's provider error, so that no undeclared structure
 * (and no data item) reaches the reader through an error status.
 */
function providerError(code: string, operation: CompiledJsonOperation, answer: ProviderAnswer): OutboundAnswer {
  const undeclared = (why: string): EgsbError =>
    new EgsbError(ErrorCode.PROVIDER_RESPONSE_INVALID, `the provider answered HTTP ${answer.status} ${why}`);
  if (operation.validateError === undefined) throw undeclared(`and ${code} declares no error shape for this operation`);
  if (!PROBLEM_TYPE.test(answer.contentType)) throw undeclared('with an error that is not application/problem+json');
  const body = parseJson(answer.body, ErrorCode.PROVIDER_RESPONSE_INVALID, "the provider's error");
  const errors = operation.validateError(body);
  if (errors.length > 0) throw undeclared(`with an error outside the shape ${code} declares: ${errors[0]?.location} ${errors[0]?.message}`);
  return { status: answer.status, contentType: 'application/problem+json', body: encoder.encode(JSON.stringify(body)) };
}

function parseJson(bytes: Uint8Array, code: ErrorCode, what: string): unknown {
  try {
    return parseStrictJson(bytes, code === ErrorCode.MESSAGE_MALFORMED ? ErrorCode.MESSAGE_TOO_LARGE : code);
  } catch (error) {
    if (isEgsbError(error)) throw error;
    throw new EgsbError(code, `${what} is ${(error as Error).message}`, { cause: error });
  }
}

function safeType(type: string): string {
  return JSON.stringify(type.slice(0, 100).replace(/[^\x20-\x7e]/g, '?'));
}
