/**
 * The bus's error catalogue: every code a client can see, its HTTP status, and how an error renders
 * itself as problem+json (RFC 9457) or as a SOAP 1.1 / 1.2 fault. The table in README.md lists the
 * same codes; `errors.test.ts` keeps the two in step.
 */

export const ErrorCode = {
  AUTH_REQUIRED: 'EGSB_AUTH_REQUIRED',
  AUTH_INVALID: 'EGSB_AUTH_INVALID',
  AIS_INACTIVE: 'EGSB_AIS_INACTIVE',
  FORBIDDEN: 'EGSB_FORBIDDEN',
  CONTEXT_INVALID: 'EGSB_CONTEXT_INVALID',
  AUDIT_USER_MISSING: 'EGSB_AUDIT_USER_MISSING',
  SERVICE_NOT_FOUND: 'EGSB_SERVICE_NOT_FOUND',
  OPERATION_NOT_FOUND: 'EGSB_OPERATION_NOT_FOUND',
  NOT_FOUND: 'EGSB_NOT_FOUND',
  MESSAGE_MALFORMED: 'EGSB_MESSAGE_MALFORMED',
  MESSAGE_TOO_LARGE: 'EGSB_MESSAGE_TOO_LARGE',
  REQUEST_INVALID: 'EGSB_REQUEST_INVALID',
  AGENDA_NOT_ALLOWED: 'EGSB_AGENDA_NOT_ALLOWED',
  NOT_AUTHORISED: 'EGSB_NOT_AUTHORISED',
  DATA_ITEMS_NOT_AUTHORISED: 'EGSB_DATA_ITEMS_NOT_AUTHORISED',
  ACCESS_NOT_APPROVED: 'EGSB_ACCESS_NOT_APPROVED',
  SYNC_ONLY: 'EGSB_SYNC_ONLY',
  ASYNC_ONLY: 'EGSB_ASYNC_ONLY',
  CONFLICT: 'EGSB_CONFLICT',
  PROVIDER_UNAVAILABLE: 'EGSB_PROVIDER_UNAVAILABLE',
  PROVIDER_TIMEOUT: 'EGSB_PROVIDER_TIMEOUT',
  PROVIDER_RESPONSE_INVALID: 'EGSB_PROVIDER_RESPONSE_INVALID',
  AUDIT_UNAVAILABLE: 'EGSB_AUDIT_UNAVAILABLE',
  ASYNC_UNAVAILABLE: 'EGSB_ASYNC_UNAVAILABLE',
  STORAGE_UNAVAILABLE: 'EGSB_STORAGE_UNAVAILABLE',
  TICKET_NOT_FOUND: 'EGSB_TICKET_NOT_FOUND',
  REQUEST_ID_REUSED: 'EGSB_REQUEST_ID_REUSED',
  RATE_LIMITED: 'EGSB_RATE_LIMITED',
  CONTRACT_INVALID: 'EGSB_CONTRACT_INVALID',
  PUBLISHING_NOT_ALLOWED: 'EGSB_PUBLISHING_NOT_ALLOWED',
  ENDPOINT_NOT_APPROVED: 'EGSB_ENDPOINT_NOT_APPROVED',
  INTERNAL: 'EGSB_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

interface CodeInfo {
  readonly status: number;
  readonly title: string;
}

/** Status and short title of each code. Keep in step with README.md ("Errors"). */
export const errorCatalogue: Readonly<Record<ErrorCode, CodeInfo>> = Object.freeze({
  EGSB_AUTH_REQUIRED: { status: 401, title: 'Credentials required' },
  EGSB_AUTH_INVALID: { status: 401, title: 'Credentials not recognised' },
  EGSB_AIS_INACTIVE: { status: 403, title: 'AIS is not active' },
  EGSB_FORBIDDEN: { status: 403, title: 'Not permitted for these credentials' },
  EGSB_CONTEXT_INVALID: { status: 400, title: 'Call context invalid' },
  EGSB_AUDIT_USER_MISSING: { status: 400, title: 'No usable audit-user-id' },
  EGSB_SERVICE_NOT_FOUND: { status: 404, title: 'Service not found' },
  EGSB_OPERATION_NOT_FOUND: { status: 404, title: 'Operation not found' },
  EGSB_NOT_FOUND: { status: 404, title: 'Resource not found' },
  EGSB_MESSAGE_MALFORMED: { status: 400, title: 'Message malformed' },
  EGSB_MESSAGE_TOO_LARGE: { status: 413, title: 'Message too large' },
  EGSB_REQUEST_INVALID: { status: 400, title: 'Request breaks the contract' },
  EGSB_AGENDA_NOT_ALLOWED: { status: 403, title: 'Agenda not allowed' },
  EGSB_NOT_AUTHORISED: { status: 403, title: 'No authorisation for this service' },
  EGSB_DATA_ITEMS_NOT_AUTHORISED: { status: 403, title: 'No wanted data item is authorised' },
  EGSB_ACCESS_NOT_APPROVED: { status: 403, title: 'Access to the service not approved' },
  EGSB_SYNC_ONLY: { status: 409, title: 'Service offers the synchronous mode only' },
  EGSB_ASYNC_ONLY: { status: 409, title: 'Service offers the asynchronous mode only' },
  EGSB_CONFLICT: { status: 409, title: 'Conflicts with what is registered' },
  EGSB_PROVIDER_UNAVAILABLE: { status: 503, title: 'Provider unavailable' },
  EGSB_PROVIDER_TIMEOUT: { status: 504, title: 'Provider did not answer in time' },
  EGSB_PROVIDER_RESPONSE_INVALID: { status: 502, title: 'Provider answer breaks the contract' },
  EGSB_AUDIT_UNAVAILABLE: { status: 503, title: 'Audit record cannot be made durable' },
  EGSB_ASYNC_UNAVAILABLE: { status: 503, title: 'Asynchronous mode unavailable' },
  EGSB_STORAGE_UNAVAILABLE: { status: 503, title: 'Storage unavailable' },
  EGSB_TICKET_NOT_FOUND: { status: 404, title: 'Ticket not found' },
  EGSB_REQUEST_ID_REUSED: { status: 409, title: 'Request id already names another call' },
  EGSB_RATE_LIMITED: { status: 429, title: 'Too many calls' },
  EGSB_CONTRACT_INVALID: { status: 422, title: 'Contract does not compile' },
  EGSB_PUBLISHING_NOT_ALLOWED: { status: 403, title: 'Not allowed to publish this' },
  EGSB_ENDPOINT_NOT_APPROVED: { status: 403, title: 'Endpoint outside the approved origins' },
  EGSB_INTERNAL: { status: 500, title: 'Internal error' },
});

/** One broken rule: where (JSON Pointer or XPath, or a file and line for contracts) and what. */
export interface ErrorEntry {
  readonly location: string;
  readonly rule: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
}

export interface EgsbErrorOptions {
  readonly errors?: readonly ErrorEntry[];
  readonly cause?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId?: string;
  errors?: readonly ErrorEntry[];
}

export const SoapVersion = { V11: '1.1', V12: '1.2' } as const;
export type SoapVersion = (typeof SoapVersion)[keyof typeof SoapVersion];

/** The content type of a SOAP message of each version. */
export const SOAP_CONTENT_TYPE: Readonly<Record<SoapVersion, string>> = {
  '1.1': 'text/xml; charset=utf-8',
  '1.2': 'application/soap+xml; charset=utf-8',
};

export const CONTEXT_NS = 'urn:egsb:context:v1';
export const ENVELOPE_NS: Readonly<Record<SoapVersion, string>> = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
};

