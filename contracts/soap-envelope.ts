/**
 * SOAP envelopes on the call path: reading the version and action from the content type, parsing an
 * envelope safely (UTF-8 only, no DOCTYPE, no entity, nothing fetched), and finding its header
 * blocks, body payload and fault. The parsed document lives in WebAssembly memory: dispose it.
 */
import { XmlCData, XmlDocument, XmlElement, XmlLibError, XmlText, type XmlTreeNode } from 'libxml2-wasm';
import { CONTEXT_NS, ENVELOPE_NS, EgsbError, ErrorCode, SOAP_CONTENT_TYPE, SoapVersion } from './errors.ts';
import type { ContextField } from './types.ts';
import { checkXmlStructure } from './message-limits.ts';
import { PARSE_OPTIONS } from './xml-graph.ts';
import { inspectXml, isHazard } from './xml-safety.ts';

export { SOAP_CONTENT_TYPE };

export interface SoapEnvelope {
  readonly version: SoapVersion;
  readonly doc: XmlDocument;
  readonly header?: XmlElement;
  /** The one element inside soap:Body. */
  readonly payload: XmlElement;
  readonly isFault: boolean;
  dispose(): void;
}

/** The SOAP version a Content-Type names: 1.2 for application/soap+xml, else 1.1 (text/xml or unknown). */
export function soapVersionOfContentType(contentType: string | undefined): SoapVersion {
  return contentType?.toLowerCase().startsWith('application/soap+xml') ? SoapVersion.V12 : SoapVersion.V11;
}

/** The SOAP version and action a request's Content-Type (and SOAPAction header) declare. */
export function soapRequestKind(
  contentType: string | undefined,
  soapAction: string | undefined,
): { version: SoapVersion; action?: string } {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/soap+xml')) {
    const action = /;\s*action\s*=\s*"?([^";]*)"?/i.exec(contentType ?? '')?.[1];
    return { version: SoapVersion.V12, ...(action ? { action } : {}) };
  }
  if (type.startsWith('text/xml')) {
    const action = soapAction?.trim().replace(/^"(.*)"$/, '$1');
    return { version: SoapVersion.V11, ...(action ? { action } : {}) };
  }
  throw new EgsbError(
    ErrorCode.MESSAGE_MALFORMED,
    `a SOAP call needs Content-Type text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2), not ${JSON.stringify((contentType ?? 'none').slice(0, 100))}`,
  );
}

/**
 * Parses an envelope; refuses with `code` (MESSAGE_MALFORMED for a request, PROVIDER_RESPONSE_INVALID
 * for an answer) anything that is not a well-formed, hazard-free SOAP envelope of the one shape the
 * bus reads: at most one Header, then exactly one Body holding exactly one element, and nothing else
 * (no second Body, no element after Body, no text beside them). Anything beside what is validated
 * would otherwise travel unchecked.
 */
