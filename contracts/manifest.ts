/**
 * The bundle manifest: what a publishing AIS says about its service besides the contract itself.
 * Checked against a JSON Schema (unknown fields refused, defaults filled in), then against rules a
 * schema cannot state.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { EgsbError, ErrorCode, type ErrorEntry } from './errors.ts';
import { ContextField, Mode, Visibility, type Manifest } from './types.ts';

export const MAX_TIMEOUT_MS = 120_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

const name = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const manifestSchema = {
  $id: 'urn:egsb:schema:manifest:v1',
  type: 'object',
  additionalProperties: false,
  required: ['code', 'version', 'source', 'contract', 'endpoints', 'dataItems'],
  properties: {
    code: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' },
    version: { type: 'string', pattern: '^[1-9][0-9]{0,4}\\.(0|[1-9][0-9]{0,4})$' },
    name: { type: 'string', maxLength: 256 },
    description: { type: 'string', maxLength: 4096 },
    ais: { type: 'integer', minimum: 1, maximum: 9999999 },
    source: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{1,31}$' },
    modes: {
      type: 'array',
      items: { enum: Object.values(Mode) },
      minItems: 1,
      uniqueItems: true,
      default: [Mode.SYNC],
    },
    endpoints: {
      type: 'array',
      minItems: 1,
      maxItems: 32,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: {
          url: { type: 'string', maxLength: 2048, pattern: '^(https?://[^\\s]+|nats:[A-Za-z0-9_.>*-]+)$' },
          weight: { type: 'integer', minimum: 1, maximum: 100 },
        },
      },
    },
    balancing: { enum: ['least-pending', 'round-robin'], default: 'least-pending' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: MAX_TIMEOUT_MS, default: DEFAULT_TIMEOUT_MS },
    visibility: { enum: Object.values(Visibility), default: Visibility.PUBLIC },
    maxMessageBytes: { type: 'integer', minimum: 1024, maximum: 64 * 1024 * 1024, default: DEFAULT_MAX_MESSAGE_BYTES },
    idempotentOperations: { type: 'array', items: name, uniqueItems: true, default: [] },
    // How a SOAP service's asynchronous acceptance reads: egsb's ctx:Accepted (202), or, for a service
    // of the ISZR interface, the operation's own answer whose OdpovedInfo carries the IszrZadostId (200).
    asyncAnswer: { enum: ['egsb', 'iszr'], default: 'egsb' },
    namespaces: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,31}$' },
      additionalProperties: { type: 'string', minLength: 1, maxLength: 1024 },
      default: {},
    },
    // Every service says which data items it returns: with none, there would be nothing to authorise.
    dataItems: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'paths'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' },
          paths: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 1024 } },
        },
      },
    },
    subjects: {
      type: 'array',
      maxItems: 16,
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'path'],
        properties: {
          kind: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,15}$' },
          path: { type: 'string', minLength: 1, maxLength: 1024 },
        },
      },
    },
    contextMapping: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.values(ContextField).map((f) => [f, { type: 'string', minLength: 1, maxLength: 1024 }])),
      default: {},
    },
    contract: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['wsdl'],
          properties: { wsdl: { type: 'string', minLength: 1, maxLength: 512 } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['operations'],
          properties: {
            operations: {
              type: 'object',
              minProperties: 1,
              propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_-]{0,127}$' },
              additionalProperties: {
                type: 'object',
                additionalProperties: false,
                required: ['request', 'response'],
                properties: {
                  request: { type: 'string', minLength: 1 },
                  response: { type: 'string', minLength: 1 },
                  // The shape of the provider's own errors (problem+json); without it, they do not pass.
                  error: { type: 'string', minLength: 1 },
                },
              },
            },
          },
        },
      ],
    },
  },
} as const;

const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true });
const validateShape = ajv.compile(manifestSchema);

/** Checks a manifest and returns it with defaults filled in; refuses with EGSB_CONTRACT_INVALID. */
export function parseManifest(input: unknown): Manifest {
  const manifest = structuredClone(input);
  if (!validateShape(manifest)) {
    const errors: ErrorEntry[] = (validateShape.errors ?? []).slice(0, 20).map((e) => ({
      location: `manifest${e.instancePath}`,
      rule: e.keyword,
      message: e.keyword === 'additionalProperties' ? `unknown field ${String(e.params.additionalProperty)}` : (e.message ?? e.keyword),
    }));
    throw manifestError(errors);
  }
  const typed = manifest as unknown as Manifest;
  const problems = semanticProblems(typed);
  if (problems.length > 0) throw manifestError(problems);
  return Object.freeze(typed);
}

