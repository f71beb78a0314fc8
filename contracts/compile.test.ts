import { readFileSync, readdirSync, statSync } from 'node:fs';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_CATALOGUE, createBundle } from './bundle.ts';
import { compileContract } from './compile.ts';
import { EgsbError } from './errors.ts';
import { withoutValues } from './xsd-compiler.ts';

const BUNDLES = new URL('../test/fixtures/bundles/', import.meta.url).pathname;

function readDir(dir: string): { manifest: Record<string, unknown>; files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  const manifest = JSON.parse(Buffer.from(files.get('manifest.json') ?? '').toString()) as Record<string, unknown>;
  files.delete('manifest.json');
  return { manifest, files };
}

function compile(manifest: unknown, files: Map<string, Uint8Array>) {
  return compileContract({ manifest, bundle: createBundle(files), catalogue: EMPTY_CATALOGUE });
}

function refusal(work: () => unknown): EgsbError {
  try {
    work();
  } catch (error) {
    if (error instanceof EgsbError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const soap = readDir(join(BUNDLES, 'persons-soap'));
const json = readDir(join(BUNDLES, 'persons-json'));

describe('compiling contracts', () => {
  it('compiles a WSDL with its XSD imports and includes, and reads its operations', () => {
    const compiled = compile(soap.manifest, soap.files);
    expect(compiled.model.protocol).toBe('soap');
    expect(compiled.model.soapVersions).toEqual(['1.1', '1.2']);
    expect(compiled.model.operations).toEqual([
      {
        name: 'CtiOsobu',
        soapActions: { '1.1': 'urn:egsb:demo:persons:CtiOsobu', '1.2': 'urn:egsb:demo:persons:CtiOsobu' },
        input: { namespace: 'urn:egsb:demo:persons:v1', name: 'CtiOsobu' },
        output: { namespace: 'urn:egsb:demo:persons:v1', name: 'CtiOsobuResponse' },
      },
    ]);
    expect([...compiled.files.keys()].sort()).toEqual(['wsdl/persons.wsdl', 'xsd/persons.xsd', 'xsd/types.xsd']);
    compiled.dispose();
  });

  it('compiles JSON Schemas with $ref across files and validates with them', () => {
    const compiled = compile(json.manifest, json.files);
    const op = compiled.json?.operations.get('ctiOsobu');
    expect(op?.validateRequest({ aifo: 'AAAAAAAAAAAAAAAAAAAAAA==' })).toEqual([]);
    expect(op?.validateRequest({ aifo: 'short' })[0]).toMatchObject({ location: '/aifo', rule: 'pattern' });
    expect(op?.validateRequest({ aifo: 'AAAAAAAAAAAAAAAAAAAAAA==', extra: 1 })[0]?.rule).toBe('additionalProperties');
  });

  it('gives the same digest for the same bundle and another for a changed one', () => {
    const a = compile(soap.manifest, soap.files);
    const b = compile(soap.manifest, soap.files);
    const changed = new Map(soap.files).set(
      'xsd/types.xsd',
      Buffer.from(
        Buffer.from(soap.files.get('xsd/types.xsd') ?? '')
          .toString()
          .replace('ZadostInfoType', 'ZadostInfoType '),
      ),
    );
    expect(a.digest).toBe(b.digest);
    expect(refusal(() => compile(soap.manifest, changed)).code).toBe('EGSB_CONTRACT_INVALID');
    [a, b].forEach((c) => c.dispose());
  });

  it('refuses an XSD that imports a remote URL, naming file and line', () => {
    const files = new Map(soap.files).set(
      'xsd/persons.xsd',
      Buffer.from(
        Buffer.from(soap.files.get('xsd/persons.xsd') ?? '')
          .toString()
          .replace('types.xsd', 'http://evil.example/types.xsd'),
      ),
    );
    const error = refusal(() => compile(soap.manifest, files));
    expect(error.code).toBe('EGSB_CONTRACT_INVALID');
    expect(error.message).toMatch(/^xsd\/persons\.xsd:4: imports http:\/\/evil\.example\/types\.xsd; the bus never fetches a URL/);
    expect(error.errors[0]).toMatchObject({ file: 'xsd/persons.xsd', line: 4 });
  });

  it('refuses a WSDL import of ../../etc/passwd', () => {
    const files = new Map(soap.files).set(
      'wsdl/persons.wsdl',
      Buffer.from(
        Buffer.from(soap.files.get('wsdl/persons.wsdl') ?? '')
          .toString()
          .replace('../xsd/persons.xsd', '../../etc/passwd'),
      ),
    );
    expect(refusal(() => compile(soap.manifest, files)).message).toMatch(/wsdl\/persons\.wsdl.*leads outside the bundle/);
  });

  it('refuses an XSD with a DOCTYPE and entity expansion (billion laughs) before parsing it', () => {
    const laughs =
      '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">&lol2;</xs:schema>';
    const files = new Map(soap.files).set('xsd/types.xsd', Buffer.from(laughs));
    const error = refusal(() => compile(soap.manifest, files));
    expect(error.message).toBe('xsd/types.xsd:2: holds a document type declaration (<!DOCTYPE or <!ENTITY), which is refused');
  });

  it('refuses an XSD that is not well-formed, with its line', () => {
    const files = new Map(soap.files).set(
      'xsd/types.xsd',
      Buffer.from('<?xml version="1.0"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n<xs:element name="a">\n</xs:schema>'),
    );
    expect(refusal(() => compile(soap.manifest, files)).message).toMatch(/^xsd\/types\.xsd:4: not well-formed XML/);
  });

  it('refuses a schema that uses an undefined type, naming the file', () => {
    const files = new Map(soap.files).set(
      'xsd/types.xsd',
      Buffer.from(
        Buffer.from(soap.files.get('xsd/types.xsd') ?? '')
          .toString()
          .replace('base="xs:string"', 'base="xs:nosuchtype"'),
      ),
    );
    const error = refusal(() => compile(soap.manifest, files));
    expect(error.message).toMatch(/^schema does not compile: xsd\/types\.xsd:\d+: .*nosuchtype/);
  });

  it('refuses a manifest with an unknown field, a bad version, or a timeout over 120 s', () => {
    expect(refusal(() => compile({ ...soap.manifest, colour: 'blue' }, soap.files)).errors).toContainEqual({
      location: 'manifest',
      rule: 'additionalProperties',
      message: 'unknown field colour',
    });
    expect(refusal(() => compile({ ...soap.manifest, version: '1' }, soap.files)).errors[0]?.location).toBe('manifest/version');
    expect(refusal(() => compile({ ...soap.manifest, timeoutMs: 121_000 }, soap.files)).errors[0]?.location).toBe('manifest/timeoutMs');
  });

  it('refuses data item paths with undeclared prefixes, and a JSON path that is not a pointer', () => {
    const badSoap = { ...soap.manifest, dataItems: [{ name: 'Jmeno', paths: ['/q:Osoba/q:Jmeno'] }] };
    expect(refusal(() => compile(badSoap, soap.files)).message).toMatch(/prefix q is not declared/);
    const badJson = { ...json.manifest, dataItems: [{ name: 'Jmeno', paths: ['osoba.jmeno'] }] };
    expect(refusal(() => compile(badJson, json.files)).message).toMatch(/not a JSON Pointer/);
  });

  it('refuses a JSON Schema $ref that leaves the bundle', () => {
    const files = new Map(json.files).set('schemas/cti-osobu-request.json', Buffer.from('{"$ref": "../../../etc/passwd"}'));
    expect(refusal(() => compile(json.manifest, files)).message).toMatch(/leads outside the bundle/);
  });
});

describe('validation messages', () => {
  it('name elements, attributes, facets and types, never the values a message carries', () => {
    const cases = [
      "Element '{urn:x}RodneCislo': [facet 'pattern'] The value '8001011234' is not accepted by the pattern '[0-9]{9}'.",
      "Element '{urn:x}Vek': '42x' is not a valid value of the atomic type 'xs:int'.",
      "Element 'Jmeno', attribute 'stav': The value 'Alice' is not valid.",
      "Element '{urn:x}Psc': [facet 'maxLength'] The value '390011' has a length of '6'; this exceeds the allowed maximum length of '5'.",
    ];
    for (const message of cases) {
      const clean = withoutValues(message);
      for (const secret of ['8001011234', '42x', 'Alice', '390011']) expect(clean).not.toContain(secret);
      expect(clean).toMatch(/Element '/);
    }
    expect(withoutValues(cases[1] as string)).toContain("type 'xs:int'");
  });
});

/** A one-operation JSON contract whose request schema is `request`. */
function oneOperation(request: string): { manifest: object; bundle: ReturnType<typeof createBundle> } {
  return {
    manifest: {
      code: 'one-operation',
      version: '1.0',
      ais: 1,
      source: 'XX',
      endpoints: [{ url: 'http://127.0.0.1:9/x' }],
      dataItems: [{ name: 'Jmeno', paths: ['/name'] }],
      contract: { operations: { op: { request: 'request.json', response: 'response.json' } } },
    },
    bundle: createBundle([
      ['request.json', Buffer.from(request)],
      ['response.json', Buffer.from('{"type":"object"}')],
    ]),
  };
}

describe('patterns in JSON Schemas', () => {
  const withPattern = (pattern: string) =>
    oneOperation(JSON.stringify({ type: 'object', properties: { name: { type: 'string', pattern } } }));

  it('run in linear time: a pattern that backtracks catastrophically answers a long input at once', () => {
    const compiled = compileContract({ ...withPattern('^(a+)+$'), catalogue: EMPTY_CATALOGUE });
    const validate = compiled.json?.operations.get('op');
    const started = performance.now();
    const errors = validate?.validateRequest({ name: `${'a'.repeat(10_000)}!` }) ?? [];
    const ms = performance.now() - started;
    expect(errors.map((e) => e.rule)).toEqual(['pattern']);
    expect(validate?.validateRequest({ name: 'a'.repeat(10_000) })).toEqual([]);
    // Far from a timing target: a backtracking engine takes longer than the universe has.
    expect(ms).toBeLessThan(2000);
    compiled.dispose();
  });

  it('refuse at publish a pattern that needs backtracking, naming it', () => {
    let error: unknown;
    try {
      compileContract({ ...withPattern('^(a)\\1$'), catalogue: EMPTY_CATALOGUE });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EgsbError);
    expect((error as EgsbError).code).toBe('EGSB_CONTRACT_INVALID');
    expect((error as EgsbError).message).toContain('linear time');
  });
});

describe('patterns in XSDs', () => {
  it("run on libxml2's automata in linear time: a pattern that would backtrack answers a long value at once", () => {
    const xsd = XmlDocument.fromString(
      '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="n"><xs:simpleType>' +
        '<xs:restriction base="xs:string"><xs:pattern value="(a+)+"/></xs:restriction></xs:simpleType></xs:element></xs:schema>',
    );
    const validator = XsdValidator.fromDoc(xsd);
    for (const [value, valid] of [
      [`${'a'.repeat(100_000)}!`, false],
      ['a'.repeat(100_000), true],
    ] as const) {
      const doc = XmlDocument.fromString(`<n>${value}</n>`);
      const started = performance.now();
      let ok = true;
      try {
        validator.validate(doc);
      } catch {
        ok = false;
      }
      expect(ok).toBe(valid);
      expect(performance.now() - started).toBeLessThan(2000);
      doc.dispose();
    }
    validator.dispose();
    xsd.dispose();
  });
});

describe('schema files', () => {
  it('nested deeper than a schema needs are refused at publish with the file named, not a crash', () => {
    const depth = 5000;
    const nested = `${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"string"}${'}}'.repeat(depth)}`;
    let error: unknown;
    try {
      compileContract({ ...oneOperation(nested), catalogue: EMPTY_CATALOGUE });
    } catch (caught) {
      error = caught;
    }
    expect((error as EgsbError).code).toBe('EGSB_CONTRACT_INVALID');
    expect((error as EgsbError).message).toContain('request.json');
    expect((error as EgsbError).message).toContain('nesting depth');
  });
});
