/**
 * The OpenAPI documents cannot drift from the bus: every route the app serves is in /openapi.json and
 * every documented operation is served; both documents (the bus's and a JSON service's) pass the
 * Redocly linter with no error and swagger-parser's validation, and a TypeScript client generated from
 * them by openapi-typescript compiles under strict settings.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedRoutes } from '../bus/http/openapi.ts';
import { READER_KEY, startHarness, type Harness } from './call-harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'egsb-openapi-'));
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Hono's route patterns in OpenAPI's spelling. */
function openApiPath(path: string): string {
  return path
    .replace(/:code\/:version\{[^}]*\}/, '{service}/v{major}')
    .replace(/:service\/v:major/, '{service}/v{major}')
    .replace(/:([A-Za-z]+)/g, '{$1}');
}

function lint(file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', '--format=stylish', file],
      { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    ),
  );
}

async function generatedClientCompiles(document: object, name: string): Promise<readonly string[]> {
  const types = astToString(await openapiTS(document as never));
  const typesFile = join(dir, `${name}.d.ts`);
  writeFileSync(typesFile, types);
  const client = join(dir, `${name}-client.ts`);
  writeFileSync(
    client,
    `import type { paths } from './${name}.js';\n` +
      `type Ops = { [P in keyof paths]: paths[P] };\n` +
      `export const routes: (keyof Ops)[] = ${JSON.stringify(Object.keys((document as { paths: object }).paths))};\n`,
  );
  const program = ts.createProgram([client], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: false,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the OpenAPI document of the bus', () => {
  it('names every route the bus serves, and serves every route it names, each with an operationId', async () => {
    // The portal's HTML pages (/portal) are not part of the API the document describes.
    const served = new Set(
      h.bus.app.routes.filter((r) => r.method !== 'ALL' && !r.path.startsWith('/portal')).map((r) => `${r.method} ${openApiPath(r.path)}`),
    );
    const documented = new Set(documentedRoutes());
    expect([...served].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.has(r))).toEqual([]);
    const document = (await (await h.bus.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const ids = Object.values(document.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('passes the linter and the validator, and a client generated from it compiles', async () => {
    const document = (await (await h.bus.app.request('/openapi.json')).json()) as object;
    const file = join(dir, 'bus.json');
    writeFileSync(file, JSON.stringify(document));
    const linted = await lint(file);
    expect(linted.output).not.toMatch(/[1-9][0-9]* errors?/);
    expect(linted.code, linted.output).toBe(0);
    await SwaggerParser.validate(structuredClone(document) as never);
    expect(await generatedClientCompiles(document, 'bus')).toEqual([]);
  }, 120_000);
});

describe("a JSON service's OpenAPI document", () => {
  it('bundles its schemas, declares the context headers, and passes the same checks', async () => {
    const res = await h.bus.app.request('/rest/demo-persons/v1/openapi.json', { headers: { authorization: `Bearer ${READER_KEY}` } });
    expect(res.status).toBe(200);
    const document = (await res.json()) as {
      paths: Record<string, { post: { parameters: { name: string; required: boolean }[]; requestBody: unknown } }>;
      components: { schemas: Record<string, unknown> };
    };
    const call = document.paths['/rest/demo-persons/v1/ctiOsobu']?.post;
    expect(call?.parameters.filter((p) => p.required).map((p) => p.name)).toEqual([
      'X-Egsb-Ovm',
      'X-Egsb-Agenda',
      'X-Egsb-Role',
      'audit-user-id',
    ]);
    // The item list is mapped into the body by this service, so its header is optional.
    expect(call?.parameters.find((p) => p.name === 'X-Egsb-Data-Items')?.required).toBe(false);
    expect(JSON.stringify(document)).not.toMatch(/"\$ref":"(?!#\/components\/)/);
    expect(Object.keys(document.components.schemas)).toContain('schemas_common.json');
    const file = join(dir, 'service.json');
    writeFileSync(file, JSON.stringify(document));
    const linted = await lint(file);
    expect(linted.code, linted.output).toBe(0);
    await SwaggerParser.validate(structuredClone(document) as never);
    expect(await generatedClientCompiles(document, 'service')).toEqual([]);
    expect((await h.bus.app.request('/rest/demo-persons/v9/openapi.json')).status).toBe(404);
    expect((await h.bus.app.request('/rest/demo-persons-soap/v1/openapi.json')).status).toBe(404);
  }, 120_000);
});
