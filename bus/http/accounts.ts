/**
 * Accounts on the HTTP side. `POST /auth/login` opens a session in a secure, HttpOnly, SameSite
 * cookie and answers the CSRF token that every changing request of that session must send back in
 * `X-CSRF-Token`; `POST /auth/logout` ends it; `GET /auth/me` says who is logged in. The
 * administrator manages accounts (`/admin/accounts`), switches the bootstrap token off once an
 * administrator account exists, and reads the action log (`/admin/actions`, also the security
 * officer). Which operator role may do what is `operatorMay`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { EgsbError, ErrorCode } from '../../contracts/index.ts';
import { type Accounts, type ActionLog, OperatorRole } from '../accounts/index.ts';
import type { Caller, OperatorRoleName } from '../registry/index.ts';
import { bodyValidator, readJson, type BusEnv } from './support.ts';

export const SESSION_COOKIE = 'egsb_session';

const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['login', 'password'],
  properties: { login: { type: 'string', minLength: 1, maxLength: 200 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
const accountBody = {
  type: 'object',
  additionalProperties: false,
  required: ['login', 'name', 'password'],
  properties: {
    login: { type: 'string', pattern: '^[A-Za-z0-9._@-]{3,100}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    password: { type: 'string', minLength: 12, maxLength: 200 },
    role: { enum: Object.values(OperatorRole) },
    aisId: { type: 'integer', minimum: 1, maximum: 9999999 },
  },
} as const;
const accountChange = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    password: { type: 'string', minLength: 12, maxLength: 200 },
    role: { enum: Object.values(OperatorRole) },
    state: { enum: ['active', 'disabled'] },
  },
} as const;
const checkLogin = bodyValidator<{ login: string; password: string }>(loginBody);
const checkAccount = bodyValidator<{ login: string; name: string; password: string; role?: OperatorRole; aisId?: number }>(accountBody);
const checkChange = bodyValidator<{ name?: string; password?: string; role?: OperatorRole; state?: 'active' | 'disabled' }>(accountChange);

/**
 * Whether an operator role may make this request. The administrator may do everything; the
 * registration officer keeps the registry (authorities, agendas, AIS, sources, publishers,
 * authorisations, seeds, publishing); the security officer keeps credentials, AIS states, the
 * asynchronous queue, the audit and the action log; the observer reads. Accounts are the
 * administrator's alone.
 */
export function operatorMay(role: OperatorRoleName, method: string, path: string): boolean {
  if (role === 'administrator') return true;
  if (path.startsWith('/admin/accounts') || path.startsWith('/admin/bootstrap-token')) return false;
  if (path.startsWith('/admin/actions')) return role === 'security' || role === 'observer';
  const reading = method === 'GET' || method === 'HEAD';
  if (role === 'observer') return reading && !path.startsWith('/admin/audit/evidence');
  const security =
    /^\/admin\/(ais\/[^/]+\/credentials|async|audit)(\/|$)/.test(path) || (method === 'PATCH' && /^\/admin\/ais\/[^/]+$/.test(path));
  if (role === 'security') return reading || security;
  // registration
  return reading || !security || (method === 'PATCH' && /^\/admin\/ais\/[^/]+$/.test(path));
}

export interface AccountsApiOptions {
  readonly accounts: Accounts;
  readonly actions: ActionLog;
  /** Switches the bootstrap token off for every instance. */
  readonly disableBootstrap: () => Promise<void>;
  /** Whether the bus is reached over HTTPS (the cookie is then `Secure`). */
  readonly secureCookies: boolean;
}

function administrator(caller: Caller): void {
  if (caller.kind === 'anonymous') throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'log in as an administrator');
  if (caller.kind !== 'operator' || caller.role !== 'administrator')
    throw new EgsbError(ErrorCode.FORBIDDEN, 'accounts are managed by an administrator');
}

