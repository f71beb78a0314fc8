/**
 * The composition root: the only place that knows every part. `createBus` opens storage, wires the
 * registry, publishing, catalogue and health, and returns the HTTP app with a way to close it all.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { randomBytes } from 'node:crypto';
import { EMPTY_CATALOGUE, EgsbError, ErrorCode, SoapVersion, isEgsbError, loadSchemaCatalogue } from '../contracts/index.ts';
import { catalogueApi } from './api-catalogue.ts';
import { healthApi } from './api-health.ts';
import { operatorApi } from './api-operator.ts';
import { publisherApi } from './api-publisher.ts';
import type { BusConfig } from './config.ts';
import { createContractCache } from './contract-cache.ts';
import { errorResponse, requestIdOf, type BusEnv } from './http-support.ts';
import { createIdentity } from './identity.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { createPublisher } from './publisher.ts';
import { createRegistry } from './registry.ts';
import { applySeedFile, type SeedResult } from './seed.ts';
import { createServiceStore } from './service-store.ts';
import { openStorage, type Db } from './storage/index.ts';

export interface Bus {
  readonly app: Hono<BusEnv>;
  readonly db: Db;
  readonly adminToken: string;
  readonly seed?: SeedResult;
  close(): Promise<void>;
}

const ADMIN_BODY_LIMIT = 1024 * 1024;

export async function createBus(config: BusConfig, { logger = createLogger({ level: config.logLevel }) }: { logger?: Logger } = {}): Promise<Bus> {
  const db = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, inMemory: config.inMemory });
  try {
    const catalogue = config.schemaCatalogue ? await loadSchemaCatalogue(config.schemaCatalogue) : EMPTY_CATALOGUE;
    const adminToken = config.adminToken ?? randomBytes(24).toString('base64url');
    const registry = createRegistry({ db });
    const store = createServiceStore({ db });
    const cache = createContractCache({ store, catalogue });
    const publisher = createPublisher({ registry, store, cache, catalogue, maxBundleBytes: config.maxBundleBytes });
    const identity = createIdentity({ registry, adminToken });
    const metrics = createMetrics();

    const app = new Hono<BusEnv>();
    app.use(async function requestContext(c, next) {
      const started = performance.now();
      const requestId = requestIdOf(c.req.header('x-request-id'));
      c.set('requestId', requestId);
      c.set('caller', { kind: 'anonymous' });
      await next();
      c.header('x-request-id', requestId);
      const seconds = (performance.now() - started) / 1000;
      metrics.observeRequest(c.req.routePath, c.req.method, c.res.status, seconds);
      logger.debug('request', { requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(seconds * 1000) });
    });
    app.use(async function identify(c, next) {
      c.set('caller', await identity.identify(c.req.header('authorization')));
      await next();
    });
    app.use('/admin/*', bodyLimit({ maxSize: ADMIN_BODY_LIMIT, onError: () => { throw new EgsbError(ErrorCode.MESSAGE_TOO_LARGE, `operator API bodies are at most ${ADMIN_BODY_LIMIT} bytes`); } }));

    app.route('/', healthApi({ db, metrics, ...(config.natsUrl ? { natsUrl: config.natsUrl } : {}) }));
    app.route('/', catalogueApi({ store, catalogue, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}) }));
    app.route('/', publisherApi({ publisher, store, maxBundleBytes: config.maxBundleBytes }));
    app.route('/admin', operatorApi({ registry }));
    app.get('/openapi.json', async (c) => c.json(openApiDocument(await store.list())));

    app.notFound((c) => errorResponse(new EgsbError(ErrorCode.NOT_FOUND, `no such resource: ${c.req.method} ${c.req.path}`), c.get('requestId') ?? requestIdOf(undefined)));
    app.onError(function renderError(error, c) {
      const requestId = c.get('requestId') ?? requestIdOf(undefined);
      const known = isEgsbError(error) ? error : new EgsbError(ErrorCode.INTERNAL, 'the bus failed to answer; the request id names it in the log', { cause: error });
      if (!isEgsbError(error)) logger.error('unhandled error', { requestId, path: c.req.path, error });
      return errorResponse(known, requestId, soapVersionOf(c.req.method, c.req.path, c.req.header('content-type')));
    });

    const seed = config.seedFile ? await applySeedFile(config.seedFile, { registry, publisher, logger }) : undefined;
    return {
      app,
      db,
      adminToken,
      ...(seed ? { seed } : {}),
      async close() {
        cache.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** SOAP calls (POSTs) are answered with faults; fetching a WSDL or schema gets problem+json. */
function soapVersionOf(method: string, path: string, contentType: string | undefined): SoapVersion | undefined {
  if (method !== 'POST' || !path.startsWith('/soap/')) return undefined;
  return contentType?.toLowerCase().startsWith('application/soap+xml') ? SoapVersion.V12 : SoapVersion.V11;
}
