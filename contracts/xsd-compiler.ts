/**
 * Compiles the XML Schema of a contract (the XSD itself, or every schema a WSDL carries in
 * wsdl:types) into one libxml2 validator, reading only the files the graph loaded.
 */
import { XmlDocument, XmlLibError, XsdValidator, type XmlElement } from 'libxml2-wasm';
import { contractError } from './bundle.ts';
import { EgsbError, ErrorCode, escapeXml, type ErrorEntry } from './errors.ts';
import type { QName } from './types.ts';
import { PARSE_OPTIONS, WSDL_NS, XS_NS, type XmlGraph } from './xml-graph.ts';
import { withXmlFiles } from './xml-files.ts';

const NS = { xs: XS_NS, wsdl: WSDL_NS };
const MAX_REPORTED = 10;

export interface CompiledSchema {
  readonly validator: XsdValidator;
  /** Global elements the schemas declare, as `{namespace}name`. */
  readonly elements: ReadonlySet<string>;
}

export function compileXsd(graph: XmlGraph): CompiledSchema {
  const entry = graph.files.values().next().value;
  if (entry === undefined) throw contractError('the contract is empty');
  const isWsdl = entry.doc.root.namespaceUri === WSDL_NS;
  const wrapperUrl = `${entry.url}.egsb-wrapper.xsd`;
  const wrapper = isWsdl ? wsdlWrapper(graph, entry.url) : xsdWrapper(entry.url, entry.doc.root);
  const elements = globalElements(graph);
  let doc: XmlDocument | undefined;
  try {
    doc = XmlDocument.fromString(wrapper, { url: wrapperUrl, option: PARSE_OPTIONS });
    const parsed = doc;
    const validator = withXmlFiles(graph.served, () => XsdValidator.fromDoc(parsed));
    return { validator, elements };
  } catch (error) {
    throw schemaError(error, graph);
  } finally {
    doc?.dispose();
  }
}

/** Validates one element (a SOAP body's child) and returns the broken rules. */
export function validateElement(schema: CompiledSchema, element: XmlElement): ErrorEntry[] {
  try {
    schema.validator.validate(element);
    return [];
  } catch (error) {
    if (!(error instanceof XmlLibError)) throw error;
    return error.details.slice(0, MAX_REPORTED).map((d) => ({
      location: d.xpath ?? `line ${d.line}`,
      rule: 'xsd',
      message: withoutValues(d.message.trim()),
    }));
  }
}

/**
 * libxml2 quotes the offending value in its messages ("The value '8001011234' is not accepted…"). A
 * value is message data, perhaps an item the reader may not see: only the names of elements,
 * attributes, facets and types stay quoted; every other quoted text becomes `(value)`.
 */
export function withoutValues(message: string): string {
  return message.replace(/(\b(?:Element|element|attribute|facet|type|types)\s+)?'[^']*'/g, (quoted, named: string | undefined) =>
    named !== undefined ? quoted : '(value)',
  );
}

export function declaresElement(schema: CompiledSchema, name: QName): boolean {
  return schema.elements.has(`{${name.namespace}}${name.name}`) || schema.elements.has(`{}${name.name}`);
}

function xsdWrapper(entryUrl: string, root: XmlElement): string {
  const ns = root.attr('targetNamespace')?.value;
  const ref = ns === undefined ? `<xs:include schemaLocation="${escapeXml(entryUrl)}"/>` : importOf(ns, entryUrl);
  return `<xs:schema xmlns:xs="${XS_NS}">${ref}</xs:schema>`;
}

/** Writes each inline schema out as a file of its own and imports all of them from one wrapper. */
function wsdlWrapper(graph: XmlGraph, entryUrl: string): string {
  const byNamespace = new Map<string, string[]>();
  let index = 0;
  for (const file of graph.files.values()) {
    if (file.doc.root.namespaceUri !== WSDL_NS) continue;
    for (const node of file.doc.find('/wsdl:definitions/wsdl:types/xs:schema', NS)) {
      const schema = node as XmlElement;
      // An inline schema may use prefixes declared on wsdl:definitions; carry them along.
      const local = schema.localNamespaces;
      for (const [prefix, uri] of Object.entries(schema.namespaces)) {
        if (!(prefix in local)) schema.addNsDeclaration(uri, prefix === '' ? undefined : prefix);
      }
      const url = `${file.url}.egsb-inline-${index++}.xsd`;
      graph.served.set(url, Buffer.from(schema.toString(), 'utf8'));
      const ns = schema.attr('targetNamespace')?.value ?? '';
      byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), url]);
    }
  }
  const refs: string[] = [];
  for (const [ns, urls] of byNamespace) {
    if (ns === '') {
      refs.unshift(...urls.map((u) => `<xs:include schemaLocation="${escapeXml(u)}"/>`));
    } else if (urls.length === 1) {
      refs.push(importOf(ns, urls[0] ?? ''));
    } else {
      // libxml2 reads one import per namespace; several inline schemas of one namespace join by include.
      const joinUrl = `${entryUrl}.egsb-ns-${refs.length}.xsd`;
      const includes = urls.map((u) => `<xs:include schemaLocation="${escapeXml(u)}"/>`).join('');
      graph.served.set(joinUrl, Buffer.from(`<xs:schema xmlns:xs="${XS_NS}" targetNamespace="${escapeXml(ns)}">${includes}</xs:schema>`));
      refs.push(importOf(ns, joinUrl));
    }
  }
  return `<xs:schema xmlns:xs="${XS_NS}">${refs.join('')}</xs:schema>`;
}

function importOf(ns: string, url: string): string {
  return `<xs:import namespace="${escapeXml(ns)}" schemaLocation="${escapeXml(url)}"/>`;
}

function globalElements(graph: XmlGraph): Set<string> {
  const names = new Set<string>();
  for (const file of graph.files.values()) {
    for (const node of file.doc.find('//xs:schema', NS)) {
      const schema = node as XmlElement;
      const ns = schema.attr('targetNamespace')?.value ?? '';
      for (const el of schema.find('xs:element[@name]', NS)) names.add(`{${ns}}${(el as XmlElement).attr('name')?.value}`);
    }
  }
  return names;
}

function schemaError(error: unknown, graph: XmlGraph): EgsbError {
  if (error instanceof EgsbError) return error;
  const details = error instanceof XmlLibError ? error.details.filter((d) => d.level >= 2) : [];
  const errors: ErrorEntry[] = details.slice(0, MAX_REPORTED).map((d) => {
    const file = graph.display(d.file);
    return { location: `${file}:${d.line}`, rule: 'xsd-compile', message: d.message.trim(), file, line: d.line };
  });
  const first = errors[0];
  const summary = first ? `${first.location}: ${first.message}` : String(error instanceof Error ? error.message : error);
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return new EgsbError(ErrorCode.CONTRACT_INVALID, `schema does not compile: ${summary}${more}`, { errors, cause: error });
}
