/**
 * Metaservices: the catalogue of services a caller can see, each SOAP service's WSDL and schemas
 * as served by the bus, and each JSON service's schemas.
 */
import { serviceOpenApiDocument } from './openapi.ts';
import { Hono, type Context } from 'hono';
import { EgsbError, ErrorCode, createBundle, rewriteSchema, rewriteWsdl, type QName, type SchemaCatalogue } from '../../contracts/index.ts';
import { positiveInt, type BusEnv } from './support.ts';
import { canSee } from '../authorisation/index.ts';
import type { RegistryView, ServiceStore, ServiceVersion } from '../registry/index.ts';

export interface CatalogueEntry {
  readonly code: string;
  readonly version: number;
  readonly minor: number;
  readonly name?: string;
  readonly description?: string;
  readonly source: string;
  readonly protocol: string;
  readonly modes: readonly string[];
  readonly visibility: string;
  readonly operations: readonly string[];
  readonly dataItems: readonly string[];
  readonly url: string;
  /** SOAP services: what a client needs to build an envelope without reading the WSDL. */
  readonly soap?: {
    readonly versions: readonly string[];
    readonly operations: readonly { name: string; actions: Readonly<Record<string, string>>; input?: QName; output?: QName }[];
  };
}

export function catalogueEntry(v: ServiceVersion): CatalogueEntry {
  const { manifest, model } = v;
  return {
    code: v.code,
    version: v.major,
    minor: v.minor,
    ...(manifest.name ? { name: manifest.name } : {}),
    ...(manifest.description ? { description: manifest.description } : {}),
    source: manifest.source,
    protocol: model.protocol,
    modes: manifest.modes,
    visibility: manifest.visibility,
    operations: model.operations.map((o) => o.name),
    dataItems: manifest.dataItems.map((d) => d.name),
    url: model.protocol === 'soap' ? `/soap/${v.code}/v${v.major}` : `/rest/${v.code}/v${v.major}`,
    ...(model.protocol === 'soap'
      ? {
          soap: {
            versions: model.soapVersions,
            operations: model.operations.map((o) => ({
              name: o.name,
              actions: { ...o.soapActions } as Record<string, string>,
              ...(o.input ? { input: o.input } : {}),
              ...(o.output ? { output: o.output } : {}),
            })),
          },
        }
      : {}),
  };
}

export function catalogueApi({
  store,
  view,
  catalogue,
  publicUrl,
}: {
  store: ServiceStore;
  view: RegistryView;
  catalogue: SchemaCatalogue;
  publicUrl?: string;
}): Hono<BusEnv> {
  const api = new Hono<BusEnv>();

  api.get('/catalog', async (c) => {
    const caller = c.get('caller');
    const snapshot = view.current();
    const services = (await store.list()).filter((v) => canSee(snapshot, v, caller)).map(catalogueEntry);
    return c.json({ services });
  });

  api.get('/soap/:code/:version{v[1-9][0-9]*}', async (c) => {
    const version = await visibleVersion(c, store, view, 'soap');
    const files = createBundle(await store.files(version.code, version.major), { maxFiles: 100000, maxBytes: Number.MAX_SAFE_INTEGER });
    const base = `${baseUrl(c, publicUrl)}/soap/${version.code}/v${version.major}`;
    const link = (t: { origin: string; path: string }): string =>
      `${base}?xsd=${encodeURIComponent(t.origin === 'bundle' ? t.path : `catalogue:${t.path}`)}`;
    const xsd = c.req.query('xsd');
    if (xsd !== undefined) {
      const file = xsd.startsWith('catalogue:')
        ? { origin: 'catalogue' as const, path: xsd.slice(10) }
        : { origin: 'bundle' as const, path: xsd };
      const known =
        file.origin === 'bundle' ? files.files.has(file.path) && file.path !== version.model.entry : catalogue.files.has(file.path);
      if (!known)
        throw new EgsbError(ErrorCode.NOT_FOUND, `${version.code} v${version.major} has no schema ${JSON.stringify(xsd.slice(0, 200))}`);
      return xml(c, rewriteSchema({ file, bundle: files, catalogue, link }));
    }
    if (c.req.query('wsdl') === undefined) throw new EgsbError(ErrorCode.NOT_FOUND, `GET ${base}?wsdl for the contract; calls are POSTed`);
    return xml(c, rewriteWsdl({ file: { origin: 'bundle', path: version.model.entry }, bundle: files, catalogue, link, address: base }));
  });

  api.get('/rest/:code/:version{v[1-9][0-9]*}', async (c) => {
    const version = await visibleVersion(c, store, view, 'json');
    const schema = c.req.query('schema');
    if (schema === undefined) return c.json(catalogueEntry(version));
    const files = await store.files(version.code, version.major);
    const content = files.get(schema);
    if (content === undefined)
      throw new EgsbError(ErrorCode.NOT_FOUND, `${version.code} v${version.major} has no schema ${JSON.stringify(schema.slice(0, 200))}`);
    return c.body(Buffer.from(content).toString('utf8'), 200, { 'content-type': 'application/schema+json' });
  });

  api.get('/rest/:code/:version{v[1-9][0-9]*}/openapi.json', async (c) => {
    const version = await visibleVersion(c, store, view, 'json');
    return c.json(serviceOpenApiDocument(version, await store.files(version.code, version.major)));
  });
  return api;
}

async function visibleVersion(
  c: Context<BusEnv>,
  store: ServiceStore,
  view: RegistryView,
  protocol: 'soap' | 'json',
): Promise<ServiceVersion> {
  const code = c.req.param('code') ?? '';
  const major = positiveInt((c.req.param('version') ?? '').slice(1), 'version');
  const version = await store.get(code, major);
  if (version === undefined || version.model.protocol !== protocol || !canSee(view.current(), version, c.get('caller'))) {
    throw new EgsbError(
      ErrorCode.SERVICE_NOT_FOUND,
      `no ${protocol === 'soap' ? 'SOAP' : 'JSON'} service ${code} v${major} is published for you`,
    );
  }
  return version;
}

const HOST = /^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(:[0-9]{1,5})?$/;

/** The configured public URL or, failing that, the request's own origin if its Host is sane. */
function baseUrl(c: Context, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return publicUrl;
  const url = new URL(c.req.url);
  if (!HOST.test(url.host)) throw new EgsbError(ErrorCode.REQUEST_INVALID, 'the Host header is not a valid host');
  return `${url.protocol}//${url.host}`;
}

function xml(c: Context, body: string): Response {
  return c.body(body, 200, { 'content-type': 'text/xml; charset=utf-8' });
}
