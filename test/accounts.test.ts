/**
 * Named accounts over real HTTP: the bootstrap token makes the first administrator and is switched
 * off; people log in to sessions held in HttpOnly cookies whose changing requests need the CSRF
 * token; each operator role does what it may and is refused the rest; an owner acts for its AIS;
 * five wrong passwords lock an account; and every action is on record with who, before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServers, type RunningServers } from '../bus/index.ts';
import { ADMIN, jsonRequest, startHarness, type Harness } from './call-harness.ts';

let h: Harness;
let servers: RunningServers;
let url: string;

beforeAll(async () => {
  h = await startHarness();
  servers = await startServers(h.bus, { port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${servers.httpPort}`;
});
afterAll(async () => {
  await servers?.close();
  await h?.close();
});

interface Session {
  readonly cookie: string;
  readonly csrf: string;
  readonly setCookie: string;
}

async function login(loginName: string, password: string): Promise<Session> {
  const res = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: loginName, password }),
  });
  expect(res.status, `login ${loginName}`).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const { csrf } = (await res.json()) as { csrf: string };
  return { cookie: setCookie.split(';')[0] ?? '', csrf, setCookie };
}

const as = (session: Session | 'token', method: string, path: string, body?: unknown, csrf = true) =>
  fetch(`${url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(session === 'token'
        ? { authorization: `Bearer ${ADMIN}` }
        : { cookie: session.cookie, ...(csrf ? { 'x-csrf-token': session.csrf } : {}) }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const PASSWORD = 'correct horse battery staple';

describe('accounts', () => {
  it('the bootstrap token makes the first administrator, who logs in to an HttpOnly session that needs its CSRF token', async () => {
    const made = await as('token', 'POST', '/admin/accounts', {
      login: 'alena.admin',
      name: 'Alena Správcová',
      password: PASSWORD,
      role: 'administrator',
    });
    expect(made.status).toBe(201);
    const admin = await login('alena.admin', PASSWORD);
    expect(admin.setCookie).toMatch(/HttpOnly/i);
    expect(admin.setCookie).toMatch(/SameSite=Strict/i);
    expect(await (await as(admin, 'GET', '/auth/me')).json()).toEqual({ kind: 'operator', role: 'administrator', actor: 'alena.admin' });
    const withoutCsrf = await as(
      admin,
      'POST',
      '/admin/accounts',
      { login: 'x.y', name: 'X', password: PASSWORD, role: 'observer' },
      false,
    );
    expect(withoutCsrf.status).toBe(403);
    for (const [loginName, role] of [
      ['radek.registrace', 'registration'],
      ['sona.security', 'security'],
      ['olga.observer', 'observer'],
    ] as const)
      expect((await as(admin, 'POST', '/admin/accounts', { login: loginName, name: loginName, password: PASSWORD, role })).status).toBe(
        201,
      );
    expect(
      (await as(admin, 'POST', '/admin/accounts', { login: 'petr.owner', name: 'Petr (AIS 900001)', password: PASSWORD, aisId: 900001 }))
        .status,
    ).toBe(201);
    expect((await as(admin, 'POST', '/admin/accounts', { login: 'weak', name: 'Weak', password: 'short', role: 'observer' })).status).toBe(
      400,
    );
    expect(
      (await as(admin, 'POST', '/admin/accounts', { login: 'ALENA.admin', name: 'Again', password: PASSWORD, role: 'observer' })).status,
    ).toBe(409);
  });

  it('gives each operator role what it may do, and refuses the rest', async () => {
    const observer = await login('olga.observer', PASSWORD);
    expect((await as(observer, 'GET', '/admin/ais')).status).toBe(200);
    expect((await as(observer, 'PATCH', '/admin/ais/900002', { state: 'suspended' })).status).toBe(403);
    expect((await as(observer, 'GET', '/admin/accounts')).status).toBe(403);

    const registration = await login('radek.registrace', PASSWORD);
    expect((await as(registration, 'PUT', '/admin/ovm/00099999', { name: 'Obec Nová (test)', agendas: ['A121'] })).status).toBe(200);
    expect((await as(registration, 'POST', '/admin/ais/900002/credentials', { kind: 'api-key' })).status).toBe(403);

    const security = await login('sona.security', PASSWORD);
    expect((await as(security, 'PUT', '/admin/ovm/00099998', { name: 'Not mine to make' })).status).toBe(403);
    const suspended = await as(security, 'PATCH', '/admin/ais/900002', { state: 'suspended' });
    expect(suspended.status).toBe(200);
    await h.bus.view.refresh();
    expect((await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest())).status).toBe(403);
    expect((await as(security, 'PATCH', '/admin/ais/900002', { state: 'active' })).status).toBe(200);
    await h.bus.view.refresh();
    expect((await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest())).status).toBe(200);
  });

  it('refuses a login posted from another site', async () => {
    const forged = await fetch(`${url}/portal/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: `login=alena.admin&password=${encodeURIComponent(PASSWORD)}`,
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie')).toBeNull();
    const api = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'null' },
      body: JSON.stringify({ login: 'alena.admin', password: PASSWORD }),
    });
    expect(api.status).toBe(403);
    const own = await fetch(`${url}/portal/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
      body: `login=alena.admin&password=${encodeURIComponent(PASSWORD)}`,
    });
    expect(own.status).toBe(303);
  });

  it('lets an owner act for its AIS, and locks an account after five wrong passwords', async () => {
    const owner = await login('petr.owner', PASSWORD);
    expect(await (await as(owner, 'GET', '/auth/me')).json()).toMatchObject({ kind: 'ais', aisId: 900001, actor: 'petr.owner' });
    const services = (await (await as(owner, 'GET', '/services')).json()) as { services: { ais: number }[] };
    expect(services.services.length).toBeGreaterThan(0);
    expect(services.services.every((s) => s.ais === 900001)).toBe(true);
    expect((await as(owner, 'GET', '/admin/ais')).status).toBe(403);

    for (let i = 0; i < 5; i++) {
      const wrong = await fetch(`${url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'olga.observer', password: `wrong password ${i}` }),
      });
      expect(wrong.status).toBe(401);
    }
    const locked = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'olga.observer', password: PASSWORD }),
    });
    expect(locked.status).toBe(401);
    const unknown = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'nobody', password: PASSWORD }),
    });
    expect(((await unknown.json()) as { detail: string }).detail).toBe(((await locked.json()) as { detail: string }).detail);
  });

  it('records every action with who, before and after, never a secret; then the bootstrap token is switched off', async () => {
    const admin = await login('alena.admin', PASSWORD);
    const { actions } = (await (await as(admin, 'GET', '/admin/actions?limit=1000')).json()) as {
      actions: {
        actor: string;
        method: string;
        path: string;
        status: number;
        request?: Record<string, unknown>;
        before?: Record<string, unknown>;
        after?: Record<string, unknown>;
      }[];
    };
    const suspension = actions.find((a) => a.actor === 'sona.security' && a.method === 'PATCH' && a.after?.state === 'suspended');
    expect(suspension).toMatchObject({ path: '/admin/ais/900002', status: 200, request: { state: 'suspended' } });
    expect(suspension?.before?.state).toBe('active');
    expect(actions.find((a) => a.actor === 'radek.registrace' && a.path === '/admin/ais/900002/credentials')?.status).toBe(403);
    const created = actions.find((a) => a.actor === 'bootstrap-token' && a.path === '/admin/accounts');
    expect(created?.request?.password).toBe('[redacted]');
    expect(JSON.stringify(actions)).not.toContain(PASSWORD);
    // Nor a session's CSRF token, which the login answers.
    expect(JSON.stringify(actions)).not.toContain(admin.csrf);

    expect((await as(admin, 'POST', '/admin/bootstrap-token/disable')).status).toBe(200);
    expect((await as('token', 'GET', '/admin/ais')).status).toBe(401);
    expect((await as(admin, 'GET', '/admin/ais')).status).toBe(200);
    expect((await as(admin, 'POST', '/auth/logout')).status).toBe(204);
    expect((await as(admin, 'GET', '/admin/ais')).status).toBe(401);
  });
});
