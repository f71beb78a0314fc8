/**
 * The shared-data connector: a reader AIS's client for the services behind the bus. It finds each
 * service in the bus's catalogue, sends a plain object over JSON or SOAP (building and reading the
 * envelope itself), sets the context headers from its options and the per-call audit user and
 * purpose (required on every call, never defaulted), and answers with the data and the data items
 * the caller got and was refused. Asynchronous calls are submitted for a ticket and their results
 * polled with backoff. Failures come back as the typed errors of `errors.ts`; a call is repeated only
 * when the bus says, with Retry-After, that it was not delivered.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request, type Dispatcher } from 'undici';
import { encodeHeaderText } from '../../contracts/index.ts';
import { ClientCode, PendingError, ProviderError, SharedDataError, errorFor, usageError, type ErrorEntry } from './errors.ts';
import { envelopeOf, readEnvelope, type SoapVersion } from './soap-message.ts';
import { elementNames, loadSchemas, writeElement, type SchemaSet } from './schema-message.ts';

export type Credentials =
  { readonly apiKey: string } | { readonly cert: string | Buffer; readonly key: string | Buffer; readonly ca?: string | Buffer };

export interface SharedDataClientOptions {
  readonly busUrl: string;
  readonly credentials: Credentials;
  /** The OVM the AIS acts for, the agenda and the activity role of every call. */
  readonly ovm: string;
  readonly agenda: string;
  readonly role: string;
  readonly defaults?: {
    /** Data items wanted when a call names none; absent: all the service declares. */
    readonly dataItems?: readonly string[];
    /** Longest wait for one HTTP exchange with the bus. */
    readonly timeoutMs?: number;
    /** Longest wait for an asynchronous result in `call(…, { mode: 'async' })`. */
    readonly waitMs?: number;
    /** SOAP version for services that bind both; 1.1 by default. */
    readonly soapVersion?: SoapVersion;
  };
}

export interface CallOptions {
  /** The end user the call is made for (`audit-user-id`): required. */
  readonly auditUserId: string;
  /** Reason and purpose of the call (důvod a účel): required. */
  readonly purpose: string;
  readonly dataItems?: readonly string[];
  /** Your own id for the call; sending the same one again names the same asynchronous ticket. */
  readonly requestId?: string;
  readonly mode?: 'sync' | 'async';
  /** Major version of the service; the newest in the catalogue by default. */
  readonly version?: number;
  readonly signal?: AbortSignal;
  readonly waitMs?: number;
}

export interface Answer<T = Record<string, unknown>> {
  readonly data: T;
  readonly dataItems: readonly string[];
  readonly refusedItems: readonly string[];
  readonly requestId: string;
  readonly status: number;
  readonly ticket?: string;
}

export interface Submitted {
  readonly ticket: string;
  readonly location: string;
  readonly requestId: string;
}

export interface CatalogueService {
  readonly code: string;
  readonly version: number;
  readonly name?: string;
  readonly source: string;
  readonly protocol: 'soap' | 'json';
  readonly modes: readonly ('sync' | 'async')[];
  readonly operations: readonly string[];
  readonly dataItems: readonly string[];
  readonly soap?: {
    readonly versions: readonly SoapVersion[];
    readonly operations: readonly {
      name: string;
      actions: Partial<Record<SoapVersion, string>>;
      input?: { namespace: string; name: string };
    }[];
  };
}

export interface Explanation {
  readonly service: string;
  readonly agenda: string;
  readonly role: string;
  readonly dataItems: readonly string[];
  readonly authorisations: readonly { id: string; legalBasis: string; dataItems: readonly string[]; validFrom: string; validTo?: string }[];
}

export interface SharedDataClient {
  call<T = Record<string, unknown>>(
    service: string,
    operation: string,
    data: Readonly<Record<string, unknown>>,
    options: CallOptions,
  ): Promise<Answer<T>>;
  submit(service: string, operation: string, data: Readonly<Record<string, unknown>>, options: CallOptions): Promise<Submitted>;
  /** Waits for a ticket's result, polling with backoff, at most `waitMs`; PendingError when it is not there by then. */
  result<T = Record<string, unknown>>(
    ticket: string,
    options?: { waitMs?: number; signal?: AbortSignal; onState?: (status: string) => void },
  ): Promise<Answer<T>>;
  /** The services this AIS can see, with their operations and data items. */
  catalogue(): Promise<CatalogueService[]>;
  /** What this client's agenda and role would get from a service, and the authorisations behind it. */
  explain(service: string, version?: number): Promise<Explanation>;
  /** Who every call of this client is made for: the OVM, the agenda and the activity role. */
  readonly context: { readonly ovm: string; readonly agenda: string; readonly role: string };
  close(): Promise<void>;
}

