/**
 * Ingests every WSDL of the state's ISZR set (../shared/contracts/iszr/, not part of the project) as
 * one bundle with the files around it, and reports what compiles and why the rest does not.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EgsbError,
  compileContract,
  compileSchemaFile,
  createBundle,
  loadSchemaCatalogue,
  EMPTY_CATALOGUE,
  type SchemaCatalogue,
} from '../contracts/index.ts';

const ROOT = new URL('../../shared/contracts/iszr/wsdl/', import.meta.url).pathname;
const present = existsSync(join(ROOT, 'egon/wsdl'));
if (!present) {
  if (process.env.EGSB_REQUIRE_ISZR === '1') throw new Error(`ISZR corpus test: ${ROOT} is absent (EGSB_REQUIRE_ISZR=1)`);
  console.warn(`ISZR corpus test skipped: ${ROOT} is absent`);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function manifestFor(wsdl: string): object {
  return {
    code: 'iszr',
    version: '1.0',
    source: 'ISZR',
    ais: 1,
    endpoints: [{ url: 'http://127.0.0.1:9/iszr' }],
    // Every service declares an item; the whole answer stands for it here.
    dataItems: [{ name: 'Odpoved', paths: ['/*'] }],
    contract: { wsdl },
  };
}

describe.runIf(present)('ISZR corpus', () => {
  // A skipped describe still runs its body to collect tests: read nothing when the corpus is absent.
  const files = present ? listFiles(ROOT) : [];
  const bundle = createBundle(
    files.map((f) => [relative(ROOT, f), readFileSync(f)] as const),
    { maxFiles: 5000, maxBytes: 64 * 1024 * 1024 },
  );
  const wsdls = files.filter((f) => f.startsWith(join(ROOT, 'egon/wsdl/')) && f.endsWith('.wsdl')).map((f) => relative(ROOT, f));

  function ingestAll(catalogue: SchemaCatalogue, label: string): number {
    let compiled = 0;
    const causes = new Map<string, number>();
    wsdls.forEach((wsdl, i) => {
      try {
        compileContract({ manifest: manifestFor(wsdl), bundle, catalogue }).dispose();
        compiled++;
      } catch (error) {
        if (!(error instanceof EgsbError)) throw error;
        expect(error.code).toBe('EGSB_CONTRACT_INVALID');
        const cause = error.message
          .replace(/^[^ ]*:\d+: |schema does not compile: /g, '')
          .replace(/\{[^}]*\}|'[^']*'/g, '…')
          .slice(0, 100);
        causes.set(cause, (causes.get(cause) ?? 0) + 1);
      }
      if ((i + 1) % 60 === 0) console.log(`${label}: ${i + 1}/${wsdls.length} ingested, ${compiled} compile`);
    });
    console.log(
      `${label}: ${compiled} of ${wsdls.length} WSDLs compile; causes of the rest:\n${[...causes]
        .sort((a, b) => b[1] - a[1])
        .map(([c, n]) => `  ${n} × ${c}`)
        .join('\n')}`,
    );
    return compiled;
  }

  it('finds the 361 WSDLs', () => {
    expect(wsdls.length).toBe(361);
  });

  it('compiles as many service schemas as xmllint (171 of 362) without a catalogue', () => {
    const xsds = readdirSync(join(ROOT, 'egon/xsd')).filter((n) => n.endsWith('.xsd'));
    let compiled = 0;
    for (const xsd of xsds) {
      try {
        compileSchemaFile(`egon/xsd/${xsd}`, bundle, EMPTY_CATALOGUE).validator.dispose();
        compiled++;
      } catch (error) {
        if (!(error instanceof EgsbError)) throw error;
      }
    }
    console.log(`service schemas: ${compiled} of ${xsds.length} compile as published`);
    expect(compiled).toBeGreaterThanOrEqual(171);
  }, 120_000);

  it('ingests every WSDL without a crash, reporting each refusal', () => {
    expect(ingestAll(EMPTY_CATALOGUE, 'no catalogue')).toBeGreaterThanOrEqual(160);
  }, 300_000);

  it('compiles more with a catalogue for the absolute GML and xlink URLs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egsb-catalogue-'));
    for (const f of listFiles(join(ROOT, 'common'))) {
      const target = join(dir, relative(join(ROOT, 'common'), f));
      (await import('node:fs')).mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, readFileSync(f));
    }
    writeFileSync(
      join(dir, 'catalogue.json'),
      JSON.stringify({
        schemas: {
          'http://schemas.opengis.net/gml/3.2.1/gml.xsd': 'gml/3.2.1/gml_local.xsd',
          'http://www.w3.org/1999/xlink.xsd': 'xlink/xlink_local.xsd',
          'http://www.w3.org/2001/xml.xsd': 'xlink/local/xml.xsd',
          'http://www.w3.org/2009/01/xml.xsd': 'xlink/local/xml.xsd',
        },
      }),
    );
    const catalogue = await loadSchemaCatalogue(join(dir, 'catalogue.json'));
    expect(ingestAll(catalogue, 'with catalogue')).toBeGreaterThan(171);
  }, 300_000);
});
