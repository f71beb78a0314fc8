/**
 * Serves a published contract as the bus's own: the WSDL's endpoint address becomes the bus, and
 * every schema reference becomes a `?xsd=` link on the bus, so a generated client needs nothing else.
 */
import { XmlDocument, type XmlElement } from 'libxml2-wasm';
import { resolveReference, type Bundle, type FileRef, type SchemaCatalogue } from './bundle.ts';
import { CONTEXT_NS } from './errors.ts';
import { PARSE_OPTIONS, REFERENCES, WSDL_NS, XS_NS } from './xml-graph.ts';

const NS = {
  xs: XS_NS,
  wsdl: WSDL_NS,
  s11: 'http://schemas.xmlsoap.org/wsdl/soap/',
  s12: 'http://schemas.xmlsoap.org/wsdl/soap12/',
};

export interface RewriteInput {
  readonly file: FileRef;
  readonly bundle: Bundle;
  readonly catalogue: SchemaCatalogue;
  /** The URL under which the bus serves a referenced file. */
  readonly link: (target: FileRef) => string;
}

/**
 * The WSDL with its service addresses set to `address`, its references set to bus links, and the
 * bus's `ctx:Context` header block declared on every operation's input, so that generated clients
 * can send the call context in the envelope.
 */
export function rewriteWsdl(input: RewriteInput & { readonly address: string }): string {
  return rewrite(input, (doc) => {
    for (const node of doc.find('//wsdl:port/s11:address | //wsdl:port/s12:address', NS)) {
      const location = (node as XmlElement).attr('location');
      if (location !== null) location.value = input.address;
    }
    declareContextHeader(doc);
  });
}

const CONTEXT_FIELDS = ['ovm', 'agenda', 'role', 'userId', 'purpose', 'requestId', 'dataItems'];
const CONTEXT_MESSAGE = 'EgsbContext';

function declareContextHeader(doc: XmlDocument): void {
  const root = doc.root;
  const tns = root.attr('targetNamespace')?.value;
  const types = doc.get('/wsdl:definitions/wsdl:types', NS) as XmlElement | null;
  const bindings = doc.find('/wsdl:definitions/wsdl:binding', NS) as XmlElement[];
  // Bindings in an imported WSDL, or a WSDL without types, keep their own shape.
  if (tns === undefined || types === null || bindings.length === 0) return;
  if (doc.get(`/wsdl:definitions/wsdl:message[@name='${CONTEXT_MESSAGE}']`, NS) !== null) return;
  root.addNsDeclaration(XS_NS, 'egsbxs');
  root.addNsDeclaration(CONTEXT_NS, 'egsbctx');
  root.addNsDeclaration(tns, 'egsbw');
  root.addNsDeclaration(NS.s11, 'egsbs11');
  root.addNsDeclaration(NS.s12, 'egsbs12');

  const schema = types.addElement('schema', 'egsbxs');
  schema.setAttr('targetNamespace', CONTEXT_NS);
  schema.setAttr('elementFormDefault', 'qualified');
  const element = schema.addElement('element', 'egsbxs');
  element.setAttr('name', 'Context');
  const all = element.addElement('complexType', 'egsbxs').addElement('all', 'egsbxs');
  for (const field of CONTEXT_FIELDS) {
    const child = all.addElement('element', 'egsbxs');
    child.setAttr('name', field);
    child.setAttr('type', 'egsbxs:string');
    child.setAttr('minOccurs', '0');
  }

  const wsdlPrefix = root.namespacePrefix === '' ? undefined : root.namespacePrefix;
  const message = root.addElement('message', wsdlPrefix);
  message.setAttr('name', CONTEXT_MESSAGE);
  const part = message.addElement('part', wsdlPrefix);
  part.setAttr('name', 'context');
  part.setAttr('element', 'egsbctx:Context');

  for (const binding of bindings) {
    const soapPrefix =
      binding.get('s11:binding', NS) !== null ? 'egsbs11' : binding.get('s12:binding', NS) !== null ? 'egsbs12' : undefined;
    if (soapPrefix === undefined) continue;
    for (const node of binding.find('wsdl:operation/wsdl:input', NS)) {
      const header = (node as XmlElement).addElement('header', soapPrefix);
      header.setAttr('message', `egsbw:${CONTEXT_MESSAGE}`);
      header.setAttr('part', 'context');
      header.setAttr('use', 'literal');
    }
  }
}

/** A schema of the contract with its references set to bus links. */
export function rewriteSchema(input: RewriteInput): string {
  return rewrite(input, () => {});
}

function rewrite({ file, bundle, catalogue, link }: RewriteInput, extra: (doc: XmlDocument) => void): string {
  const bytes = file.origin === 'bundle' ? bundle.files.get(file.path) : catalogue.files.get(file.path);
  if (bytes === undefined) throw new Error(`${file.path} is not part of the contract`);
  // Stored files passed the hazard checks when they were published.
  const doc = XmlDocument.fromString(Buffer.from(bytes).toString('utf8'), { option: PARSE_OPTIONS });
  try {
    for (const node of doc.find(REFERENCES, NS)) {
      const element = node as XmlElement;
      const location = element.attr(element.namespaceUri === WSDL_NS ? 'location' : 'schemaLocation');
      if (location === null) continue;
      location.value = link(resolveReference(file, location.value, bundle, catalogue));
    }
    extra(doc);
    return doc.toString();
  } finally {
    doc.dispose();
  }
}