const AGENDA = /^A\d{1,6}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ROLE = /^CR\d{1,6}$/;
const OVM = /^\d{8}$/;
const PRINTABLE = /^[^\p{Cc}]{1,256}$/u;
/** Codes after which the bus may say (Retry-After) that nothing was delivered. */
const RETRYABLE = new Set(['EGSB_PROVIDER_UNAVAILABLE', 'EGSB_ASYNC_UNAVAILABLE', 'EGSB_AUDIT_UNAVAILABLE', 'EGSB_RATE_LIMITED']);
const MAX_RETRIES = 2;
const MAX_RETRY_AFTER_S = 10;

interface Exchange {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

export function createSharedDataClient(options: SharedDataClientOptions): SharedDataClient {
  const base = options.busUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+$/.test(base)) throw usageError(`busUrl must be http(s)://host[:port], not ${JSON.stringify(options.busUrl)}`);
  if (!OVM.test(options.ovm)) throw usageError(`ovm must be the OVM's 8-digit IČO, not ${JSON.stringify(options.ovm)}`);
  if (!AGENDA.test(options.agenda)) throw usageError(`agenda must look like A121, not ${JSON.stringify(options.agenda)}`);
  if (!ROLE.test(options.role)) throw usageError(`role must look like CR1001, not ${JSON.stringify(options.role)}`);
  const defaults = options.defaults ?? {};
  const timeoutMs = defaults.timeoutMs ?? 130_000;
  const credentials = options.credentials;
  const agent: Dispatcher =
    'apiKey' in credentials
      ? new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
      : new Agent({
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          connect: { cert: credentials.cert, key: credentials.key, ...(credentials.ca ? { ca: credentials.ca } : {}) },
        });
  const auth: Record<string, string> = 'apiKey' in credentials ? { authorization: `Bearer ${credentials.apiKey}` } : {};
  let services: Promise<CatalogueService[]> | undefined;

  async function exchange(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Exchange> {
    try {
      const res = await request(`${base}${path}`, {
        method,
        headers: { ...auth, ...headers },
        ...(body !== undefined ? { body } : {}),
        dispatcher: agent,
        ...(signal ? { signal } : {}),
      });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw errorFor(ClientCode.UNREACHABLE, `the bus at ${base} cannot be reached: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * A service of the ISZR interface asks for ZadostInfo (and the items in AutorizaceInfo): when the
   * data leave them out, they are written from this client's context and the call's options, the
   * request id as AgendaZadostId where it is a UUID (a fresh one otherwise).
   */
  function withIszrHeader(
    schemas: SchemaSet,
    input: { namespace: string; name: string },
    data: Readonly<Record<string, unknown>>,
    requestId: string,
    o: CallOptions,
  ): Readonly<Record<string, unknown>> {
    const allowed = elementNames(schemas, input);
    const filled: Record<string, unknown> = {};
    if (allowed.includes('ZadostInfo') && data.ZadostInfo === undefined)
      filled.ZadostInfo = {
        CasZadosti: new Date(),
        Agenda: options.agenda,
        AgendovaRole: options.role,
        Ovm: options.ovm,
        Uzivatel: o.auditUserId.slice(0, 100),
        DuvodUcel: o.purpose.slice(0, 255),
        AgendaZadostId: UUID.test(requestId) ? requestId : randomUUID(),
      };
    const items = o.dataItems ?? defaults.dataItems;
    if (allowed.includes('AutorizaceInfo') && data.AutorizaceInfo === undefined && items !== undefined)
      filled.AutorizaceInfo = { SeznamUdaju: items.join(' ') };
    return Object.keys(filled).length === 0 ? data : { ...filled, ...data };
  }

  const schemaSets = new Map<string, Promise<SchemaSet>>();
  /** A service's schemas, read from the bus once (the WSDL and every schema it imports, on the bus only). */
  function schemasOf(service: CatalogueService): Promise<SchemaSet> {
    const id = `${service.code}/v${service.version}`;
    let set = schemaSets.get(id);
    if (set === undefined) {
      const wsdl = `/soap/${encodeURIComponent(service.code)}/v${service.version}?wsdl`;
      set = loadSchemas(
        [wsdl],
        async (location) => {
          const res = await exchange('GET', location, {}, undefined, undefined);
          if (res.status !== 200) throw busError(res, undefined);
          return res.text;
        },
        // Schemas are fetched from this bus whatever host their address names.
        (location, from) => {
          const url = new URL(location, `http://bus${from}`);
          return `${url.pathname}${url.search}`;
        },
      );
      set.catch(() => schemaSets.delete(id));
      schemaSets.set(id, set);
    }
    return set;
  }

