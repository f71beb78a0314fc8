/**
 * The portal in a real browser (Debian's Chromium driven by playwright-core): log in, search traffic
 * and export it as CSV, see the chart drawn, approve an access request as the owner, suspend an AIS
 * as the operator and see its calls refused, in Czech and English; axe-core finds no serious or
 * critical accessibility violation on any page. Screenshots of the main pages go to docs/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServers, type RunningServers } from '../bus/index.ts';
import { ADMIN, jsonRequest, publishRestricted, READER_KEY, startHarness, type Harness } from './call-harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.EGSB_REQUIRE_TOOLS === '1')
  throw new Error(`EGSB_REQUIRE_TOOLS=1 but no Chromium at ${CHROMIUM} (Debian: chromium)`);
if (!available) console.warn(`portal browser test skipped: no Chromium at ${CHROMIUM} (Debian package chromium)`);

const DOCS = new URL('../docs/', import.meta.url).pathname;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'correct horse battery staple';

let h: Harness;
let servers: RunningServers;
let base: string;
let browser: Browser;

async function account(body: object): Promise<void> {
  const res = await fetch(`${base}/admin/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password: PASSWORD, ...body }),
  });
  expect(res.status).toBe(201);
}

async function logIn(login: string, lang: 'cs' | 'en' = 'cs'): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, locale: lang === 'en' ? 'en-GB' : 'cs-CZ' });
  const page = await context.newPage();
  await page.goto(`${base}/portal`);
  expect(new URL(page.url()).pathname).toBe('/portal/login');
  await page.fill('#login', login);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${base}/portal`), page.click('button[type=submit]')]);
  return page;
}

async function accessible(page: Page): Promise<void> {
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const result = await (
      globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; help: string }[] }> } }
    ).axe.run();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
  });
  expect(violations, page.url()).toEqual([]);
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${DOCS}portal-${name}.png`, fullPage: true });

beforeAll(async () => {
  if (!available) return;
  h = await startHarness();
  servers = await startServers(h.bus, { port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${servers.httpPort}`;
  mkdirSync(DOCS, { recursive: true });
  await publishRestricted(h.bus, h.provider.url);
  const asked = await h.bus.app.request('/access-requests', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${READER_KEY}` },
    body: JSON.stringify({ service: 'demo-restricted', note: 'town hall' }),
  });
  expect(asked.status).toBe(201);
  for (let i = 0; i < 6; i++) await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest());
  await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest({ aifo: 'short' }));
  await account({ login: 'alena.admin', name: 'Alena Správcová', role: 'administrator' });
  await account({ login: 'petr.owner', name: 'Petr Vlastník', aisId: 900001 });
  await account({ login: 'rita.reader', name: 'Rita Čtenářová', aisId: 900002 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await servers?.close();
  await h?.close();
});

describe.skipIf(!available)('the portal in a browser', () => {
  it('logs in, searches traffic, exports CSV and draws the chart', async () => {
    const page = await logIn('alena.admin');
    expect(await page.locator('h1').textContent()).toBe('Katalog služeb');
    await accessible(page);
    await shot(page, 'catalogue');

    await page.click('a[href="/portal/traffic"]');
    await page.fill('#service', 'demo-persons');
    await Promise.all([page.waitForURL(/\/portal\/traffic\?/), page.click('form[role=search] button')]);
    const rows = await page.locator('table tbody tr').count();
    expect(rows).toBeGreaterThanOrEqual(7);
    expect(await page.locator('table tbody').textContent()).toContain('ctiOsobu');
    // The chart is drawn: its canvas holds pixels that are not blank.
    await page.waitForFunction(`(() => {
      const canvas = document.getElementById('chart');
      const data = canvas && canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      return !!data && data.some((v, i) => i % 4 === 3 && v > 0);
    })()`);
    await accessible(page);
    await shot(page, 'traffic');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const csv = readFileSync((await download.path()) ?? '', 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^id,time,requestId,/);
    expect(csv).toContain('demo-persons');

    await page.click('a[href="/portal/sla"]');
    expect(await page.locator('table tbody').textContent()).toContain('demo-persons v1');
    await accessible(page);
    await shot(page, 'sla');
  });

  it('lets the owner approve an access request, in English', async () => {
    const page = await logIn('petr.owner', 'en');
    expect(await page.locator('h1').textContent()).toBe('My services');
    // Each of my services with its versions' history: when and by whom each was published.
    expect(
      await page
        .locator('table')
        .first()
        .locator('tr', { has: page.locator('td', { hasText: /^demo-restricted$/ }) })
        .textContent(),
    ).toMatch(/1\.1 \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(ais:900001\)/);
    await page.click('a[href="/portal/access"]');
    const row = page.locator('tr', { hasText: 'demo-restricted' });
    expect(await row.textContent()).toContain('requested');
    await accessible(page);
    await shot(page, 'access');
    await Promise.all([page.waitForURL(`${base}/portal/access`), row.locator('button', { hasText: 'Approve' }).click()]);
    expect(await page.locator('tr', { hasText: 'demo-restricted' }).textContent()).toContain('approved');

    // A reader's people see what their agendas and roles may read from each service they can see.
    const reader = await logIn('rita.reader', 'en');
    const persons = reader.locator('tr', { has: reader.locator('td', { hasText: /^demo-persons$/ }) });
    expect(await persons.textContent()).toContain('Jmeno (A121/CR1001)');
    await accessible(reader);
    await shot(reader, 'catalogue-reader');
  });

  it('lets the operator suspend an AIS, whose calls are then refused, and activate it again', async () => {
    const page = await logIn('alena.admin');
    await page.click('a[href="/portal/ais"]');
    await accessible(page);
    await shot(page, 'ais');
    const reader = () => page.locator('tr', { has: page.locator('td', { hasText: /^900002$/ }) });
    await Promise.all([page.waitForURL(`${base}/portal/ais`), reader().locator('button').click()]);
    expect(await reader().textContent()).toContain('suspended');
    await h.bus.view.refresh();
    expect((await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest())).status).toBe(403);
    await Promise.all([page.waitForURL(`${base}/portal/ais`), reader().locator('button').click()]);
    await h.bus.view.refresh();
    expect((await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest())).status).toBe(200);
    // On record, with who did it.
    const actions = (await (await h.bus.app.request('/admin/actions', { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as {
      actions: { actor: string; path: string }[];
    };
    expect(actions.actions.filter((a) => a.actor === 'alena.admin' && a.path === '/portal/ais/900002/state')).toHaveLength(2);
  });

  it('lets the administrator make accounts, issue and revoke a key, and read the action log', async () => {
    const page = await logIn('alena.admin');
    await page.click('a[href="/portal/accounts"]');
    await page.fill('#new-login', 'olga.observer');
    await page.fill('#new-name', 'Olga Pozorovatelka');
    await page.fill('#new-password', PASSWORD);
    await page.selectOption('#new-role', 'observer');
    await Promise.all([page.waitForURL(`${base}/portal/accounts`), page.click('form[action="/portal/accounts"] button')]);
    expect(await page.locator('tr', { hasText: 'olga.observer' }).textContent()).toContain('observer');
    // A bad form is refused by the API behind it, and the page says why.
    await page.fill('#new-login', 'kratke.heslo');
    await page.fill('#new-name', 'Krátké heslo');
    await page.evaluate(`document.getElementById('new-password').removeAttribute('minlength')`);
    await page.fill('#new-password', 'short');
    await Promise.all([page.waitForURL(/\/portal\/accounts\?/), page.click('form[action="/portal/accounts"] button')]);
    expect(await page.locator('[role=alert]').textContent()).toMatch(/^EGSB_REQUEST_INVALID: /);
    await accessible(page);
    await shot(page, 'accounts');

    await page.goto(`${base}/portal/credentials/900002`);
    await page.fill('#label', 'portal');
    await page.click('form[action="/portal/credentials/900002/issue"] button');
    const key = (await page.locator('[role=status] code').textContent()) ?? '';
    expect(key).toMatch(/^egsb_900002_/);
    await h.bus.view.refresh();
    expect(
      (await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, { authorization: `Bearer ${key}` }))).status,
    ).toBe(200);
    await page.goto(`${base}/portal/credentials/900002`);
    await accessible(page);
    // Rotate: a new key with the same label, the old one refused from then on.
    await page.locator('tr', { hasText: 'portal' }).locator('button', { hasText: 'Vyměnit' }).click();
    const rotated = (await page.locator('[role=status] code').textContent()) ?? '';
    await h.bus.view.refresh();
    const status = async (k: string) =>
      (await h.bus.app.request('/rest/demo-persons/v1/ctiOsobu', jsonRequest(undefined, { authorization: `Bearer ${k}` }))).status;
    expect(await status(key)).toBe(401);
    expect(await status(rotated)).toBe(200);
    await page.goto(`${base}/portal/credentials/900002`);
    await Promise.all([
      page.waitForURL(`${base}/portal/credentials/900002`),
      page.locator('tr', { hasText: 'portal' }).locator('button', { hasText: 'Odvolat' }).click(),
    ]);
    await h.bus.view.refresh();
    expect(await status(rotated)).toBe(401);

    await page.click('a[href="/portal/actions"]');
    const log = (await page.locator('table tbody').textContent()) ?? '';
    expect(log).toContain('/portal/accounts');
    expect(log).toContain('/portal/credentials/900002/issue');
    expect(log).not.toContain(key);
    await accessible(page);
    await shot(page, 'actions');

    // The registry and the authorisations through their forms, with the API's own checks.
    await page.click('a[href="/portal/registry"]');
    await page.fill('#ovm-code', '00099999');
    await page.fill('#ovm-name', 'Obec Zkušební');
    await page.fill('#ovm-agendas', 'A121');
    await Promise.all([page.waitForURL(/\/portal\/registry\?/), page.click('form[action="/portal/registry/ovm"] button')]);
    expect(await page.locator('[role=status]').textContent()).toBe('Hotovo.');
    expect(await page.locator('tr', { hasText: '00099999' }).textContent()).toContain('Obec Zkušební');
    await page.fill('#ovm-code', 'not-an-ico');
    await page.fill('#ovm-name', 'Broken');
    await Promise.all([page.waitForURL(/\/portal\/registry\?/), page.click('form[action="/portal/registry/ovm"] button')]);
    expect(await page.locator('[role=alert]').textContent()).toMatch(/^EGSB_REQUEST_INVALID: /);
    await accessible(page);
    await shot(page, 'registry');
    await page.click('a[href="/portal/authorisations"]');
    await page.fill('#x-agenda', 'A121');
    await page.fill('#x-role', 'CR1001');
    await page.fill('#x-service', 'demo-persons');
    await Promise.all([page.waitForURL(/\/portal\/authorisations\?/), page.click('form[action="/portal/authorisations"] button')]);
    expect(await page.locator('#explained').textContent()).toContain('Jmeno');
    await accessible(page);
    await page.click('a[href="/portal/async"]');
    await accessible(page);

    // The observer sees the log but may not issue keys.
    const observer = await logIn('olga.observer');
    await observer.goto(`${base}/portal/credentials/900002`);
    expect(await observer.locator('form[action="/portal/credentials/900002/issue"]').count()).toBe(0);
  });
});
