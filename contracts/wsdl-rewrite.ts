/**
 * Serves a published contract as the bus's own: the WSDL's endpoint address becomes the bus, and
 * every schema reference becomes a `?xsd=` link on the bus, so a generated client needs nothing else.
 */
import { XmlDocument, type XmlElement } from 'libxml2-wasm';
import { resolveReference, type Bundle, type FileRef, type SchemaCatalogue } from './bundle.ts';
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

/** The WSDL with its service addresses set to `address` and its references set to bus links. */
export function rewriteWsdl(input: RewriteInput & { readonly address: string }): string {
  return rewrite(input, (doc) => {
    for (const node of doc.find('//wsdl:port/s11:address | //wsdl:port/s12:address', NS)) {
      const location = (node as XmlElement).attr('location');
      if (location !== null) location.value = input.address;
    }
  });
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
