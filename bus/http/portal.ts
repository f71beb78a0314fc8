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
import type { HtmlEscapedString } from 'hono/utils/html';
import { EgsbError, ErrorCode, isEgsbError } from '../../contracts/index.ts';
import type { Accounts, ActionLog, OperatorRole } from '../accounts/index.ts';
import type { AuditQuery, AuditStore } from '../audit/index.ts';
import { AisState, type AccessStore, type Caller, type Registry, type ServiceStore } from '../registry/index.ts';
import { operatorMay, SESSION_COOKIE } from './accounts.ts';
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
    keyShownOnce: 'Nový API klíč (zobrazen jen jednou):',
    label: 'Označení',
    kind: 'Druh',
    actor: 'Kdo',
    path: 'Cesta',
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
    keyShownOnce: 'New API key (shown once):',
    label: 'Label',
    kind: 'Kind',
    actor: 'Who',
    path: 'Path',
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
}

// Chart.js's browser build, beside its package entry (the package exports no path to it).
const CHART_JS = readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
const STYLE = `body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}header{background:#003366;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}nav ul{list-style:none;display:flex;gap:1rem;margin:0;padding:0}main{padding:1rem;max-width:72rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#eef2f6}form.inline{display:inline}label{margin-right:.5rem}
input,select,button{font:inherit;padding:.2rem .4rem}button{background:#003366;color:#fff;border:0;padding:.3rem .8rem;cursor:pointer}.error{color:#a00000;font-weight:600}
.lang a{color:#fff;margin-left:.4rem}canvas{max-width:100%}`;

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

  const csrfOf = async (c: Context<BusEnv>): Promise<string> => {
    const token = getCookie(c, SESSION_COOKIE);
    return token === undefined ? '' : ((await o.accounts.session(token))?.csrf ?? '');
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
            ...(caller.kind === 'operator' ? ([['/portal/ais', t.ais]] as [string, string][]) : []),
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
    const rows = mine.map(
      (v) =>
        html`<tr>
          <td>${v.code}</td>
          <td>${v.major}.${v.minor}</td>
          <td>${v.manifest.dataItems.map((d) => d.name).join(', ')}</td>
          <td>${v.manifest.endpoints.map((e) => e.url).join(' ')}</td>
          <td>
            <a href="${v.model.protocol === 'json' ? `/rest/${v.code}/v${v.major}/openapi.json` : `/soap/${v.code}/v${v.major}?wsdl`}"
              >${v.model.protocol === 'json' ? 'OpenAPI' : 'WSDL'}</a
            >
          </td>
        </tr>`,
    );
    const title = caller.kind === 'ais' ? t.myServices : t.catalogue;
    return c.html(
      layout(
        c,
        t,
        lang,
        title,
        rows.length === 0
          ? html`<p>${t.none}</p>`
          : html`<table>
              <caption>
                ${title}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${t.service}</th>
                  <th scope="col">${t.version}</th>
                  <th scope="col">${t.items}</th>
                  <th scope="col">${t.endpoints}</th>
                  <th scope="col">Contract</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>`,
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
        html`<table>
          <caption>
            ${t.sla}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t.service}</th>
              <th scope="col">${t.month}</th>
              <th scope="col">${t.calls}</th>
              <th scope="col">${t.availability}</th>
              <th scope="col">${t.mean}</th>
              <th scope="col">${t.p95}</th>
            </tr>
          </thead>
          <tbody>
            ${
              rows.length
                ? rows
                : html`<tr>
                    <td colspan="6">${t.none}</td>
                  </tr>`
            }
          </tbody>
        </table>`,
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
        html`<table>
          <caption>
            ${t.access}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t.service}</th>
              <th scope="col">${t.reader}</th>
              <th scope="col">${t.state}</th>
              <th scope="col">—</th>
            </tr>
          </thead>
          <tbody>
            ${
              rows.length
                ? rows
                : html`<tr>
                    <td colspan="4">${t.none}</td>
                  </tr>`
            }
          </tbody>
        </table>`,
        csrf,
      ),
    );
  });
  api.post('/portal/access/:id/:decision{approve|reject|revoke}', async (c) => {
    await o.access.decide(c.req.param('id'), c.req.param('decision') as 'approve' | 'reject' | 'revoke', c.get('caller'));
    return c.redirect('/portal/access', 303);
  });

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
        html`<table>
          <caption>
            ${t.ais}
          </caption>
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">${t.name}</th>
              <th scope="col">${t.state}</th>
              <th scope="col">—</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>`,
        csrf,
      ),
    );
  });
  api.post('/portal/ais/:id/state', async (c) => {
    const caller = c.get('caller');
    const id = Number(c.req.param('id'));
    if (caller.kind !== 'operator' || !operatorMay(caller.role, 'PATCH', `/admin/ais/${id}`))
      throw new EgsbError(ErrorCode.FORBIDDEN, 'this role may not change an AIS’s state');
    const state = String((await c.req.parseBody()).state ?? '');
    if (state !== AisState.ACTIVE && state !== AisState.SUSPENDED)
      throw new EgsbError(ErrorCode.REQUEST_INVALID, 'state is active or suspended');
    const current = await o.registry.getAis(id);
    await o.registry.putAis(id, { ...current, state });
    return c.redirect('/portal/ais', 303);
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
        `${t.credentials}: AIS ${id}`,
        html`<table>
            <caption>
              ${t.credentials}
            </caption>
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">${t.kind}</th>
                <th scope="col">${t.label}</th>
                <th scope="col">—</th>
              </tr>
            </thead>
            <tbody>
              ${
                rows.length
                  ? rows
                  : html`<tr>
                      <td colspan="4">${t.none}</td>
                    </tr>`
              }
            </tbody>
          </table>
          ${may ? html`<form method="post" action="/portal/credentials/${id}/issue"><input type="hidden" name="_csrf" value="${csrf}" /><label for="label">${t.label}</label><input id="label" name="label" maxlength="100" /><button type="submit">${t.issueKey}</button></form>` : ''}`,
        csrf,
      ),
    );
  });
  api.post('/portal/credentials/:ais{[0-9]+}/issue', async (c) => {
    const caller = c.get('caller');
    const id = Number(c.req.param('ais'));
    if (caller.kind !== 'operator' || !operatorMay(caller.role, 'POST', `/admin/ais/${id}/credentials`))
      throw new EgsbError(ErrorCode.FORBIDDEN, 'this role may not issue credentials');
    const label = String((await c.req.parseBody()).label ?? '').slice(0, 100);
    const made = await o.registry.addCredential(id, { kind: 'api-key', ...(label ? { label } : {}) });
    // Shown once, on this answer only (never in a URL); the bus keeps nothing of it but its digest.
    return c.html(
      layout(
        c,
        TEXT[langOf(c)],
        langOf(c),
        `${TEXT[langOf(c)].credentials}: AIS ${id}`,
        html`<p role="status">${TEXT[langOf(c)].keyShownOnce} <code>${made.apiKey ?? ''}</code></p>
          <p><a href="/portal/credentials/${id}">${TEXT[langOf(c)].credentials}</a></p>`,
        await csrfOf(c),
      ),
    );
  });
  // Not …/:credential/revoke: with two parameters before a literal, Hono 4.13's router stopped
  // matching POST /rest/:service/v:major/:operation (every JSON call answered 404).
  api.post('/portal/credentials/:ais{[0-9]+}/revoke/:credential', async (c) => {
    const caller = c.get('caller');
    const id = Number(c.req.param('ais'));
    if (caller.kind !== 'operator' || !operatorMay(caller.role, 'DELETE', `/admin/ais/${id}/credentials/x`))
      throw new EgsbError(ErrorCode.FORBIDDEN, 'this role may not revoke credentials');
    await o.registry.removeCredential(id, c.req.param('credential'));
    return c.redirect(`/portal/credentials/${id}`, 303);
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
        html`<table>
            <caption>
              ${t.accounts}
            </caption>
            <thead>
              <tr>
                <th scope="col">${t.loginName}</th>
                <th scope="col">${t.name}</th>
                <th scope="col">${t.role}</th>
                <th scope="col">${t.state}</th>
                <th scope="col">—</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>
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
    const caller = c.get('caller');
    if (caller.kind !== 'operator' || caller.role !== 'administrator')
      throw new EgsbError(ErrorCode.FORBIDDEN, 'accounts are the administrator’s');
    const form = await c.req.parseBody();
    const role = String(form.role ?? '');
    const aisId = Number(form.aisId);
    await o.accounts.create(
      {
        login: String(form.login ?? '').slice(0, 100),
        name: String(form.name ?? '').slice(0, 200),
        password: String(form.password ?? ''),
        ...(role === 'owner' ? { aisId } : { role: role as OperatorRole }),
      },
      caller.actor,
    );
    return c.redirect('/portal/accounts', 303);
  });
  api.post('/portal/accounts/:id/state', async (c) => {
    const caller = c.get('caller');
    if (caller.kind !== 'operator' || caller.role !== 'administrator')
      throw new EgsbError(ErrorCode.FORBIDDEN, 'accounts are the administrator’s');
    const state = String((await c.req.parseBody()).state ?? '');
    if (state !== 'active' && state !== 'disabled') throw new EgsbError(ErrorCode.REQUEST_INVALID, 'state is active or disabled');
    await o.accounts.update(c.req.param('id'), { state });
    return c.redirect('/portal/accounts', 303);
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
      layout(
        c,
        t,
        lang,
        t.actions,
        html`<table>
          <caption>
            ${t.actions}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t.time}</th>
              <th scope="col">${t.actor}</th>
              <th scope="col">Method</th>
              <th scope="col">${t.path}</th>
              <th scope="col">${t.status}</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>`,
        await csrfOf(c),
      ),
    );
  });

  return api;
}
