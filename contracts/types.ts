/** The contract model shared across the bus: manifests, operations, data items, compiled contracts. */
import type { SoapVersion } from './errors.ts';

export const Protocol = { SOAP: 'soap', JSON: 'json' } as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

export const Mode = { SYNC: 'sync', ASYNC: 'async' } as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

export const Visibility = { PUBLIC: 'public', RESTRICTED: 'restricted' } as const;
export type Visibility = (typeof Visibility)[keyof typeof Visibility];

/** Context fields a contract may map to places in the request body. */
export const ContextField = {
  OVM: 'ovm',
  AGENDA: 'agenda',
  ROLE: 'role',
  USER_ID: 'userId',
  PURPOSE: 'purpose',
  REQUEST_ID: 'requestId',
  DATA_ITEMS: 'dataItems',
} as const;
export type ContextField = (typeof ContextField)[keyof typeof ContextField];

export interface Endpoint {
  /** `http(s)://…` for an HTTP provider, `nats:<subject>` for one that serves a NATS subject. */
  readonly url: string;
  readonly weight?: number;
}

export interface DataItemDeclaration {
  readonly name: string;
  /** Where the item sits in answers: JSON Pointers (with `*` for array members) or XML element paths. */
  readonly paths: readonly string[];
}

export interface SubjectDeclaration {
  /** `AIFO`, `ICO`, `ADRESA`, …: what kind of identifier sits at the path. */
  readonly kind: string;
  readonly path: string;
}

export type ContractSource =
  { readonly wsdl: string } | { readonly operations: Readonly<Record<string, { readonly request: string; readonly response: string }>> };

export interface Manifest {
  readonly code: string;
  /** `major.minor`. */
  readonly version: string;
  readonly name?: string;
  readonly description?: string;
  /** Owner AIS; only the operator may name one, a publishing AIS publishes as itself. */
  readonly ais?: number;
  readonly source: string;
  readonly modes: readonly Mode[];
  readonly endpoints: readonly Endpoint[];
  /** How calls spread over the endpoints. */
  readonly balancing: 'least-pending' | 'round-robin';
  readonly timeoutMs: number;
  readonly visibility: Visibility;
  readonly maxMessageBytes: number;
  readonly idempotentOperations: readonly string[];
  /** How an asynchronous acceptance reads (SOAP): `egsb` (ctx:Accepted, 202) or `iszr` (the operation's answer, 200). */
  readonly asyncAnswer: 'egsb' | 'iszr';
  readonly namespaces: Readonly<Record<string, string>>;
  readonly dataItems: readonly DataItemDeclaration[];
  readonly contextMapping: Readonly<Partial<Record<ContextField, string>>>;
  /** Where requests name their subjects (AIFO, IČO, address codes), recorded in the audit. */
  readonly subjects: readonly SubjectDeclaration[];
  readonly contract: ContractSource;
}

export interface QName {
  readonly namespace: string;
  readonly name: string;
}

export interface OperationModel {
  readonly name: string;
  /** SOAP: the action per SOAP version the bindings offer. */
  readonly soapActions?: Readonly<Partial<Record<SoapVersion, string>>>;
  /** SOAP: the body element of the request and of the answer. */
  readonly input?: QName;
  readonly output?: QName;
  /** JSON: the schema files of the request and of the answer. */
  readonly requestSchema?: string;
  readonly responseSchema?: string;
}

/** What publishing derives from a bundle and stores with the version; the call path reads it. */
export interface ContractModel {
  readonly protocol: Protocol;
  readonly entry: string;
  readonly operations: readonly OperationModel[];
  readonly soapVersions: readonly SoapVersion[];
  readonly targetNamespace?: string;
  /** Files the contract reaches (served with `?xsd=` for SOAP). */
  readonly files: readonly string[];
}

/** A compiled validator for one message shape. */
export interface MessageValidator {
  /** Returns the broken rules, empty when the message conforms. */
  (message: unknown): readonly { location: string; rule: string; message: string }[];
}

export interface CompiledContract {
  readonly model: ContractModel;
  /** Frees compiled native resources (libxml2 schemas). */
  dispose(): void;
}