  async function catalogue(): Promise<CatalogueService[]> {
    services ??= exchange('GET', '/catalog', {}, undefined, undefined).then((res) => {
      if (res.status !== 200) throw busError(res, undefined);
      return (JSON.parse(res.text) as { services: CatalogueService[] }).services;
    });
    try {
      return await services;
    } catch (error) {
      services = undefined;
      throw error;
    }
  }

  async function findService(code: string, version: number | undefined): Promise<CatalogueService> {
    const all = await catalogue();
    const matching = all
      .filter((s) => s.code === code && (version === undefined || s.version === version))
      .sort((a, b) => b.version - a.version);
    const found = matching[0];
    if (found === undefined) {
      const known = [...new Set(all.map((s) => s.code))].sort().join(', ');
      throw errorFor(
        'EGSB_SERVICE_NOT_FOUND',
        `no service ${code}${version !== undefined ? ` v${version}` : ''} in the catalogue this AIS sees; it has: ${known || 'none'}`,
        {},
      );
    }
    return found;
  }

  function checkCall(o: CallOptions | undefined): asserts o is CallOptions {
    if (o === undefined) throw usageError('every call needs { auditUserId, purpose }');
    if (typeof o.auditUserId !== 'string' || !PRINTABLE.test(o.auditUserId))
      throw usageError('auditUserId is required: the end user the call is made for, 1–256 printable characters');
    if (typeof o.purpose !== 'string' || o.purpose.trim() === '' || o.purpose.length > 1024 || /\p{Cc}/u.test(o.purpose))
      throw usageError('purpose is required: the reason and purpose of the call, 1–1024 characters without control characters');
    if (o.requestId !== undefined && !/^[\x21-\x7e]{1,128}$/.test(o.requestId))
      throw usageError('requestId is 1–128 visible ASCII characters');
    if (o.waitMs !== undefined && !(o.waitMs >= 0)) throw usageError('waitMs is a number of milliseconds');
    if (o.dataItems !== undefined && o.dataItems.some((i) => !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(i)))
      throw usageError('dataItems are names like Jmeno or AdresaPobytu');
  }

  /** Sends one call (sync answer or async acceptance), repeating it only where the bus says it was not delivered. */
  async function send(
    service: CatalogueService,
    operation: string,
    data: Readonly<Record<string, unknown>>,
    o: CallOptions,
    async: boolean,
  ): Promise<{ res: Exchange; requestId: string; soapVersion?: SoapVersion }> {
    if (!service.operations.includes(operation)) {
      throw errorFor(
        'EGSB_OPERATION_NOT_FOUND',
        `${service.code} v${service.version} has no operation ${operation}; it offers ${service.operations.join(', ')}`,
        {},
      );
    }
    const mode = async ? 'async' : 'sync';
    if (!service.modes.includes(mode))
      throw errorFor(
        async ? 'EGSB_SYNC_ONLY' : 'EGSB_ASYNC_ONLY',
        `${service.code} v${service.version} is offered ${service.modes.join(' and ')} only`,
        {},
      );
    const requestId = o.requestId ?? randomUUID();
    const items = o.dataItems ?? defaults.dataItems;
    const headers: Record<string, string> = {
      'x-egsb-ovm': options.ovm,
      'x-egsb-agenda': options.agenda,
      'x-egsb-role': options.role,
      'audit-user-id': encodeHeaderText(o.auditUserId),
      'x-egsb-purpose': encodeHeaderText(o.purpose),
      'x-request-id': requestId,
      ...(items !== undefined ? { 'x-egsb-data-items': items.join(' ') } : {}),
      ...(async ? { prefer: 'respond-async' } : {}),
    };
    let path: string;
    let body: string;
    let soapVersion: SoapVersion | undefined;
    if (service.protocol === 'json') {
      path = `/rest/${service.code}/v${service.version}/${operation}`;
      headers['content-type'] = 'application/json';
      body = JSON.stringify(data);
    } else {
      const op = service.soap?.operations.find((x) => x.name === operation);
      if (op?.input === undefined) throw usageError(`the catalogue does not describe the request element of ${service.code} ${operation}`);
      const versions = service.soap?.versions ?? ['1.1'];
      soapVersion = versions.includes(defaults.soapVersion ?? '1.1') ? (defaults.soapVersion ?? '1.1') : (versions[0] as SoapVersion);
      const action = op.actions[soapVersion] ?? '';
      path = `/soap/${service.code}/v${service.version}`;
      if (soapVersion === '1.1') {
        headers['content-type'] = 'text/xml; charset=utf-8';
        headers.soapaction = `"${action}"`;
      } else headers['content-type'] = `application/soap+xml; charset=utf-8${action ? `; action="${action}"` : ''}`;
      const schemas = await schemasOf(service);
      try {
        body = envelopeOf(soapVersion, writeElement(schemas, op.input, withIszrHeader(schemas, op.input, data, requestId, o)));
      } catch (error) {
        throw usageError((error as Error).message);
      }
    }
    for (let attempt = 0; ; attempt++) {
      const res = await exchange('POST', path, headers, body, o.signal);
      const retryAfter = Number(single(res.headers['retry-after']));
      const code = res.status >= 400 ? busError(res, requestId).code : undefined;
      if (
        code !== undefined &&
        RETRYABLE.has(code) &&
        Number.isFinite(retryAfter) &&
        retryAfter <= MAX_RETRY_AFTER_S &&
        attempt < MAX_RETRIES
      ) {
        await sleep(retryAfter * 1000, o.signal);
        continue;
      }
      return { res, requestId, ...(soapVersion ? { soapVersion } : {}) };
    }
  }