export function accountsApi({ accounts, actions, disableBootstrap, secureCookies }: AccountsApiOptions): Hono<BusEnv> {
  const api = new Hono<BusEnv>();

  api.post('/auth/login', async (c) => {
    sameOrigin(c);
    const { login, password } = checkLogin(await readJson(c));
    const { account, session } = await accounts.login(login, password);
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: secureCookies || c.req.url.startsWith('https:'),
      path: '/',
      expires: new Date(session.expiresAt),
    });
    return c.json({ account, csrf: session.csrf, expiresAt: session.expiresAt });
  });
  api.post('/auth/logout', async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token !== undefined) await accounts.logout(token);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });
  api.get('/auth/me', (c) => {
    const caller = c.get('caller');
    if (caller.kind === 'anonymous') throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'nobody is logged in');
    return c.json(caller);
  });

  api.get('/admin/accounts', async (c) => {
    administrator(c.get('caller'));
    return c.json({ accounts: await accounts.list() });
  });
  api.post('/admin/accounts', async (c) => {
    const caller = c.get('caller');
    administrator(caller);
    const body = checkAccount(await readJson(c));
    return c.json(await accounts.create(body, actorOf(caller)), 201);
  });
  api.get('/admin/accounts/:id', async (c) => {
    administrator(c.get('caller'));
    return c.json(await accounts.get(c.req.param('id')));
  });
  api.patch('/admin/accounts/:id', async (c) => {
    administrator(c.get('caller'));
    return c.json(await accounts.update(c.req.param('id'), checkChange(await readJson(c))));
  });
  api.post('/admin/bootstrap-token/disable', async (c) => {
    administrator(c.get('caller'));
    if (!(await accounts.hasAdministrator()))
      throw new EgsbError(ErrorCode.CONFLICT, 'make an administrator account first: without one, nobody could administer the bus');
    await disableBootstrap();
    return c.json({ bootstrapToken: 'disabled' });
  });

  api.get('/admin/actions', async (c) => {
    const limit = Number(c.req.query('limit') ?? 100);
    const before = c.req.query('before');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new EgsbError(ErrorCode.REQUEST_INVALID, 'limit is 1–1000');
    if (before !== undefined && !/^[1-9][0-9]{0,17}$/.test(before))
      throw new EgsbError(ErrorCode.REQUEST_INVALID, 'before is an action id');
    const actor = c.req.query('actor');
    return c.json({ actions: await actions.list({ limit, ...(before ? { before: Number(before) } : {}), ...(actor ? { actor } : {}) }) });
  });
  return api;
}

/**
 * A login posted from another site is refused: a page elsewhere must not log a visitor into an
 * account of its choosing. Browsers say where a POST comes from in `Origin`; clients without one
 * (curl, the CLI) are not browsers.
 */
export function sameOrigin(c: Context<BusEnv>): void {
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined; // `null` (a sandboxed or privacy-hidden origin) or garbage: not ours
  }
  if (host !== new URL(c.req.url).host) throw new EgsbError(ErrorCode.FORBIDDEN, 'a login must come from the bus’s own pages');
}

/** Who, for the record. */
export function actorOf(caller: Caller): string {
  if (caller.kind === 'operator') return caller.actor;
  if (caller.kind === 'ais') return caller.actor ?? `ais:${caller.aisId}`;
  return 'anonymous';
}

/** Unsafe methods of a cookie session must carry its CSRF token: the header, or a form's `_csrf`. */
export async function requireCsrf(c: Context<BusEnv>, csrf: string): Promise<void> {
  if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return;
  let sent = c.req.header('x-csrf-token');
  if (sent === undefined && /^application\/x-www-form-urlencoded\b/.test(c.req.header('content-type') ?? '')) {
    const field = (await c.req.parseBody())._csrf;
    sent = typeof field === 'string' ? field : undefined;
  }
  if (sent === undefined || sent.length !== csrf.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(csrf)))
    throw new EgsbError(ErrorCode.FORBIDDEN, 'a request of a logged-in session needs its X-CSRF-Token (answered by POST /auth/login)');
}