/** The one error type the bus raises for anything a client may see. */
export class EgsbError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: readonly ErrorEntry[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, detail: string, options: EgsbErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EgsbError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.errors = options.errors ?? [];
    this.headers = options.headers ?? {};
  }

  get title(): string {
    return errorCatalogue[this.code].title;
  }

  /** Whether the fault is the caller's (SOAP Client/Sender) or the bus's or provider's. */
  get isClientFault(): boolean {
    return this.status < 500;
  }

  toProblem(requestId?: string): Problem {
    const problem: Problem = {
      type: `urn:egsb:error:${this.code}`,
      title: this.title,
      status: this.status,
      detail: this.message,
      code: this.code,
    };
    if (requestId !== undefined) problem.requestId = requestId;
    if (this.errors.length > 0) problem.errors = this.errors;
    return problem;
  }

  /**
   * The catalogue answer as a `Response`: a SOAP fault of the call's version when one is given, else
   * problem+json. SOAP 1.1 answers faults with 500 whatever the cause; SOAP 1.2 keeps the status.
   */
  toResponse(requestId: string, soap?: SoapVersion): Response {
    const headers: Record<string, string> = { 'x-request-id': requestId, ...this.headers };
    if (soap !== undefined) {
      headers['content-type'] = SOAP_CONTENT_TYPE[soap];
      return new Response(this.toSoapFault(soap, requestId), { status: soap === SoapVersion.V11 ? 500 : this.status, headers });
    }
    headers['content-type'] = 'application/problem+json';
    return new Response(JSON.stringify(this.toProblem(requestId)), { status: this.status, headers });
  }

  /** The same answer as raw HTTP/1.1 bytes, for a socket the HTTP parser gave up on. */
  toRawHttp(): string {
    const body = JSON.stringify(this.toProblem());
    return `HTTP/1.1 ${this.status} ${this.title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
  }

  toSoapFault(version: SoapVersion, requestId?: string): string {
    const env = ENVELOPE_NS[version];
    const detail = renderContextError(this, requestId);
    if (version === SoapVersion.V11) {
      const faultCode = this.isClientFault ? 'soapenv:Client' : 'soapenv:Server';
      return (
        `<?xml version="1.0" encoding="UTF-8"?>` +
        `<soapenv:Envelope xmlns:soapenv="${env}"><soapenv:Body><soapenv:Fault>` +
        `<faultcode>${faultCode}</faultcode><faultstring xml:lang="en">${escapeXml(this.message)}</faultstring>` +
        `<detail>${detail}</detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
      );
    }
    const faultCode = this.isClientFault ? 'soapenv:Sender' : 'soapenv:Receiver';
    return (
      `<?xml version="1.0" encoding="UTF-8"?>` +
      `<soapenv:Envelope xmlns:soapenv="${env}"><soapenv:Body><soapenv:Fault>` +
      `<soapenv:Code><soapenv:Value>${faultCode}</soapenv:Value></soapenv:Code>` +
      `<soapenv:Reason><soapenv:Text xml:lang="en">${escapeXml(this.message)}</soapenv:Text></soapenv:Reason>` +
      `<soapenv:Detail>${detail}</soapenv:Detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
    );
  }
}

function renderContextError(error: EgsbError, requestId: string | undefined): string {
  const entries = error.errors
    .map(
      (e) =>
        `<ctx:error><ctx:location>${escapeXml(e.location)}</ctx:location>` +
        `<ctx:rule>${escapeXml(e.rule)}</ctx:rule><ctx:message>${escapeXml(e.message)}</ctx:message></ctx:error>`,
    )
    .join('');
  return (
    `<ctx:Error xmlns:ctx="${CONTEXT_NS}"><ctx:code>${error.code}</ctx:code>` +
    (requestId === undefined ? '' : `<ctx:requestId>${escapeXml(requestId)}</ctx:requestId>`) +
    (entries === '' ? '' : `<ctx:errors>${entries}</ctx:errors>`) +
    `</ctx:Error>`
  );
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an XML element or attribute value, dropping characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] ?? ch);
}

export function isEgsbError(value: unknown): value is EgsbError {
  return value instanceof EgsbError;
}

/**
 * The one place an unknown failure becomes a catalogue error: an EgsbError stays as it is; anything
 * else is reported once through `report` (with its stack, for the log) and becomes EGSB_INTERNAL, whose
 * detail says nothing about the cause.
 */
export function asEgsbError(error: unknown, report: (error: unknown) => void): EgsbError {
  if (isEgsbError(error)) return error;
  report(error);
  return new EgsbError(ErrorCode.INTERNAL, 'the bus failed to handle the request; the request id names it in the log', { cause: error });
}

/** Shorthand used all over the bus: `throw egsbError('EGSB_NOT_FOUND', 'no AIS 42')`. */
export function egsbError(code: ErrorCode, detail: string, options?: EgsbErrorOptions): EgsbError {
  return new EgsbError(code, detail, options);
}