  async function submit(code: string, operation: string, data: Readonly<Record<string, unknown>>, o: CallOptions): Promise<Submitted> {
    checkCall(o);
    const service = await findService(code, o.version);
    const { res, requestId } = await send(service, operation, data, o, true);
    // 202 with egsb's acceptance, or 200 with an ISZR service's (the operation's answer naming the ticket).
    const ticket = single(res.headers['x-egsb-ticket']);
    if (ticket === undefined || (res.status !== 202 && res.status !== 200)) throw busError(res, requestId);
    return { ticket, location: single(res.headers.location) ?? `/async/${ticket}`, requestId };
  }

  async function result<T>(
    ticket: string,
    o: { waitMs?: number; signal?: AbortSignal; onState?: (status: string) => void } = {},
  ): Promise<Answer<T>> {
    if (!/^[0-9a-f-]{36}$/.test(ticket)) throw usageError(`${JSON.stringify(ticket)} is not a ticket`);
    if (o.waitMs !== undefined && !(o.waitMs >= 0)) throw usageError('waitMs is a number of milliseconds');
    const deadline = Date.now() + (o.waitMs ?? defaults.waitMs ?? 60_000);
    let pause = 200;
    for (;;) {
      const res = await exchange('GET', `/async/${ticket}`, {}, undefined, o.signal);
      const status = single(res.headers['x-egsb-ticket-status']);
      if (status === 'succeeded') return answerOf<T>(res, single(res.headers['x-request-id']) ?? '', ticket);
      if (res.status !== 200 || status === undefined) throw busError(res, undefined, ticket);
      const state = parseJson(res.text) as { requestId?: string; error?: { code: string; detail: string } } | undefined;
      o.onState?.(status);
      if (status === 'failed') {
        const error = state?.error ?? { code: 'EGSB_INTERNAL', detail: 'the ticket failed without a reason' };
        throw errorFor(error.code, error.detail, { ticket, ...(state?.requestId ? { requestId: state.requestId } : {}) });
      }
      if (status === 'expired') throw errorFor(ClientCode.EXPIRED, `the result of ticket ${ticket} is no longer kept`, { ticket });
      const left = deadline - Date.now();
      if (left <= 0)
        throw new PendingError(`ticket ${ticket} is still ${status}`, {
          code: ClientCode.PENDING,
          ticket,
          ...(state?.requestId ? { requestId: state.requestId } : {}),
        });
      await sleep(Math.min(pause, left), o.signal);
      pause = Math.min(pause * 2, 5000);
    }
  }

