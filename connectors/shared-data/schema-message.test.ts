import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compileContract,
  createBundle,
  EMPTY_CATALOGUE,
  parseEnvelope,
  readBundleDir,
  bundleOf,
  type CompiledContract,
} from '../../contracts/index.ts';
import { loadSchemas, writeElement, type SchemaSet } from './schema-message.ts';

// The ISZR-shaped contracts of the mocks: five namespaces, extension across them, attributes.
const DIR = fileURLToPath(new URL('../../mocks/iszr/bundle/', import.meta.url));
const E03 = { namespace: 'urn:cz:isvs:iszr:schemas:IszrRobCtiAifo:v1', name: 'RobCtiAifo' };
const envelope = (body: string): string =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${body}</s:Body></s:Envelope>`;

let set: SchemaSet;
let contract: CompiledContract;
beforeAll(async () => {
  set = await loadSchemas(
    ['wsdl/IszrRobCtiAifo.wsdl'],
    (location) => readFile(`${DIR}${location}`, 'utf8'),
    (location, from) => new URL(location, `file:///${from}`).pathname.slice(1),
  );
  const upload = await readBundleDir(DIR, 'IszrRobCtiAifo.manifest.json');
  contract = compileContract({ manifest: upload.manifest, bundle: bundleOf(upload), catalogue: EMPTY_CATALOGUE });
});

function errors(xml: string): string[] {
  const e = parseEnvelope(Buffer.from(envelope(xml)));
  try {
    return contract.soap?.validate(e.payload).map((x) => x.message) ?? ['no contract'];
  } finally {
    e.dispose();
  }
}

const request = {
  // Keys in any order: the schema decides the order (the base type's parts first).
  Zadost: { RobCtiAifoData: { VyuzitiPoskytnuti: 'vyuziti', Aifo: 1, '@znepristupniLog': false } },
  MapaAifo: { PrevodAifo: [{ GlobalniAifo: 'FSty4UZiRwOvR/mKXFprCmY=', LokalniAifo: { $value: 1, '@stavOvereniAifo': true } }] },
  AutorizaceInfo: { SeznamUdaju: 'Jmeno Prijmeni' },
  ZadostInfo: {
    AgendaZadostId: '3f0c6a52-1d2e-4b7a-9c41-6f3e2b8d9a10',
    Ovm: '00064581',
    AgendovaRole: 'CR1001',
    Agenda: 'A121',
    CasZadosti: new Date('2026-12-01T10:00:00Z'),
  },
};

describe('schema-driven request bodies', () => {
  it('writes each element in its declaration namespace, in schema order, with attributes, and the result validates', () => {
    const xml = writeElement(set, E03, request);
    expect(errors(xml)).toEqual([]);
    expect(xml).toMatch(/^<ns0:RobCtiAifo /);
    expect(xml.indexOf('ZadostInfo')).toBeLessThan(xml.indexOf('AutorizaceInfo'));
    expect(xml.indexOf('AutorizaceInfo')).toBeLessThan(xml.indexOf('MapaAifo'));
    expect(xml.indexOf('CasZadosti')).toBeLessThan(xml.indexOf('AgendaZadostId'));
    expect(xml).toMatch(/<ns\d:LokalniAifo stavOvereniAifo="true">1<\/ns\d:LokalniAifo>/);
    expect(xml).toMatch(/<ns\d:RobCtiAifoData znepristupniLog="false">/);
    expect(xml).toContain('xmlns:ns1="urn:cz:isvs:iszr:schemas:IszrAbstract:v1"');
    expect(xml).toContain('<ns2:CasZadosti>2026-12-01T10:00:00.000Z</ns2:CasZadosti>');
  });

  it('refuses what the schema does not allow, naming what it does', () => {
    expect(() => writeElement(set, E03, { ...request, Zadostt: {} })).toThrow(
      /"Zadostt" is not an element here; the schema allows ZadostInfo, AutorizaceInfo, MapaAifo, Zadost/,
    );
    expect(() => writeElement(set, E03, { ...request, ZadostInfo: { ...request.ZadostInfo, '@x': 1 } })).toThrow(
      /no attribute x; it has none/,
    );
    expect(() => writeElement(set, E03, { ...request, AutorizaceInfo: { SeznamUdaju: { Jmeno: 'x' } } })).toThrow(
      /text content goes in \$value/,
    );
    expect(() => writeElement(set, { namespace: 'urn:x', name: 'Y' }, {})).toThrow(/declare no element/);
  });

  it('escapes text and attribute values, and puts $xml in place as given', () => {
    const xml = writeElement(set, E03, { ...request, AutorizaceInfo: { SeznamUdaju: 'Jmeno <&> "x"' } });
    expect(xml).toContain('Jmeno &lt;&amp;&gt; &quot;x&quot;');
    const raw = writeElement(set, E03, {
      ...request,
      MapaAifo: { $xml: '<r:PrevodAifo xmlns:r="urn:cz:isvs:reg:schemas:RegTypy:v1"><r:LokalniAifo>1</r:LokalniAifo></r:PrevodAifo>' },
    });
    expect(errors(raw)).toEqual([]);
  });
});
