/**
 * The OpenAPI 3.1 documents: the bus's own HTTP API at /openapi.json (every route the app serves,
 * each with an operationId; `test/openapi.test.ts` fails when a route and the document part ways),
 * and one document per published JSON service at /rest/{service}/v{major}/openapi.json, with the
 * service's JSON Schemas bundled into it and the context headers its calls need.
 */
import { ContextField, manifestSchema, type Manifest } from '../../contracts/index.ts';
import { uploadSchema } from './publisher.ts';
import {
  agendaBody,
  aisBody,
  authorisationBody,
  authorisationImportBody,
  credentialBody,
  ovmBody,
  publishingBody,
  sourceBody,
  type ServiceVersion,
} from '../registry/index.ts';

type Schema = Record<string, unknown>;

const withoutId = ({ $id: _id, ...rest }: { $id?: string } & Schema): Schema => rest;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const object: Schema = { type: 'object' };
const problem = { $ref: '#/components/responses/Problem' };

interface Operation {
  readonly id: string;
  readonly summary: string;
  readonly tag: string;
  readonly path?: readonly string[];
  readonly query?: readonly (string | { name: string; schema: Schema; description?: string })[];
  readonly headers?: readonly Schema[];
  readonly body?: Schema;
  /** Status → schema (JSON), or a description for other content. */
  readonly ok: Readonly<Record<number, Schema | string>>;
  /** No credentials needed. */
  readonly open?: boolean;
}

