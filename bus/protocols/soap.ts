/**
 * SOAP calls: `POST /soap/{service}/v{major}`, SOAP 1.1 or 1.2 as the service binds it. The operation
 * comes from SOAPAction (1.1) or the action parameter (1.2), else from the body's element; the body
 * is validated against the WSDL's schemas. Envelopes have one shape both ways (at most one Header,
 * one Body with one element); a request's header may carry one ctx:Context and nothing else. The
 * provider receives an envelope the bus rebuilt: the checked body and the bus's own ctx:Context. Its
 * answer must be an envelope of the same version: the header is dropped, the body validated,
 * filtered and put in an envelope of the bus's; a fault passes with its code and reason only.
 */
import { randomUUID } from 'node:crypto';
import {
  CONTEXT_NS,
  ENVELOPE_NS,
  EgsbError,
  elementChildren,
  escapeXml,
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
import type { AnswerItems, ForwardContext, OutboundAnswer, ParsedRequest, ProtocolHandler } from './protocol.ts';

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
      requireOnlyContextHeader(envelope);
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
        validate: () => contract.validate(payload),
        forwardBody(effective, context) {
          plan.rewriteItems(payload, effective);
          // The reader's header goes; the provider hears the context from the bus, which checked it.
          envelope.header?.remove();
          return encoder.encode(withContextHeader(envelope, contextBlock(context, effective)));
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
    if (envelope.isFault) return rebuiltFault(envelope, version, answer.status);
    const payload = envelope.payload;
    const output = operation.output;
    if (output !== undefined && (payload.name !== output.name || payload.namespaceUri !== output.namespace)) {
      const found = `{${payload.namespaceUri}}${payload.name}`;
      throw new EgsbError(
        ErrorCode.PROVIDER_RESPONSE_INVALID,
        `operation ${operation.name} answers {${output.namespace}}${output.name}, the provider sent ${found}`,
      );
    }
    const errors = compiled.soap?.validate(payload) ?? [];
    if (errors.length > 0) {
      throw new EgsbError(
        ErrorCode.PROVIDER_RESPONSE_INVALID,
        `the provider's answer breaks the contract of ${compiled.manifest.code}: ${errors[0]?.message}`,
        { errors },
      );
    }
    compiled.plan.filterAnswer(payload, effective);
    // The provider's header blocks are not the contract's: none of them reaches the reader.
    envelope.header?.remove();
    const block = contextElement([
      ['dataItems', [...effective].join(' ')],
      ...(refused.length > 0 ? [['refusedItems', refused.join(' ')] as const] : []),
    ]);
    return { status: 200, contentType: SOAP_CONTENT_TYPE[version], body: encoder.encode(withContextHeader(envelope, block)) };
  } finally {
    envelope.dispose();
  }
}

/**
 * The envelope serialised with a new header before its Body holding `block`, a `ctx:Context` written
 * as text. libxml2 gets one text node, a marker only this call knows (the reader and the provider
 * wrote their messages before it existed), and the block takes its place in the serialised text:
 * built node by node, each element and text would cost a crossing into WebAssembly. The header
 * declares our own prefix, so that it cannot clash with one the message declared.
 */
function withContextHeader(envelope: SoapEnvelope, block: string): string {
  const body = envelope.payload.parent;
  if (!body) return envelope.doc.toString({ format: false });
  const header = body.prependElement('Header', body.prefix);
  header.addLocalNamespace(CONTEXT_NS, 'egsbctx');
  const marker = randomUUID();
  header.addText(marker);
  const xml = envelope.doc.toString({ format: false });
  const at = xml.indexOf(marker);
  if (at === -1) throw new Error('the context header went missing from the serialised envelope');
  return `${xml.slice(0, at)}${block}${xml.slice(at + marker.length)}`;
}