function semanticProblems(m: Manifest): ErrorEntry[] {
  const problems: ErrorEntry[] = [];
  const add = (location: string, rule: string, message: string): void => {
    problems.push({ location: `manifest${location}`, rule, message });
  };
  const seen = new Set<string>();
  m.dataItems.forEach((item, i) => {
    if (seen.has(item.name)) add(`/dataItems/${i}/name`, 'unique', `data item ${item.name} is declared twice`);
    seen.add(item.name);
    item.paths.forEach((path, j) => {
      const problem = pathProblem(path, m);
      if (problem) add(`/dataItems/${i}/paths/${j}`, 'path', problem);
    });
  });
  m.subjects.forEach((subject, i) => {
    const problem = pathProblem(subject.path, m);
    if (problem) add(`/subjects/${i}/path`, 'path', problem);
  });
  for (const [field, path] of Object.entries(m.contextMapping)) {
    const problem = pathProblem(path, m);
    if (problem) add(`/contextMapping/${field}`, 'path', problem);
  }
  const isJson = 'operations' in m.contract;
  m.endpoints.forEach((e, i) => {
    if (e.url.startsWith('http')) {
      try {
        const url = new URL(e.url);
        if (url.username || url.password) add(`/endpoints/${i}/url`, 'url', 'credentials do not belong in an endpoint URL');
      } catch {
        add(`/endpoints/${i}/url`, 'url', `${e.url} is not a valid URL`);
      }
    }
  });
  if (isJson && Object.keys(m.namespaces).length > 0) add('/namespaces', 'json', 'namespaces apply to SOAP contracts only');
  if (isJson && m.asyncAnswer === 'iszr') add('/asyncAnswer', 'json', 'an ISZR-shaped asynchronous answer applies to SOAP contracts only');
  return problems;
}

/** Data item and context paths: JSON Pointers for JSON contracts, element paths with declared prefixes for SOAP. */
function pathProblem(path: string, m: Manifest): string | undefined {
  if ('operations' in m.contract) {
    if (!/^(\/([^/~]|~[01])*)+$/.test(path)) return `${path} is not a JSON Pointer (use * for any array member)`;
    return undefined;
  }
  if (!/^\/{1,2}[^/]/.test(path)) return `${path} is not an absolute element path (/prefix:Element/…)`;
  for (const step of path.split('/').filter((s) => s !== '')) {
    const match = /^(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*|\*)$/.exec(step);
    if (!match) return `${path}: step ${step} is not prefix:Name`;
    const prefix = match[1];
    if (prefix !== undefined && !(prefix in m.namespaces)) return `${path}: prefix ${prefix} is not declared in namespaces`;
  }
  return undefined;
}

function manifestError(errors: ErrorEntry[]): EgsbError {
  const first = errors[0];
  const summary = first ? `${first.location}: ${first.message}` : 'invalid';
  return new EgsbError(
    ErrorCode.CONTRACT_INVALID,
    `manifest is invalid: ${summary}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    { errors },
  );
}

export function majorOf(version: string): number {
  return Number(version.split('.')[0]);
}

export function minorOf(version: string): number {
  return Number(version.split('.')[1]);
}
