/**
 * Loads an XML contract (a WSDL or an XSD) and every schema it reaches. Each file is checked for
 * hazards, parsed without network or entity expansion, and its references are resolved through the
 * bundle rules and rewritten to the virtual URL of their target, so that libxml2 later reads exactly
 * the files found here.
 */
import { ParseOption, XmlDocument, XmlLibError, type XmlElement } from 'libxml2-wasm';
import { contractError, displayPath, readFileRef, resolveReference, type Bundle, type FileRef, type SchemaCatalogue } from './bundle.ts';
import { isHazard, inspectXml } from './xml-safety.ts';
import { BUNDLE_URL, CATALOGUE_URL } from './xml-files.ts';

export const XS_NS = 'http://www.w3.org/2001/XMLSchema';
export const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
export const NS = { xs: XS_NS, wsdl: WSDL_NS };
/** Every element that points at another contract file: schema imports, includes, redefines, WSDL imports. */
export const REFERENCES =
  '//xs:import[@schemaLocation] | //xs:include[@schemaLocation] | //xs:redefine[@schemaLocation] | ' +
  '//xs:override[@schemaLocation] | //wsdl:import[@location]';

export const PARSE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_BIG_LINES;

export interface LoadedFile {
  readonly ref: FileRef;
  readonly url: string;
  readonly doc: XmlDocument;
}

export interface XmlGraph {
  /** Loaded files by virtual URL, the entry first. */
  readonly files: ReadonlyMap<string, LoadedFile>;
  /** What libxml2 may read while compiling: each file with its references rewritten. */
  readonly served: Map<string, Uint8Array>;
  /** Shows a virtual URL as the publisher knows the file. */
  display(url: string | undefined): string;
  dispose(): void;
}

export function virtualUrl(ref: FileRef): string {
  return (ref.origin === 'bundle' ? BUNDLE_URL : CATALOGUE_URL) + encodeURI(ref.path);
}

export function loadXmlGraph(entry: FileRef, bundle: Bundle, catalogue: SchemaCatalogue): XmlGraph {
  const files = new Map<string, LoadedFile>();
  const byUrl = new Map<string, FileRef>();
  const graph: XmlGraph = {
    files,
    served: new Map(),
    display(url) {
      if (url === undefined) return '';
      const ref = byUrl.get(url);
      return ref ? displayPath(ref) : url;
    },
    dispose() {
      for (const file of files.values()) file.doc.dispose();
      files.clear();
    },
  };
  const queue: FileRef[] = [entry];
  try {
    for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
      const url = virtualUrl(ref);
      if (files.has(url)) continue;
      byUrl.set(url, ref);
      const doc = parseContractFile(ref, bundle, catalogue, url);
      files.set(url, { ref, url, doc });
      for (const node of doc.find(REFERENCES, NS)) {
        const element = node as XmlElement;
        const attribute = element.name === 'import' && element.namespaceUri === WSDL_NS ? 'location' : 'schemaLocation';
        const location = element.attr(attribute);
        if (location === null) continue;
        const target = resolveReference(ref, location.value, bundle, catalogue, element.line);
        // Set through the attribute: setAttr would add a second one when a default namespace is in scope.
        location.value = virtualUrl(target);
        queue.push(target);
      }
      graph.served.set(url, Buffer.from(doc.toString(), 'utf8'));
    }
  } catch (error) {
    graph.dispose();
    throw error;
  }
  return graph;
}

function parseContractFile(ref: FileRef, bundle: Bundle, catalogue: SchemaCatalogue, url: string): XmlDocument {
  const file = displayPath(ref);
  const bytes = readFileRef(ref, bundle, catalogue);
  if (bytes === undefined) throw contractError(`${file} is not in the bundle`, { file });
  const inspected = inspectXml(bytes);
  if (isHazard(inspected)) {
    throw contractError(`${file}:${inspected.line}: ${inspected.reason}`, { file, line: inspected.line, rule: 'xml-safety' });
  }
  try {
    return XmlDocument.fromString(inspected.text, { url, option: PARSE_OPTIONS });
  } catch (error) {
    const detail = error instanceof XmlLibError ? error.details[0] : undefined;
    const line = detail?.line;
    const cause = (detail?.message ?? String(error)).trim();
    throw contractError(`${file}${line ? `:${line}` : ''}: not well-formed XML: ${cause}`, { file, line, rule: 'well-formed' }, error);
  }
}
