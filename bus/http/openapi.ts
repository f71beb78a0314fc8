/** The OpenAPI 3.1 document of the bus's own HTTP API, with a path for each published JSON operation. */
import { manifestSchema } from '../../contracts/index.ts';
import { uploadSchema } from './publisher.ts';
import {
  agendaBody,
  aisBody,
  authorisationBody,
  authorisationImportBody,
  credentialBody,
  ovmBody,
  type ServiceVersion,
} from '../registry/index.ts';

const problem = {
  description: 'An error from the catalogue',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const body = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
const withoutId = ({ $id: _id, ...rest }: { $id?: string } & Record<string, unknown>) => rest;

export function openApiDocument(services: readonly ServiceVersion[]): object {
  const paths: Record<string, object> = {
    '/healthz': { get: { summary: 'Liveness', responses: { 200: json({ type: 'object' }) } } },
    '/readyz': {
      get: {
        summary: 'Readiness: storage and, when configured, NATS',
        responses: { 200: json({ type: 'object' }), 503: json({ type: 'object' }, 'Not ready') },
      },
    },
    '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text/plain exposition format' } } } },
    '/catalog': { get: { summary: 'Services the caller can see', responses: { 200: json({ type: 'object' }) } } },
    '/soap/{service}/v{major}': {
      get: {
        summary: 'WSDL (?wsdl) or one of its schemas (?xsd=)',
        parameters: pathParams('service', 'major'),
        responses: { 200: { description: 'text/xml' }, 404: problem },
      },
    },
    '/publish': {
      post: {
        summary: 'Publish a contract bundle',
        requestBody: body(withoutId(uploadSchema)),
        responses: {
          200: json({ type: 'object' }, 'Unchanged or replaced'),
          201: json({ type: 'object' }, 'Created'),
          401: problem,
          409: problem,
          413: problem,
          422: problem,
        },
      },
    },
    '/services': { get: { summary: 'Services the caller publishes', responses: { 200: json({ type: 'object' }), 401: problem } } },
    '/admin/ovm/{code}': {
      put: {
        summary: 'Create or update an OVM',
        parameters: pathParams('code'),
        requestBody: body(withoutId(ovmBody)),
        responses: { 200: json({ type: 'object' }), 400: problem, 403: problem },
      },
    },
    '/admin/agendas/{code}': {
      put: {
        summary: 'Create or update an agenda and its activity roles',
        parameters: pathParams('code'),
        requestBody: body(withoutId(agendaBody)),
        responses: { 200: json({ type: 'object' }), 400: problem },
      },
    },
    '/admin/ais/{id}': {
      put: {
        summary: 'Create or update an AIS',
        parameters: pathParams('id'),
        requestBody: body(withoutId(aisBody)),
        responses: { 200: json({ type: 'object' }), 400: problem },
      },
    },
    '/admin/ais/{id}/credentials': {
      post: {
        summary: 'Add an API key (shown once) or a certificate fingerprint',
        parameters: pathParams('id'),
        requestBody: body(withoutId(credentialBody)),
        responses: { 201: json({ type: 'object' }), 400: problem },
      },
    },
    '/admin/authorisations': {
      get: {
        summary: 'Authorisations, filtered by agenda, role and source',
        parameters: queryParams('agenda', 'role', 'source'),
        responses: { 200: json({ type: 'object' }), 403: problem },
      },
    },
    '/admin/authorisations/{id}': {
      put: {
        summary: 'Create or replace an authorisation',
        parameters: pathParams('id'),
        requestBody: body(withoutId(authorisationBody)),
        responses: { 200: json({ type: 'object' }), 201: json({ type: 'object' }), 400: problem },
      },
      get: { summary: 'One authorisation', parameters: pathParams('id'), responses: { 200: json({ type: 'object' }), 404: problem } },
      delete: {
        summary: 'Remove an authorisation',
        parameters: pathParams('id'),
        responses: { 204: { description: 'Removed' }, 404: problem },
      },
    },
    '/admin/authorisations/import': {
      post: {
        summary: 'Import many authorisations in one transaction; answers what changed',
        requestBody: body(withoutId(authorisationImportBody)),
        responses: { 200: json({ type: 'object' }), 400: problem, 413: problem },
      },
    },
    '/async/{ticket}': {
      get: {
        summary:
          "An asynchronous call's state, or once it succeeded the provider's answer (X-Egsb-Ticket-Status: succeeded); only for the AIS that submitted it",
        parameters: pathParams('ticket'),
        responses: {
          200: json({ type: 'object' }, 'State (queued, running, failed, expired) or the result in its own content type'),
          401: problem,
          404: problem,
        },
      },
    },
    '/async': {
      get: {
        summary:
          "The calling AIS's tickets, open ones by default (status=queued,running | succeeded | failed | expired | all; limit; after)",
        parameters: queryParams('status', 'limit', 'after'),
        responses: { 200: json({ type: 'object' }), 400: problem, 401: problem },
      },
    },
    '/admin/async': {
      get: {
        summary: 'Streams, consumers, and per service the queued, running and failed calls',
        responses: { 200: json({ type: 'object' }), 403: problem },
      },
    },
    '/authorisations/effective': {
      get: {
        summary: 'The items an agenda and role would get from a service, and the authorisations behind them',
        parameters: queryParams('agenda', 'role', 'service', 'version'),
        responses: { 200: json({ type: 'object' }), 400: problem, 401: problem, 404: problem },
      },
    },
    '/access-requests': {
      post: {
        summary: 'A reader AIS asks for access to a restricted service',
        requestBody: body({ type: 'object', required: ['service'], properties: { service: { type: 'string' }, note: { type: 'string' } } }),
        responses: { 201: json({ type: 'object' }), 400: problem, 409: problem },
      },
      get: { summary: 'Access requests the caller made or must decide', responses: { 200: json({ type: 'object' }) } },
    },
    '/access-requests/{id}/{decision}': {
      post: {
        summary: 'The owner approves, rejects or revokes (decision: approve, reject, revoke)',
        parameters: pathParams('id', 'decision'),
        responses: { 200: json({ type: 'object' }), 403: problem, 404: problem, 409: problem },
      },
    },
  };
  for (const v of services) {
    if (v.model.protocol !== 'json') continue;
    for (const op of v.model.operations) {
      const schemaUrl = (path: string | undefined) => ({ $ref: `/rest/${v.code}/v${v.major}?schema=${encodeURIComponent(path ?? '')}` });
      paths[`/rest/${v.code}/v${v.major}/${op.name}`] = {
        post: {
          summary: `${v.manifest.name ?? v.code}: ${op.name}`,
          tags: [v.code],
          requestBody: { required: true, content: { 'application/json': { schema: schemaUrl(op.requestSchema) } } },
          responses: {
            200: {
              description: 'The provider answer, filtered to the effective data items',
              content: { 'application/json': { schema: schemaUrl(op.responseSchema) } },
            },
            default: problem,
          },
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'egsb',
      version: '0.1.0',
      description: 'Interoperability service bus: catalogue, publishing, registry and the JSON services published on this bus.',
    },
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'AIS API key, or the operator token for /admin' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string' },
            requestId: { type: 'string' },
            errors: { type: 'array', items: { type: 'object' } },
          },
        },
        Manifest: withoutId(manifestSchema as unknown as Record<string, unknown>),
      },
    },
    security: [{ apiKey: [] }],
  };
}

function pathParams(...names: string[]): object[] {
  return names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
}

function queryParams(...names: string[]): object[] {
  return names.map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }));
}
