/**
 * What can go wrong when reading shared data, as typed errors: each carries the bus's catalogue code,
 * the request id and the detail, the same whether the bus answered problem+json or a SOAP fault.
 * The class says what to do about it: a refused call needs an authorisation or other credentials, an
 * invalid one needs fixing, an unavailable one may be tried again later, and a provider's own answer
 * (its business error) is passed on as it came.
 */
import { ErrorCode, errorCatalogue } from '../../contracts/index.ts';

export interface ErrorEntry {
  readonly location: string;
  readonly rule?: string;
  readonly message: string;
}

export interface SharedDataErrorInit {
  readonly code: string;
  readonly status?: number;
  readonly requestId?: string;
  readonly ticket?: string;
  readonly errors?: readonly ErrorEntry[];
  readonly cause?: unknown;
}

export class SharedDataError extends Error {
  readonly code: string;
  /** The status the catalogue gives the code (a SOAP 1.1 fault itself always comes as HTTP 500); 0 when no answer came. */
  readonly status: number;
  readonly requestId: string | undefined;
  readonly ticket: string | undefined;
  readonly errors: readonly ErrorEntry[];

  constructor(detail: string, init: SharedDataErrorInit) {
    super(detail, init.cause !== undefined ? { cause: init.cause } : undefined);
    this.name = new.target.name;
    this.code = init.code;
    this.status = init.status ?? 0;
    this.requestId = init.requestId;
    this.ticket = init.ticket;
    this.errors = init.errors ?? [];
  }

  /** The detail, as the bus wrote it. */
  get detail(): string {
    return this.message;
  }
}

/** Not allowed: credentials, agenda, role, authorisation or data items (401, 403). */
export class RefusedError extends SharedDataError {}
/** The call itself is wrong: fix it before trying again (400, 404, 409, 413, 422; and client-side checks). */
export class InvalidCallError extends SharedDataError {}
/** The bus, the queue or the provider cannot serve it now (502, 503, 504, 429, or no connection). */
export class UnavailableError extends SharedDataError {}
/** The provider answered with its own error (a SOAP fault or a non-2xx JSON answer of its contract). */
export class ProviderError extends SharedDataError {
  /** The provider's answer as it came: a parsed JSON body, or the fault's text. */
  readonly answer: unknown;
  constructor(detail: string, init: SharedDataErrorInit & { answer: unknown }) {
    super(detail, init);
    this.answer = init.answer;
  }
}
/** An asynchronous result was not there within the time the caller would wait. */
export class PendingError extends SharedDataError {}

/** Client-side codes, for problems found before anything is sent or after the answer came. */
export const ClientCode = {
  USAGE: 'EGSB_CLIENT_USAGE',
  UNREADABLE: 'EGSB_CLIENT_UNREADABLE',
  UNREACHABLE: 'EGSB_CLIENT_UNREACHABLE',
  PENDING: 'EGSB_CLIENT_PENDING',
  ABORTED: 'EGSB_CLIENT_ABORTED',
  EXPIRED: 'EGSB_CLIENT_EXPIRED',
} as const;

const REFUSED = new Set<string>([
  ErrorCode.AUTH_REQUIRED,
  ErrorCode.AUTH_INVALID,
  ErrorCode.AIS_INACTIVE,
  ErrorCode.FORBIDDEN,
  ErrorCode.AGENDA_NOT_ALLOWED,
  ErrorCode.NOT_AUTHORISED,
  ErrorCode.DATA_ITEMS_NOT_AUTHORISED,
  ErrorCode.ACCESS_NOT_APPROVED,
]);
const UNAVAILABLE = new Set<string>([
  ErrorCode.PROVIDER_UNAVAILABLE,
  ErrorCode.PROVIDER_TIMEOUT,
  ErrorCode.PROVIDER_RESPONSE_INVALID,
  ErrorCode.AUDIT_UNAVAILABLE,
  ErrorCode.ASYNC_UNAVAILABLE,
  ErrorCode.STORAGE_UNAVAILABLE,
  ErrorCode.RATE_LIMITED,
  ErrorCode.INTERNAL,
  ClientCode.UNREACHABLE,
]);

/** The error class for a catalogue code. */
export function errorFor(code: string, detail: string, given: Omit<SharedDataErrorInit, 'code'>): SharedDataError {
  const known = (errorCatalogue as Readonly<Record<string, { status: number } | undefined>>)[code];
  const init = known !== undefined ? { ...given, status: known.status } : given;
  if (REFUSED.has(code)) return new RefusedError(detail, { ...init, code });
  if (UNAVAILABLE.has(code)) return new UnavailableError(detail, { ...init, code });
  return new InvalidCallError(detail, { ...init, code });
}

export function usageError(detail: string): InvalidCallError {
  return new InvalidCallError(detail, { code: ClientCode.USAGE });
}
