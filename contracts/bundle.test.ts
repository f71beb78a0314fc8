import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_CATALOGUE, createBundle, normaliseBundlePath, resolveReference } from './bundle.ts';
import { EgsbError } from './errors.ts';

const bytes = (s: string) => Buffer.from(s);
const bundle = createBundle([
  ['wsdl/a.wsdl', bytes('<a/>')],
  ['xsd/b.xsd', bytes('<b/>')],
]);
const from = { origin: 'bundle' as const, path: 'wsdl/a.wsdl' };

describe('bundle paths', () => {
  it('resolves a relative import inside the bundle', () => {
    expect(resolveReference(from, '../xsd/b.xsd', bundle, EMPTY_CATALOGUE)).toEqual({ origin: 'bundle', path: 'xsd/b.xsd' });
  });

  it.each([
    ['../../etc/passwd', /outside the bundle/],
    ['/etc/passwd', /relative/],
    ['http://example.org/x.xsd', /never fetches a URL/],
    ['file:///etc/passwd', /never fetches a URL/],
    ['..%2F..%2Fetc%2Fpasswd', /outside the bundle/],
    ['../xsd/missing.xsd', /not in the bundle/],
  ])('refuses the import %s', (reference, message) => {
    expect(() => resolveReference(from, reference, bundle, EMPTY_CATALOGUE)).toThrow(message);
  });

  it('resolves an absolute URL through the catalogue only', () => {
    const catalogue = {
      urls: new Map([['http://www.w3.org/1999/xlink.xsd', 'xlink/xlink.xsd']]),
      files: new Map([['xlink/xlink.xsd', bytes('<x/>')]]),
    };
    expect(resolveReference(from, 'http://www.w3.org/1999/xlink.xsd', bundle, catalogue)).toEqual({
      origin: 'catalogue',
      path: 'xlink/xlink.xsd',
    });
  });

  it.each(['../x.xsd', '/abs.xsd', 'C:/x.xsd', 'a\\b.xsd', 'a/\u0000.xsd', ''])('refuses the bundle path %j', (path) => {
    expect(() => normaliseBundlePath(path)).toThrow(EgsbError);
  });

  it('never lets any relative reference resolve outside its origin (property)', () => {
    const segment = fc.constantFrom('..', '.', 'xsd', 'wsdl', 'b.xsd', '%2e%2e', 'a');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), (parts) => {
        try {
          const target = resolveReference(from, parts.join('/'), bundle, EMPTY_CATALOGUE);
          return bundle.files.has(target.path) && !target.path.startsWith('..');
        } catch (error) {
          return error instanceof EgsbError && error.code === 'EGSB_CONTRACT_INVALID';
        }
      }),
    );
  });

  it('refuses a bundle over its size limit', () => {
    expect(() => createBundle([['a.xsd', new Uint8Array(2048)]], { maxFiles: 10, maxBytes: 1024 })).toThrow(/at most 1024 bytes/);
  });
});
