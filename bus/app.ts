/**
 * The composition root: the only place that knows every part. `createBus` opens storage, wires the
 * registry, publishing, catalogue and health, and returns the HTTP app with a way to close it all.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  asEgsbError,
  createLogger,
  EgsbError,
  EMPTY_CATALOGUE,
  ErrorCode,
  loadSchemaCatalogue,
  type Logger,
  type SoapVersion,
  soapVersionOfContentType,
} from '../contracts/index.ts';
import { NatsLinkState, createHttpConnector, createNatsConnector, openNatsLink, type NatsLink } from '../connectors/index.ts';
import { createRouter, type Router } from '../routing/index.ts';
import {
  asyncApi,
  iszrQueueApi,
  ISZR_QUEUE_SERVICES,
  auditApi,
  authorisationApi,
  type BusEnv,
  callApi,
  catalogueApi,
  accountsApi,
  actorOf,
  certificateOf,
  operatorMay,
  portalApi,
  requireCsrf,
  SESSION_COOKIE,
  healthApi,
  openApiDocument,
  operatorApi,
  publishBodyLimit,
  publisherApi,
  requestIdOf,
} from './http/index.ts';
import {
  type AsyncQueue,
  type CallbackPusher,
  createAsyncQueue,
  createQueueMessages,
  type Dispatcher,
  publishAsyncGauges,
  readAsyncStatus,
  startCallbacks,
  startDispatcher,
  queueAgain,
  startSweeper,
} from './async/index.ts';
import { createTicketStore } from './tickets/index.ts';
import {
  applyRetention,
  type AuditStore,
  type AuditWriter,
  createAuditStore,
  createAuditWriter,
  ensurePartitions,
  listRetention,
  readEvidence,
  signingKey,
  type SigningKey,
} from './audit/index.ts';
import { type AuthorisationEngine, createLegalEngine } from './authorisation/index.ts';
import { createCallPipeline, createRateLimits } from './call/index.ts';
import {
  type AuthorisationStore,
  createAccessStore,
  createAuthorisationStore,
  createIdentity,
  createRegistry,
  createRegistryView,
  createServiceStore,
  createSourceStore,
  type Registry,
  type RegistryView,
  serviceKey,
} from './registry/index.ts';
import type { BusConfig } from './config.ts';
import { createContractCache, createEndpointPolicy, createPublisher, type Publisher } from './publishing/index.ts';
import { createMessageChecks, type MessageChecks } from './protocols/index.ts';
import { createAccounts, createActionLog } from './accounts/index.ts';
import { getCookie } from 'hono/cookie';
import type { IncomingMessage } from 'node:http';
import { createMetrics } from './metrics.ts';
import { applySeed, applySeedFile, type SeedResult } from './seed.ts';
import { installationSecret, openStorage, type Db } from './storage/index.ts';

export interface Bus {
  readonly app: Hono<BusEnv>;
  readonly db: Db;
  readonly adminToken: string;
  readonly seed?: SeedResult;
  readonly view: RegistryView;
  readonly audit: AuditWriter;
  /** Reading the audit: searches, subject reports, daily figures. */
  readonly auditStore: AuditStore;
  readonly router: Router;
  readonly registry: Registry;
  readonly publisher: Publisher;
  readonly authorisations: AuthorisationStore;
  /** Where large messages are checked (worker threads). */
  readonly checks: MessageChecks;
  /** The asynchronous mode's queue; absent when the bus runs without NATS. */
  readonly queue?: AsyncQueue;
  /** The largest body a request to this path may send, where the bus knows it before reading. */
  bodyLimitFor(path: string): number | undefined;
  close(): Promise<void>;
}

export interface BusParts {
  readonly logger?: Logger;
  /** The authorisation engine; by default the legal one over the registered authorisations (deny by default). */
  readonly engine?: AuthorisationEngine;
  /** Applied to the endpoint URLs of bundles the seed publishes (to point demo bundles at where the mocks run). */
  readonly rewriteEndpoint?: (url: string) => string;
}

