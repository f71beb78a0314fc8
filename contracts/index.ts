/**
 * Contracts: the error catalogue, bundles and their path rules, manifests, and compilation of WSDL/XSD
 * and JSON Schema contracts into validators kept for the call path.
 *
 * @example
 * const compiled = compileContract({ manifest, bundle: createBundle(files), catalogue: EMPTY_CATALOGUE });
 * compiled.model.operations.map((op) => op.name);
 */
export * from './errors.ts';
export { decodeHeaderText, encodeHeaderText } from './header-text.ts';
export * from './types.ts';
export {
  createBundle,
  normaliseBundlePath,
  DEFAULT_BUNDLE_LIMITS,
  EMPTY_CATALOGUE,
  type Bundle,
  type BundleLimits,
  type SchemaCatalogue,
} from './bundle.ts';
export { compileContract, type CompiledContract, type CompileInput } from './compile.ts';
export { iszrAcceptanceXml } from './iszr-acceptance.ts';
export { parseManifest, manifestSchema, majorOf, minorOf, MAX_TIMEOUT_MS } from './manifest.ts';
export { loadSchemaCatalogue } from './schema-catalogue.ts';
export { compileSchemaFile } from './soap-contract.ts';
export { rewriteWsdl, rewriteSchema } from './wsdl-rewrite.ts';
export { inspectXml, isHazard } from './xml-safety.ts';
export { createMessagePlan, relativeXPath, type BodyContext, type MessagePlan } from './message-plan.ts';
export { compilePointer, selectPointer, removePointer, setPointer, type CompiledPointer, type JsonSlot } from './json-pointer.ts';
export {
  parseEnvelope,
  readContextHeader,
  soapRequestKind,
  soapVersionOfContentType,
  elementChildren,
  SOAP_CONTENT_TYPE,
  type SoapEnvelope,
} from './soap-envelope.ts';
export { bundleOf, readBundleDir, type BundleUpload } from './bundle-dir.ts';
export { createLogger, LogLevel, type Logger, type LoggerOptions } from './logger.ts';
export { errorCatalogue, ErrorCode, escapeXml } from './errors.ts';
export { CONTEXT_HEADERS, headerContext, resolveContext, type CallContext, type ContextSource } from './call-context.ts';
export { itemHeaders, type CheckedCall } from './checked-call.ts';
export { findDuplicateKey, JsonSyntaxError, parseStrictJson } from './strict-json.ts';
export type { CompiledJsonOperation } from './json-contract.ts';
export { checkJsonStructure, checkXmlStructure, JSON_LIMITS, XML_LIMITS } from './message-limits.ts';