  return {
    context: { ovm: options.ovm, agenda: options.agenda, role: options.role },
    async call<T>(code: string, operation: string, data: Readonly<Record<string, unknown>>, o: CallOptions): Promise<Answer<T>> {
      checkCall(o);
      if (o.mode === 'async') {
        const submitted = await submit(code, operation, data, o);
        return result<T>(submitted.ticket, {
          ...(o.waitMs !== undefined ? { waitMs: o.waitMs } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
        });
      }
      const service = await findService(code, o.version);
      const { res, requestId } = await send(service, operation, data, o, false);
      return answerOf<T>(res, single(res.headers['x-request-id']) ?? requestId);
    },
    submit,
    result,
    catalogue,
    async explain(code, version) {
      const service = await findService(code, version);
      const query = new URLSearchParams({
        agenda: options.agenda,
        role: options.role,
        service: service.code,
        version: String(service.version),
      });
      const res = await exchange('GET', `/authorisations/effective?${query.toString()}`, {}, undefined, undefined);
      if (res.status !== 200) throw busError(res, undefined);
      return JSON.parse(res.text) as Explanation;
    },
    async close() {
      await agent.close();
    },
  };
}

/** A 2xx answer (JSON or SOAP) as data with its items; anything else as the right error. */
function answerOf<T>(res: Exchange, requestId: string, ticket?: string): Answer<T> {
  const type = single(res.headers['content-type']) ?? '';
  const headerItems = (name: string): string[] => (single(res.headers[name]) ?? '').split(' ').filter((i) => i !== '');
  const status = Number(single(res.headers['x-egsb-result-status']) ?? res.status);
  if (/json/i.test(type) && !/problem/i.test(type)) {
    const data = parseJson(res.text);
    if (data === undefined) throw errorFor(ClientCode.UNREADABLE, 'the answer is not readable JSON', { status: res.status, requestId });
    if (res.status >= 300)
      throw new ProviderError(`the provider answered HTTP ${res.status}`, {
        code: 'PROVIDER_ANSWER',
        status: res.status,
        requestId,
        answer: data,
        ...(ticket ? { ticket } : {}),
      });
    return {
      data: data as T,
      dataItems: headerItems('x-egsb-data-items'),
      refusedItems: headerItems('x-egsb-data-items-refused'),
      requestId,
      status,
      ...(ticket ? { ticket } : {}),
    };
  }
  if (/xml/i.test(type)) {
    let read: ReturnType<typeof readEnvelope>;
    try {
      read = readEnvelope(res.text);
    } catch (error) {
      throw errorFor(ClientCode.UNREADABLE, `the answer cannot be read: ${(error as Error).message}`, {
        status: res.status,
        requestId,
        cause: error,
      });
    }
    if (read.fault !== undefined) {
      if (read.fault.code !== undefined)
        throw errorFor(read.fault.code, read.fault.text, {
          status: res.status,
          requestId: read.fault.requestId ?? requestId,
          errors: read.fault.errors,
          ...(ticket ? { ticket } : {}),
        });
      throw new ProviderError(read.fault.text, {
        code: 'PROVIDER_FAULT',
        status: res.status,
        requestId,
        answer: read.fault.text,
        ...(ticket ? { ticket } : {}),
      });
    }
    return {
      data: (read.body ?? {}) as T,
      dataItems: read.dataItems ?? headerItems('x-egsb-data-items'),
      refusedItems: read.refusedItems ?? headerItems('x-egsb-data-items-refused'),
      requestId,
      status,
      ...(ticket ? { ticket } : {}),
    };
  }
  throw busError(res, requestId, ticket);
}

/** The bus's own error answer (problem+json or a SOAP fault with ctx:Error) as a typed error. */
function busError(res: Exchange, requestId: string | undefined, ticket?: string): SharedDataError {
  const type = single(res.headers['content-type']) ?? '';
  if (/xml/i.test(type)) {
    try {
      const fault = readEnvelope(res.text).fault;
      if (fault?.code)
        return errorFor(fault.code, fault.text, {
          status: res.status,
          ...((fault.requestId ?? requestId) ? { requestId: fault.requestId ?? requestId } : {}),
          errors: fault.errors,
          ...(ticket ? { ticket } : {}),
        });
    } catch {
      // not an envelope: reported below
    }
  }
  const problem = parseJson(res.text) as { code?: string; detail?: string; requestId?: string; errors?: ErrorEntry[] } | undefined;
  if (problem?.code) {
    return errorFor(problem.code, problem.detail ?? problem.code, {
      status: res.status,
      ...((problem.requestId ?? requestId) ? { requestId: problem.requestId ?? requestId } : {}),
      ...(problem.errors ? { errors: problem.errors } : {}),
      ...(ticket ? { ticket } : {}),
    });
  }
  return errorFor(ClientCode.UNREADABLE, `the bus answered HTTP ${res.status} in a form the client cannot read`, {
    status: res.status,
    ...(requestId ? { requestId } : {}),
  });
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