const ADMIN_BODY_LIMIT = 1024 * 1024;
const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

export async function createBus(
  config: BusConfig,
  { logger = createLogger({ level: config.logLevel }), engine: givenEngine, rewriteEndpoint }: BusParts = {},
): Promise<Bus> {
  const db = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, inMemory: config.inMemory });
  let view: RegistryView | undefined;
  let link: NatsLink | undefined;
  try {
    const catalogue = config.schemaCatalogue ? await loadSchemaCatalogue(config.schemaCatalogue) : EMPTY_CATALOGUE;
    const adminToken = config.adminToken ?? randomBytes(24).toString('base64url');
    const registry = createRegistry({ db });
    const store = createServiceStore({ db });
    const cache = createContractCache({ store, catalogue });
    const checks = createMessageChecks({
      ...config.checks,
      ...(config.schemaCatalogue ? { catalogue: config.schemaCatalogue } : {}),
    });
    const sources = createSourceStore({ db });
    // A provider endpoint never points into the bus's own NATS subjects, whatever the operator lists.
    // Streams, consumers and subjects belong to one installation (the instances that share this
    // database): two buses on one NATS, even with the same prefix, never take each other's calls.
    const installation = Buffer.from(await installationSecret(db, 'installation-id', 6)).toString('hex');
    const natsPrefix = config.nats ? `${config.nats.prefix}-${installation}` : undefined;
    const endpoints = createEndpointPolicy(natsPrefix ? { busSubjects: natsPrefix } : {});
    const publisher = createPublisher({ registry, store, sources, endpoints, cache, catalogue, maxBundleBytes: config.maxBundleBytes });
    view = await createRegistryView({ db, store, logger });
    const registryView = view;
    const accounts = createAccounts({ db });
    const auditStore = createAuditStore({ db });
    const actions = createActionLog({ db });
    // The bootstrap token works until an administrator switches it off; every instance reads the switch.
    const readBootstrap = async (): Promise<boolean> =>
      (await db.query<{ value: string }>("SELECT value FROM bus_setting WHERE name = 'bootstrap-token'"))[0]?.value === 'disabled';
    let bootstrapOff = await readBootstrap();
    const identity = createIdentity({ view, adminToken, allowApiKeys: config.allowApiKeys, bootstrapDisabled: () => bootstrapOff });
    const metrics = createMetrics();
    const signer = await auditSigner(config);
    const audit = createAuditWriter({
      db,
      signer,
      onBatch: (size, seconds, ok) => metrics.observeAuditBatch(size, seconds, ok),
      onCheckpointError: (error) => logger.warn('audit checkpoint not written; the next one covers its records', { error: String(error) }),
    });
    const tickets = createTicketStore({ db, runningStaleMs: 2 * config.async.ackWaitMs });
    const natsConfig = config.nats;
    let queue: AsyncQueue | undefined;
    if (natsConfig !== undefined) {
      let toldUnreachable = false;
      link = openNatsLink({
        ...natsConfig,
        name: 'egsb-bus',
        onState: (state, detail) => {
          if (state === NatsLinkState.CONNECTED) logger.info('connected to NATS', { server: detail ?? natsConfig.url });
          else logger.warn('NATS connection lost; asynchronous calls answer EGSB_ASYNC_UNAVAILABLE until it is back', { state, detail });
        },
      });
      // Said once: the bus runs on, and takes asynchronous calls once NATS answers.
      const unreachable = setTimeout(() => {
        if (link?.current() === undefined && !toldUnreachable) {
          toldUnreachable = true;
          logger.warn('NATS is not reachable; asynchronous calls answer EGSB_ASYNC_UNAVAILABLE until it is', { nats: natsConfig.url });
        }
      }, 3000);
      unreachable.unref();
      queue = createAsyncQueue({
        link,
        prefix: natsPrefix ?? natsConfig.prefix,
        onError: (error) => logger.warn('JetStream streams could not be set up; retrying', { error: String(error) }),
      });
    }
    const natsLink = link;
    const router = createRouter({
      connectors: [createHttpConnector(), ...(natsLink ? [createNatsConnector(() => natsLink.current())] : [])],
      connectTimeoutMs: config.connectTimeoutMs,
    });
    // Circuits are named `{service}/v{major} {endpoint}`.
    metrics.collectCircuits(() =>
      router.breaker.states().map(({ endpoint: key, state }) => {
        const space = key.indexOf(' ');
        return { circuit: key.slice(0, space), endpoint: key.slice(space + 1), state };
      }),
    );
    const authorisations = createAuthorisationStore({ db });
    const access = createAccessStore({ db });
    const engine = givenEngine ?? createLegalEngine(view);
    // Queue messages carry a MAC under the installation's key: a message anyone else put there is not delivered.
    const messages = createQueueMessages(await installationSecret(db, 'queue-mac'));
    const limits = createRateLimits({
      ...config.rateLimits,
      onLimited: (kind) =>
        metrics.increment('egsb_rate_limited_total', 'Calls refused with EGSB_RATE_LIMITED, by kind of caller.', { kind }),
    });
    const pipeline = createCallPipeline({
      view,
      identity,
      cache,
      checks,
      router,
      audit,
      engine,
      metrics,
      logger,
      logCalls: config.logCalls,
      limits,
      ...(queue ? { accepting: { queue, messages, tickets } } : {}),
    });
    let callbacks: CallbackPusher | undefined;
    let dispatcher: Dispatcher | undefined;
    let sweeper: { close(): void } | undefined;
    const timers: NodeJS.Timeout[] = [];
    if (queue !== undefined) {
      const q = queue;
      if (config.async.dispatch) {
        callbacks = startCallbacks({ queue: q, view, tickets, metrics, logger, ackWaitMs: config.async.ackWaitMs });
        sweeper = startSweeper({ queue: q, messages, tickets, metrics, logger, idleMs: 10 * config.async.ackWaitMs });
        dispatcher = startDispatcher({
          queue: q,
          messages,
          view,
          cache,
          checks,
          router,
          tickets,
          audit,
          callbacks,
          metrics,
          logger,
          config: config.async,
        });
      }
      timers.push(
        setInterval(
          () =>
            void readAsyncStatus(q, tickets).then(
              (status) => publishAsyncGauges(metrics, status),
              () => undefined,
            ),
          5000,
        ),
      );
    }
    // Records that came since the last checkpoint are signed at least once a minute.
    timers.push(setInterval(() => void audit.checkpoint(), 60_000));
    // The audit's months: made ahead, and past the retention age dropped (each drop on record).
    const keepMonths = async (): Promise<void> => {
      try {
        await ensurePartitions(db);
        for (const dropped of await applyRetention(db, { months: config.auditRetentionMonths, actor: 'retention' }))
          logger.info('audit month dropped by retention', { month: dropped.month, records: dropped.records });
      } catch (error) {
        logger.warn('audit partitions could not be kept; retrying later', { error: String(error) });
      }
    };
    await keepMonths();
    timers.push(setInterval(() => void keepMonths(), 6 * 3_600_000));
    timers.push(
      setInterval(
        () =>
          void readBootstrap().then(
            (off) => void (bootstrapOff = off),
            () => undefined,
          ),
        5000,
      ),
    );
    timers.push(
      setInterval(
        () =>
          void tickets
            .expire(config.async.resultTtlMs)
            .catch((error: unknown) => logger.warn('expiring async results failed', { error: String(error) })),
        600_000,
      ),
    );
    for (const t of timers) t.unref();

    const app = new Hono<BusEnv>();
    app.use(async function requestContext(c, next) {
      const started = performance.now();
      const requestId = requestIdOf(c.req.header('x-request-id'));
      c.set('requestId', requestId);
      c.set('caller', { kind: 'anonymous' });
      await next();
      // A call may have adopted the request id its SOAP context carried; keep the one it answered with.
      if (!c.res.headers.has('x-request-id')) c.header('x-request-id', requestId);
      const seconds = (performance.now() - started) / 1000;
      metrics.observeRequest(c.req.routePath, c.req.method, c.res.status, seconds);
      logger.debug('request', { requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(seconds * 1000) });
    });
    app.use(async function identify(c, next) {
      // Calls identify themselves inside the pipeline, so that a refused credential is audited too.
      if (isCall(c.req.method, c.req.path) && !ISZR_QUEUE_PATHS.has(c.req.path)) return next();
      const authorization = c.req.header('authorization');
      const certificate = certificateOf(c);
      const cookie = authorization === undefined && certificate === undefined ? getCookie(c, SESSION_COOKIE) : undefined;
      if (cookie === undefined) c.set('caller', identity.identify(authorization, certificate));
      else {
        // A logged-in person: an operator with a role, or an owner acting for an AIS.
        const session = await accounts.session(cookie);
        if (session !== undefined && c.req.path !== '/auth/login' && c.req.path !== '/portal/login') {
          await requireCsrf(c, session.csrf);
          c.set('csrf', session.csrf);
          const { account } = session;
          c.set(
            'caller',
            account.kind === 'operator' && account.role
              ? { kind: 'operator', role: account.role, actor: account.login }
              : { kind: 'ais', aisId: account.aisId ?? 0, via: 'session', actor: account.login },
          );
        }
      }
      await next();
    });
    app.use(async function recordActions(c, next) {
      // What operators and owners change is on record: who, what, the resource before and after.
      const method = c.req.method;
      const login = c.req.path === '/auth/login' || c.req.path === '/portal/login';
      // Logins are limited per address like other requests without credentials, and their attempts
      // recorded; other requests without credentials change nothing and leave no record to fill.
      if (login)
        await limits.forAddress((c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown');
      const recorded =
        !['GET', 'HEAD', 'OPTIONS'].includes(method) && !isCall(method, c.req.path) && (login || c.get('caller').kind !== 'anonymous');
      if (!recorded) return next();
      const path = c.req.path;
      const headers = {
        ...(c.req.header('authorization') ? { authorization: c.req.header('authorization') ?? '' } : {}),
        cookie: c.req.header('cookie') ?? '',
      };
      const before =
        ['PUT', 'PATCH', 'DELETE'].includes(method) && c.get('caller').kind !== 'anonymous'
          ? await Promise.resolve(app.request(path, { headers })).then(async (r) =>
              r.ok ? ((await r.json().catch(() => undefined)) as unknown) : undefined,
            )
          : undefined;
      const length = Number(c.req.header('content-length') ?? 0);
      const request =
        length > 0 && length <= 64 * 1024 ? await c.req.json().catch(() => undefined) : length > 0 ? { bytes: length } : undefined;
      await next();
      const after = (c.res.headers.get('content-type') ?? '').includes('json')
        ? await c.res
            .clone()
            .json()
            .catch(() => undefined)
        : undefined;
      await actions
        .record({
          actor: actorOf(c.get('caller')),
          method,
          path,
          status: c.res.status,
          ...(request !== undefined ? { request } : {}),
          ...(before !== undefined ? { before } : {}),
          ...(after !== undefined ? { after } : {}),
        })
        .catch((error: unknown) => logger.warn('an action could not be recorded', { path, error: String(error) }));
    });
    app.use(async function operatorRoles(c, next) {
      // After the record: a request a role may not make is refused, and the refusal is on record too.
      const caller = c.get('caller');
      // The portal's pages check the role of each of their actions themselves.
      if (caller.kind === 'operator' && !/^\/(auth|portal)(\/|$)/.test(c.req.path) && !operatorMay(caller.role, c.req.method, c.req.path))
        throw new EgsbError(ErrorCode.FORBIDDEN, `the ${caller.role} role may not ${c.req.method} ${c.req.path.slice(0, 200)}`);
      await next();
    });
    app.use(async function seeRegistryWrites(c, next) {
      await next();
      // This instance's own writes are visible to its next request at once; other instances poll.
      if (c.req.method !== 'GET' && c.res.status < 300 && !isCall(c.req.method, c.req.path)) await registryView.refresh();
    });
    const adminLimit = bodyLimit({
      maxSize: ADMIN_BODY_LIMIT,
      onError: () => {
        throw new EgsbError(ErrorCode.MESSAGE_TOO_LARGE, `operator API bodies are at most ${ADMIN_BODY_LIMIT} bytes`);
      },
    });
    const importLimit = bodyLimit({
      maxSize: IMPORT_BODY_LIMIT,
      onError: () => {
        throw new EgsbError(ErrorCode.MESSAGE_TOO_LARGE, `an authorisation import or a seed is at most ${IMPORT_BODY_LIMIT} bytes`);
      },
    });
    app.use('/admin/*', (c, next) => (isImport(c.req.path) ? importLimit(c, next) : adminLimit(c, next)));
    app.use('/access-requests', adminLimit);
    app.use('/access-requests/*', adminLimit);

    app.route(
      '/',
      healthApi({
        db,
        metrics,
        ...(natsLink
          ? { nats: () => (queue?.ready() ? 'ok' : natsLink.current() ? 'connected, JetStream not ready' : 'not connected') }
          : {}),
      }),
    );
    app.route('/', catalogueApi({ store, view, catalogue, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}) }));
    app.route('/', publisherApi({ publisher, store, maxBundleBytes: config.maxBundleBytes }));
    app.route('/', authorisationApi({ authorisations, access, view }));
    app.route(
      '/',
      portalApi({
        accounts,
        actions,
        audit: auditStore,
        store,
        access,
        registry,
        secureCookies: config.tls !== undefined,
        api: async (method, path, headers, body) =>
          app.request(path, {
            method,
            headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
            ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          }),
      }),
    );
    app.route(
      '/',
      accountsApi({
        accounts,
        actions,
        secureCookies: config.tls !== undefined,
        async disableBootstrap() {
          await db.query(
            "INSERT INTO bus_setting (name, value) VALUES ('bootstrap-token', 'disabled') ON CONFLICT (name) DO UPDATE SET value = 'disabled'",
          );
          bootstrapOff = true;
        },
      }),
    );
    const seedDeps = { registry, sources, publisher, store, authorisations, logger, ...(rewriteEndpoint ? { rewriteEndpoint } : {}) };
    app.route(
      '/admin',
      operatorApi({
        registry,
        sources,
        async seed(document) {
          const result = await applySeed(document, seedDeps);
          await registryView.refresh();
          return result;
        },
      }),
    );
    // ISZR's queue services are the bus's own, over its tickets: mounted before the published services.
    app.route(
      '/',
      iszrQueueApi({
        tickets,
        resultTtlMs: config.async.resultTtlMs,
        limit: (caller, address) =>
          caller.kind === 'ais'
            ? limits.forAis(caller.aisId, registryView.current().ais.get(caller.aisId)?.rateLimit)
            : limits.forAddress(address),
      }),
    );
    app.route('/', callApi({ pipeline }));
    app.route('/', auditApi({ audit: auditStore, evidence: (range) => readEvidence(db, range), retention: () => listRetention(db) }));
    app.route(
      '/',
      asyncApi({
        tickets,
        queue,
        resultTtlMs: config.async.resultTtlMs,
        ...(queue
          ? {
              nudge: (ticket: string, service: string, major: number) => queueAgain(queue, messages, ticket, service, major),
            }
          : {}),
      }),
    );
    app.get('/openapi.json', (c) => c.json(openApiDocument()));

    app.notFound((c) =>
      new EgsbError(ErrorCode.NOT_FOUND, `no such resource: ${c.req.method} ${c.req.path}`).toResponse(
        c.get('requestId') ?? requestIdOf(undefined),
      ),
    );
    app.onError(function renderError(error, c) {
      const requestId = c.get('requestId') ?? requestIdOf(undefined);
      const known = asEgsbError(error, (cause) => logger.error('unhandled error', { requestId, path: c.req.path, error: cause }));
      return known.toResponse(requestId, soapVersionOf(c.req.method, c.req.path, c.req.header('content-type')));
    });

    const seeding = config.seedFile !== undefined && (config.seedMode === 'always' || (await registryIsEmpty(db)));
    if (config.seedFile !== undefined && !seeding) {
      logger.info('seed file not applied: the registry already holds what the operator made (EGSB_SEED_MODE=always applies it)', {
        seedFile: config.seedFile,
      });
    }
    const seed = seeding && config.seedFile ? await applySeedFile(config.seedFile, seedDeps) : undefined;
    await registryView.refresh();
    return {
      app,
      db,
      adminToken,
      ...(seed ? { seed } : {}),
      view,
      audit,
      auditStore,
      router,
      registry,
      publisher,
      authorisations,
      checks,
      ...(queue ? { queue } : {}),
      bodyLimitFor(path) {
        const call = /^\/(?:rest|soap)\/([^/]+)\/v([1-9][0-9]{0,4})(?:\/|$)/.exec(path);
        if (call) return registryView.current().services.get(serviceKey(call[1] ?? '', Number(call[2])))?.manifest.maxMessageBytes;
        if (path === '/publish') return publishBodyLimit(config.maxBundleBytes);
        if (isImport(path)) return IMPORT_BODY_LIMIT;
        if (path.startsWith('/admin/') || path.startsWith('/access-requests')) return ADMIN_BODY_LIMIT;
        return undefined;
      },
      async close() {
        for (const t of timers) clearInterval(t);
        registryView.close();
        sweeper?.close();
        await dispatcher?.close();
        await callbacks?.close();
        await audit.drain();
        await router.close();
        await natsLink?.close();
        cache.close();
        await checks.close();
        await db.close();
      },
    };
  } catch (error) {
    view?.close();
    await link?.close();
    await db.close();
    throw error;
  }
}

