/**
 * Authorisations over HTTP: the operator manages them (one by one, or a bulk import in one
 * transaction), any AIS asks what its agenda and role would get from a service (like ISZR's E227),
 * and readers and owners of restricted services handle access requests.
 */
import { Hono } from 'hono';
import { EgsbError, ErrorCode, Visibility } from '../../contracts/index.ts';
import {
  type AccessStore,
  type Authorisation,
  authorisationBody,
  authorisationId,
  authorisationImportBody,
  type AuthorisationInput,
  type AuthorisationStore,
  type Caller,
  patterns,
  type RegistryView,
  requireOperator,
  type ServiceVersion,
} from '../registry/index.ts';
import { explainAuthorisations, hasAccess, pragueDay } from '../authorisation/index.ts';
import { bodyValidator, readJson, type BusEnv } from './support.ts';

const checkAuthorisation = bodyValidator<AuthorisationInput>(authorisationBody);
const checkImport = bodyValidator<{ authorisations: Authorisation[]; replace?: boolean }>(authorisationImportBody);
const checkAccess = bodyValidator<{ service: string; note?: string }>({
  type: 'object',
  additionalProperties: false,
  required: ['service'],
  properties: { service: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' }, note: { type: 'string', maxLength: 1024 } },
});
const checkNote = bodyValidator<{ note?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { note: { type: 'string', maxLength: 1024 } },
});

export interface AuthorisationApiDeps {
  readonly authorisations: AuthorisationStore;
  readonly access: AccessStore;
  readonly view: RegistryView;
}

export function authorisationApi({ authorisations, access, view }: AuthorisationApiDeps): Hono<BusEnv> {
  const api = new Hono<BusEnv>();
  const operator = (caller: Caller): void => requireOperator(caller);

  api.get('/admin/authorisations', async (c) => {
    operator(c.get('caller'));
    const agenda = optionalCode(c.req.query('agenda'), patterns.agendaCode.pattern, 'agenda');
    const role = optionalCode(c.req.query('role'), patterns.roleCode.pattern, 'role');
    const source = optionalCode(c.req.query('source'), '^[A-Z][A-Z0-9_]{1,31}$', 'source');
    return c.json({
      authorisations: await authorisations.list({
        ...(agenda ? { agenda } : {}),
        ...(role ? { role } : {}),
        ...(source ? { source } : {}),
      }),
    });
  });
  api.post('/admin/authorisations/import', async (c) => {
    operator(c.get('caller'));
    const body = checkImport(await readJson(c));
    const report = await authorisations.importMany(body.authorisations, { replace: body.replace ?? false });
    await view.refresh();
    return c.json({ ...report, total: body.authorisations.length });
  });
  api.get('/admin/authorisations/:id', async (c) => {
    operator(c.get('caller'));
    return c.json(await authorisations.get(id(c.req.param('id'))));
  });
  api.put('/admin/authorisations/:id', async (c) => {
    operator(c.get('caller'));
    const { created, authorisation } = await authorisations.put(id(c.req.param('id')), checkAuthorisation(await readJson(c)));
    return c.json(authorisation, created ? 201 : 200);
  });
  api.delete('/admin/authorisations/:id', async (c) => {
    operator(c.get('caller'));
    await authorisations.remove(id(c.req.param('id')));
    return c.body(null, 204);
  });

  api.get('/authorisations/effective', (c) => {
    const caller = c.get('caller');
    if (caller.kind === 'anonymous')
      throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'explaining authorisations needs the credentials of an AIS or the operator');
    const agenda = requiredCode(c.req.query('agenda'), patterns.agendaCode.pattern, 'agenda');
    const role = requiredCode(c.req.query('role'), patterns.roleCode.pattern, 'role');
    const service = serviceOf(view, c.req.query('service'), c.req.query('version'));
    const snapshot = view.current();
    const roleAgenda = snapshot.roleAgenda.get(role);
    if (roleAgenda !== agenda)
      throw new EgsbError(
        ErrorCode.AGENDA_NOT_ALLOWED,
        roleAgenda === undefined
          ? `activity role ${role} is not registered`
          : `activity role ${role} belongs to agenda ${roleAgenda}, not ${agenda}`,
      );
    const day = pragueDay(Date.now());
    const declared = service.manifest.dataItems.map((d) => d.name);
    const { valid, notValid, permitted } = explainAuthorisations(snapshot, agenda, role, service, declared, day);
    const restricted = service.manifest.visibility === Visibility.RESTRICTED;
    return c.json({
      service: service.code,
      version: service.major,
      source: service.manifest.source,
      agenda,
      role,
      day,
      dataItems: permitted,
      authorisations: valid.map(describe),
      notValidToday: notValid.map(describe),
      ...(restricted
        ? { restricted: true, accessApproved: caller.kind === 'ais' ? hasAccess(snapshot, service, caller.aisId) : undefined }
        : {}),
    });
  });

  api.post('/access-requests', async (c) => {
    const body = checkAccess(await readJson(c));
    return c.json(await access.request(body.service, c.get('caller'), body.note), 201);
  });
  api.get('/access-requests', async (c) => c.json({ requests: await access.list(c.get('caller')) }));
  api.get('/access-requests/:id', async (c) => c.json(await access.get(c.req.param('id'), c.get('caller'))));
  for (const decision of ['approve', 'reject', 'revoke'] as const) {
    api.post(`/access-requests/:id/${decision}`, async (c) => {
      const text = await c.req.text();
      let parsed: unknown = {};
      try {
        if (text.trim() !== '') parsed = JSON.parse(text);
      } catch (error) {
        throw new EgsbError(ErrorCode.MESSAGE_MALFORMED, `the body is not JSON: ${(error as Error).message}`);
      }
      const body = checkNote(parsed);
      const decided = await access.decide(c.req.param('id'), decision, c.get('caller'), body.note);
      await view.refresh();
      return c.json(decided);
    });
  }
  return api;
}

