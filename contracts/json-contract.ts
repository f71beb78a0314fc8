/**
 * Compiles a JSON contract: one request and one answer schema (JSON Schema 2020-12) per operation.
 * `$ref`s to other files resolve inside the bundle or through the operator's catalogue; Ajv is given
 * exactly those files and never loads anything else.
 */
import { linearRegExp } from './linear-regexp.ts';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { contractError, displayPath, readFileRef, resolveReference, type Bundle, type FileRef, type SchemaCatalogue } from './bundle.ts';
import { ErrorCode, type ErrorEntry } from './errors.ts';
import { checkJsonStructure } from './message-limits.ts';

/** How deep and how large one schema file may be. */
const SCHEMA_LIMITS = { depth: 64, members: 1_000_000 } as const;
import { Protocol, type ContractModel, type OperationModel } from './types.ts';

const MAX_REPORTED = 10;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface CompiledJsonOperation {
  readonly model: OperationModel;
  validateRequest(body: unknown): ErrorEntry[];
  validateResponse(body: unknown): ErrorEntry[];
  /** Present when the contract declares the operation's error shape. */
  validateError?(body: unknown): ErrorEntry[];
}

export interface CompiledJsonContract {
  readonly model: ContractModel;
  readonly operations: ReadonlyMap<string, CompiledJsonOperation>;
  dispose(): void;
}

export function compileJsonContract(
  operations: Readonly<Record<string, { readonly request: string; readonly response: string; readonly error?: string }>>,
  bundle: Bundle,
  catalogue: SchemaCatalogue,
): CompiledJsonContract {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: true, loadSchema: undefined, code: { regExp: linearRegExp } });
  addFormats.default(ajv);
  const loaded = new Map<string, FileRef>();
  const compiled = new Map<string, CompiledJsonOperation>();
  const models: OperationModel[] = [];

  for (const [name, { request, response, error }] of Object.entries(operations)) {
    const model: OperationModel = { name, requestSchema: request, responseSchema: response };
    const validateRequest = compileFile(ajv, { origin: 'bundle', path: request }, bundle, catalogue, loaded);
    const validateResponse = compileFile(ajv, { origin: 'bundle', path: response }, bundle, catalogue, loaded);
    const validateError = error === undefined ? undefined : compileFile(ajv, { origin: 'bundle', path: error }, bundle, catalogue, loaded);
    models.push(model);
    compiled.set(name, {
      model,
      validateRequest: (body) => report(validateRequest, body),
      validateResponse: (body) => report(validateResponse, body),
      ...(validateError ? { validateError: (body: unknown) => report(validateError, body) } : {}),
    });
  }
  const files = [...loaded.values()].filter((r) => r.origin === 'bundle').map((r) => r.path);
  return {
    model: { protocol: Protocol.JSON, entry: files[0] ?? '', operations: models, soapVersions: [], files },
    operations: compiled,
    dispose() {},
  };
}

function compileFile(
  ajv: Ajv2020,
  ref: FileRef,
  bundle: Bundle,
  catalogue: SchemaCatalogue,
  loaded: Map<string, FileRef>,
): ValidateFunction {
  const id = addWithReferences(ajv, ref, bundle, catalogue, loaded);
  try {
    const validate = ajv.getSchema(id);
    if (validate === undefined) throw new Error(`schema ${id} was not added`);
    return validate;
  } catch (error) {
    const file = displayPath(ref);
    throw contractError(`${file}: JSON Schema does not compile: ${(error as Error).message}`, { file, rule: 'json-schema' }, error);
  }
}

/** Adds a schema file and, depth first, every file its `$ref`s name; returns the file's id. */
function addWithReferences(ajv: Ajv2020, ref: FileRef, bundle: Bundle, catalogue: SchemaCatalogue, loaded: Map<string, FileRef>): string {
  const id = schemaId(ref);
  if (loaded.has(id)) return id;
  loaded.set(id, ref);
  const schema = parseJsonFile(ref, bundle, catalogue);
  const pending: FileRef[] = [];
  rewriteRefs(schema, (value) => {
    const hash = value.indexOf('#');
    const filePart = hash < 0 ? value : value.slice(0, hash);
    if (filePart === '') return value;
    const target = resolveReference(ref, filePart, bundle, catalogue);
    pending.push(target);
    return schemaId(target) + (hash < 0 ? '' : value.slice(hash));
  });
  (schema as Record<string, unknown>).$id = id;
  try {
    ajv.addSchema(schema as object, id);
  } catch (error) {
    const file = displayPath(ref);
    throw contractError(`${file}: not a valid JSON Schema: ${(error as Error).message}`, { file, rule: 'json-schema' }, error);
  }
  for (const target of pending) addWithReferences(ajv, target, bundle, catalogue, loaded);
  return id;
}

function parseJsonFile(ref: FileRef, bundle: Bundle, catalogue: SchemaCatalogue): unknown {
  const file = displayPath(ref);
  const bytes = readFileRef(ref, bundle, catalogue);
  if (bytes === undefined) throw contractError(`${file} is not in the bundle`, { file, rule: 'import' });
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw contractError(`${file}: is not valid UTF-8`, { file, rule: 'encoding' });
  }
  try {
    // Bounded before anything recurses through it (reference rewriting, Ajv's compiler).
    checkJsonStructure(text, ErrorCode.CONTRACT_INVALID, SCHEMA_LIMITS);
  } catch (error) {
    throw contractError(`${file}: ${(error as Error).message}`, { file, rule: 'structure' }, error);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new SyntaxError('a schema must be a JSON object');
    }
    return value;
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message);
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : undefined;
    throw contractError(`${file}${line ? `:${line}` : ''}: not valid JSON: ${(error as Error).message}`, {
      file,
      line,
      rule: 'well-formed',
    });
  }
}

function rewriteRefs(node: unknown, rewrite: (ref: string) => string): void {
  if (Array.isArray(node)) {
    for (const item of node) rewriteRefs(item, rewrite);
  } else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if ((key === '$ref' || key === '$dynamicRef') && typeof value === 'string') record[key] = rewrite(value);
      else rewriteRefs(value, rewrite);
    }
  }
}

function schemaId(ref: FileRef): string {
  return `egsb://${ref.origin}/${encodeURI(ref.path)}`;
}

function report(validate: ValidateFunction, body: unknown): ErrorEntry[] {
  if (validate(body)) return [];
  return (validate.errors ?? []).slice(0, MAX_REPORTED).map((e: ErrorObject) => ({
    location: e.instancePath === '' ? '/' : e.instancePath,
    rule: e.keyword,
    message: e.message ?? e.keyword,
  }));
}
