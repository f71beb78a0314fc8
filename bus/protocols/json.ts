/**
 * JSON calls: `POST /rest/{service}/v{major}/{operation}` with an application/json body, checked
 * against the operation's request schema; the provider's 2xx answer is checked against the response
 * schema and filtered to the effective data items. A provider's non-2xx JSON answer (its own
 * business error) passes through unchanged.
 */
import { EgsbError, ErrorCode, type CompiledContract } from '../../contracts/index.ts';
import type { ProviderAnswer } from '../../connectors/index.ts';
import type { InboundMessage, OutboundAnswer, ParsedRequest, ProtocolHandler } from './protocol.ts';

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });
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
        return plan.rewriteItems(body, effective) ? encoder.encode(JSON.stringify(body)) : message.body;
      },
      providerHeaders: () => ({ 'content-type': 'application/json', accept: 'application/json' }),
      readAnswer(answer, { effective }) {
        return readJsonAnswer(compiled, operation.validateResponse, answer, effective);
      },
      dispose() {},
    } satisfies ParsedRequest;
  },
  readAnswer(compiled, call, answer, { effective }) {
    const operation = compiled.json?.operations.get(call.operation);
    if (operation === undefined)
      throw new EgsbError(ErrorCode.OPERATION_NOT_FOUND, `${compiled.manifest.code} no longer has operation ${call.operation}`);
    return readJsonAnswer(compiled, operation.validateResponse, answer, effective);
  },
};

function readJsonAnswer(
  compiled: CompiledContract,
  validate: (body: unknown) => readonly { location: string; rule: string; message: string }[],
  answer: ProviderAnswer,
  effective: ReadonlySet<string>,
): OutboundAnswer {
  if (!JSON_TYPE.test(answer.contentType)) {
    throw new EgsbError(
      ErrorCode.PROVIDER_RESPONSE_INVALID,
      `the provider answered HTTP ${answer.status} with Content-Type ${JSON.stringify(answer.contentType.slice(0, 100))}, not JSON`,
    );
  }
  const body = parseJson(answer.body, ErrorCode.PROVIDER_RESPONSE_INVALID, "the provider's answer");
  if (answer.status < 200 || answer.status >= 300) {
    // The provider's own error: passed on as it came, since it carries no data items the contract knows.
    return { status: answer.status, contentType: answer.contentType, body: answer.body };
  }
  const errors = validate(body);
  if (errors.length > 0) {
    throw new EgsbError(
      ErrorCode.PROVIDER_RESPONSE_INVALID,
      `the provider's answer breaks the contract of ${compiled.manifest.code}: ${errors[0]?.location} ${errors[0]?.message}`,
      { errors },
    );
  }
  const changed = compiled.plan.filterAnswer(body, effective);
  return { status: answer.status, contentType: 'application/json', body: changed ? encoder.encode(JSON.stringify(body)) : answer.body };
}

function parseJson(bytes: Uint8Array, code: ErrorCode, what: string): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    throw new EgsbError(code, `${what} is not valid UTF-8`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EgsbError(code, `${what} is not well-formed JSON: ${(error as Error).message}`, { cause: error });
  }
}
