/**
 * SOAP calls: `POST /soap/{service}/v{major}`, SOAP 1.1 or 1.2 as the service binds it. The operation
 * comes from SOAPAction (1.1) or the action parameter (1.2), else from the body's element; the body
 * is validated against the WSDL's schemas. The provider's answer must be an envelope of the same
 * version: a fault passes through unchanged, any other body is validated and filtered.
 */
import {
  CONTEXT_NS,
  EgsbError,
  ErrorCode,
  SOAP_CONTENT_TYPE,
  parseEnvelope,
  readContextHeader,
  soapRequestKind,
  type CompiledContract,
  type OperationModel,
  type SoapEnvelope,
  type SoapVersion,
} from '../../contracts/index.ts';
import type { ProviderAnswer } from '../../connectors/index.ts';
import type { AnswerItems, InboundMessage, OutboundAnswer, ParsedRequest, ProtocolHandler } from './protocol.ts';

const encoder = new TextEncoder();

export const soapProtocol: ProtocolHandler = {
  parse(compiled, message) {
    const contract = compiled.soap;
    const major = compiled.manifest.version.split('.')[0];
    if (contract === undefined)
      throw new EgsbError(
        ErrorCode.OPERATION_NOT_FOUND,
        `${compiled.manifest.code} is a JSON service; call it at /rest/${compiled.manifest.code}/v${major}/{operation}`,
      );
    const { version, action } = soapRequestKind(message.contentType, message.soapAction);
    const envelope = parseEnvelope(message.body);
    try {
      if (envelope.version !== version) {
        throw new EgsbError(
          ErrorCode.MESSAGE_MALFORMED,
          `the Content-Type says SOAP ${version} but the envelope is SOAP ${envelope.version}`,
        );
      }
      if (!contract.model.soapVersions.includes(version)) {
        throw new EgsbError(
          ErrorCode.REQUEST_INVALID,
          `${compiled.manifest.code} v${major} binds SOAP ${contract.model.soapVersions.join(' and ')} only, not SOAP ${version}`,
        );
      }
      // Only the first element is validated; anything beside it would reach the provider unchecked.
      if (envelope.bodyElements > 1)
        throw new EgsbError(
          ErrorCode.REQUEST_INVALID,
          `the SOAP body holds ${envelope.bodyElements} elements; a document/literal call carries exactly one`,
        );
      const operation = findOperation(compiled, envelope, version, action);
      const envelopeContext = readContextHeader(envelope);
      const payload = envelope.payload;
      const plan = compiled.plan;
      return {
        operation: operation.name,
        soapVersion: version,
        bodyContext: plan.contextOf(payload),
        ...(envelopeContext ? { envelopeContext } : {}),
        subjects: plan.subjectsOf(payload),
        validate: () =>
          payload === undefined
            ? [{ location: '/Envelope/Body', rule: 'required', message: 'the body is empty' }]
            : contract.validate(payload),
        forwardBody(effective) {
          return plan.rewriteItems(payload, effective) ? encoder.encode(envelope.doc.toString({ format: false })) : message.body;
        },
        providerHeaders(): Record<string, string> {
          const soapAction = operation.soapActions?.[version] ?? '';
          return version === '1.1'
            ? { 'content-type': SOAP_CONTENT_TYPE['1.1'], soapaction: `"${soapAction}"` }
            : { 'content-type': `${SOAP_CONTENT_TYPE['1.2']}${soapAction ? `; action="${soapAction}"` : ''}` };
        },
        readAnswer(answer, items) {
          return readSoapAnswer(compiled, operation, version, answer, items);
        },
        dispose: () => envelope.dispose(),
      } satisfies ParsedRequest;
    } catch (error) {
      envelope.dispose();
      throw error;
    }
  },
  readAnswer(compiled, call, answer, items) {
    const operation = compiled.model.operations.find((op) => op.name === call.operation);
    if (operation === undefined)
      throw new EgsbError(ErrorCode.OPERATION_NOT_FOUND, `${compiled.manifest.code} no longer has operation ${call.operation}`);
    return readSoapAnswer(compiled, operation, call.soapVersion ?? '1.1', answer, items);
  },
};

