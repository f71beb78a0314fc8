/**
 * What the ISZR wire tests share: the state's reference set (../shared/contracts/iszr/, not part of
 * the project; tests are skipped with a message where it is absent, and fail with EGSB_REQUIRE_ISZR=1),
 * its WSDLs compiled to validate answers with libxml2, and request parts as an ISZR client writes them.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from 'soap';
import { EMPTY_CATALOGUE, compileContract, createBundle, parseEnvelope, type CompiledContract } from '../contracts/index.ts';

export const ISZR_ROOT = fileURLToPath(new URL('../../shared/contracts/iszr/wsdl/', import.meta.url));
export const ISZR_PRESENT = existsSync(join(ISZR_ROOT, 'egon/wsdl/IszrRobCtiAifo.wsdl'));
if (!ISZR_PRESENT) {
  const message = `ISZR wire tests skipped: the reference set ${ISZR_ROOT} is absent`;
  if (process.env.EGSB_REQUIRE_ISZR === '1') throw new Error(`${message} (EGSB_REQUIRE_ISZR=1)`);
  console.warn(message);
}

export const stateWsdl = (service: string): string => join(ISZR_ROOT, `egon/wsdl/${service}.wsdl`);

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** The state's contracts of these services, compiled; dispose them when done. */
export function stateContracts(services: readonly string[]): Map<string, CompiledContract> {
  const files = listFiles(ISZR_ROOT).filter((f) => /\.(xsd|wsdl)$/.test(f));
  const bundle = createBundle(
    files.map((f) => [relative(ISZR_ROOT, f), readFileSync(f)] as const),
    { maxFiles: 5000, maxBytes: 64 * 1024 * 1024 },
  );
  const compiled = new Map<string, CompiledContract>();
  for (const service of services) {
    const manifest = {
      code: service,
      version: '1.0',
      source: 'ISZR',
      ais: 1,
      endpoints: [{ url: 'http://127.0.0.1:9/iszr' }],
      dataItems: [{ name: 'Odpoved', paths: ['/*'] }],
      contract: { wsdl: `egon/wsdl/${service}.wsdl` },
    };
    compiled.set(service, compileContract({ manifest, bundle, catalogue: EMPTY_CATALOGUE }));
  }
  return compiled;
}

/** The errors libxml2 finds in an answer's payload against the state's schema of the service. */
export function stateErrors(contracts: ReadonlyMap<string, CompiledContract>, service: string, xml: string): string[] {
  const contract = contracts.get(service);
  if (contract === undefined) return [`no state contract of ${service} loaded`];
  const envelope = parseEnvelope(Buffer.from(xml));
  try {
    return contract.soap?.validate(envelope.payload).map((e) => e.message) ?? ['no SOAP contract'];
  } finally {
    envelope.dispose();
  }
}

/**
 * The AIFO map's entries. node-soap (to 1.13 at least) writes the elements of MapaAifoType's choice in
 * the map's namespace instead of RegTypy's, so a client passes them as raw XML (node-soap's `$xml`).
 */
export function prevodAifo(entries: [number, string][]): Record<string, string> {
  const reg = 'urn:cz:isvs:reg:schemas:RegTypy:v1';
  return {
    $xml: entries
      .map(
        ([local, global]) =>
          `<reg:PrevodAifo xmlns:reg="${reg}"><reg:LokalniAifo>${local}</reg:LokalniAifo><reg:GlobalniAifo>${global}</reg:GlobalniAifo></reg:PrevodAifo>`,
      )
      .join(''),
  };
}

/** ZadostInfo in the schema's order (node-soap 1.11 writes keys as given); `extra` fills or overrides fields. */
export function zadostInfo(agenda: string, role: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    CasZadosti: new Date().toISOString(),
    Agenda: agenda,
    AgendovaRole: role,
    Ovm: '00064581',
    Ais: 900002,
    Subjekt: undefined,
    Uzivatel: 'referent.novak',
    DuvodUcel: undefined,
    AgendaZadostId: randomUUID(),
    ...extra,
  };
  const order = ['CasZadosti', 'Agenda', 'AgendovaRole', 'Ovm', 'Ais', 'Subjekt', 'Uzivatel', 'DuvodUcel', 'AgendaZadostId'];
  return Object.fromEntries(order.filter((k) => fields[k] !== undefined).map((k) => [k, fields[k]]));
}

/**
 * An answer as node-soap reads it: each element under its name (a repeated one as an array), text
 * as a string, an element with attributes as `{ attributes, $value }`. Tests read it through `at`,
 * `textAt` and `listAt`; a path the answer lacks reads as undefined.
 */
export type SoapAnswer = { readonly [name: string]: unknown };

/** The value at a path of element names, or undefined where the answer has none. */
export function at(value: unknown, ...path: string[]): unknown {
  let here = value;
  for (const name of path) {
    if (here === null || typeof here !== 'object' || Array.isArray(here)) return undefined;
    here = (here as SoapAnswer)[name];
  }
  return here;
}

/** The text at a path, whether the element came bare or with attributes (`$value`). */
export function textAt(value: unknown, ...path: string[]): string | undefined {
  const found = at(value, ...path);
  if (typeof found === 'string' || typeof found === 'number') return String(found);
  const inner = at(found, '$value');
  return typeof inner === 'string' || typeof inner === 'number' ? String(inner) : undefined;
}

/** The elements at a path as a list: none, one, or the repeated ones. */
export function listAt(value: unknown, ...path: string[]): unknown[] {
  const found = at(value, ...path);
  return found === undefined ? [] : Array.isArray(found) ? found : [found];
}

/** Calls an operation of a client generated from a WSDL: its answer as read and the raw XML. */
export async function callOperation(client: Client, operation: string, args: object): Promise<{ answer: SoapAnswer; raw: string }> {
  const method = client[`${operation}Async`] as ((args: object) => Promise<[SoapAnswer, string]>) | undefined;
  if (method === undefined) throw new Error(`the client has no operation ${operation}`);
  const [answer, raw] = await method.call(client, args);
  return { answer, raw };
}
