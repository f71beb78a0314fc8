/** The operator API: the registry of OVMs, agendas with roles, and AIS with their credentials. */
import { Hono } from 'hono';
import { EgsbError, ErrorCode } from '../../contracts/index.ts';
import { bodyValidator, readJson, type BusEnv } from './support.ts';
import {
  agendaBody,
  aisBody,
  type AisInput,
  credentialBody,
  type CredentialInput,
  ovmBody,
  patterns,
  type Registry,
  requireOperator,
} from '../registry/index.ts';

const checkOvm = bodyValidator<{ name: string; agendas?: string[] }>(ovmBody);
const checkAgenda = bodyValidator<{ name: string; roles?: { code: string; name: string }[] }>(agendaBody);
const checkAis = bodyValidator<AisInput>(aisBody);
const checkCredential = bodyValidator<CredentialInput>(credentialBody);

export function operatorApi({ registry }: { registry: Registry }): Hono<BusEnv> {
  const api = new Hono<BusEnv>();
  api.use(async function operatorOnly(c, next) {
    requireOperator(c.get('caller'));
    await next();
  });

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
  api.put('/ais/:id', async (c) => {
    const id = aisId(c.req.param('id'));
    return c.json(await registry.putAis(id, checkAis(await readJson(c))));
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
