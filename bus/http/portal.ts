/**
 * The portal at /portal: server-rendered pages for operators and AIS owners, in Czech or English
 * (`?lang=en`, remembered in a cookie). Log in; the catalogue and my services; my traffic with
 * search, CSV export and charts of calls, errors and p95 latency per day; SLA per service and month;
 * access requests to approve, reject or revoke; the operator's AIS list to suspend or activate.
 * Forms post back with the session's CSRF token; every change is on record like an API request.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html, raw } from 'hono/html';
import { parse as parseYaml } from 'yaml';
import type { HtmlEscapedString } from 'hono/utils/html';
import { EgsbError, ErrorCode, isEgsbError } from '../../contracts/index.ts';
import type { Accounts, ActionLog } from '../accounts/index.ts';
import type { AuditQuery, AuditStore } from '../audit/index.ts';
import { AisState, type AccessStore, type Caller, type Registry, type ServiceStore } from '../registry/index.ts';
import { operatorMay, sameOrigin, SESSION_COOKIE } from './accounts.ts';
import type { BusEnv } from './support.ts';

type Lang = 'cs' | 'en';
type Page = HtmlEscapedString | Promise<HtmlEscapedString>;

const TEXT = {
  cs: {
    title: 'egsb portál',
    login: 'Přihlášení',
    loginName: 'Přihlašovací jméno',
    password: 'Heslo',
    signIn: 'Přihlásit',
    signOut: 'Odhlásit',
    loginFailed: 'Přihlášení se nezdařilo: jméno nebo heslo nesouhlasí, nebo je účet zamčený.',
    catalogue: 'Katalog služeb',
    myServices: 'Moje služby',
    traffic: 'Provoz',
    sla: 'SLA',
    access: 'Žádosti o přístup',
    ais: 'AIS',
    service: 'Služba',
    version: 'Verze',
    items: 'Údaje',
    endpoints: 'Koncové body',
    search: 'Hledat',
    exportCsv: 'Export CSV',
    from: 'Od',
    to: 'Do',
    agenda: 'Agenda',
    user: 'Uživatel',
    status: 'Stav',
    subject: 'Subjekt',
    time: 'Čas',
    operation: 'Operace',
    calls: 'Volání',
    errorRate: 'Chybovost',
    p95: 'p95 (ms)',
    month: 'Měsíc',
    availability: 'Dostupnost',
    mean: 'Průměr (ms)',
    reader: 'Čtenář',
    state: 'Stav',
    approve: 'Schválit',
    reject: 'Zamítnout',
    revoke: 'Odvolat',
    suspend: 'Pozastavit',
    activate: 'Aktivovat',
    name: 'Název',
    none: 'Nic k zobrazení.',
    chart: 'Volání, chybovost a p95 latence po dnech',
    signedInAs: 'Přihlášen',
    accounts: 'Účty',
    actions: 'Záznam akcí',
    credentials: 'Přístupové údaje',
    create: 'Vytvořit',
    role: 'Role',
    disable: 'Zablokovat',
    enable: 'Povolit',
    issueKey: 'Vydat API klíč',
    rotate: 'Vyměnit',
    keyShownOnce: 'Nový API klíč (zobrazen jen jednou):',
    label: 'Označení',
    kind: 'Druh',
    actor: 'Kdo',
    path: 'Cesta',
    registry: 'Registr',
    readable: 'Údaje, které smějí číst mé agendy (agenda/role)',
    authorisations: 'Oprávnění',
    queue: 'Asynchronní fronta',
    ovms: 'OVM',
    agendas: 'Agendy',
    sources: 'Zdroje údajů',
    publishers: 'Publikující AIS',
    save: 'Uložit',
    code: 'Kód',
    roles: 'Činnostní role (CR1=Název; CR2=Název)',
    owner: 'Vlastník (AIS)',
    quota: 'Kvóta',
    origins: 'Schválené původy (mezerou)',
    importYaml: 'Import (YAML nebo JSON)',
    explain: 'Vysvětlit',
    ticket: 'Tiket',
    retry: 'Doručit znovu',
    fail: 'Vzdát',
    done: 'Hotovo.',
  },
  en: {
    title: 'egsb portal',
    login: 'Log in',
    loginName: 'Login',
    password: 'Password',
    signIn: 'Log in',
    signOut: 'Log out',
    loginFailed: 'Login failed: the login or the password is wrong, or the account is locked.',
    catalogue: 'Service catalogue',
    myServices: 'My services',
    traffic: 'Traffic',
    sla: 'SLA',
    access: 'Access requests',
    ais: 'AIS',
    service: 'Service',
    version: 'Version',
    items: 'Data items',
    endpoints: 'Endpoints',
    search: 'Search',
    exportCsv: 'Export CSV',
    from: 'From',
    to: 'To',
    agenda: 'Agenda',
    user: 'User',
    status: 'Status',
    subject: 'Subject',
    time: 'Time',
    operation: 'Operation',
    calls: 'Calls',
    errorRate: 'Error rate',
    p95: 'p95 (ms)',
    month: 'Month',
    availability: 'Availability',
    mean: 'Mean (ms)',
    reader: 'Reader',
    state: 'State',
    approve: 'Approve',
    reject: 'Reject',
    revoke: 'Revoke',
    suspend: 'Suspend',
    activate: 'Activate',
    name: 'Name',
    none: 'Nothing to show.',
    chart: 'Calls, error rate and p95 latency per day',
    signedInAs: 'Logged in as',
    accounts: 'Accounts',
    actions: 'Action log',
    credentials: 'Credentials',
    create: 'Create',
    role: 'Role',
    disable: 'Disable',
    enable: 'Enable',
    issueKey: 'Issue an API key',
    rotate: 'Rotate',
    keyShownOnce: 'New API key (shown once):',
    label: 'Label',
    kind: 'Kind',
    actor: 'Who',
    path: 'Path',
    registry: 'Registry',
    readable: 'Items my agendas may read (agenda/role)',
    authorisations: 'Authorisations',
    queue: 'Asynchronous queue',
    ovms: 'OVMs',
    agendas: 'Agendas',
    sources: 'Sources of data items',
    publishers: 'Publishing AIS',
    save: 'Save',
    code: 'Code',
    roles: 'Activity roles (CR1=Name; CR2=Name)',
    owner: 'Owner (AIS)',
    quota: 'Quota',
    origins: 'Approved origins (space-separated)',
    importYaml: 'Import (YAML or JSON)',
    explain: 'Explain',
    ticket: 'Ticket',
    retry: 'Deliver again',
    fail: 'Give up',
    done: 'Done.',
  },
} as const;

type Texts = (typeof TEXT)[Lang];

export interface PortalOptions {
  readonly accounts: Accounts;
  readonly audit: AuditStore;
  readonly store: ServiceStore;
  readonly access: AccessStore;
  readonly registry: Registry;
  readonly actions: ActionLog;
  readonly secureCookies: boolean;
  /**
   * The bus's own API, called with the session of the page's user: the portal's registry,
   * authorisation and queue forms go through exactly the checks, roles and record the API has.
   */
  readonly api: (method: string, path: string, headers: Record<string, string>, body?: unknown) => Promise<Response>;
}

