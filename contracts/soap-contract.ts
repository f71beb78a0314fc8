/** Compiles a WSDL contract: its operations, and one schema validator for all its messages. */
import type { XmlElement } from 'libxml2-wasm';
import { contractError, type Bundle, type SchemaCatalogue } from './bundle.ts';
import type { ErrorEntry } from './errors.ts';
import { Protocol, type ContractModel, type OperationModel } from './types.ts';
import { WSDL_NS, loadXmlGraph } from './xml-graph.ts';
import { compileXsd, declaresElement, validateElement, type CompiledSchema } from './xsd-compiler.ts';
import { readWsdlModel } from './wsdl-model.ts';

export interface CompiledSoapContract {
  readonly model: ContractModel;
  readonly operations: ReadonlyMap<string, OperationModel>;
  /** Validates a body element (request or answer) against the contract's schemas. */
  validate(element: XmlElement): ErrorEntry[];
  dispose(): void;
}

export function compileSoapContract(entry: string, bundle: Bundle, catalogue: SchemaCatalogue): CompiledSoapContract {
  const graph = loadXmlGraph({ origin: 'bundle', path: entry }, bundle, catalogue);
  let schema: CompiledSchema | undefined;
  try {
    const wsdls = [...graph.files.values()].filter((f) => f.doc.root.namespaceUri === WSDL_NS);
    const wsdl = readWsdlModel(wsdls, (url) => graph.display(url));
    schema = compileXsd(graph);
    for (const op of wsdl.operations) checkElements(op, schema, entry);
    const model: ContractModel = {
      protocol: Protocol.SOAP,
      entry,
      operations: wsdl.operations,
      soapVersions: wsdl.soapVersions,
      targetNamespace: wsdl.targetNamespace,
      files: [...graph.files.values()].filter((f) => f.ref.origin === 'bundle').map((f) => f.ref.path),
    };
    const compiled = schema;
    return {
      model,
      operations: new Map(wsdl.operations.map((op) => [op.name, op])),
      validate: (element) => validateElement(compiled, element),
      dispose: () => compiled.validator.dispose(),
    };
  } catch (error) {
    schema?.validator.dispose();
    throw error;
  } finally {
    graph.dispose();
  }
}

function checkElements(op: OperationModel, schema: CompiledSchema, file: string): void {
  for (const name of [op.input, op.output]) {
    if (name !== undefined && !declaresElement(schema, name)) {
      throw contractError(`${file}: operation ${op.name} uses element {${name.namespace}}${name.name}, which no schema declares`, {
        file,
        rule: 'wsdl-element',
      });
    }
  }
}

/** Compiles one XSD file of a bundle on its own (a JSON-free check of a schema set). */
export function compileSchemaFile(entry: string, bundle: Bundle, catalogue: SchemaCatalogue): CompiledSchema {
  const graph = loadXmlGraph({ origin: 'bundle', path: entry }, bundle, catalogue);
  try {
    return compileXsd(graph);
  } finally {
    graph.dispose();
  }
}
