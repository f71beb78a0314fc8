/** The publisher API: POST /publish with a bundle; GET /services for what the caller published. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type BundleUpload, EgsbError, ErrorCode } from '../../contracts/index.ts';
import { bodyValidator, positiveInt, readJson, type BusEnv } from './support.ts';
import type { Publisher } from '../publishing/index.ts';
import type { ServiceStore } from '../registry/index.ts';

export const uploadSchema = {
  $id: 'urn:egsb:schema:bundle-upload',
  type: 'object',
  additionalProperties: false,
  required: ['manifest', 'files'],
  properties: {
    manifest: { type: 'object' },
    files: {
      type: 'object',
      maxProperties: 5000,
      additionalProperties: {
        oneOf: [
          { type: 'string' },
          {
            type: 'object',
            additionalProperties: false,
            required: ['base64'],
            properties: { base64: { type: 'string', contentEncoding: 'base64' } },
          },
        ],
      },
    },
  },
} as const;

const checkUpload = bodyValidator<BundleUpload>(uploadSchema);

export function publisherApi({
  publisher,
  store,
  maxBundleBytes,
}: {
  publisher: Publisher;
  store: ServiceStore;
  maxBundleBytes: number;
}): Hono<BusEnv> {
  const api = new Hono<BusEnv>();
  // JSON escaping and base64 make a body larger than its files; allow for that, then count the files exactly.
  const limit = publishBodyLimit(maxBundleBytes);

  api.post(
    '/publish',
    bodyLimit({
      maxSize: limit,
      onError: () => {
        throw new EgsbError(
          ErrorCode.MESSAGE_TOO_LARGE,
          `a bundle upload is at most ${limit} bytes (bundle files at most ${maxBundleBytes})`,
        );
      },
    }),
    async (c) => {
      const upload = checkUpload(await readJson(c));
      const { outcome, version } = await publisher.publish(upload, c.get('caller'));
      const body = {
        outcome,
        code: version.code,
        version: `${version.major}.${version.minor}`,
        digest: version.digest,
        operations: version.model.operations.map((o) => o.name),
      };
      return c.json(body, outcome === 'created' ? 201 : 200);
    },
  );

  api.get('/services', async (c) => {
    const caller = c.get('caller');
    if (caller.kind === 'anonymous') throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'listing published services needs an API key');
    const all = await store.list();
    const mine = caller.kind === 'operator' ? all : all.filter((v) => v.ownerAis === caller.aisId);
    return c.json({
      services: mine.map(({ code, major, minor, ownerAis, digest, publishedAt, manifest }) => ({
        code,
        version: `${major}.${minor}`,
        ais: ownerAis,
        digest,
        publishedAt,
        manifest,
      })),
    });
  });

  api.get('/services/:code/:version{v[1-9][0-9]*}', async (c) => {
    const caller = c.get('caller');
    if (caller.kind === 'anonymous') throw new EgsbError(ErrorCode.AUTH_REQUIRED, 'reading a publication needs an API key');
    const major = positiveInt(c.req.param('version').slice(1), 'version');
    const version = await store.get(c.req.param('code'), major);
    if (version === undefined || (caller.kind === 'ais' && caller.aisId !== version.ownerAis)) {
      throw new EgsbError(ErrorCode.SERVICE_NOT_FOUND, `you publish no service ${c.req.param('code')} v${major}`);
    }
    return c.json({ ...version, version: `${version.major}.${version.minor}` });
  });

  // The owner moves its provider: `{"endpoints":[{"url","weight"}]}`, within its approved origins.
  api.put('/services/:code/:version{v[1-9][0-9]*}/endpoints', async (c) => {
    const major = positiveInt(c.req.param('version').slice(1), 'version');
    const body = (await readJson(c)) as { endpoints?: unknown } | null;
    if (body === null || typeof body !== 'object' || !('endpoints' in body))
      throw new EgsbError(ErrorCode.REQUEST_INVALID, 'the body is {"endpoints":[{"url":…}]}');
    const version = await publisher.changeEndpoints(c.req.param('code'), major, body.endpoints, c.get('caller'));
    return c.json({ code: version.code, version: `${version.major}.${version.minor}`, endpoints: version.manifest.endpoints });
  });
  return api;
}

/** An upload is JSON with base64 files: a bundle's bytes, a third more, and room for the manifest. */
export function publishBodyLimit(maxBundleBytes: number): number {
  return Math.ceil(maxBundleBytes * 1.4) + 1024 * 1024;
}