function describe(a: Authorisation) {
  return {
    id: a.id,
    legalBasis: a.legalBasis,
    dataItems: a.dataItems,
    roles: a.roles,
    services: a.services,
    validFrom: a.validFrom,
    ...(a.validTo ? { validTo: a.validTo } : {}),
  };
}

function id(raw: string): string {
  if (!new RegExp(authorisationId.pattern).test(raw))
    throw new EgsbError(
      ErrorCode.REQUEST_INVALID,
      `authorisation id ${JSON.stringify(raw.slice(0, 40))} does not match ${authorisationId.pattern}`,
    );
  return raw;
}

function optionalCode(raw: string | undefined, pattern: string, what: string): string | undefined {
  return raw === undefined ? undefined : requiredCode(raw, pattern, what);
}

/** Codes are taken exactly as written: `a121` or ` CR1` is refused, not guessed. */
function requiredCode(raw: string | undefined, pattern: string, what: string): string {
  if (raw === undefined || raw === '') throw new EgsbError(ErrorCode.REQUEST_INVALID, `the query needs ${what}`);
  if (!new RegExp(pattern).test(raw))
    throw new EgsbError(ErrorCode.REQUEST_INVALID, `${what} ${JSON.stringify(raw.slice(0, 40))} does not match ${pattern}`);
  return raw;
}

function serviceOf(view: RegistryView, code: string | undefined, version: string | undefined): ServiceVersion {
  if (code === undefined || !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(code))
    throw new EgsbError(ErrorCode.REQUEST_INVALID, 'the query needs service=<code> (and optionally version=<major>)');
  const versions = [...view.current().services.values()].filter(
    (v) => v.code === code && (version === undefined || String(v.major) === version),
  );
  const latest = versions.sort((a, b) => b.major - a.major)[0];
  if (latest === undefined)
    throw new EgsbError(
      ErrorCode.SERVICE_NOT_FOUND,
      `no service ${code}${version ? ` v${version.slice(0, 8)}` : ''} is published on this bus`,
    );
  return latest;
}
