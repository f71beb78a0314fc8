/**
 * Reads the operations of a WSDL 1.1 document (document/literal, SOAP 1.1 and 1.2 bindings) from the
 * loaded files: which body element each operation takes and answers, and its SOAP action per version.
 */
import type { XmlElement } from 'libxml2-wasm';
import { contractError } from './bundle.ts';
import { SoapVersion } from './errors.ts';
import type { OperationModel, QName } from './types.ts';
import { WSDL_NS, type LoadedFile } from './xml-graph.ts';

const SOAP11_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/soap/';
const SOAP12_BINDING_NS = 'http://schemas.xmlsoap.org/wsdl/soap12/';
const NS = { wsdl: WSDL_NS, s11: SOAP11_BINDING_NS, s12: SOAP12_BINDING_NS };

export interface WsdlModel {
  readonly targetNamespace: string;
  readonly operations: OperationModel[];
  readonly soapVersions: SoapVersion[];
}

interface Definitions {
  readonly file: string;
  readonly root: XmlElement;
  readonly targetNamespace: string;
}

/** `wsdls` are the loaded WSDL files, the entry first. */
export function readWsdlModel(wsdls: readonly LoadedFile[], display: (url: string) => string): WsdlModel {
  const defs: Definitions[] = wsdls.map((f) => ({
    file: display(f.url),
    root: f.doc.root,
    targetNamespace: f.doc.root.attr('targetNamespace')?.value ?? '',
  }));
  const entry = defs[0];
  if (entry === undefined || entry.root.name !== 'definitions' || entry.root.namespaceUri !== WSDL_NS) {
    throw contractError(`${entry?.file ?? 'entry'}: the root element is not wsdl:definitions`, { file: entry?.file, rule: 'wsdl' });
  }
  const messages = indexByQName(defs, 'message');
  const portTypes = indexByQName(defs, 'portType');
  const operations = new Map<string, { -readonly [K in keyof OperationModel]: OperationModel[K] }>();
  const versions = new Set<SoapVersion>();

  for (const def of defs) {
    for (const node of def.root.find('wsdl:binding', NS)) {
      const binding = node as XmlElement;
      const version = bindingVersion(binding);
      if (version === undefined) continue; // an HTTP or MIME binding: not served by the bus
      checkDocumentStyle(binding, def.file);
      versions.add(version);
      const portType = lookup(portTypes, qnameOf(binding, 'type', def.file), def.file, 'portType');
      for (const opNode of binding.find('wsdl:operation', NS)) {
        const bindingOp = opNode as XmlElement;
        const name = bindingOp.attr('name')?.value ?? '';
        const abstract = portType.root.get(`wsdl:operation[@name=${xpathLiteral(name)}]`, NS) as XmlElement | null;
        if (abstract === null) {
          throw contractError(`${def.file}:${bindingOp.line}: binding operation ${name} is not in its portType`, {
            file: def.file,
            line: bindingOp.line,
            rule: 'wsdl',
          });
        }
        const op = operations.get(name) ?? { name, soapActions: {} };
        op.input ??= bodyElement(abstract, 'input', messages, def.file);
        op.output ??= bodyElement(abstract, 'output', messages, def.file);
        const action = (bindingOp.get('s11:operation | s12:operation', NS) as XmlElement | null)?.attr('soapAction')?.value;
        op.soapActions = { ...op.soapActions, [version]: action ?? '' };
        operations.set(name, op);
      }
    }
  }
  if (operations.size === 0) {
    throw contractError(`${entry.file}: no SOAP 1.1 or 1.2 binding with operations`, { file: entry.file, rule: 'wsdl' });
  }
  return { targetNamespace: entry.targetNamespace, operations: [...operations.values()], soapVersions: [...versions].sort() };
}

interface Named {
  readonly root: XmlElement;
  readonly file: string;
}

function indexByQName(defs: readonly Definitions[], kind: string): Map<string, Named> {
  const index = new Map<string, Named>();
  for (const def of defs) {
    for (const node of def.root.find(`wsdl:${kind}`, NS)) {
      const element = node as XmlElement;
      index.set(key({ namespace: def.targetNamespace, name: element.attr('name')?.value ?? '' }), { root: element, file: def.file });
    }
  }
  return index;
}

function bindingVersion(binding: XmlElement): SoapVersion | undefined {
  if (binding.get('s11:binding', NS)) return SoapVersion.V11;
  if (binding.get('s12:binding', NS)) return SoapVersion.V12;
  return undefined;
}

function checkDocumentStyle(binding: XmlElement, file: string): void {
  const styles = binding.find(
    's11:binding/@style | s12:binding/@style | wsdl:operation/s11:operation/@style | wsdl:operation/s12:operation/@style',
    NS,
  );
  const encoded = binding.find('.//s11:body[@use="encoded"] | .//s12:body[@use="encoded"]', NS);
  if (styles.some((s) => (s as unknown as { value: string }).value === 'rpc') || encoded.length > 0) {
    throw contractError(`${file}:${binding.line}: only document/literal bindings are supported (found rpc style or encoded use)`, {
      file,
      line: binding.line,
      rule: 'wsdl-style',
    });
  }
}

function bodyElement(operation: XmlElement, direction: 'input' | 'output', messages: Map<string, Named>, file: string): QName | undefined {
  const io = operation.get(`wsdl:${direction}`, NS) as XmlElement | null;
  if (io === null) return undefined;
  const message = lookup(messages, qnameOf(io, 'message', file), file, 'message');
  const parts = message.root.find('wsdl:part', NS) as XmlElement[];
  const part = parts[0];
  if (part === undefined) return undefined;
  if (parts.length > 1 || part.attr('element') === null) {
    throw contractError(`${message.file}:${part.line}: message parts must be one element each (document/literal wrapped)`, {
      file: message.file,
      line: part.line,
      rule: 'wsdl-part',
    });
  }
  return qnameOf(part, 'element', message.file);
}

function qnameOf(element: XmlElement, attribute: string, file: string): QName {
  const value = element.attr(attribute)?.value ?? '';
  const colon = value.indexOf(':');
  const prefix = colon < 0 ? '' : value.slice(0, colon);
  const name = value.slice(colon + 1);
  const namespace = element.namespaceForPrefix(prefix) ?? (prefix === '' ? '' : null);
  if (namespace === null || name === '') {
    throw contractError(`${file}:${element.line}: ${attribute}="${value}" uses an undeclared prefix`, {
      file,
      line: element.line,
      rule: 'wsdl',
    });
  }
  return { namespace, name };
}

function lookup(index: Map<string, Named>, name: QName, file: string, kind: string): Named {
  const found = index.get(key(name));
  if (found === undefined) throw contractError(`${file}: ${kind} {${name.namespace}}${name.name} is not defined`, { file, rule: 'wsdl' });
  return found;
}

const key = (q: QName): string => `{${q.namespace}}${q.name}`;

function xpathLiteral(value: string): string {
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}