/** `<egsbctx:Context>` with these fields, in this order, as escaped text. */
function contextElement(fields: readonly (readonly [string, string])[]): string {
  return `<egsbctx:Context>${fields.map(([name, value]) => `<egsbctx:${name}>${escapeXml(value)}</egsbctx:${name}>`).join('')}</egsbctx:Context>`;
}

/**
 * A request's header may hold one ctx:Context; any other block (WS-Addressing, WS-Security, a second
 * context) is refused: the contract declares none, and the provider would receive it unchecked.
 */
function requireOnlyContextHeader(envelope: SoapEnvelope): void {
  if (envelope.header === undefined) return;
  let contexts = 0;
  for (const block of elementChildren(envelope.header)) {
    if (block.namespaceUri === CONTEXT_NS && block.name === 'Context' && ++contexts === 1) continue;
    throw new EgsbError(
      ErrorCode.REQUEST_INVALID,
      `the SOAP header holds {${block.namespaceUri}}${block.name}; a call's header carries one ctx:Context and nothing the contract does not declare`,
      { errors: [{ location: `/Envelope/Header/${block.name}`, rule: 'header-block', message: 'not declared by the contract' }] },
    );
  }
}

/** The bus's own ctx:Context for the provider: the checked context and the effective items. */
function contextBlock(context: ForwardContext, effective: readonly string[]): string {
  return contextElement([
    ['ovm', context.ovm],
    ['agenda', context.agenda],
    ['role', context.role],
    ['userId', context.userId],
    ...(context.purpose !== undefined ? [['purpose', context.purpose] as const] : []),
    ['requestId', context.requestId],
    ['dataItems', effective.join(' ')],
  ]);
}

/**
 * A provider's fault, rebuilt: its code (one of the envelope's own: Client/Server, Sender/Receiver…)
 * and its reason text pass; its detail does not, since the contract declares no fault message the bus
 * could check it against.
 */
function rebuiltFault(envelope: SoapEnvelope, version: SoapVersion, status: number): OutboundAnswer {
  const env = ENVELOPE_NS[version];
  const fault = envelope.payload;
  const children = elementChildren(fault);
  let code: string | undefined;
  let reason: string | undefined;
  if (version === '1.1') {
    code = children.find((c) => c.name === 'faultcode')?.content.trim();
    reason = children.find((c) => c.name === 'faultstring')?.content;
  } else {
    const codeElement = children.find((c) => c.namespaceUri === env && c.name === 'Code');
    code = codeElement
      ? elementChildren(codeElement)
          .find((c) => c.name === 'Value')
          ?.content.trim()
      : undefined;
    const reasonElement = children.find((c) => c.namespaceUri === env && c.name === 'Reason');
    reason = reasonElement ? elementChildren(reasonElement).find((c) => c.name === 'Text')?.content : undefined;
  }
  const local = (code ?? '').replace(/^.*:/, '');
  const known =
    version === '1.1'
      ? ['VersionMismatch', 'MustUnderstand', 'Client', 'Server']
      : ['VersionMismatch', 'MustUnderstand', 'DataEncodingUnknown', 'Sender', 'Receiver'];
  const faultCode = known.includes(local) ? local : version === '1.1' ? 'Server' : 'Receiver';
  const text = escapeXml((reason ?? '').slice(0, 4096));
  const xml =
    version === '1.1'
      ? `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${env}"><soapenv:Body><soapenv:Fault>` +
        `<faultcode>soapenv:${faultCode}</faultcode><faultstring>${text}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
      : `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${env}"><soapenv:Body><soapenv:Fault>` +
        `<soapenv:Code><soapenv:Value>soapenv:${faultCode}</soapenv:Value></soapenv:Code>` +
        `<soapenv:Reason><soapenv:Text xml:lang="en">${text}</soapenv:Text></soapenv:Reason></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
  return { status: status >= 400 ? status : 500, contentType: SOAP_CONTENT_TYPE[version], body: encoder.encode(xml) };
}
