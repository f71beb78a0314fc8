/**
 * The operator API: the registry of OVMs, agendas with roles, AIS with their credentials, sources of
 * data items with their owners, and which AIS may publish (quota, approved endpoint origins).
 */
import { Hono } from 'hono';
import { EgsbError, ErrorCode } from '../../contracts/index.ts';
import { bodyValidator, readJson, type BusEnv } from './support.ts';
import {
  agendaBody,
  aisBody,
  type AisInput,
  AisState,
  credentialBody,
  type CredentialInput,
  ovmBody,
  patterns,
  publishingBody,
  type PublishingInput,
  type Registry,
  requireOperator,
  sourceBody,
  sourceCode,
  type SourceInput,
  type SourceStore,
} from '../registry/index.ts';
import { parseOrigin } from '../publishing/index.ts';

const checkOvm = bodyValidator<{ name: string; agendas?: string[] }>(ovmBody);
const checkAgenda = bodyValidator<{ name: string; roles?: { code: string; name: string }[] }>(agendaBody);
const checkAis = bodyValidator<AisInput>(aisBody);
const checkCredential = bodyValidator<CredentialInput>(credentialBody);
const checkSource = bodyValidator<SourceInput>(sourceBody);
const checkPublishing = bodyValidator<PublishingInput>(publishingBody);

export interface OperatorApiOptions {
  readonly registry: Registry;
  readonly sources: SourceStore;
  /** Applies a seed document (POST /admin/seed): fills in what is missing, changes nothing that exists. */
  readonly seed?: (document: unknown) => Promise<{
    created: readonly string[];
    kept: readonly string[];
    published: readonly string[];
    newKeys: readonly { ais: number; label: string; apiKey: string }[];
  }>;
}