// Chart.js's browser build, beside its package entry (the package exports no path to it).
const CHART_JS = readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
const STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}header{background:#003366;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}nav ul{list-style:none;display:flex;gap:1rem;margin:0;padding:0}main{padding:1rem;max-width:72rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#eef2f6}form.inline{display:inline}label{margin-right:.5rem}
input,select,button{font:inherit;padding:.2rem .4rem}button{background:#003366;color:#fff;border:0;padding:.3rem .8rem;cursor:pointer}.error{color:#a00000;font-weight:600}
.lang a{color:#fff;margin-left:.4rem}canvas{max-width:100%}`;

/** One table row of plain cells. */
function row(cells: readonly unknown[]): Page {
  return html`<tr>
    ${cells.map((cell) => html`<td>${String(cell ?? '')}</td>`)}
  </tr>`;
}

/** A table with its caption, column headers and rows, or one row saying there is nothing to show. */
function dataTable(caption: string, headers: readonly string[], rows: readonly Page[], none: string): Page {
  return html`<table>
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${headers.map((h) => html`<th scope="col">${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${
        rows.length > 0
          ? rows
          : html`<tr>
              <td colspan="${headers.length}">${none}</td>
            </tr>`
      }
    </tbody>
  </table>`;
}

export function portalApi(o: PortalOptions): Hono<BusEnv> {
  const api = new Hono<BusEnv>();

  const langOf = (c: Context<BusEnv>): Lang => {
    const asked = c.req.query('lang');
    if (asked === 'en' || asked === 'cs') {
      setCookie(c, 'egsb_lang', asked, { path: '/portal', sameSite: 'Strict', httpOnly: true });
      return asked;
    }
    const kept = getCookie(c, 'egsb_lang');
    if (kept === 'en' || kept === 'cs') return kept;
    return (c.req.header('accept-language') ?? '').toLowerCase().startsWith('en') ? 'en' : 'cs';
  };

  /** The session's CSRF token, found when the request was identified. */
  const csrfOf = async (c: Context<BusEnv>): Promise<string> => c.get('csrf') ?? '';

  // --- the API, called for the page's user: every change goes through its checks, roles and record ---
  const asUser = async (c: Context<BusEnv>): Promise<Record<string, string>> => ({
    cookie: c.req.header('cookie') ?? '',
    'x-csrf-token': await csrfOf(c),
  });
  /** Runs an API request for the page's user; answers its JSON, or the catalogue problem it refused with. */
  const call = async (
    c: Context<BusEnv>,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ ok: boolean; json: Record<string, unknown> }> => {
    const res = await o.api(method, path, await asUser(c), body);
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { ok: res.ok, json };
  };
  /** Back to a page after a change; a refusal is told there, as the API's code and detail. */
  const back = (c: Context<BusEnv>, page: string, done: { ok: boolean; json: Record<string, unknown> }) =>
    c.redirect(
      done.ok ? page : `${page}?${new URLSearchParams({ message: `${String(done.json.code)}: ${String(done.json.detail)}` })}`,
      303,
    );
  const outcome = (message: string | undefined, ok: boolean) =>
    message === undefined ? '' : html`<p class="${ok ? '' : 'error'}" role="${ok ? 'status' : 'alert'}">${message}</p>`;
  /** A page showing a new API key, once; never put in a URL, and kept by the bus only as a digest. */
  const shownOnce = async (c: Context<BusEnv>, aisId: number, apiKey: unknown) => {
    const lang = langOf(c);
    const t = TEXT[lang];
    return c.html(
      layout(
        c,
        t,
        lang,
        `${t.credentials}: AIS ${aisId}`,
        html`<p role="status">${t.keyShownOnce} <code>${String(apiKey ?? '')}</code></p>
          <p><a href="/portal/credentials/${aisId}">${t.credentials}</a></p>`,
        await csrfOf(c),
      ),
    );
  };

  function layout(c: Context<BusEnv>, t: Texts, lang: Lang, title: string, body: Page, csrf = ''): Page {
    const caller = c.get('caller');
    const who =
      caller.kind === 'operator'
        ? `${caller.actor} (${caller.role})`
        : caller.kind === 'ais'
          ? `${caller.actor ?? ''} (AIS ${caller.aisId})`
          : '';
    const links: [string, string][] =
      caller.kind === 'anonymous'
        ? []
        : [
            ['/portal', caller.kind === 'ais' ? t.myServices : t.catalogue],
            ['/portal/traffic', t.traffic],
            ['/portal/sla', t.sla],
            ['/portal/access', t.access],
            ...(caller.kind === 'operator'
              ? ([
                  ['/portal/ais', t.ais],
                  ['/portal/registry', t.registry],
                  ['/portal/authorisations', t.authorisations],
                  ['/portal/async', t.queue],
                ] as [string, string][])
              : []),
            ...(caller.kind === 'operator' && caller.role === 'administrator'
              ? ([['/portal/accounts', t.accounts]] as [string, string][])
              : []),
            ...(caller.kind === 'operator' && operatorMay(caller.role, 'GET', '/admin/actions')
              ? ([['/portal/actions', t.actions]] as [string, string][])
              : []),
          ];
    return html`<!doctype html>
      <html lang="${lang}">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>${title} – ${t.title}</title>
          <style>
            ${raw(STYLE)}
          </style>
        </head>
        <body>
          <header>
            <strong>${t.title}</strong>
            ${
              links.length > 0
                ? html`<nav aria-label="${t.title}">
                    <ul>
                      ${links.map(([href, label]) => html`<li><a href="${href}">${label}</a></li>`)}
                    </ul>
                  </nav>`
                : ''
            }
            <span class="lang"><a href="?lang=cs" lang="cs">Česky</a><a href="?lang=en" lang="en">English</a></span>
            ${
              who
                ? html`<span>${t.signedInAs}: ${who}</span>
                    <form class="inline" method="post" action="/portal/logout">
                      <input type="hidden" name="_csrf" value="${csrf}" /><button type="submit">${t.signOut}</button>
                    </form>`
                : ''
            }
          </header>
          <main>
            <h1>${title}</h1>
            ${body}
          </main>
        </body>
      </html>`;
  }

  const signedIn = (c: Context<BusEnv>): Caller | undefined => {
    const caller = c.get('caller');
    return caller.kind === 'anonymous' ? undefined : caller;
  };

  api.get('/portal/assets/chart.js', (c) =>
    c.body(CHART_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' }),
  );

  api.get('/portal/login', (c) => {
    const lang = langOf(c);
    const t = TEXT[lang];
    const failed = c.req.query('failed') !== undefined;
    return c.html(
      layout(
        c,
        t,
        lang,
        t.login,
        html`${failed ? html`<p class="error" role="alert">${t.loginFailed}</p>` : ''}
          <form method="post" action="/portal/login">
            <p><label for="login">${t.loginName}</label><input id="login" name="login" autocomplete="username" required /></p>
            <p>
              <label for="password">${t.password}</label
              ><input id="password" name="password" type="password" autocomplete="current-password" required />
            </p>
            <p><button type="submit">${t.signIn}</button></p>
          </form>`,
      ),
      failed ? 401 : 200,
    );
  });

  api.post('/portal/login', async (c) => {
    sameOrigin(c);
    const form = await c.req.parseBody();
    try {
      const { session } = await o.accounts.login(String(form.login ?? ''), String(form.password ?? ''));
      setCookie(c, SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: o.secureCookies || c.req.url.startsWith('https:'),
        path: '/',
        expires: new Date(session.expiresAt),
      });
      return c.redirect('/portal', 303);
    } catch (error) {
      if (isEgsbError(error) && error.code === ErrorCode.AUTH_INVALID) return c.redirect('/portal/login?failed', 303);
      throw error;
    }
  });

  api.post('/portal/logout', async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token !== undefined) await o.accounts.logout(token);
    setCookie(c, SESSION_COOKIE, '', { path: '/', maxAge: 0 });
    return c.redirect('/portal/login', 303);
  });

  api.use('/portal/*', async (c, next) => {
    if (c.req.path === '/portal/login' || c.req.path.startsWith('/portal/assets/')) return next();
    if (signedIn(c) === undefined) return c.redirect('/portal/login', 303);
    return next();
  });
  api.get('/portal', async (c) => {
    const caller = signedIn(c);
    if (caller === undefined) return c.redirect('/portal/login', 303);
    const lang = langOf(c);
    const t = TEXT[lang];
    const all = await o.store.list();
    const mine = caller.kind === 'ais' ? all.filter((v) => v.ownerAis === caller.aisId) : all;
    const contract = (code: string, major: number, protocol: string) =>
      html`<a href="${protocol === 'json' ? `/rest/${code}/v${major}/openapi.json` : `/soap/${code}/v${major}?wsdl`}"
        >${protocol === 'json' ? 'OpenAPI' : 'WSDL'}</a
      >`;
    // An owner sees each version's history: when and by whom it was published.
    const histories = caller.kind === 'ais' ? await Promise.all(mine.map((v) => o.store.history(v.code))) : [];
    const history = (i: number, major: number) =>
      caller.kind === 'ais'
        ? html`<ul>
            ${(histories[i] ?? [])
              .filter((p) => p.version.startsWith(`${major}.`))
              .map((p) => html`<li>${p.version} ${p.publishedAt.slice(0, 16).replace('T', ' ')} (${p.publishedBy})</li>`)}
          </ul>`
        : '';
    const rows = mine.map(
      (v, i) =>
        html`<tr>
          <td>${v.code}</td>
          <td>${v.major}.${v.minor}${history(i, v.major)}</td>
          <td>${v.manifest.dataItems.map((d) => d.name).join(', ')}</td>
          <td>${v.manifest.endpoints.map((e) => e.url).join(' ')}</td>
          <td>${contract(v.code, v.major, v.model.protocol)}</td>
        </tr>`,
    );
    const title = caller.kind === 'ais' ? t.myServices : t.catalogue;
    // For an AIS: the services it can see, and which of their items its agendas and roles may read.
    let readable: Page = html``;
    if (caller.kind === 'ais') {
      const ais = await o.registry.getAis(caller.aisId);
      const pairs = (
        await Promise.all(
          ais.agendas.map(async (agenda) => (await o.registry.getAgenda(agenda)).roles.map((r) => [agenda, r.code] as const)),
        )
      ).flat();
      const catalogue = (await call(c, 'GET', '/catalog')).json.services as
        { code: string; version: number; protocol: string; dataItems: string[] }[] | undefined;
      const entries = await Promise.all(
        (catalogue ?? []).slice(0, 100).map(async (service) => {
          const items = new Set<string>();
          for (const [agenda, role] of pairs.slice(0, 20)) {
            const explained = await call(
              c,
              'GET',
              `/authorisations/effective?${new URLSearchParams({ agenda, role, service: service.code, version: String(service.version) })}`,
            );
            for (const item of (explained.json.dataItems as string[] | undefined) ?? []) items.add(`${item} (${agenda}/${role})`);
          }
          return html`<tr>
            <td>${service.code}</td>
            <td>${service.version}</td>
            <td>${[...items].join(', ') || '—'}</td>
            <td>${contract(service.code, service.version, service.protocol)}</td>
          </tr>`;
        }),
      );
      readable = html`<h2>${t.catalogue}</h2>
        ${dataTable(t.catalogue, [t.service, t.version, t.readable, 'Contract'], entries, t.none)}`;
    }
    return c.html(
      layout(
        c,
        t,
        lang,
        title,
        html`${
          rows.length === 0
            ? html`<p>${t.none}</p>`
            : dataTable(title, [t.service, t.version, t.items, t.endpoints, 'Contract'], rows, t.none)
        }${readable}`,
        await csrfOf(c),
      ),
    );
  });

  api.get('/portal/traffic', async (c) => {
    const caller = signedIn(c) as Caller & { kind: 'operator' | 'ais' };
    const lang = langOf(c);
    const t = TEXT[lang];
    const q = (name: string): string => (c.req.query(name) ?? '').slice(0, 256);
    const query: AuditQuery = {
      limit: 100,
      ...(caller.kind === 'ais' ? { scopeAis: caller.aisId } : {}),
      ...(q('from') ? { from: new Date(q('from')) } : {}),
      ...(q('to') ? { to: new Date(q('to')) } : {}),
      ...(q('service') ? { service: q('service') } : {}),
      ...(q('agenda') ? { agenda: q('agenda') } : {}),
      ...(q('user') ? { auditUserId: q('user') } : {}),
      ...(/^[1-5][0-9]{2}$/.test(q('status')) ? { status: Number(q('status')) } : {}),
    };
    for (const d of [query.from, query.to])
      if (d && Number.isNaN(d.getTime())) throw new EgsbError(ErrorCode.REQUEST_INVALID, 'from and to are dates');
    const page = q('subject') ? undefined : await o.audit.query(query);
    const bySubject = q('subject') ? await o.audit.bySubject(q('subject'), 100) : undefined;
    const records = page
      ? page.records.map((r) => ({
          time: r.time,
          service: r.service,
          operation: r.operation,
          agenda: r.agenda,
          user: r.auditUserId,
          status: r.status,
        }))
      : [...(bySubject?.reads ?? []), ...(bySubject?.refusals ?? [])]
          .filter((u) => caller.kind === 'operator' || u.ais === caller.aisId)
          .map((u) => ({
            time: u.time,
            service: u.service,
            operation: u.operation,
            agenda: u.agenda,
            user: u.auditUserId,
            status: u.code ?? 'ok',
          }));
    const csv = new URLSearchParams({
      format: 'csv',
      ...(q('from') ? { from: q('from') } : {}),
      ...(q('to') ? { to: q('to') } : {}),
      ...(q('service') ? { service: q('service') } : {}),
      ...(q('agenda') ? { agenda: q('agenda') } : {}),
      ...(q('user') ? { auditUserId: q('user') } : {}),
    });
    const owned =
      caller.kind === 'ais' ? new Set((await o.store.list()).filter((v) => v.ownerAis === caller.aisId).map((v) => v.code)) : undefined;
    const today = new Date();
    const days = (
      await o.audit.daily({
        from: new Date(today.getTime() - 30 * 86_400_000).toISOString().slice(0, 10),
        to: today.toISOString().slice(0, 10),
        ...(q('service') ? { service: q('service') } : {}),
      })
    ).filter((d) => owned === undefined || owned.has(d.service));
    const perDay = new Map<string, { calls: number; errors: number; p95: number }>();
    for (const d of days) {
      const entry = perDay.get(d.day) ?? { calls: 0, errors: 0, p95: 0 };
      entry.calls += d.calls;
      entry.errors += d.failed + d.refused;
      entry.p95 = Math.max(entry.p95, d.p95Ms ?? 0);
      perDay.set(d.day, entry);
    }
    const series = [...perDay].map(([day, v]) => ({
      day,
      calls: v.calls,
      errorRate: v.calls ? Math.round((v.errors / v.calls) * 1000) / 10 : 0,
      p95: v.p95,
    }));
    const field = (name: string, label: string, type = 'text') =>
      html`<label for="${name}">${label}</label><input id="${name}" name="${name}" type="${type}" value="${q(name)}" />`;
    return c.html(
      layout(
        c,
        t,
        lang,
        t.traffic,
        html`<form method="get" action="/portal/traffic" role="search">
            ${field('from', t.from, 'date')}${field('to', t.to, 'date')}${field('service', t.service)}${field('agenda', t.agenda)}${field('user', t.user)}${field('status', t.status)}${field('subject', t.subject)}
            <button type="submit">${t.search}</button>
          </form>
          <p><a id="csv" href="/audit?${csv.toString()}" download="audit.csv">${t.exportCsv}</a></p>
          <table>
            <caption>
              ${t.traffic}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t.time}</th>
                <th scope="col">${t.service}</th>
                <th scope="col">${t.operation}</th>
                <th scope="col">${t.agenda}</th>
                <th scope="col">${t.user}</th>
                <th scope="col">${t.status}</th>
              </tr>
            </thead>
            <tbody>
              ${
                records.length === 0
                  ? html`<tr>
                      <td colspan="6">${t.none}</td>
                    </tr>`
                  : records.map(
                      (r) =>
                        html`<tr>
                          <td>${r.time}</td>
                          <td>${r.service ?? ''}</td>
                          <td>${r.operation ?? ''}</td>
                          <td>${r.agenda ?? ''}</td>
                          <td>${r.user ?? ''}</td>
                          <td>${String(r.status)}</td>
                        </tr>`,
                    )
              }
            </tbody>
          </table>
          <h2>${t.chart}</h2>
          <canvas id="chart" role="img" aria-label="${t.chart}" width="900" height="300"></canvas>
          <script src="/portal/assets/chart.js"></script>
          <script>
            const series = ${raw(JSON.stringify(series).replace(/</g, '\\u003c'))};
            new Chart(document.getElementById('chart'), {
              type: 'line',
              options: { animation: false, scales: { y: { beginAtZero: true }, y2: { position: 'right', beginAtZero: true } } },
              data: {
                labels: series.map((s) => s.day),
                datasets: [
                  { label: ${raw(JSON.stringify(t.calls))}, data: series.map((s) => s.calls), borderColor: '#003366' },
                  {
                    label: ${raw(JSON.stringify(t.errorRate + ' %'))},
                    data: series.map((s) => s.errorRate),
                    borderColor: '#a00000',
                    yAxisID: 'y2',
                  },
                  { label: ${raw(JSON.stringify(t.p95))}, data: series.map((s) => s.p95), borderColor: '#2e7d32', yAxisID: 'y2' },
                ],
              },
            });
          </script>`,
        await csrfOf(c),
      ),
    );
  });

  api.get('/portal/sla', async (c) => {
    const caller = signedIn(c) as Caller & { kind: 'operator' | 'ais' };
    const lang = langOf(c);
    const t = TEXT[lang];
    const owned =
      caller.kind === 'ais' ? new Set((await o.store.list()).filter((v) => v.ownerAis === caller.aisId).map((v) => v.code)) : undefined;
    const from = new Date(Date.UTC(new Date().getUTCFullYear() - 1, new Date().getUTCMonth(), 1)).toISOString().slice(0, 10);
    const days = (await o.audit.daily({ from, to: new Date().toISOString().slice(0, 10) })).filter(
      (d) => owned === undefined || owned.has(d.service),
    );
    const months = new Map<string, { service: string; month: string; calls: number; failed: number; latency: number; p95: number }>();
    for (const d of days) {
      const key = `${d.service} v${d.version}|${d.day.slice(0, 7)}`;
      const m = months.get(key) ?? {
        service: `${d.service} v${d.version}`,
        month: d.day.slice(0, 7),
        calls: 0,
        failed: 0,
        latency: 0,
        p95: 0,
      };
      m.calls += d.calls;
      m.failed += d.failed;
      m.latency += d.meanMs * d.calls;
      m.p95 = Math.max(m.p95, d.p95Ms ?? 0);
      months.set(key, m);
    }
    const rows = [...months.values()].map(
      (m) =>
        html`<tr>
          <td>${m.service}</td>
          <td>${m.month}</td>
          <td>${m.calls}</td>
          <td>${m.calls ? ((1 - m.failed / m.calls) * 100).toFixed(3) : '100.000'} %</td>
          <td>${m.calls ? (m.latency / m.calls).toFixed(1) : '0'}</td>
          <td>${m.p95}</td>
        </tr>`,
    );
    return c.html(
      layout(
        c,
        t,
        lang,
        t.sla,
        dataTable(t.sla, [t.service, t.month, t.calls, t.availability, t.mean, t.p95], rows, t.none),
        await csrfOf(c),
      ),
    );
  });

  api.get('/portal/access', async (c) => {
    const caller = signedIn(c) as Caller;
    const lang = langOf(c);
    const t = TEXT[lang];
    const csrf = await csrfOf(c);
    const requests = await o.access.list(caller);
    const button = (id: string, decision: string, label: string) =>
      html`<form class="inline" method="post" action="/portal/access/${id}/${decision}">
        <input type="hidden" name="_csrf" value="${csrf}" /><button type="submit">${label}</button>
      </form>`;
    const rows = requests.map(
      (r) =>
        html`<tr>
          <td>${r.service}</td>
          <td>AIS ${r.readerAis}</td>
          <td>${r.state}</td>
          <td>
            ${r.state === 'requested' ? html`${button(r.id, 'approve', t.approve)} ${button(r.id, 'reject', t.reject)}` : ''}${r.state === 'approved' ? button(r.id, 'revoke', t.revoke) : ''}
          </td>
        </tr>`,
    );
    return c.html(
      layout(
        c,
        t,
        lang,
        t.access,
        html`${outcome(c.req.query('message'), false)}${dataTable(t.access, [t.service, t.reader, t.state, '—'], rows, t.none)}`,
        csrf,
      ),
    );
  });
  api.post('/portal/access/:id/:decision{approve|reject|revoke}', async (c) =>
    back(
      c,
      '/portal/access',
      await call(c, 'POST', `/access-requests/${encodeURIComponent(c.req.param('id'))}/${c.req.param('decision')}`, {}),
    ),
  );

  api.get('/portal/ais', async (c) => {
    const caller = signedIn(c) as Caller;
    if (caller.kind !== 'operator') throw new EgsbError(ErrorCode.FORBIDDEN, 'the AIS list is the operator’s');
    const lang = langOf(c);
    const t = TEXT[lang];
    const csrf = await csrfOf(c);
    const may = operatorMay(caller.role, 'PATCH', '/admin/ais/1');
    const rows = (await o.registry.listAis()).map(
      (a) =>
        html`<tr>
          <td>${a.id}</td>
          <td>${a.name}</td>
          <td>${a.state}</td>
          <td>
            ${
              may
                ? html`<form class="inline" method="post" action="/portal/ais/${a.id}/state">
                    <input type="hidden" name="_csrf" value="${csrf}" /><input
                      type="hidden"
                      name="state"
                      value="${a.state === AisState.ACTIVE ? AisState.SUSPENDED : AisState.ACTIVE}"
                    /><button type="submit">${a.state === AisState.ACTIVE ? t.suspend : t.activate}</button>
                  </form>`
                : ''
            }
          </td>
        </tr>`,
    );
    return c.html(
      layout(
        c,
        t,
        lang,
        t.ais,
        html`${outcome(c.req.query('message'), false)}${dataTable(t.ais, ['ID', t.name, t.state, '—'], rows, t.none)}`,
        csrf,
      ),
    );
  });
  api.post('/portal/ais/:id/state', async (c) => {
    const state = String((await c.req.parseBody()).state ?? '');
    return back(c, '/portal/ais', await call(c, 'PATCH', `/admin/ais/${encodeURIComponent(c.req.param('id'))}`, { state }));
  });

  api.get('/portal/credentials/:ais{[0-9]+}', async (c) => {
    const caller = c.get('caller');
    const id = Number(c.req.param('ais'));
    if (caller.kind !== 'operator' || !operatorMay(caller.role, 'GET', `/admin/ais/${id}/credentials`))
      throw new EgsbError(ErrorCode.FORBIDDEN, 'credentials are the operator’s');
    const lang = langOf(c);
    const t = TEXT[lang];
    const csrf = await csrfOf(c);
    const may = operatorMay(caller.role, 'POST', `/admin/ais/${id}/credentials`);
    const rows = (await o.registry.listCredentials(id)).map(
      (k) =>
        html`<tr>
          <td>${k.id}</td>
          <td>${k.kind}</td>
          <td>${k.label ?? ''}</td>
          <td>
            ${
              may
                ? html`<form class="inline" method="post" action="/portal/credentials/${id}/revoke/${k.id}">
                      <input type="hidden" name="_csrf" value="${csrf}" /><button type="submit">${t.revoke}</button>
                    </form>
                    ${
                      k.kind === 'api-key'
                        ? html`<form class="inline" method="post" action="/portal/credentials/${id}/rotate/${k.id}">
                            <input type="hidden" name="_csrf" value="${csrf}" /><button type="submit">${t.rotate}</button>
                          </form>`
                        : ''
                    }`
                : ''
            }
          </td>
        </tr>`,
    );
    return c.html(
      layout(
        c,
        t,
        lang,
        `${t.credentials}: AIS ${id}`,
        html`${outcome(c.req.query('message'), false)}${dataTable(t.credentials, ['ID', t.kind, t.label, '—'], rows, t.none)}
        ${may ? html`<form method="post" action="/portal/credentials/${id}/issue"><input type="hidden" name="_csrf" value="${csrf}" /><label for="label">${t.label}</label><input id="label" name="label" maxlength="100" /><button type="submit">${t.issueKey}</button></form>` : ''}`,
        csrf,
      ),
    );
  });
  api.post('/portal/credentials/:ais{[0-9]+}/issue', async (c) => {
    const id = Number(c.req.param('ais'));
    const label = String((await c.req.parseBody()).label ?? '');
    const made = await call(c, 'POST', `/admin/ais/${id}/credentials`, { kind: 'api-key', ...(label ? { label } : {}) });
    return made.ok ? shownOnce(c, id, made.json.apiKey) : back(c, `/portal/credentials/${id}`, made);
  });
  // Not …/:credential/revoke: with two parameters before a literal, Hono 4.13's router stopped
  // matching POST /rest/:service/v:major/:operation (every JSON call answered 404).
  // A new key with the same label, then the old one revoked; the new key is shown once.
  api.post('/portal/credentials/:ais{[0-9]+}/rotate/:credential', async (c) => {
    const id = Number(c.req.param('ais'));
    const listed = await call(c, 'GET', `/admin/ais/${id}/credentials`);
    if (!listed.ok) return back(c, `/portal/credentials/${id}`, listed);
    const old = ((listed.json.credentials as { id: string; label?: string }[] | undefined) ?? []).find(
      (k) => k.id === c.req.param('credential'),
    );
    if (old === undefined) throw new EgsbError(ErrorCode.NOT_FOUND, `AIS ${id} has no such credential`);
    const made = await call(c, 'POST', `/admin/ais/${id}/credentials`, { kind: 'api-key', ...(old.label ? { label: old.label } : {}) });
    if (!made.ok) return back(c, `/portal/credentials/${id}`, made);
    const revoked = await call(c, 'DELETE', `/admin/ais/${id}/credentials/${encodeURIComponent(old.id)}`);
    return revoked.ok ? shownOnce(c, id, made.json.apiKey) : back(c, `/portal/credentials/${id}`, revoked);
  });
  api.post('/portal/credentials/:ais{[0-9]+}/revoke/:credential', async (c) => {
    const id = Number(c.req.param('ais'));
    return back(
      c,
      `/portal/credentials/${id}`,
      await call(c, 'DELETE', `/admin/ais/${id}/credentials/${encodeURIComponent(c.req.param('credential'))}`),
    );
  });

  api.get('/portal/accounts', async (c) => {
    const caller = c.get('caller');
    if (caller.kind !== 'operator' || caller.role !== 'administrator')
      throw new EgsbError(ErrorCode.FORBIDDEN, 'accounts are the administrator’s');
    const lang = langOf(c);
    const t = TEXT[lang];
    const csrf = await csrfOf(c);
    const rows = (await o.accounts.list()).map(
      (a) =>
        html`<tr>
          <td>${a.login}</td>
          <td>${a.name}</td>
          <td>${a.role ?? `AIS ${a.aisId}`}</td>
          <td>${a.state}</td>
          <td>
            <form class="inline" method="post" action="/portal/accounts/${a.id}/state">
              <input type="hidden" name="_csrf" value="${csrf}" /><input
                type="hidden"
                name="state"
                value="${a.state === 'active' ? 'disabled' : 'active'}"
              /><button type="submit">${a.state === 'active' ? t.disable : t.enable}</button>
            </form>
          </td>
        </tr>`,
    );
    return c.html(
      layout(
        c,
        t,
        lang,
        t.accounts,
        html`${outcome(c.req.query('message'), false)}${dataTable(t.accounts, [t.loginName, t.name, t.role, t.state, '—'], rows, t.none)}
          <h2>${t.create}</h2>
          <form method="post" action="/portal/accounts">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <p><label for="new-login">${t.loginName}</label><input id="new-login" name="login" required /></p>
            <p><label for="new-name">${t.name}</label><input id="new-name" name="name" required /></p>
            <p>
              <label for="new-password">${t.password}</label
              ><input id="new-password" name="password" type="password" autocomplete="new-password" minlength="12" required />
            </p>
            <p>
              <label for="new-role">${t.role}</label
              ><select id="new-role" name="role">
                <option value="observer">observer</option>
                <option value="registration">registration</option>
                <option value="security">security</option>
                <option value="administrator">administrator</option>
                <option value="owner">owner (AIS)</option>
              </select>
              <label for="new-ais">AIS</label><input id="new-ais" name="aisId" inputmode="numeric" />
            </p>
            <p><button type="submit">${t.create}</button></p>
          </form>`,
        csrf,
      ),
    );
  });
  api.post('/portal/accounts', async (c) => {
    const form = await c.req.parseBody();
    const role = String(form.role ?? '');
    const account = {
      login: String(form.login ?? ''),
      name: String(form.name ?? ''),
      password: String(form.password ?? ''),
      ...(role === 'owner' ? { aisId: Number(form.aisId) } : { role }),
    };
    return back(c, '/portal/accounts', await call(c, 'POST', '/admin/accounts', account));
  });
  api.post('/portal/accounts/:id/state', async (c) => {
    const state = String((await c.req.parseBody()).state ?? '');
    return back(c, '/portal/accounts', await call(c, 'PATCH', `/admin/accounts/${encodeURIComponent(c.req.param('id'))}`, { state }));
  });

  api.get('/portal/actions', async (c) => {
    const caller = c.get('caller');
    if (caller.kind !== 'operator' || !operatorMay(caller.role, 'GET', '/admin/actions'))
      throw new EgsbError(ErrorCode.FORBIDDEN, 'the action log is the operator’s');
    const lang = langOf(c);
    const t = TEXT[lang];
    const rows = (await o.actions.list({ limit: 200 })).map(
      (a) =>
        html`<tr>
          <td>${a.at}</td>
          <td>${a.actor}</td>
          <td>${a.method}</td>
          <td>${a.path}</td>
          <td>${a.status}</td>
        </tr>`,
    );
    return c.html(
      layout(c, t, lang, t.actions, dataTable(t.actions, [t.time, t.actor, 'Method', t.path, t.status], rows, t.none), await csrfOf(c)),
    );
  });

  // --- registry, authorisations and the queue ---
  const operatorOnly = (c: Context<BusEnv>): void => {
    if (c.get('caller').kind !== 'operator') throw new EgsbError(ErrorCode.FORBIDDEN, 'this page is the operator’s');
  };
  const list = (value: unknown): string[] =>
    String(value ?? '')
      .split(/[\s,]+/)
      .filter(Boolean);

  api.get('/portal/registry', async (c) => {
    operatorOnly(c);
    const lang = langOf(c);
    const t = TEXT[lang];
    const csrf = await csrfOf(c);
    const [ovms, agendas, sources, ais] = await Promise.all([
      call(c, 'GET', '/admin/ovm'),
      call(c, 'GET', '/admin/agendas'),
      call(c, 'GET', '/admin/sources'),
      call(c, 'GET', '/admin/ais'),
    ]);
    const publishers = (
      await Promise.all(
        ((ais.json.ais as { id: number }[] | undefined) ?? []).map(async (a) => ({
          id: a.id,
          rights: await call(c, 'GET', `/admin/ais/${a.id}/publishing`),
        })),
      )
    ).filter((p) => p.rights.ok);
    const form = (kind: string, fields: HtmlEscapedString | Promise<HtmlEscapedString>) =>
      html`<form method="post" action="/portal/registry/${kind}">
        <input type="hidden" name="_csrf" value="${csrf}" />${fields}<button type="submit">${t.save}</button>
      </form>`;
    const input = (id: string, label: string) => html`<label for="${id}">${label}</label><input id="${id}" name="${id.split('-')[1]}" />`;
    const message = c.req.query('message');
    return c.html(
      layout(
        c,
        t,
        lang,
        t.registry,
        html`${outcome(message, c.req.query('ok') !== undefined)}
          <h2>${t.ovms}</h2>
          <table>
            <caption>
              ${t.ovms}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t.code}</th>
                <th scope="col">${t.name}</th>
                <th scope="col">${t.agendas}</th>
              </tr>
            </thead>
            <tbody>
              ${((ovms.json.ovms as { code: string; name: string; agendas: string[] }[] | undefined) ?? []).map(
                (v) =>
                  html`<tr>
                    <td>${v.code}</td>
                    <td>${v.name}</td>
                    <td>${v.agendas.join(', ')}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
          ${form('ovm', html`${input('ovm-code', t.code)}${input('ovm-name', t.name)}${input('ovm-agendas', t.agendas)}`)}
          <h2>${t.agendas}</h2>
          ${dataTable(
            t.agendas,
            [t.code, t.name, t.roles],
            ((agendas.json.agendas as { code: string; name: string; roles: { code: string; name: string }[] }[] | undefined) ?? []).map(
              (a) => row([a.code, a.name, a.roles.map((r) => `${r.code} ${r.name}`).join('; ')]),
            ),
            t.none,
          )}
          ${form('agenda', html`${input('agenda-code', t.code)}${input('agenda-name', t.name)}${input('agenda-roles', t.roles)}`)}
          <h2>${t.sources}</h2>
          ${dataTable(
            t.sources,
            [t.code, t.name, t.owner, t.items],
            ((sources.json.sources as { code: string; name: string; ownerAis: number; dataItems: string[] }[] | undefined) ?? []).map((v) =>
              row([v.code, v.name, v.ownerAis, v.dataItems.join(' ')]),
            ),
            t.none,
          )}
          ${form('source', html`${input('source-code', t.code)}${input('source-name', t.name)}${input('source-owner', t.owner)}${input('source-items', t.items)}`)}
          <h2>${t.publishers}</h2>
          ${dataTable(
            t.publishers,
            ['AIS', t.quota, t.origins],
            publishers.map((p) =>
              row([p.id, String(p.rights.json.quota), ((p.rights.json.origins as string[] | undefined) ?? []).join(' ')]),
            ),
            t.none,
          )}
          ${form('publishing', html`${input('publishing-ais', 'AIS')}${input('publishing-quota', t.quota)}${input('publishing-origins', t.origins)}`)}`,
        csrf,
      ),
    );
  });
  api.post('/portal/registry/:kind{ovm|agenda|source|publishing}', async (c) => {
    operatorOnly(c);
    const f = await c.req.parseBody();
    const kind = c.req.param('kind');
    const code = String(f.code ?? '').trim();
    const request: Record<string, [string, unknown]> = {
      ovm: [`/admin/ovm/${encodeURIComponent(code)}`, { name: String(f.name ?? ''), agendas: list(f.agendas) }],
      agenda: [
        `/admin/agendas/${encodeURIComponent(code)}`,
        {
          name: String(f.name ?? ''),
          roles: String(f.roles ?? '')
            .split(';')
            .map((r) => r.split('='))
            .filter(([role]) => (role ?? '').trim() !== '')
            .map(([role, name]) => ({ code: (role ?? '').trim(), name: (name ?? role ?? '').trim() })),
        },
      ],
      source: [
        `/admin/sources/${encodeURIComponent(code)}`,
        { name: String(f.name ?? ''), ownerAis: Number(f.owner), dataItems: list(f.items) },
      ],
      publishing: [
        `/admin/ais/${encodeURIComponent(String(f.ais ?? ''))}/publishing`,
        { quota: Number(f.quota), origins: list(f.origins) },
      ],
    };
    const [path, body] = request[kind] ?? ['', {}];
    const done = await call(c, 'PUT', path, body);
    const message = done.ok ? TEXT[langOf(c)].done : `${String(done.json.code)}: ${String(done.json.detail)}`;
    return c.redirect(`/portal/registry?${new URLSearchParams({ message, ...(done.ok ? { ok: '1' } : {}) })}`, 303);
  });

  api.get('/portal/authorisations', async (c) => {
    operatorOnly(c);
    const lang = langOf(c);
    const t = TEXT[lang];
    const csrf = await csrfOf(c);
    const all = await call(c, 'GET', '/admin/authorisations');
    const q = (n: string) => (c.req.query(n) ?? '').slice(0, 64);
    const explained =
      q('agenda') && q('role') && q('service')
        ? await call(
            c,
            'GET',
            `/authorisations/effective?${new URLSearchParams({ agenda: q('agenda'), role: q('role'), service: q('service'), ...(q('version') ? { version: q('version') } : {}) })}`,
          )
        : undefined;
    const field = (name: string, label: string) =>
      html`<label for="x-${name}">${label}</label><input id="x-${name}" name="${name}" value="${q(name)}" />`;
    return c.html(
      layout(
        c,
        t,
        lang,
        t.authorisations,
        html`${outcome(c.req.query('message'), c.req.query('ok') !== undefined)}
          ${dataTable(
            t.authorisations,
            ['ID', t.agenda, t.roles, t.sources, t.items],
            (
              (all.json.authorisations as
                { id: string; agenda: string; roles: string[]; source: string; dataItems: string[] }[] | undefined) ?? []
            ).map((a) => row([a.id, a.agenda, a.roles.join(', '), a.source, a.dataItems.join(' ')])),
            t.none,
          )}
          <h2>${t.explain}</h2>
          <form method="get" action="/portal/authorisations">
            ${field('agenda', t.agenda)}${field('role', t.role)}${field('service', t.service)}${field('version', t.version)}<button
              type="submit"
            >
              ${t.explain}
            </button>
          </form>
          ${explained ? (explained.ok ? html`<p role="status" id="explained">${t.items}: ${((explained.json.dataItems as string[] | undefined) ?? []).join(' ') || '—'}</p>` : outcome(`${String(explained.json.code)}: ${String(explained.json.detail)}`, false)) : ''}
          <h2>${t.importYaml}</h2>
          <form method="post" action="/portal/authorisations/import">
            <input type="hidden" name="_csrf" value="${csrf}" /><label for="import-text">${t.importYaml}</label
            ><textarea id="import-text" name="text" rows="8" cols="80"></textarea><button type="submit">${t.save}</button>
          </form>`,
        csrf,
      ),
    );
  });
  api.post('/portal/authorisations/import', async (c) => {
    operatorOnly(c);
    const text = String((await c.req.parseBody()).text ?? '');
    let parsed: unknown;
    try {
      parsed = parseYaml(text, { maxAliasCount: 100 });
    } catch (error) {
      return c.redirect(
        `/portal/authorisations?${new URLSearchParams({ message: `YAML: ${(error as Error).message.slice(0, 200)}` })}`,
        303,
      );
    }
    const authorisations = Array.isArray(parsed) ? parsed : (parsed as { authorisations?: unknown } | null)?.authorisations;
    const done = await call(c, 'POST', '/admin/authorisations/import', { authorisations });
    const message = done.ok
      ? `${TEXT[langOf(c)].done} ${((done.json.created as unknown[]) ?? []).length} + ${((done.json.updated as unknown[]) ?? []).length}`
      : `${String(done.json.code)}: ${String(done.json.detail)}`;
    return c.redirect(`/portal/authorisations?${new URLSearchParams({ message, ...(done.ok ? { ok: '1' } : {}) })}`, 303);
  });

  api.get('/portal/async', async (c) => {
    operatorOnly(c);
    const lang = langOf(c);
    const t = TEXT[lang];
    const csrf = await csrfOf(c);
    const status = await call(c, 'GET', '/admin/async');
    const services =
      (status.json.services as { service: string; version: number; queued: number; running: number; failed: number }[] | undefined) ?? [];
    return c.html(
      layout(
        c,
        t,
        lang,
        t.queue,
        html`${outcome(c.req.query('message'), c.req.query('ok') !== undefined)}
          <p>NATS: ${String(status.json.nats ?? status.json.detail ?? '—')}</p>
          <table>
            <caption>
              ${t.queue}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t.service}</th>
                <th scope="col">queued</th>
                <th scope="col">running</th>
                <th scope="col">failed</th>
              </tr>
            </thead>
            <tbody>
              ${
                services.length
                  ? services.map(
                      (v) =>
                        html`<tr>
                          <td>${v.service} v${v.version}</td>
                          <td>${v.queued}</td>
                          <td>${v.running}</td>
                          <td>${v.failed}</td>
                        </tr>`,
                    )
                  : html`<tr>
                      <td colspan="4">${t.none}</td>
                    </tr>`
              }
            </tbody>
          </table>
          <form method="post" action="/portal/async/ticket">
            <input type="hidden" name="_csrf" value="${csrf}" /><label for="ticket">${t.ticket}</label
            ><input id="ticket" name="ticket" required /> <button type="submit" name="action" value="retry">${t.retry}</button>
            <button type="submit" name="action" value="fail">${t.fail}</button>
          </form>`,
        csrf,
      ),
    );
  });
  api.post('/portal/async/ticket', async (c) => {
    operatorOnly(c);
    const f = await c.req.parseBody();
    const action = f.action === 'fail' ? 'fail' : 'retry';
    const done = await call(c, 'POST', `/admin/async/tickets/${encodeURIComponent(String(f.ticket ?? ''))}/${action}`);
    const message = done.ok
      ? `${String(done.json.ticket)}: ${String(done.json.status)}`
      : `${String(done.json.code)}: ${String(done.json.detail)}`;
    return c.redirect(`/portal/async?${new URLSearchParams({ message, ...(done.ok ? { ok: '1' } : {}) })}`, 303);
  });

  return api;
}