export function parseEnvelope(bytes: Uint8Array, code: ErrorCode = ErrorCode.MESSAGE_MALFORMED): SoapEnvelope {
  // A request of the wrong shape breaks the contract (the reader's fault); an answer is the provider's.
  const shape = code === ErrorCode.MESSAGE_MALFORMED ? ErrorCode.REQUEST_INVALID : code;
  const inspected = inspectXml(bytes);
  if (isHazard(inspected)) throw new EgsbError(code, `the message ${inspected.reason} (line ${inspected.line})`);
  checkXmlStructure(inspected.text, code === ErrorCode.MESSAGE_MALFORMED ? ErrorCode.MESSAGE_TOO_LARGE : code);
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(bytes, { option: PARSE_OPTIONS });
  } catch (error) {
    const detail = error instanceof XmlLibError ? error.details[0] : undefined;
    const where = detail ? ` (line ${detail.line})` : '';
    throw new EgsbError(code, `the message is not well-formed XML${where}: ${detail?.message.trim() ?? String(error)}`, { cause: error });
  }
  try {
    const root = doc.root;
    const version =
      root.namespaceUri === ENVELOPE_NS['1.1'] ? SoapVersion.V11 : root.namespaceUri === ENVELOPE_NS['1.2'] ? SoapVersion.V12 : undefined;
    if (version === undefined || root.name !== 'Envelope') {
      throw new EgsbError(code, `the message is not a SOAP envelope: its root is {${root.namespaceUri}}${root.name}`);
    }
    let header: XmlElement | undefined;
    let body: XmlElement | undefined;
    for (const child of strictChildren(root, shape, '/Envelope')) {
      const place = `{${child.namespaceUri}}${child.name}`;
      if (child.namespaceUri === ENVELOPE_NS[version] && child.name === 'Header' && header === undefined && body === undefined)
        header = child;
      else if (child.namespaceUri === ENVELOPE_NS[version] && child.name === 'Body' && body === undefined) body = child;
      else throw new EgsbError(shape, `the SOAP envelope holds ${place} where only one Header and then one Body may stand`);
    }
    if (body === undefined) throw new EgsbError(shape, 'the SOAP envelope has no Body');
    const children = strictChildren(body, shape, '/Envelope/Body');
    const payload = children[0];
    if (payload === undefined || children.length !== 1) {
      throw new EgsbError(shape, `the SOAP Body holds ${children.length} elements; a document/literal message carries exactly one`);
    }
    if (header !== undefined) strictChildren(header, shape, '/Envelope/Header');
    const isFault = payload.namespaceUri === ENVELOPE_NS[version] && payload.name === 'Fault';
    return { version, doc, ...(header ? { header } : {}), payload, isFault, dispose: () => doc.dispose() };
  } catch (error) {
    doc.dispose();
    throw error;
  }
}

/** The element children, refusing text beside them (whitespace aside): it would travel unchecked. */
function strictChildren(element: XmlElement, code: ErrorCode, where: string): XmlElement[] {
  const children: XmlElement[] = [];
  for (let node: XmlTreeNode | null = element.firstChild; node !== null; node = node.next) {
    if (node instanceof XmlElement) children.push(node);
    else if ((node instanceof XmlText || node instanceof XmlCData) && node.content.trim() !== '') {
      throw new EgsbError(code, `${where} holds text beside its elements`);
    }
  }
  return children;
}

export function elementChildren(element: XmlElement): XmlElement[] {
  const children: XmlElement[] = [];
  for (let node = element.firstChild; node !== null; node = node.next) {
    if (node instanceof XmlElement) children.push(node);
  }
  return children;
}

const CONTEXT_CHILDREN: Readonly<Record<string, ContextField>> = {
  ovm: 'ovm',
  agenda: 'agenda',
  role: 'role',
  userId: 'userId',
  purpose: 'purpose',
  requestId: 'requestId',
  dataItems: 'dataItems',
};

/** The fields of a `<ctx:Context>` header block, if the envelope carries one. */
export function readContextHeader(envelope: SoapEnvelope): Partial<Record<ContextField, string>> | undefined {
  if (envelope.header === undefined) return undefined;
  const block = elementChildren(envelope.header).find((e) => e.namespaceUri === CONTEXT_NS && e.name === 'Context');
  if (block === undefined) return undefined;
  const fields: Partial<Record<ContextField, string>> = {};
  for (const child of elementChildren(block)) {
    const field = child.namespaceUri === CONTEXT_NS ? CONTEXT_CHILDREN[child.name] : undefined;
    if (field === undefined) {
      throw new EgsbError(ErrorCode.CONTEXT_INVALID, `ctx:Context holds an unknown element {${child.namespaceUri}}${child.name}`);
    }
    if (fields[field] !== undefined) throw new EgsbError(ErrorCode.CONTEXT_INVALID, `ctx:Context names ${field} twice`);
    fields[field] = child.content;
  }
  return fields;
}