function operation(o: Operation): Schema {
  const parameters = [
    ...(o.path ?? []).map((name) => ({ name, in: 'path', required: true, schema: PATH_SCHEMAS[name] ?? { type: 'string' } })),
    ...(o.query ?? []).map((q) =>
      typeof q === 'string'
        ? { name: q, in: 'query', required: false, schema: { type: 'string' } }
        : { name: q.name, in: 'query', required: false, schema: q.schema, ...(q.description ? { description: q.description } : {}) },
    ),
    ...(o.headers ?? []),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(o.ok)) {
    responses[status] =
      typeof answer === 'string'
        ? { description: answer }
        : { description: status === '201' ? 'Created' : 'OK', content: { 'application/json': { schema: answer } } };
  }
  responses['4XX'] = problem;
  responses.default = problem;
  return {
    operationId: o.id,
    summary: o.summary,
    tags: [o.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(o.body ? { requestBody: { required: true, content: { 'application/json': { schema: o.body } } } } : {}),
    responses,
    ...(o.open ? { security: [] } : {}),
  };
}

const PATH_SCHEMAS: Record<string, Schema> = {
  service: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' },
  major: { type: 'integer', minimum: 1 },
  id: { type: 'string' },
  ticket: { type: 'string' },
};

/** The context headers of a call; required unless the service maps the field into its body. */
function contextHeaders(mapped: ReadonlySet<string> = new Set()): Schema[] {
  const header = (name: string, field: string, required: boolean, description: string, schema: Schema = { type: 'string' }) => ({
    name,
    in: 'header',
    required: required && !mapped.has(field),
    description,
    schema,
  });
  return [
    header('X-Egsb-Ovm', ContextField.OVM, true, 'The OVM the AIS acts for (8 digits).', { type: 'string', pattern: '^[0-9]{8}$' }),
    header('X-Egsb-Agenda', ContextField.AGENDA, true, 'The agenda code.', { type: 'string', pattern: '^A[0-9]{1,6}$' }),
    header('X-Egsb-Role', ContextField.ROLE, true, 'The activity role.', { type: 'string', pattern: '^CR[0-9]{1,6}$' }),
    header('audit-user-id', ContextField.USER_ID, true, 'The end user, 1–256 printable characters.', { type: 'string', maxLength: 256 }),
    header('X-Egsb-Purpose', ContextField.PURPOSE, false, 'Reason and purpose of the call, at most 1024 characters.'),
    header('X-Egsb-Data-Items', ContextField.DATA_ITEMS, false, 'Data items wanted, space-separated; all by default.'),
    header('X-Request-Id', ContextField.REQUEST_ID, false, 'The caller’s id of this call; a repeat with another call is refused.'),
    header('Prefer', '', false, '`respond-async` for the asynchronous mode (202 and a ticket).'),
    header('traceparent', '', false, 'W3C trace context; the bus continues the trace.'),
  ];
}

const callAnswers = (answer: Schema): Schema => ({
  200: {
    description: 'The provider’s answer, checked and filtered to the effective data items.',
    headers: {
      'X-Egsb-Data-Items': { description: 'The effective data items.', schema: { type: 'string' } },
      'X-Egsb-Refused-Items': { description: 'Wanted items not authorised.', schema: { type: 'string' } },
      'X-Request-Id': { schema: { type: 'string' } },
    },
    content: { 'application/json': { schema: answer } },
  },
  202: {
    description: 'Accepted in the asynchronous mode: the ticket to poll.',
    headers: { Location: { description: 'Where the ticket is read.', schema: { type: 'string' } } },
    content: { 'application/json': { schema: ref('Accepted') } },
  },
  '4XX': problem,
  default: problem,
});

const OPERATIONS: Readonly<Record<string, Readonly<Record<string, Operation>>>> = {
  '/healthz': { get: { id: 'getHealth', summary: 'Liveness', tag: 'health', ok: { 200: object }, open: true } },
  '/readyz': {
    get: {
      id: 'getReadiness',
      summary: 'Readiness: storage and, when configured, NATS',
      tag: 'health',
      ok: { 200: object, 503: object },
      open: true,
    },
  },
  '/metrics': {
    get: { id: 'getMetrics', summary: 'Prometheus exposition', tag: 'health', ok: { 200: 'text/plain exposition format' }, open: true },
  },
  '/openapi.json': { get: { id: 'getOpenApi', summary: 'This document', tag: 'catalogue', ok: { 200: object }, open: true } },
  '/catalog': { get: { id: 'getCatalogue', summary: 'Services the caller can see', tag: 'catalogue', ok: { 200: object } } },
  '/soap/{service}/v{major}': {
    get: {
      id: 'getWsdl',
      summary: 'The WSDL (?wsdl) or one of its schemas (?xsd=path), addressed to the bus',
      tag: 'catalogue',
      path: ['service', 'major'],
      query: ['wsdl', 'xsd'],
      ok: { 200: 'text/xml' },
    },
    post: {
      id: 'callSoap',
      summary: 'Call a SOAP service (SOAP 1.1 or 1.2 as it binds); `?async` for the asynchronous mode',
      tag: 'calls',
      path: ['service', 'major'],
      query: ['async'],
      headers: contextHeaders(),
      ok: { 200: 'The provider’s answer in a SOAP envelope of the bus', 202: 'Accepted: a ctx:Accepted envelope with the ticket' },
    },
  },
  '/rest/{service}/v{major}': {
    get: {
      id: 'getJsonService',
      summary: 'A JSON service’s descriptor, or one of its schemas (?schema=path)',
      tag: 'catalogue',
      path: ['service', 'major'],
      query: ['schema'],
      ok: { 200: object },
    },
  },
  '/rest/{service}/v{major}/openapi.json': {
    get: {
      id: 'getJsonServiceOpenApi',
      summary: 'The OpenAPI document of one JSON service, its schemas bundled',
      tag: 'catalogue',
      path: ['service', 'major'],
      ok: { 200: object },
    },
  },
  '/rest/{service}/v{major}/{operation}': {
    post: {
      id: 'callJson',
      summary: 'Call an operation of a JSON service',
      tag: 'calls',
      path: ['service', 'major', 'operation'],
      headers: contextHeaders(),
      body: object,
      ok: {},
    },
  },
  '/publish': {
    post: {
      id: 'publish',
      summary: 'Publish a contract bundle',
      tag: 'publishing',
      body: withoutId(uploadSchema),
      ok: { 200: ref('Publication'), 201: ref('Publication') },
    },
  },
  '/services': { get: { id: 'listPublishedServices', summary: 'Services the caller publishes', tag: 'publishing', ok: { 200: object } } },
  '/services/{service}/v{major}': {
    get: {
      id: 'getPublishedService',
      summary: 'One published version',
      tag: 'publishing',
      path: ['service', 'major'],
      ok: { 200: { type: 'object', properties: { code: { type: 'string' }, version: { type: 'string' }, manifest: ref('Manifest') } } },
    },
  },
  '/services/{service}/v{major}/endpoints': {
    put: {
      id: 'changeEndpoints',
      summary: 'Move a published version to other endpoints (within the approved origins), without a new contract version',
      tag: 'publishing',
      path: ['service', 'major'],
      body: { type: 'object', required: ['endpoints'], properties: { endpoints: (manifestSchema.properties as Schema).endpoints } },
      ok: { 200: object },
    },
  },
  '/audit': {
    get: {
      id: 'searchAudit',
      summary: 'Audit records the caller may see, newest first; ?format=csv streams CSV',
      tag: 'audit',
      query: [
        { name: 'from', schema: { type: 'string', format: 'date-time' } },
        { name: 'to', schema: { type: 'string', format: 'date-time' } },
        'service',
        'agenda',
        { name: 'ais', schema: { type: 'integer' } },
        'auditUserId',
        'requestId',
        { name: 'status', schema: { type: 'integer' } },
        { name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        'cursor',
        { name: 'format', schema: { enum: ['json', 'csv'] } },
      ],
      ok: { 200: ref('AuditPage') },
    },
  },
  '/admin/audit/subjects/{subject}': {
    get: {
      id: 'auditBySubject',
      summary: 'Who read a subject’s data (subject as recorded, e.g. AIFO:…), refusals apart',
      tag: 'audit',
      path: ['subject'],
      ok: { 200: object },
    },
  },
  '/admin/audit/daily': {
    get: {
      id: 'auditDaily',
      summary: 'Calls per day and service: refused, failed, availability, mean and p95 latency',
      tag: 'audit',
      query: [
        { name: 'from', schema: { type: 'string', format: 'date' } },
        { name: 'to', schema: { type: 'string', format: 'date' } },
        'service',
      ],
      ok: { 200: object },
    },
  },
  '/admin/audit/retention': {
    get: {
      id: 'auditRetention',
      summary: 'Months of records dropped by retention, with where each chain was cut',
      tag: 'audit',
      ok: { 200: object },
    },
  },
  '/admin/audit/evidence': {
    get: {
      id: 'auditEvidence',
      summary: 'The hash chain’s evidence as NDJSON: keys, chains, checkpoints, retention cuts, records',
      tag: 'audit',
      query: [
        { name: 'from', schema: { type: 'string', format: 'date-time' } },
        { name: 'to', schema: { type: 'string', format: 'date-time' } },
      ],
      ok: { 200: 'application/x-ndjson' },
    },
  },
  '/admin/audit/verify': {
    get: {
      id: 'auditVerify',
      summary: 'Verify the hash chain and the signed checkpoints on the bus',
      tag: 'audit',
      query: [
        { name: 'from', schema: { type: 'string', format: 'date-time' } },
        { name: 'to', schema: { type: 'string', format: 'date-time' } },
      ],
      ok: { 200: object },
    },
  },
  '/authorisations/effective': {
    get: {
      id: 'getEffectiveItems',
      summary: 'The items an agenda and role would get from a service, and the authorisations behind them',
      tag: 'authorisations',
      query: ['agenda', 'role', 'service', 'version'],
      ok: { 200: object },
    },
  },
  '/admin/authorisations': {
    get: {
      id: 'listAuthorisations',
      summary: 'Authorisations, filtered by agenda, role and source',
      tag: 'authorisations',
      query: ['agenda', 'role', 'source'],
      ok: { 200: object },
    },
  },
  '/admin/authorisations/import': {
    post: {
      id: 'importAuthorisations',
      summary: 'Create or update many authorisations in one transaction (replace: also remove the rest)',
      tag: 'authorisations',
      body: withoutId(authorisationImportBody),
      ok: { 200: object },
    },
  },
  '/admin/authorisations/{id}': {
    get: { id: 'getAuthorisation', summary: 'One authorisation', tag: 'authorisations', path: ['id'], ok: { 200: object } },
    put: {
      id: 'putAuthorisation',
      summary: 'Create or replace an authorisation',
      tag: 'authorisations',
      path: ['id'],
      body: withoutId(authorisationBody),
      ok: { 200: object, 201: object },
    },
    delete: { id: 'deleteAuthorisation', summary: 'Remove an authorisation', tag: 'authorisations', path: ['id'], ok: { 204: 'Removed' } },
  },
  '/access-requests': {
    post: {
      id: 'requestAccess',
      summary: 'A reader AIS asks for access to a restricted service',
      tag: 'access',
      body: { type: 'object', required: ['service'], properties: { service: { type: 'string' }, note: { type: 'string' } } },
      ok: { 201: object },
    },
    get: { id: 'listAccessRequests', summary: 'Access requests the caller made or must decide', tag: 'access', ok: { 200: object } },
  },
  '/access-requests/{id}': {
    get: { id: 'getAccessRequest', summary: 'One access request', tag: 'access', path: ['id'], ok: { 200: object } },
  },
  '/access-requests/{id}/approve': {
    post: { id: 'approveAccess', summary: 'The owner approves', tag: 'access', path: ['id'], ok: { 200: object } },
  },
  '/access-requests/{id}/reject': {
    post: { id: 'rejectAccess', summary: 'The owner rejects', tag: 'access', path: ['id'], ok: { 200: object } },
  },
  '/access-requests/{id}/revoke': {
    post: { id: 'revokeAccess', summary: 'The owner revokes an approval', tag: 'access', path: ['id'], ok: { 200: object } },
  },
  '/async': {
    get: {
      id: 'listTickets',
      summary: 'The calling AIS’s tickets, open ones by default',
      tag: 'async',
      query: ['status', { name: 'limit', schema: { type: 'integer' } }, 'after'],
      ok: { 200: object },
    },
  },
  '/async/{ticket}': {
    get: {
      id: 'getTicket',
      summary: 'A ticket’s state, or once it succeeded the answer itself (X-Egsb-Ticket-Status: succeeded)',
      tag: 'async',
      path: ['ticket'],
      ok: { 200: object },
    },
  },
  '/admin/async': {
    get: {
      id: 'getAsyncStatus',
      summary: 'Streams, consumers, and per service the open and failed calls',
      tag: 'async',
      ok: { 200: object },
    },
  },
  '/admin/async/tickets/{ticket}/retry': {
    post: { id: 'retryTicket', summary: 'Deliver a queued or failed ticket again', tag: 'async', path: ['ticket'], ok: { 200: object } },
  },
  '/admin/async/tickets/{ticket}/fail': {
    post: { id: 'failTicket', summary: 'Give up an open ticket', tag: 'async', path: ['ticket'], ok: { 200: object } },
  },
  '/auth/login': {
    post: {
      id: 'login',
      summary: 'Open a session: an HttpOnly cookie, and the CSRF token its changing requests send in X-CSRF-Token',
      tag: 'accounts',
      body: { type: 'object', required: ['login', 'password'], properties: { login: { type: 'string' }, password: { type: 'string' } } },
      ok: { 200: object },
      open: true,
    },
  },
  '/auth/logout': { post: { id: 'logout', summary: 'End the session', tag: 'accounts', ok: { 204: 'Logged out' } } },
  '/auth/me': {
    get: { id: 'me', summary: 'Who is calling: the operator role or the AIS, and the account', tag: 'accounts', ok: { 200: object } },
  },
  '/admin/accounts': {
    get: { id: 'listAccounts', summary: 'Operator and owner accounts', tag: 'accounts', ok: { 200: object } },
    post: {
      id: 'createAccount',
      summary: 'Make an operator account (with a role) or an owner account (with an AIS)',
      tag: 'accounts',
      body: {
        type: 'object',
        required: ['login', 'name', 'password'],
        properties: {
          login: { type: 'string' },
          name: { type: 'string' },
          password: { type: 'string', minLength: 12 },
          role: { enum: ['administrator', 'registration', 'security', 'observer'] },
          aisId: { type: 'integer' },
        },
      },
      ok: { 201: object },
    },
  },
  '/admin/accounts/{id}': {
    get: { id: 'getAccount', summary: 'One account', tag: 'accounts', path: ['id'], ok: { 200: object } },
    patch: {
      id: 'changeAccount',
      summary: 'Rename, change role, disable, or set a new password',
      tag: 'accounts',
      path: ['id'],
      body: object,
      ok: { 200: object },
    },
  },
  '/admin/bootstrap-token/disable': {
    post: {
      id: 'disableBootstrapToken',
      summary: 'Switch the bootstrap token off (an administrator account must exist)',
      tag: 'accounts',
      ok: { 200: object },
    },
  },
  '/admin/actions': {
    get: {
      id: 'listActions',
      summary: 'What operators and owners did: who, when, what, before and after',
      tag: 'accounts',
      query: [{ name: 'limit', schema: { type: 'integer' } }, { name: 'before', schema: { type: 'integer' } }, 'actor'],
      ok: { 200: object },
    },
  },
  '/admin/seed': {
    post: {
      id: 'applySeed',
      summary: 'Add what a seed document declares and the registry lacks; nothing that exists changes',
      tag: 'registry',
      body: object,
      ok: { 200: object },
    },
  },
  '/admin/ovm': { get: { id: 'listOvms', summary: 'OVMs', tag: 'registry', ok: { 200: object } } },
  '/admin/ovm/{code}': {
    get: { id: 'getOvm', summary: 'One OVM', tag: 'registry', path: ['code'], ok: { 200: object } },
    put: {
      id: 'putOvm',
      summary: 'Create or update an OVM',
      tag: 'registry',
      path: ['code'],
      body: withoutId(ovmBody),
      ok: { 200: object },
    },
  },
  '/admin/agendas': { get: { id: 'listAgendas', summary: 'Agendas with their activity roles', tag: 'registry', ok: { 200: object } } },
  '/admin/agendas/{code}': {
    get: { id: 'getAgenda', summary: 'One agenda', tag: 'registry', path: ['code'], ok: { 200: object } },
    put: {
      id: 'putAgenda',
      summary: 'Create or update an agenda and its activity roles',
      tag: 'registry',
      path: ['code'],
      body: withoutId(agendaBody),
      ok: { 200: object },
    },
  },
  '/admin/ais': { get: { id: 'listAis', summary: 'AIS', tag: 'registry', ok: { 200: object } } },
  '/admin/ais/{id}': {
    get: { id: 'getAis', summary: 'One AIS', tag: 'registry', path: ['id'], ok: { 200: object } },
    put: {
      id: 'putAis',
      summary: 'Create or replace an AIS (its state changes only when the body names one)',
      tag: 'registry',
      path: ['id'],
      body: withoutId(aisBody),
      ok: { 200: object },
    },
    patch: {
      id: 'patchAis',
      summary: 'Change the fields the body names (JSON Merge Patch)',
      tag: 'registry',
      path: ['id'],
      body: object,
      ok: { 200: object },
    },
  },
  '/admin/ais/{id}/credentials': {
    get: { id: 'listCredentials', summary: 'An AIS’s credentials (never the keys)', tag: 'registry', path: ['id'], ok: { 200: object } },
    post: {
      id: 'addCredential',
      summary: 'Add an API key (shown once) or a certificate fingerprint',
      tag: 'registry',
      path: ['id'],
      body: withoutId(credentialBody),
      ok: { 201: object },
    },
  },
  '/admin/ais/{id}/credentials/{credential}': {
    delete: { id: 'deleteCredential', summary: 'Revoke a credential', tag: 'registry', path: ['id', 'credential'], ok: { 204: 'Revoked' } },
  },
  '/admin/ais/{id}/publishing': {
    get: { id: 'getPublishing', summary: 'An AIS’s publishing rights', tag: 'registry', path: ['id'], ok: { 200: object } },
    put: {
      id: 'putPublishing',
      summary: 'Make an AIS a publisher: quota and approved endpoint origins',
      tag: 'registry',
      path: ['id'],
      body: withoutId(publishingBody as Schema),
      ok: { 200: object },
    },
    delete: { id: 'deletePublishing', summary: 'Withdraw the publishing right', tag: 'registry', path: ['id'], ok: { 204: 'Withdrawn' } },
  },
  '/admin/sources': { get: { id: 'listSources', summary: 'Sources of data items', tag: 'registry', ok: { 200: object } } },
  '/admin/sources/{code}': {
    get: { id: 'getSource', summary: 'One source', tag: 'registry', path: ['code'], ok: { 200: object } },
    put: {
      id: 'putSource',
      summary: 'Register a source: its owner AIS and data items',
      tag: 'registry',
      path: ['code'],
      body: withoutId(sourceBody as Schema),
      ok: { 200: object },
    },
  },
};

const TAGS: Readonly<Record<string, string>> = {
  health: 'Liveness, readiness and metrics.',
  catalogue: 'What is published and its contracts.',
  calls: 'Calls to published services, synchronous or asynchronous.',
  publishing: 'Publishing contracts and moving providers.',
  audit: 'The audit trail of calls.',
  authorisations: 'Legal authorisations per agenda and role.',
  access: 'Access to restricted services.',
  async: 'Tickets of asynchronous calls.',
  registry: 'The operator’s registry: OVMs, agendas, AIS, credentials, sources, publishers.',
  accounts: 'Named accounts, sessions and the record of their actions.',
};

const COMPONENTS = {
  securitySchemes: {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description: 'An AIS API key, or the operator token for /admin (a TLS client certificate works too).',
    },
  },
  responses: {
    Problem: {
      description: 'An error from the catalogue (a SOAP fault on SOAP routes)',
      content: { 'application/problem+json': { schema: ref('Problem') } },
    },
  },
  schemas: {
    Problem: {
      type: 'object',
      required: ['type', 'title', 'status', 'code'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        code: { type: 'string', pattern: '^EGSB_[A-Z_]+$' },
        requestId: { type: 'string' },
        errors: {
          type: 'array',
          items: { type: 'object', properties: { location: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
    Accepted: {
      type: 'object',
      required: ['ticket', 'status', 'location'],
      properties: { ticket: { type: 'string' }, status: { const: 'queued' }, location: { type: 'string' } },
    },
    Publication: {
      type: 'object',
      properties: {
        outcome: { enum: ['created', 'replaced', 'unchanged'] },
        code: { type: 'string' },
        version: { type: 'string' },
        digest: { type: 'string' },
        operations: { type: 'array', items: { type: 'string' } },
      },
    },
    AuditPage: {
      type: 'object',
      required: ['records'],
      properties: { records: { type: 'array', items: { type: 'object' } }, next: { type: 'string' } },
    },
    Manifest: withoutId(manifestSchema as unknown as Schema),
  },
};

/** Every method and path of the bus's own API, as the OpenAPI document names them. */
export function documentedRoutes(): string[] {
  return Object.entries(OPERATIONS).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
}

export function openApiDocument(): Schema {
  const paths: Record<string, Schema> = {};
  for (const [path, ops] of Object.entries(OPERATIONS)) {
    paths[path] = Object.fromEntries(
      Object.entries(ops).map(([method, o]) => [
        method,
        o.id === 'callJson' ? { ...operation(o), responses: callAnswers(object) } : operation(o),
      ]),
    );
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'egsb',
      version: '0.1.0',
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        'Interoperability service bus: calls, catalogue, publishing, registry, authorisations, audit and the asynchronous mode. Each JSON service has its own document at /rest/{service}/v{major}/openapi.json.',
    },
    servers: [{ url: '/' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: COMPONENTS,
    security: [{ bearer: [] }],
  };
}

/**
 * One JSON service's document: an operation per contract operation, with the context headers its
 * calls need (those the manifest maps into the body are optional) and its request and answer
 * schemas bundled under components, every `$ref` between its files rewritten to point there.
 */
export function serviceOpenApiDocument(version: ServiceVersion, files: ReadonlyMap<string, Uint8Array>): Schema {
  const manifest: Manifest = version.manifest;
  const names = new Map<string, string>();
  for (const path of files.keys()) if (path.endsWith('.json')) names.set(path, componentName(path));
  const schemas: Record<string, unknown> = {};
  for (const [path, name] of names) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(files.get(path) ?? new Uint8Array()).toString('utf8'));
    } catch {
      continue;
    }
    schemas[name] = rewriteRefs(parsed, path, names);
  }
  const mapped = new Set(Object.keys(manifest.contextMapping ?? {}));
  const paths: Record<string, Schema> = {};
  for (const op of version.model.operations) {
    const request = op.requestSchema ? names.get(op.requestSchema) : undefined;
    const response = op.responseSchema ? names.get(op.responseSchema) : undefined;
    paths[`/rest/${version.code}/v${version.major}/${op.name}`] = {
      post: {
        operationId: op.name.replace(/[^A-Za-z0-9_]/g, '_'),
        summary: `${manifest.name ?? version.code}: ${op.name}`,
        parameters: contextHeaders(mapped),
        requestBody: { required: true, content: { 'application/json': { schema: request ? ref(request) : object } } },
        responses: callAnswers(response ? ref(response) : object),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: `${manifest.name ?? version.code} (${version.code} v${version.major})`,
      version: `${version.major}.${version.minor}`,
      ...(manifest.description ? { description: manifest.description } : {}),
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: COMPONENTS.securitySchemes,
      responses: COMPONENTS.responses,
      schemas: { ...schemas, Problem: COMPONENTS.schemas.Problem, Accepted: COMPONENTS.schemas.Accepted },
    },
    security: [{ bearer: [] }],
  };
}

function componentName(path: string): string {
  return path.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** `other.json#/$defs/x` and `#/$defs/x` become pointers into the bundled components. */
function rewriteRefs(value: unknown, file: string, names: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, file, names));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === '$ref' && typeof v === 'string') {
      const [target = '', fragment = ''] = v.split('#', 2);
      const resolved = target === '' ? file : new URL(target, `file:///${file}`).pathname.slice(1);
      const name = names.get(resolved);
      out[key] = name === undefined ? v : `#/components/schemas/${name}${fragment}`;
      continue;
    }
    out[key] = rewriteRefs(v, file, names);
  }
  return out;
}