/**
 * The key that signs audit checkpoints: read from its file, or made there (readable by the owner
 * only) at the first start; in memory, made for this run. It never goes into the database.
 */
async function auditSigner(config: BusConfig): Promise<SigningKey> {
  if (config.inMemory && config.auditKeyFile === undefined) return signingKey();
  const file = config.auditKeyFile ?? join(config.dataDir, 'audit-signing-key.pem');
  try {
    return signingKey(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  const made = signingKey();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, made.privatePem, { mode: 0o600, flag: 'wx' });
  return made;
}

/** Bodies that may be large: an authorisation import, and a seed with its bundles. */
function isImport(path: string): boolean {
  return path === '/admin/authorisations/import' || path === '/admin/seed';
}

function isCall(method: string, path: string): boolean {
  return method === 'POST' && (path.startsWith('/rest/') || path.startsWith('/soap/'));
}

/** ISZR's queue services, which the bus answers itself: calls, whose callers are identified like any API caller's. */
const ISZR_QUEUE_PATHS = new Set(ISZR_QUEUE_SERVICES.map((s) => `/soap/${s}/v1`));

/** SOAP calls (POSTs) are answered with faults; fetching a WSDL or schema gets problem+json. */
function soapVersionOf(method: string, path: string, contentType: string | undefined): SoapVersion | undefined {
  return method === 'POST' && path.startsWith('/soap/') ? soapVersionOfContentType(contentType) : undefined;
}

/** A registry without OVMs and AIS has never been set up: the first start of an installation. */
async function registryIsEmpty(db: Db): Promise<boolean> {
  const [row] = await db.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM ais) AND NOT EXISTS (SELECT 1 FROM ovm) AS empty');
  return row?.empty === true;
}