function findOperation(
  compiled: CompiledContract,
  envelope: SoapEnvelope,
  version: SoapVersion,
  action: string | undefined,
): OperationModel {
  const operations = compiled.model.operations;
  const payload = envelope.payload;
  const byAction = action ? operations.find((op) => op.soapActions?.[version] === action) : undefined;
  const byBody = payload
    ? operations.find((op) => op.input?.name === payload.name && op.input.namespace === payload.namespaceUri)
    : undefined;
  if (action && byAction === undefined) {
    throw new EgsbError(
      ErrorCode.OPERATION_NOT_FOUND,
      `${compiled.manifest.code} has no operation with action ${JSON.stringify(action.slice(0, 200))}`,
    );
  }
  const operation = byAction ?? byBody;
  if (operation === undefined) {
    const found = payload ? `{${payload.namespaceUri}}${payload.name}` : 'an empty body';
    throw new EgsbError(ErrorCode.OPERATION_NOT_FOUND, `${compiled.manifest.code} has no operation whose request is ${found}`);
  }
  if (byAction !== undefined && byBody !== undefined && byAction !== byBody) {
    throw new EgsbError(
      ErrorCode.REQUEST_INVALID,
      `the action names operation ${byAction.name} but the body is the request of ${byBody.name}`,
    );
  }
  if (
    payload === undefined ||
    operation.input === undefined ||
    operation.input.name !== payload.name ||
    operation.input.namespace !== payload.namespaceUri
  ) {
    throw new EgsbError(
      ErrorCode.REQUEST_INVALID,
      `operation ${operation.name} expects {${operation.input?.namespace}}${operation.input?.name} in the body`,
    );
  }
  return operation;
}

function readSoapAnswer(
  compiled: CompiledContract,
  operation: OperationModel,
  version: SoapVersion,
  answer: ProviderAnswer,
  { effective, refused }: AnswerItems,
): OutboundAnswer {
  const envelope = parseEnvelope(answer.body, ErrorCode.PROVIDER_RESPONSE_INVALID);
  try {
    if (envelope.version !== version) {
      throw new EgsbError(
        ErrorCode.PROVIDER_RESPONSE_INVALID,
        `the provider answered a SOAP ${version} call with a SOAP ${envelope.version} envelope`,
      );
    }
    if (envelope.isFault) return { status: answer.status, contentType: SOAP_CONTENT_TYPE[version], body: answer.body };
    if (envelope.bodyElements > 1)
      throw new EgsbError(
        ErrorCode.PROVIDER_RESPONSE_INVALID,
        `the provider's SOAP body holds ${envelope.bodyElements} elements; a document/literal answer carries exactly one`,
      );
    const payload = envelope.payload;
    const output = operation.output;
    if (output !== undefined && (payload === undefined || payload.name !== output.name || payload.namespaceUri !== output.namespace)) {
      const found = payload ? `{${payload.namespaceUri}}${payload.name}` : 'an empty body';
      throw new EgsbError(
        ErrorCode.PROVIDER_RESPONSE_INVALID,
        `operation ${operation.name} answers {${output.namespace}}${output.name}, the provider sent ${found}`,
      );
    }
    const errors = payload === undefined ? [] : (compiled.soap?.validate(payload) ?? []);
    if (errors.length > 0) {
      throw new EgsbError(
        ErrorCode.PROVIDER_RESPONSE_INVALID,
        `the provider's answer breaks the contract of ${compiled.manifest.code}: ${errors[0]?.message}`,
        { errors },
      );
    }
    compiled.plan.filterAnswer(payload, effective);
    addItemsHeader(envelope, [...effective], refused);
    return { status: 200, contentType: SOAP_CONTENT_TYPE[version], body: encoder.encode(envelope.doc.toString({ format: false })) };
  } finally {
    envelope.dispose();
  }
}

/** Names the effective and refused data items in a `ctx:Context` block of the answer's SOAP header. */
function addItemsHeader(envelope: SoapEnvelope, effective: readonly string[], refused: readonly string[]): void {
  const body = envelope.payload?.parent;
  if (!body) return;
  const header = envelope.header ?? body.prependElement('Header', body.prefix);
  // A prefix of our own, so that it cannot clash with one the provider declared on its header.
  header.addLocalNamespace(CONTEXT_NS, 'egsbctx');
  const block = header.addElement('Context', 'egsbctx');
  block.addElement('dataItems', 'egsbctx').addText(effective.join(' '));
  if (refused.length > 0) block.addElement('refusedItems', 'egsbctx').addText(refused.join(' '));
}