export function operatorApi({ registry, sources, seed }: OperatorApiOptions): Hono<BusEnv> {
  const api = new Hono<BusEnv>();
  api.use(async function operatorOnly(c, next) {
    requireOperator(c.get('caller'));
    await next();
  });

  if (seed !== undefined) {
    api.post('/seed', async (c) => {
      const { created, kept, published, newKeys } = await seed(await readJson(c));
      // Keys the bus made now are shown this once; keys the seed spelled out the operator has.
      return c.json({ created, kept, published, newKeys });
    });
  }

  api.get('/ovm', async (c) => c.json({ ovms: await registry.listOvms() }));
  api.get('/ovm/:code', async (c) => c.json(await registry.getOvm(code(c.req.param('code'), patterns.ovmCode.pattern, 'OVM code'))));
  api.put('/ovm/:code', async (c) => {
    const ovm = code(c.req.param('code'), patterns.ovmCode.pattern, 'OVM code');
    return c.json(await registry.putOvm(ovm, checkOvm(await readJson(c))));
  });

  api.get('/agendas', async (c) => c.json({ agendas: await registry.listAgendas() }));
  api.get('/agendas/:code', async (c) =>
    c.json(await registry.getAgenda(code(c.req.param('code'), patterns.agendaCode.pattern, 'agenda code'))),
  );
  api.put('/agendas/:code', async (c) => {
    const agenda = code(c.req.param('code'), patterns.agendaCode.pattern, 'agenda code');
    const body = checkAgenda(await readJson(c));
    const foreign = body.roles?.find((r) => r.code === agenda);
    if (foreign) throw new EgsbError(ErrorCode.REQUEST_INVALID, `role ${foreign.code} cannot share its agenda's code`);
    return c.json(await registry.putAgenda(agenda, body));
  });

  api.get('/ais', async (c) => c.json({ ais: await registry.listAis() }));
  api.get('/ais/:id', async (c) => c.json(await registry.getAis(aisId(c.req.param('id')))));
  // PUT replaces the AIS: what the body leaves out is emptied, except its state, which changes only
  // when the body says so (an AIS the operator suspended is never reactivated by a rename).
  api.put('/ais/:id', async (c) => {
    const id = aisId(c.req.param('id'));
    const body = checkAis(await readJson(c));
    const current = await registry.getAis(id).catch((error: unknown) => {
      if (error instanceof EgsbError && error.code === ErrorCode.NOT_FOUND) return undefined;
      throw error;
    });
    const replacement: AisInput = {
      actsFor: [],
      agendas: [],
      contacts: [],
      ...body,
      state: body.state ?? current?.state ?? AisState.ACTIVE,
    };
    return c.json(await registry.putAis(id, replacement));
  });
  // PATCH changes what the body names (JSON Merge Patch, RFC 7396: null removes callbackUrl or
  // rateLimit); the result is checked as a whole, as PUT checks it.
  api.patch('/ais/:id', async (c) => {
    const id = aisId(c.req.param('id'));
    const patch = await readJson(c);
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
      throw new EgsbError(ErrorCode.REQUEST_INVALID, 'a PATCH body is a JSON object naming the fields to change');
    const {
      id: _id,
      createdAt: _created,
      updatedAt: _updated,
      ...current
    } = (await registry.getAis(id)) as unknown as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...current };
    for (const [field, value] of Object.entries(patch)) {
      if (value === null && (field === 'callbackUrl' || field === 'rateLimit')) delete merged[field];
      else merged[field] = value;
    }
    return c.json(await registry.putAis(id, checkAis(merged)));
  });
  api.get('/ais/:id/credentials', async (c) => c.json({ credentials: await registry.listCredentials(aisId(c.req.param('id'))) }));
  api.post('/ais/:id/credentials', async (c) => {
    const body = checkCredential(await readJson(c));
    return c.json(await registry.addCredential(aisId(c.req.param('id')), body), 201);
  });
  api.delete('/ais/:id/credentials/:credential', async (c) => {
    await registry.removeCredential(aisId(c.req.param('id')), c.req.param('credential'));
    return c.body(null, 204);
  });

  api.get('/sources', async (c) => c.json({ sources: await sources.listSources() }));
  api.get('/sources/:code', async (c) => {
    const source = await sources.getSource(code(c.req.param('code'), sourceCode.pattern, 'source code'));
    if (source === undefined) throw new EgsbError(ErrorCode.NOT_FOUND, `no source ${c.req.param('code')} is registered`);
    return c.json(source);
  });
  api.put('/sources/:code', async (c) => {
    const source = code(c.req.param('code'), sourceCode.pattern, 'source code');
    return c.json(await sources.putSource(source, checkSource(await readJson(c))));
  });

  api.get('/ais/:id/publishing', async (c) => {
    const id = aisId(c.req.param('id'));
    const rights = await sources.getPublishing(id);
    if (rights === undefined) throw new EgsbError(ErrorCode.NOT_FOUND, `AIS ${id} is not a publisher`);
    return c.json(rights);
  });
  api.put('/ais/:id/publishing', async (c) => {
    const id = aisId(c.req.param('id'));
    const body = checkPublishing(await readJson(c));
    const bad = body.origins.filter((o) => parseOrigin(o) === undefined);
    if (bad.length > 0)
      throw new EgsbError(ErrorCode.REQUEST_INVALID, `not an origin (http(s)://host[:port] or nats:<subject prefix>): ${bad.join(', ')}`);
    return c.json(await sources.putPublishing(id, body));
  });
  api.delete('/ais/:id/publishing', async (c) => {
    await sources.removePublishing(aisId(c.req.param('id')));
    return c.body(null, 204);
  });
  return api;
}

function code(raw: string, pattern: string, what: string): string {
  if (!new RegExp(pattern).test(raw))
    throw new EgsbError(ErrorCode.REQUEST_INVALID, `${what} ${JSON.stringify(raw.slice(0, 40))} does not match ${pattern}`);
  return raw;
}

function aisId(raw: string): number {
  const id = Number(raw);
  if (!/^[1-9][0-9]{0,6}$/.test(raw) || id > 9999999)
    throw new EgsbError(ErrorCode.REQUEST_INVALID, `AIS number must be 1–9999999, got ${JSON.stringify(raw.slice(0, 40))}`);
  return id;
}
